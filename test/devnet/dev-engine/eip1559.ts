/**
 * L2 base fee and the fee parameters in `extraData` (PROTOCOL.md §2.12; specs `holocene/exec-engine.md`,
 * `jovian/exec-engine.md`; op-geth `consensus/misc/eip1559`).
 *
 * ```text
 * pre-Holocene  extraData = ""                                                   params: chain_op_config
 * Holocene      extraData = 0x00 ++ denominator u32 ++ elasticity u32           (9 bytes)
 * Jovian        extraData = 0x01 ++ denominator u32 ++ elasticity u32 ++ minBaseFee u64  (17 bytes)
 * ```
 * The builder writes the attributes' `eip1559Params`, with `(0, 0)` replaced by the chain's Canyon constants. The
 * base fee of block N uses the parameters in the *parent's* extraData once Holocene is active at the parent, the
 * chain constants before (Canyon denominator by the child's time); from Jovian the parent's gas used for the update
 * is `max(gasUsed, blobGasUsed)` and the result is clamped to the parent's `minBaseFee`.
 */
import { bytesToBigint, concatBytes, uintToBytes } from '../../../shared/bytes.ts'
import type { ExecutionPayload } from '../../../shared/codec/ssz-payload.ts'
import { isActive } from '../../../shared/config/forks.ts'
import type { RollupConfig } from '../../../shared/config/rollup-config.ts'

/** geth `params.InitialBaseFee`: base fee of the genesis block. */
export const INITIAL_BASE_FEE = 1_000_000_000n

export type FeeParams = { denominator: bigint; elasticity: bigint; minBaseFee: bigint }

type Config = Pick<RollupConfig, 'forks' | 'chainOpConfig'>

/** The chain's own EIP-1559 constants at `timestamp` (Canyon changes the denominator). */
export function chainFeeParams(config: Config, timestamp: number): FeeParams {
  const c = config.chainOpConfig
  const denominator = isActive(config, 'canyon', timestamp) ? c.eip1559DenominatorCanyon : c.eip1559Denominator
  return { denominator: BigInt(denominator), elasticity: BigInt(c.eip1559Elasticity), minBaseFee: 0n }
}

/** Why 8-byte `eip1559Params` are unacceptable (op-geth `ValidateHolocene1559Params`), or undefined. */
export function checkEip1559Params(params: Uint8Array): string | undefined {
  if (params.length !== 8) return `eip1559Params must be 8 bytes, got ${params.length}`
  const d = bytesToBigint(params.subarray(0, 4))
  const e = bytesToBigint(params.subarray(4, 8))
  // geth: "0 denominator unless elasticity is also 0". We also refuse (d > 0, 0): the next block's gas target would
  // divide by zero.
  if ((d === 0n) !== (e === 0n)) return `eip1559Params (${d}, ${e}): both must be zero or both non-zero`
  return undefined
}

/** The extraData a block built at `timestamp` from these attributes carries. */
export function encodeExtraData(
  config: Config,
  timestamp: number,
  eip1559Params: Uint8Array | undefined,
  minBaseFee: bigint | undefined,
): Uint8Array {
  if (!isActive(config, 'holocene', timestamp)) return new Uint8Array(0)
  if (eip1559Params === undefined) throw new TypeError('Holocene block without eip1559Params')
  let denominator = bytesToBigint(eip1559Params.subarray(0, 4))
  let elasticity = bytesToBigint(eip1559Params.subarray(4, 8))
  if (denominator === 0n && elasticity === 0n) ({ denominator, elasticity } = chainFeeParams(config, timestamp))
  const params = concatBytes(uintToBytes(denominator, 4), uintToBytes(elasticity, 4))
  if (!isActive(config, 'jovian', timestamp)) return concatBytes(Uint8Array.of(0), params)
  return concatBytes(Uint8Array.of(1), params, uintToBytes(minBaseFee ?? 0n, 8))
}

/** Fee parameters read back from a block's extraData, or a reason it is malformed for its fork. */
export function decodeExtraData(config: Config, timestamp: number, extra: Uint8Array): FeeParams | string {
  if (!isActive(config, 'holocene', timestamp)) {
    return extra.length === 0 ? chainFeeParams(config, timestamp) : 'extraData must be empty before Holocene'
  }
  const jovian = isActive(config, 'jovian', timestamp)
  const [version, size] = jovian ? [1, 17] : [0, 9]
  if (extra.length !== size || extra[0] !== version) {
    return `extraData must be ${size} bytes with version ${version}, got ${extra.length} bytes`
  }
  const bad = checkEip1559Params(extra.subarray(1, 9))
  if (bad !== undefined) return bad
  const denominator = bytesToBigint(extra.subarray(1, 5))
  const elasticity = bytesToBigint(extra.subarray(5, 9))
  const minBaseFee = jovian ? bytesToBigint(extra.subarray(9, 17)) : 0n
  // (0, 0) in a header means "chain constants" (op-reth `decode_holocene_base_fee`); our builder never writes it.
  if (denominator === 0n) return { ...chainFeeParams(config, timestamp), minBaseFee }
  return { denominator, elasticity, minBaseFee }
}

/** EIP-1559 base fee of the child of `parent` at `timestamp`. */
export function nextBaseFee(config: Config, parent: ExecutionPayload, timestamp: number): bigint {
  let params = chainFeeParams(config, timestamp)
  if (isActive(config, 'holocene', parent.timestamp)) {
    const decoded = decodeExtraData(config, parent.timestamp, parent.extraData)
    if (typeof decoded === 'string') throw new TypeError(`parent ${parent.blockNumber}: ${decoded}`)
    params = decoded
  }
  const jovian = isActive(config, 'jovian', parent.timestamp)
  const used = jovian && (parent.blobGasUsed ?? 0n) > parent.gasUsed ? (parent.blobGasUsed ?? 0n) : parent.gasUsed
  const target = parent.gasLimit / params.elasticity
  const parentFee = parent.baseFeePerGas
  let fee: bigint
  if (used === target) {
    fee = parentFee
  } else if (used > target) {
    const delta = (parentFee * (used - target)) / target / params.denominator
    fee = parentFee + (delta > 1n ? delta : 1n)
  } else {
    const delta = (parentFee * (target - used)) / target / params.denominator
    fee = parentFee > delta ? parentFee - delta : 0n
  }
  return jovian && fee < params.minBaseFee ? params.minBaseFee : fee
}
