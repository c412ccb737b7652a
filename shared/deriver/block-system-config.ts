/**
 * The SystemConfig an L2 block implies (PROTOCOL.md §2.11.3, §10): what op-node `PayloadToSystemConfig`
 * (`op-node/rollup/derive/payload_util.go`) reconstructs from a block, and the same value computed from the attributes
 * op-edge built, so the deriver (which never sees the block) tracks exactly the config op-node would read back.
 *
 * ```text
 * batcher, overhead, scalar   L1-info tx (tx 0); from Ecotone (not its activation block) the scalar is re-encoded
 *                             as version 1 from baseFeeScalar/blobBaseFeeScalar and the overhead is zero
 * gasLimit                    header gasLimit, minus the Karst upgrade gas when the block is the Karst activation
 *                             block and keep_karst_upgrade_gas is false (op-node `StripsKarstUpgradeGas`)
 * eip1559Params               header extraData (Holocene v0, 9 bytes; Jovian v1, 17 bytes); zero before Holocene
 * operatorFeeParams           L1-info (Isthmus+; zero in the Ecotone-format activation block)
 * minBaseFee                  extraData (Jovian+)
 * daFootprintGasScalar        L1-info (Jovian format only: 0 is sent as 400)
 * ```
 */
import { bytesToBigint, concatBytes, fromHex, type Hex, toHex, uintToBytes } from '../bytes.ts'
import { isActivationBlock, isActive, l1InfoFormat } from '../config/forks.ts'
import type { RollupConfig, SystemConfig } from '../config/rollup-config.ts'
import { DecodeError } from '../errors.ts'
import { decodeDepositTx, type DepositTxErrorCode } from '../protocol/deposit-tx.ts'
import {
  decodeOperatorFeeParams,
  ecotoneScalars,
  encodeEcotoneScalar,
  encodeOperatorFeeParams,
  type FeeParamsErrorCode,
} from '../protocol/fee-params.ts'
import { DA_FOOTPRINT_GAS_SCALAR_DEFAULT, decodeL1InfoCalldata, type L1InfoErrorCode } from '../protocol/l1-info.ts'
import { karstUpgradeGas } from '../protocol/upgrade-txs/index.ts'
import type { L2BlockRef, PayloadAttributes } from './types.ts'

export type BlockSystemConfigConfig = Pick<
  RollupConfig,
  'forks' | 'blockTime' | 'genesis' | 'keepKarstUpgradeGas' | 'chainOpConfig'
>

/** The header fields and transactions reconstruction reads. */
export type L2BlockFields = {
  number: number
  hash: Hex
  parentHash: Hex
  timestamp: number
  gasLimit: bigint
  extraData: Uint8Array | Hex
  /** At least tx 0 (the L1-info deposit); genesis needs none. */
  transactions: readonly (Uint8Array | Hex)[]
}

export type BlockSystemConfigErrorCode =
  | 'genesis-hash-mismatch'
  | 'missing-l1-info-tx'
  | 'malformed-hex'
  | 'bad-extra-data'
  | 'missing-eip1559-params'
  | 'missing-min-base-fee'
  | 'karst-gas-underflow'
  | DepositTxErrorCode
  | L1InfoErrorCode
  | FeeParamsErrorCode

export type BlockSystemConfig = { ref: L2BlockRef; systemConfig: SystemConfig }

const ZERO_WORD = new Uint8Array(32)

function fail(code: BlockSystemConfigErrorCode, message: string): never {
  throw new DecodeError(code, message)
}

function bytesOf(value: Uint8Array | Hex, what: string): Uint8Array {
  if (typeof value !== 'string') return value
  try {
    return fromHex(value)
  } catch {
    return fail('malformed-hex', `${what} is not 0x hex`)
  }
}

/** Runs `fn`, returning the DecodeError it throws instead of throwing. */
function catching<T>(fn: () => T): T | DecodeError<BlockSystemConfigErrorCode> {
  try {
    return fn()
  } catch (e) {
    if (e instanceof DecodeError) return e as DecodeError<BlockSystemConfigErrorCode>
    throw e
  }
}

/**
 * op-node `StripsKarstUpgradeGas`: the config read back from the Karst activation block loses the one-time upgrade
 * gas unless the chain keeps it. It runs before the next epoch's updates, so a `setGasLimit` there still wins.
 */
function stripKarstGas(config: BlockSystemConfigConfig, timestamp: number, gasLimit: bigint): bigint {
  if (config.keepKarstUpgradeGas || !isActivationBlock(config, 'karst', timestamp)) return gasLimit
  if (gasLimit < karstUpgradeGas) {
    fail('karst-gas-underflow', `Karst activation block gas limit ${gasLimit} is below the upgrade gas ${karstUpgradeGas}`)
  }
  return gasLimit - karstUpgradeGas
}

/** The 8-byte `eip1559Params` word (denominator u32 ‖ elasticity u32). */
function encode1559(denominator: bigint, elasticity: bigint): Hex {
  return toHex(concatBytes(uintToBytes(denominator, 4), uintToBytes(elasticity, 4)))
}

/**
 * op-geth `eip1559.ValidateOptimismExtraData` + `DecodeOptimismExtraData`: empty before Holocene; Holocene
 * `0x00 ‖ d u32 ‖ e u32`; Jovian `0x01 ‖ d ‖ e ‖ minBaseFee u64`; a zero denominator with non-zero elasticity is invalid.
 */
function decodeExtraData(
  config: BlockSystemConfigConfig,
  timestamp: number,
  extra: Uint8Array,
): { eip1559Params: Hex; minBaseFee: bigint } {
  const jovian = isActive(config, 'jovian', timestamp)
  if (!jovian && !isActive(config, 'holocene', timestamp)) {
    if (extra.length !== 0) fail('bad-extra-data', `extraData must be empty before Holocene, got ${extra.length} bytes`)
    return { eip1559Params: encode1559(0n, 0n), minBaseFee: 0n }
  }
  const [length, version] = jovian ? [17, 1] : [9, 0]
  if (extra.length !== length) fail('bad-extra-data', `extraData must be ${length} bytes, got ${extra.length}`)
  if (extra[0] !== version) fail('bad-extra-data', `extraData version must be ${version}, got ${extra[0]}`)
  const denominator = bytesToBigint(extra.subarray(1, 5))
  const elasticity = bytesToBigint(extra.subarray(5, 9))
  if (denominator === 0n && elasticity !== 0n) fail('bad-extra-data', 'extraData has a zero denominator')
  return {
    eip1559Params: encode1559(denominator, elasticity),
    minBaseFee: jovian ? bytesToBigint(extra.subarray(9, 17)) : 0n,
  }
}

/**
 * The block's `L2BlockRef` and the SystemConfig op-node reconstructs from it (`PayloadToBlockRef`,
 * `PayloadToSystemConfig`). The genesis block must carry the genesis hash and yields the genesis SystemConfig.
 *
 * @returns a DecodeError (never throws on block contents) for a genesis hash mismatch, a missing or non-deposit tx 0,
 *   L1-info of the wrong format for the timestamp, malformed extraData, or a Karst activation block whose gas limit is
 *   below the upgrade gas.
 * @example systemConfigFromL2Block(config, payload) // { ref: { l1Origin, sequenceNumber, … }, systemConfig }
 */
export function systemConfigFromL2Block(
  config: BlockSystemConfigConfig,
  block: L2BlockFields,
): BlockSystemConfig | DecodeError<BlockSystemConfigErrorCode> {
  return catching(() => {
    const base = { hash: block.hash, number: block.number, parentHash: block.parentHash, timestamp: block.timestamp }
    const { genesis } = config
    if (block.number === genesis.l2.number) {
      if (block.hash.toLowerCase() !== genesis.l2.hash.toLowerCase()) {
        fail('genesis-hash-mismatch', `block ${block.number} has hash ${block.hash}, genesis is ${genesis.l2.hash}`)
      }
      return { ref: { ...base, l1Origin: { ...genesis.l1 }, sequenceNumber: 0 }, systemConfig: { ...genesis.systemConfig } }
    }
    if (block.transactions.length === 0) fail('missing-l1-info-tx', `block ${block.number} has no L1-info deposit`)
    const tx = decodeDepositTx(bytesOf(block.transactions[0], 'transaction 0'))
    const t = block.timestamp
    const info = decodeL1InfoCalldata(tx.data, l1InfoFormat(config, t))
    // op-node `isEcotoneButNotFirstBlock`: v1 is safe even for a v0 origin, a zero blob scalar has the same effect.
    const ecotoneFormat = isActive(config, 'ecotone', t) && !isActivationBlock(config, 'ecotone', t)
    const scalar = ecotoneFormat
      ? encodeEcotoneScalar({ baseFeeScalar: info.baseFeeScalar, blobBaseFeeScalar: info.blobBaseFeeScalar })
      : info.l1FeeScalar
    const fees = decodeExtraData(config, t, bytesOf(block.extraData, 'extraData'))
    const jovian = isActive(config, 'jovian', t)
    const systemConfig: SystemConfig = {
      batcherAddress: toHex(info.batcherAddress),
      overhead: toHex(info.l1FeeOverhead),
      scalar: toHex(scalar),
      gasLimit: stripKarstGas(config, t, block.gasLimit),
      eip1559Params: fees.eip1559Params,
      operatorFeeParams: toHex(
        isActive(config, 'isthmus', t)
          ? encodeOperatorFeeParams({ operatorFeeScalar: info.operatorFeeScalar, operatorFeeConstant: info.operatorFeeConstant })
          : ZERO_WORD,
      ),
      minBaseFee: jovian ? fees.minBaseFee : 0n,
      daFootprintGasScalar: jovian ? info.daFootprintGasScalar : 0,
    }
    const ref: L2BlockRef = {
      ...base,
      l1Origin: { hash: toHex(info.blockHash), number: info.number },
      sequenceNumber: info.sequenceNumber,
    }
    return { ref, systemConfig }
  })
}

/**
 * The SystemConfig {@link systemConfigFromL2Block} will read back from the block the engine builds from `attributes`,
 * computed from the attributes and the config they were built with (`usedSystemConfig`, the `systemConfig` of
 * `buildAttributes`). Use it as the next block's `parentSystemConfig`.
 *
 * - eip1559Params: what op-geth writes into extraData — zero params become the chain's Canyon denominator and its
 *   elasticity (op-geth `miner` `prepareWork`: `BaseFeeChangeDenominator(time)`, `ElasticityMultiplier()`);
 * - scalar/overhead/operator fee/DA footprint: as they travel through the L1-info tx of the block's format;
 * - gasLimit: `attributes.gasLimit`, with the Karst strip rule.
 *
 * @returns a DecodeError only for attributes `buildAttributes` would not have produced (invalid Ecotone scalar,
 *   missing Holocene/Jovian fields).
 */
export function systemConfigAfterBlock(
  config: BlockSystemConfigConfig,
  attributes: PayloadAttributes,
  usedSystemConfig: SystemConfig,
): SystemConfig | DecodeError<BlockSystemConfigErrorCode> {
  return catching(() => {
    const t = attributes.timestamp
    const format = l1InfoFormat(config, t)
    const used = usedSystemConfig
    const ecotoneFormat = isActive(config, 'ecotone', t) && !isActivationBlock(config, 'ecotone', t)
    let eip1559Params = encode1559(0n, 0n)
    if (isActive(config, 'holocene', t)) {
      if (attributes.eip1559Params === undefined) fail('missing-eip1559-params', 'Holocene attributes lack eip1559Params')
      const params = bytesOf(attributes.eip1559Params, 'eip1559Params')
      if (params.length !== 8) fail('bad-extra-data', `eip1559Params must be 8 bytes, got ${params.length}`)
      let denominator = bytesToBigint(params.subarray(0, 4))
      let elasticity = bytesToBigint(params.subarray(4, 8))
      if (denominator === 0n) {
        const op = config.chainOpConfig
        denominator = BigInt(isActive(config, 'canyon', t) ? op.eip1559DenominatorCanyon : op.eip1559Denominator)
        elasticity = BigInt(op.eip1559Elasticity)
      }
      eip1559Params = encode1559(denominator, elasticity)
    }
    let minBaseFee = 0n
    if (isActive(config, 'jovian', t)) {
      if (attributes.minBaseFee === undefined) fail('missing-min-base-fee', 'Jovian attributes lack minBaseFee')
      minBaseFee = attributes.minBaseFee
    }
    const withOperatorFee = format === 'isthmus' || format === 'jovian'
    return {
      batcherAddress: toHex(bytesOf(used.batcherAddress, 'batcherAddress')),
      overhead: ecotoneFormat ? toHex(ZERO_WORD) : toHex(bytesOf(used.overhead, 'overhead')),
      scalar: toHex(ecotoneFormat ? encodeEcotoneScalar(ecotoneScalars(fromHex(used.scalar))) : fromHex(used.scalar)),
      gasLimit: stripKarstGas(config, t, attributes.gasLimit),
      eip1559Params,
      operatorFeeParams: toHex(
        withOperatorFee ? encodeOperatorFeeParams(decodeOperatorFeeParams(fromHex(used.operatorFeeParams))) : ZERO_WORD,
      ),
      minBaseFee,
      daFootprintGasScalar: format === 'jovian' ? used.daFootprintGasScalar || DA_FOOTPRINT_GAS_SCALAR_DEFAULT : 0,
    }
  })
}
