/**
 * SystemConfig updates from L1 `ConfigUpdate` logs (PROTOCOL.md §2.9.4; https://specs.optimism.io/protocol/system-config.html#system-config-updates,
 * …/holocene/system-config.html, …/isthmus/system-config.html, …/jovian/system-config.html;
 * op-node `rollup/derive/system_config.go` `ProcessSystemConfigUpdateLogEvent`, newer version with types 5–7).
 *
 * ```text
 * event ConfigUpdate(uint256 indexed version, UpdateType indexed updateType, bytes data)
 * data = word(32) ++ word(length) ++ content        — nothing after the content
 * ```
 *
 * Following the newer op-node (PROTOCOL.md §9 item 9), each log is applied to a copy and only a fully valid update
 * is kept; a malformed or unknown one is ignored, and the caller gets a typed reason for its trace.
 */
import { concatBytes, fromHex, type Hex, keccak, toHex, uintToBytes, word } from '../bytes.ts'
import { isActive } from '../config/forks.ts'
import type { RollupConfig, SystemConfig } from '../config/rollup-config.ts'
import { checkEcotoneScalar } from './fee-params.ts'

/** `keccak256("ConfigUpdate(uint256,uint8,bytes)")`. */
export const CONFIG_UPDATE_TOPIC: Hex = toHex(keccak(new TextEncoder().encode('ConfigUpdate(uint256,uint8,bytes)')))

/** Update types by their on-chain number (the index). */
export const CONFIG_UPDATE_TYPES = [
  'batcher',
  'feeScalars',
  'gasLimit',
  'unsafeBlockSigner',
  'eip1559Params',
  'operatorFeeParams',
  'minBaseFee',
  'daFootprintGasScalar',
] as const
export type ConfigUpdateType = (typeof CONFIG_UPDATE_TYPES)[number]

/** The fields of an L1 log an update depends on (hex at this JSON edge). */
export type ConfigUpdateLog = { address: Hex; topics: readonly Hex[]; data: Hex }

export type ConfigUpdateIgnoredReason =
  | 'malformed-hex'
  | 'topic-count'
  | 'unknown-version'
  | 'unknown-type'
  | 'bad-pointer'
  | 'bad-length'
  | 'truncated'
  | 'bad-padding'
  | 'trailing-bytes'
  | 'invalid-ecotone-scalar'
  | 'invalid-eip1559-params'

export type ApplyConfigUpdateResult =
  | { status: 'applied'; updateType: ConfigUpdateType; systemConfig: SystemConfig }
  | { status: 'ignored'; updateType: ConfigUpdateType | undefined; reason: ConfigUpdateIgnoredReason; message: string }

export type ApplyConfigUpdateOptions = {
  /** Timestamp of the L1 block holding the log (gates the Ecotone scalar rules). */
  l1Time: number
  config: Pick<RollupConfig, 'forks'>
}

/** Content length of each update type. */
const CONTENT_LENGTH: Readonly<Record<ConfigUpdateType, number>> = {
  batcher: 32,
  feeScalars: 64,
  gasLimit: 32,
  unsafeBlockSigner: 32,
  eip1559Params: 32,
  operatorFeeParams: 32,
  minBaseFee: 32,
  daFootprintGasScalar: 32,
}

class Ignored {
  readonly reason: ConfigUpdateIgnoredReason
  readonly message: string
  constructor(reason: ConfigUpdateIgnoredReason, message: string) {
    this.reason = reason
    this.message = message
  }
}

function bytesOf(hex: string, what: string): Uint8Array {
  try {
    return fromHex(hex)
  } catch {
    throw new Ignored('malformed-hex', `${what} is not 0x hex`)
  }
}

function isZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0)
}

/** solabi `ReadUint64`-style word: `padding` leading zero bytes, value in the rest. */
function paddedUint(w: Uint8Array, padding: number, what: string): bigint {
  if (!isZero(w.subarray(0, padding))) throw new Ignored('bad-padding', `${what} word has non-zero padding`)
  let v = 0n
  for (const b of w.subarray(padding)) v = (v << 8n) | BigInt(b)
  return v
}

/** Checks the ABI `bytes` wrapper and returns the content of the expected length (op-node `parseSystemConfigUpdate*`). */
function content(data: Uint8Array, length: number): Uint8Array {
  if (data.length < 32) throw new Ignored('bad-pointer', 'missing pointer word')
  if (!isZero(data.subarray(0, 24)) || paddedUint(data.subarray(0, 32), 24, 'pointer') !== 32n) {
    throw new Ignored('bad-pointer', 'pointer word is not 32')
  }
  if (data.length < 64) throw new Ignored('bad-length', 'missing length word')
  if (!isZero(data.subarray(32, 56)) || paddedUint(data.subarray(32, 64), 24, 'length') !== BigInt(length)) {
    throw new Ignored('bad-length', `length word is not ${length}`)
  }
  if (data.length < 64 + length) throw new Ignored('truncated', `content shorter than ${length} bytes`)
  if (data.length > 64 + length) throw new Ignored('trailing-bytes', `${data.length - 64 - length} bytes after the content`)
  return data.subarray(64)
}

/**
 * The log filter: from the SystemConfig contract, `ConfigUpdate` topic, exactly 3 topics, version topic 0.
 * (op-node filters on address and topic only and then fails the other two checks; either way such logs change nothing.)
 */
export function isConfigUpdateLog(log: Pick<ConfigUpdateLog, 'address' | 'topics'>, l1SystemConfigAddress: Hex): boolean {
  return (
    log.address.toLowerCase() === l1SystemConfigAddress.toLowerCase() &&
    log.topics.length === 3 &&
    log.topics[0].toLowerCase() === CONFIG_UPDATE_TOPIC &&
    /^0x0{64}$/.test(log.topics[1])
  )
}

function updateTypeOf(topic: Uint8Array): ConfigUpdateType | undefined {
  if (topic.length !== 32 || !isZero(topic.subarray(0, 31))) return undefined
  return CONFIG_UPDATE_TYPES[topic[31]]
}

function apply(
  current: SystemConfig,
  type: ConfigUpdateType,
  data: Uint8Array,
  options: ApplyConfigUpdateOptions,
): SystemConfig {
  const c = content(data, CONTENT_LENGTH[type])
  const next = { ...current }
  switch (type) {
    case 'batcher':
      if (!isZero(c.subarray(0, 12))) throw new Ignored('bad-padding', 'batcher address has non-zero padding')
      next.batcherAddress = toHex(c.subarray(12, 32))
      return next
    case 'feeScalars': {
      const overhead = c.subarray(0, 32)
      const scalar = c.subarray(32, 64)
      if (isActive(options.config, 'ecotone', options.l1Time)) {
        const check = checkEcotoneScalar(scalar)
        // op-node returns nil here: the update is dropped and the old scalar kept.
        if (check !== 'ok') throw new Ignored('invalid-ecotone-scalar', `Ecotone scalar rejected: ${check}`)
        next.scalar = toHex(scalar)
        next.overhead = toHex(new Uint8Array(32))
      } else {
        next.overhead = toHex(overhead)
        next.scalar = toHex(scalar)
      }
      return next
    }
    case 'gasLimit':
      next.gasLimit = paddedUint(c, 24, 'gas limit')
      return next
    case 'unsafeBlockSigner':
      // Runtime (p2p) configuration only; derivation accepts it without reading it.
      return next
    case 'eip1559Params': {
      // op-node reads the whole word and validates only its last 8 bytes (`ValidateHolocene1559Params`): no check of
      // bytes 0..24, unlike kona, which decodes a uint64.
      const params = c.subarray(24, 32)
      const denominatorZero = isZero(params.subarray(0, 4))
      const elasticityZero = isZero(params.subarray(4, 8))
      if (denominatorZero !== elasticityZero) {
        throw new Ignored('invalid-eip1559-params', 'exactly one of denominator and elasticity is zero')
      }
      next.eip1559Params = toHex(params)
      return next
    }
    case 'operatorFeeParams':
      next.operatorFeeParams = toHex(c)
      return next
    case 'minBaseFee':
      next.minBaseFee = paddedUint(c, 24, 'min base fee')
      return next
    case 'daFootprintGasScalar':
      next.daFootprintGasScalar = Number(paddedUint(c, 30, 'DA footprint gas scalar'))
      return next
  }
}

/**
 * Applies one `ConfigUpdate` log (already known to come from the SystemConfig contract with the ConfigUpdate topic)
 * to a copy of `systemConfig`. Never throws on log contents.
 *
 * @example
 * const r = applyConfigUpdateLog(sc, log, { l1Time, config })
 * if (r.status === 'applied') sc = r.systemConfig
 */
export function applyConfigUpdateLog(
  systemConfig: SystemConfig,
  log: ConfigUpdateLog,
  options: ApplyConfigUpdateOptions,
): ApplyConfigUpdateResult {
  let updateType: ConfigUpdateType | undefined
  try {
    if (log.topics.length !== 3) throw new Ignored('topic-count', `expected 3 topics, got ${log.topics.length}`)
    const version = bytesOf(log.topics[1], 'version topic')
    if (version.length !== 32 || !isZero(version)) throw new Ignored('unknown-version', `version ${log.topics[1]}`)
    updateType = updateTypeOf(bytesOf(log.topics[2], 'type topic'))
    if (updateType === undefined) throw new Ignored('unknown-type', `update type ${log.topics[2]}`)
    const next = apply(systemConfig, updateType, bytesOf(log.data, 'data'), options)
    return { status: 'applied', updateType, systemConfig: next }
  } catch (e) {
    if (e instanceof Ignored) return { status: 'ignored', updateType, reason: e.reason, message: e.message }
    throw e
  }
}

/** What each update type carries, for {@link configUpdateLogData}. */
export type ConfigUpdateValue = {
  batcher: { batcherAddress: Hex }
  feeScalars: { overhead: Hex; scalar: Hex }
  gasLimit: { gasLimit: bigint }
  unsafeBlockSigner: { signer: Hex }
  eip1559Params: { denominator: number; elasticity: number }
  operatorFeeParams: { operatorFeeScalar: number; operatorFeeConstant: bigint }
  minBaseFee: { minBaseFee: bigint }
  daFootprintGasScalar: { daFootprintGasScalar: number }
}

const addressWord = (a: Hex) => concatBytes(new Uint8Array(12), fromHex(a))

const ENCODERS: { readonly [T in ConfigUpdateType]: (value: ConfigUpdateValue[T]) => Uint8Array } = {
  batcher: (v) => addressWord(v.batcherAddress),
  feeScalars: (v) => concatBytes(fromHex(v.overhead), fromHex(v.scalar)),
  gasLimit: (v) => word(v.gasLimit),
  unsafeBlockSigner: (v) => addressWord(v.signer),
  eip1559Params: (v) => concatBytes(new Uint8Array(24), uintToBytes(v.denominator, 4), uintToBytes(v.elasticity, 4)),
  operatorFeeParams: (v) =>
    concatBytes(new Uint8Array(20), uintToBytes(v.operatorFeeScalar, 4), uintToBytes(v.operatorFeeConstant, 8)),
  minBaseFee: (v) => word(v.minBaseFee),
  daFootprintGasScalar: (v) => word(v.daFootprintGasScalar),
}

/**
 * The `data` of a `ConfigUpdate` log as SystemConfig emits it (`abi.encode(bytes content)`), for tests and the devnet.
 *
 * @example configUpdateLogData('gasLimit', { gasLimit: 30_000_000n })
 */
export function configUpdateLogData<T extends ConfigUpdateType>(type: T, value: ConfigUpdateValue[T]): Uint8Array {
  const c = (ENCODERS[type] as (v: ConfigUpdateValue[T]) => Uint8Array)(value)
  if (c.length !== CONTENT_LENGTH[type]) throw new RangeError(`${type} content must be ${CONTENT_LENGTH[type]} bytes`)
  return concatBytes(word(32), word(c.length), c)
}

/** A whole `ConfigUpdate` log (version 0) from `l1SystemConfigAddress`. */
export function configUpdateLog<T extends ConfigUpdateType>(
  type: T,
  value: ConfigUpdateValue[T],
  l1SystemConfigAddress: Hex,
): ConfigUpdateLog {
  return {
    address: l1SystemConfigAddress,
    topics: [CONFIG_UPDATE_TOPIC, toHex(word(0)), toHex(word(CONFIG_UPDATE_TYPES.indexOf(type)))],
    data: toHex(configUpdateLogData(type, value)),
  }
}
