/**
 * User deposits: `TransactionDeposited` logs of the OptimismPortal → deposit transactions (PROTOCOL.md §2.9.3;
 * https://specs.optimism.io/protocol/deposits.html#user-deposited-transactions, op-node `rollup/derive/deposit_log.go`
 * `UnmarshalDepositLogEvent` / `deposits.go` `UserDeposits`).
 *
 * ```text
 * event TransactionDeposited(address indexed from, address indexed to, uint256 indexed version, bytes opaqueData)
 * data       = abi.encode(bytes opaqueData)             // word(32) ++ word(len) ++ opaqueData ++ zero padding
 * opaqueData = mint uint256 ++ value uint256 ++ gasLimit uint64 ++ isCreation uint8 ++ data   (version 0, packed)
 * ```
 *
 * The deriver must treat every {@link DecodeError} from here as critical: deposits are never skipped.
 */
import { encodeAbiParameters } from 'viem'
import { bytesEqual, concatBytes, fromHex, type Hex, keccak, toHex, uintToBytes, word } from '../bytes.ts'
import { DecodeError } from '../errors.ts'
import type { DepositTx } from './deposit-tx.ts'
import { userDepositSourceHash } from './source-hash.ts'

/** `keccak256("TransactionDeposited(address,address,uint256,bytes)")`. */
export const DEPOSIT_EVENT_TOPIC: Hex = toHex(keccak(new TextEncoder().encode('TransactionDeposited(address,address,uint256,bytes)')))

/** The fields of an L1 log a deposit depends on (`eth_getLogs` / receipt shape, hex at this JSON edge). */
export type DepositLog = {
  address: Hex
  topics: readonly Hex[]
  data: Hex
  blockHash: Hex
  /** Index of the log in the whole L1 block. */
  logIndex: number
}

export type DepositLogErrorCode =
  | 'deposit-log-malformed-hex'
  | 'deposit-log-bad-index'
  | 'deposit-log-topic-count'
  | 'deposit-log-topic-size'
  | 'deposit-log-data-too-short'
  | 'deposit-log-data-unaligned'
  | 'deposit-log-bad-offset'
  | 'deposit-log-bad-length'
  | 'deposit-log-unknown-version'
  | 'deposit-log-opaque-too-short'

/** mint (32) + value (32) + gasLimit (8) + isCreation (1). */
const OPAQUE_FIXED_LENGTH = 73

function hexBytes(hex: string, what: string): Uint8Array {
  try {
    return fromHex(hex)
  } catch {
    throw new DecodeError('deposit-log-malformed-hex', `deposit log ${what} is not 0x hex`)
  }
}

function toBigint(bytes: Uint8Array): bigint {
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  return v
}

/**
 * True if the log is the deposit contract's `TransactionDeposited` event (op-node's filter: address and `topics[0]`).
 * Every such log must then decode; other portal events are not deposits.
 */
export function isDepositLog(log: Pick<DepositLog, 'address' | 'topics'>, depositContract: Hex): boolean {
  return (
    log.address.toLowerCase() === depositContract.toLowerCase() &&
    log.topics.length > 0 &&
    log.topics[0].toLowerCase() === DEPOSIT_EVENT_TOPIC
  )
}

/**
 * The deposit transaction of a portal log, or `undefined` if the log is not a `TransactionDeposited` event of
 * `depositContract` (see {@link isDepositLog}). Checks run in op-node's order.
 *
 * @throws DecodeError with a {@link DepositLogErrorCode}: exactly 4 topics of 32 bytes; data ≥ 64 bytes and a multiple
 *   of 32; ABI offset word = 32; length a uint64 with `len ≤ |data|−64` and minimal padding (`len + 32 > |data|−64`);
 *   version topic 0; opaque data ≥ 73 bytes.
 * @example depositFromLog(log, config.depositContractAddress) // { sourceHash, from, to, mint, value, gas, … }
 */
export function depositFromLog(log: DepositLog, depositContract: Hex): DepositTx | undefined {
  if (!isDepositLog(log, depositContract)) return undefined
  if (log.topics.length !== 4) {
    throw new DecodeError('deposit-log-topic-count', `deposit log has ${log.topics.length} topics, expected 4`)
  }
  const topics = log.topics.map((t, i) => hexBytes(t, `topic ${i}`))
  for (const [i, t] of topics.entries()) {
    if (t.length !== 32) throw new DecodeError('deposit-log-topic-size', `deposit log topic ${i} is ${t.length} bytes`)
  }
  const data = hexBytes(log.data, 'data')
  if (data.length < 64) {
    throw new DecodeError('deposit-log-data-too-short', `deposit log data is ${data.length} bytes, below the 64-byte header`)
  }
  if (data.length % 32 !== 0) {
    throw new DecodeError('deposit-log-data-unaligned', `deposit log data is ${data.length} bytes, not a multiple of 32`)
  }
  if (toBigint(data.subarray(0, 32)) !== 32n) {
    throw new DecodeError('deposit-log-bad-offset', 'deposit log opaqueData offset is not 32')
  }
  const length = toBigint(data.subarray(32, 64))
  const room = BigInt(data.length - 64)
  // Minimal padding: the declared length must leave fewer than 32 bytes of padding (op-node rejects `len + 32 <= room`).
  if (length >= 1n << 64n || length > room || length + 32n <= room) {
    throw new DecodeError('deposit-log-bad-length', `deposit log opaqueData length ${length} does not fit ${room} bytes`)
  }
  if (!bytesEqual(topics[3], new Uint8Array(32))) {
    throw new DecodeError('deposit-log-unknown-version', `deposit log version ${toHex(topics[3])} is not 0`)
  }
  const opaque = data.subarray(64, 64 + Number(length))
  if (opaque.length < OPAQUE_FIXED_LENGTH) {
    throw new DecodeError('deposit-log-opaque-too-short', `version-0 opaqueData is ${opaque.length} bytes, below 73`)
  }
  const blockHash = hexBytes(log.blockHash, 'blockHash')
  if (blockHash.length !== 32) throw new DecodeError('deposit-log-malformed-hex', 'deposit log blockHash is not 32 bytes')
  if (!Number.isSafeInteger(log.logIndex) || log.logIndex < 0) {
    throw new DecodeError('deposit-log-bad-index', `deposit log index ${log.logIndex} is not a non-negative integer`)
  }
  // op-node: `isCreation == 0` means a call to topics[2]; any other byte creates a contract.
  const isCreation = opaque[72] !== 0
  return {
    sourceHash: userDepositSourceHash(blockHash, log.logIndex),
    from: topics[1].slice(12),
    to: isCreation ? null : topics[2].slice(12),
    mint: toBigint(opaque.subarray(0, 32)),
    value: toBigint(opaque.subarray(32, 64)),
    gas: toBigint(opaque.subarray(64, 72)),
    isSystemTx: false,
    data: opaque.slice(OPAQUE_FIXED_LENGTH),
  }
}

/** What the portal packs into `opaqueData` (version 0). */
export type DepositLogDataParameters = {
  mint: bigint
  value: bigint
  gas: bigint
  isCreation: boolean
  data: Uint8Array
}

/**
 * The log `data` the portal emits: `abi.encode(bytes(mint ++ value ++ gas ++ isCreation ++ data))`, minimally padded.
 * Inverse of the data part of {@link depositFromLog}.
 */
export function depositLogData(p: DepositLogDataParameters): Uint8Array {
  const opaque = concatBytes(
    uintToBytes(p.mint, 32),
    uintToBytes(p.value, 32),
    uintToBytes(p.gas, 8),
    Uint8Array.of(p.isCreation ? 1 : 0),
    p.data,
  )
  return fromHex(encodeAbiParameters([{ type: 'bytes' }], [toHex(opaque)]))
}

export type DepositLogParameters = Omit<DepositLogDataParameters, 'isCreation'> & {
  /** 20 bytes. */
  from: Uint8Array
  /** 20 bytes, or null for a contract creation (the topic is then zero). */
  to: Uint8Array | null
  depositContract: Hex
  blockHash: Hex
  logIndex: number
}

/** A whole `TransactionDeposited` log, as the devnet portal would emit it (version 0). */
export function depositLog(p: DepositLogParameters): DepositLog {
  const addressTopic = (a: Uint8Array) => toHex(concatBytes(new Uint8Array(12), a))
  return {
    address: p.depositContract,
    topics: [DEPOSIT_EVENT_TOPIC, addressTopic(p.from), p.to ? addressTopic(p.to) : toHex(word(0)), toHex(word(0))],
    data: toHex(depositLogData({ ...p, isCreation: p.to === null })),
    blockHash: p.blockHash,
    logIndex: p.logIndex,
  }
}
