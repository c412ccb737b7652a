/**
 * SSZ `ExecutionPayload` as gossiped and served by op-node (PROTOCOL.md §5; op-service `eth/ssz.go`;
 * https://specs.optimism.io/protocol/rollup-node-p2p.html#block-encoding).
 *
 * Fixed part (integers little-endian, offsets u32 LE):
 * `parentHash(32) feeRecipient(20) stateRoot(32) receiptsRoot(32) logsBloom(256) prevRandao(32) blockNumber(u64)
 * gasLimit(u64) gasUsed(u64) timestamp(u64) extraData_offset baseFeePerGas(u256) blockHash(32) transactions_offset`
 * = 508 bytes (v1, Bedrock); v2 (Canyon) adds `withdrawals_offset` (512); v3 (Ecotone) adds `blobGasUsed(u64)
 * excessBlobGas(u64)` (528); v4 (Isthmus) adds `withdrawalsRoot(32)` (560). Then extraData, the transactions list
 * (u32 offsets, then bodies) and the withdrawals (44 bytes each).
 *
 * @example
 * const payload = decodeExecutionPayload(sszBytes, 3)
 * encodeExecutionPayload(payload, 3) // the same bytes
 */
import { DecodeError } from '../errors.ts'

/** Payload SSZ layout: 1 Bedrock, 2 Canyon, 3 Ecotone, 4 Isthmus (and later). */
export type PayloadVersion = 1 | 2 | 3 | 4

/** EIP-4895 withdrawal (always empty on OP chains, but part of the encoding). */
export type Withdrawal = {
  index: bigint
  validatorIndex: bigint
  /** 20 bytes. */
  address: Uint8Array
  /** Gwei. */
  amount: bigint
}

/** An L2 execution payload. Optional fields are present exactly from the fork that introduced them. */
export type ExecutionPayload = {
  parentHash: Uint8Array
  feeRecipient: Uint8Array
  stateRoot: Uint8Array
  receiptsRoot: Uint8Array
  logsBloom: Uint8Array
  prevRandao: Uint8Array
  blockNumber: number
  gasLimit: bigint
  gasUsed: bigint
  timestamp: number
  /** At most 32 bytes. */
  extraData: Uint8Array
  baseFeePerGas: bigint
  blockHash: Uint8Array
  /** Opaque EIP-2718 encodings. */
  transactions: Uint8Array[]
  /** Canyon+ (v2+). */
  withdrawals?: Withdrawal[]
  /** Ecotone+ (v3+); Jovian: the DA footprint. */
  blobGasUsed?: bigint
  /** Ecotone+ (v3+). */
  excessBlobGas?: bigint
  /** Isthmus+ (v4): storage root of the L2ToL1MessagePasser. */
  withdrawalsRoot?: Uint8Array
}

export type SszPayloadErrorCode =
  | 'ssz-payload-too-short'
  | 'ssz-payload-bad-extra-data-offset'
  | 'ssz-payload-bad-transactions-offset'
  | 'ssz-payload-bad-withdrawals-offset'
  | 'ssz-payload-extra-data-too-large'
  | 'ssz-payload-bad-transaction-offset'
  | 'ssz-payload-too-many-transactions'
  | 'ssz-payload-bad-withdrawals-size'
  | 'ssz-payload-too-many-withdrawals'
  | 'ssz-payload-number-too-large'

/** Fixed-part size per layout version (`blockV{1..4}FixedPart`). */
export const SSZ_PAYLOAD_FIXED_SIZE: Readonly<Record<PayloadVersion, number>> = { 1: 508, 2: 512, 3: 528, 4: 560 }
/** MAX_TRANSACTIONS_PER_PAYLOAD (consensus-specs Bellatrix). */
export const MAX_TRANSACTIONS_PER_PAYLOAD = 1 << 20
/** MAX_WITHDRAWALS_PER_PAYLOAD (consensus-specs Capella). */
export const MAX_WITHDRAWALS_PER_PAYLOAD = 16
const WITHDRAWAL_SIZE = 44
const MAX_EXTRA_DATA = 32
const U64_MAX = (1n << 64n) - 1n
const U256_MAX = (1n << 256n) - 1n

/**
 * Decodes an SSZ execution payload of layout `version`, with op-node's exact checks (`UnmarshalSSZ`): input at least
 * the fixed size; extraData offset equal to the fixed size; transactions offset ≥ extraData offset, ≤ input length
 * and at most 32 bytes after it; withdrawals offset (v2+) ≥ transactions offset and ≤ input length; transaction
 * list: first offset a multiple of 4 and in bounds, at most 2^20 transactions, each next offset ≥ the previous and
 * in bounds; withdrawals a multiple of 44 bytes and at most 16.
 *
 * Like op-node, a first transaction offset of 0 yields an empty list even if bytes follow, and nothing after the
 * withdrawals is allowed because they run to the end. Block number and timestamp above 2^53 − 1 are rejected
 * (`ssz-payload-number-too-large`); op-node would decode them and then reject the payload for its timestamp.
 *
 * @throws DecodeError with an {@link SszPayloadErrorCode}.
 */
export function decodeExecutionPayload(bytes: Uint8Array, version: PayloadVersion): ExecutionPayload {
  const fixed = SSZ_PAYLOAD_FIXED_SIZE[version]
  const scope = bytes.length
  if (scope < fixed) {
    throw new DecodeError('ssz-payload-too-short', `${scope} bytes, the v${version} fixed part is ${fixed}`)
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const u64 = (at: number): bigint => view.getBigUint64(at, true)
  const u32 = (at: number): number => view.getUint32(at, true)
  const take = (at: number, n: number): Uint8Array => bytes.slice(at, at + n)

  const extraDataOffset = u32(436)
  if (extraDataOffset !== fixed) {
    throw new DecodeError('ssz-payload-bad-extra-data-offset', `extraData offset ${extraDataOffset}, expected ${fixed}`)
  }
  const transactionsOffset = u32(504)
  if (transactionsOffset < extraDataOffset) {
    throw new DecodeError('ssz-payload-bad-transactions-offset', `transactions offset ${transactionsOffset} < ${fixed}`)
  }
  let withdrawalsOffset = scope
  if (version >= 2) {
    withdrawalsOffset = u32(508)
    if (withdrawalsOffset < transactionsOffset || withdrawalsOffset > scope) {
      throw new DecodeError(
        'ssz-payload-bad-withdrawals-offset',
        `withdrawals offset ${withdrawalsOffset} outside [${transactionsOffset}, ${scope}]`,
      )
    }
  }
  if (transactionsOffset > extraDataOffset + MAX_EXTRA_DATA || transactionsOffset > scope) {
    throw new DecodeError(
      'ssz-payload-extra-data-too-large',
      `extraData spans ${transactionsOffset - extraDataOffset} bytes (max ${MAX_EXTRA_DATA}, input ${scope})`,
    )
  }

  const payload: ExecutionPayload = {
    parentHash: take(0, 32),
    feeRecipient: take(32, 20),
    stateRoot: take(52, 32),
    receiptsRoot: take(84, 32),
    logsBloom: take(116, 256),
    prevRandao: take(372, 32),
    blockNumber: safeNumber(u64(404), 'blockNumber'),
    gasLimit: u64(412),
    gasUsed: u64(420),
    timestamp: safeNumber(u64(428), 'timestamp'),
    extraData: bytes.slice(extraDataOffset, transactionsOffset),
    baseFeePerGas: readU256LE(bytes, 440),
    blockHash: take(472, 32),
    transactions: decodeTransactions(bytes.subarray(transactionsOffset, withdrawalsOffset)),
  }
  if (version >= 2) payload.withdrawals = decodeWithdrawals(bytes.subarray(withdrawalsOffset))
  if (version >= 3) {
    payload.blobGasUsed = u64(512)
    payload.excessBlobGas = u64(520)
  }
  if (version >= 4) payload.withdrawalsRoot = take(528, 32)
  return payload
}

/**
 * Encodes a payload in layout `version`; without `version` it is inferred like op-node's `inferVersion`
 * (withdrawalsRoot → 4, blobGasUsed and excessBlobGas → 3, withdrawals → 2, else 1).
 *
 * @throws RangeError if a field the layout needs is missing, a fixed-size field has the wrong length, extraData is
 *   longer than 32 bytes or a number does not fit its type (our own data, not peer input).
 */
export function encodeExecutionPayload(payload: ExecutionPayload, version?: PayloadVersion): Uint8Array {
  const v = version ?? inferPayloadVersion(payload)
  const fixed = SSZ_PAYLOAD_FIXED_SIZE[v]
  const withdrawals = v >= 2 ? required(payload.withdrawals, 'withdrawals', v) : []
  if (payload.extraData.length > MAX_EXTRA_DATA) throw new RangeError('extraData longer than 32 bytes')
  if (payload.transactions.length > MAX_TRANSACTIONS_PER_PAYLOAD) throw new RangeError('too many transactions')
  if (withdrawals.length > MAX_WITHDRAWALS_PER_PAYLOAD) throw new RangeError('too many withdrawals')

  let txSize = payload.transactions.length * 4
  for (const tx of payload.transactions) txSize += tx.length
  const withdrawalsSize = withdrawals.length * WITHDRAWAL_SIZE
  const total = fixed + payload.extraData.length + txSize + withdrawalsSize
  if (total > 0xffff_ffff) throw new RangeError('payload does not fit u32 offsets')

  const out = new Uint8Array(total)
  const view = new DataView(out.buffer)
  putFixed(out, 0, payload.parentHash, 32, 'parentHash')
  putFixed(out, 32, payload.feeRecipient, 20, 'feeRecipient')
  putFixed(out, 52, payload.stateRoot, 32, 'stateRoot')
  putFixed(out, 84, payload.receiptsRoot, 32, 'receiptsRoot')
  putFixed(out, 116, payload.logsBloom, 256, 'logsBloom')
  putFixed(out, 372, payload.prevRandao, 32, 'prevRandao')
  view.setBigUint64(404, u64Of(payload.blockNumber, 'blockNumber'), true)
  view.setBigUint64(412, u64Of(payload.gasLimit, 'gasLimit'), true)
  view.setBigUint64(420, u64Of(payload.gasUsed, 'gasUsed'), true)
  view.setBigUint64(428, u64Of(payload.timestamp, 'timestamp'), true)
  view.setUint32(436, fixed, true)
  writeU256LE(out, 440, payload.baseFeePerGas)
  putFixed(out, 472, payload.blockHash, 32, 'blockHash')
  const txOffset = fixed + payload.extraData.length
  view.setUint32(504, txOffset, true)
  if (v >= 2) view.setUint32(508, txOffset + txSize, true)
  if (v >= 3) {
    view.setBigUint64(512, u64Of(required(payload.blobGasUsed, 'blobGasUsed', v), 'blobGasUsed'), true)
    view.setBigUint64(520, u64Of(required(payload.excessBlobGas, 'excessBlobGas', v), 'excessBlobGas'), true)
  }
  if (v >= 4) putFixed(out, 528, required(payload.withdrawalsRoot, 'withdrawalsRoot', v), 32, 'withdrawalsRoot')

  out.set(payload.extraData, fixed)
  let offset = 0
  let body = payload.transactions.length * 4
  for (const tx of payload.transactions) {
    view.setUint32(txOffset + offset, body, true)
    out.set(tx, txOffset + body)
    offset += 4
    body += tx.length
  }
  let w = txOffset + txSize
  for (const wd of withdrawals) {
    view.setBigUint64(w, u64Of(wd.index, 'withdrawal index'), true)
    view.setBigUint64(w + 8, u64Of(wd.validatorIndex, 'withdrawal validatorIndex'), true)
    putFixed(out, w + 16, wd.address, 20, 'withdrawal address')
    view.setBigUint64(w + 36, u64Of(wd.amount, 'withdrawal amount'), true)
    w += WITHDRAWAL_SIZE
  }
  return out
}

/** op-node `inferVersion`: the newest layout whose fields the payload carries. */
export function inferPayloadVersion(payload: ExecutionPayload): PayloadVersion {
  if (payload.withdrawalsRoot !== undefined) return 4
  if (payload.blobGasUsed !== undefined && payload.excessBlobGas !== undefined) return 3
  if (payload.withdrawals !== undefined) return 2
  return 1
}

/** op-node `unmarshalTransactions`: `in` is exactly the transactions section. */
function decodeTransactions(section: Uint8Array): Uint8Array[] {
  const scope = section.length
  if (scope === 0) return []
  if (scope < 4) {
    throw new DecodeError('ssz-payload-bad-transaction-offset', `${scope} bytes cannot hold the first tx offset`)
  }
  const view = new DataView(section.buffer, section.byteOffset, section.byteLength)
  const first = view.getUint32(0, true)
  if (first % 4 !== 0 || first > scope) {
    throw new DecodeError('ssz-payload-bad-transaction-offset', `first tx offset ${first} (section ${scope} bytes)`)
  }
  const count = first / 4
  if (count > MAX_TRANSACTIONS_PER_PAYLOAD) {
    throw new DecodeError('ssz-payload-too-many-transactions', `${count} transactions (max 2^20)`)
  }
  const txs: Uint8Array[] = new Array(count)
  let current = first
  for (let i = 0; i < count; i++) {
    const next = i + 1 < count ? view.getUint32((i + 1) * 4, true) : scope
    if (next < current || next > scope) {
      throw new DecodeError('ssz-payload-bad-transaction-offset', `tx ${i} spans [${current}, ${next}) of ${scope}`)
    }
    txs[i] = section.slice(current, next)
    current = next
  }
  return txs
}

function decodeWithdrawals(section: Uint8Array): Withdrawal[] {
  if (section.length % WITHDRAWAL_SIZE !== 0) {
    throw new DecodeError('ssz-payload-bad-withdrawals-size', `${section.length} bytes is not a multiple of 44`)
  }
  const count = section.length / WITHDRAWAL_SIZE
  if (count > MAX_WITHDRAWALS_PER_PAYLOAD) {
    throw new DecodeError('ssz-payload-too-many-withdrawals', `${count} withdrawals > ${MAX_WITHDRAWALS_PER_PAYLOAD}`)
  }
  const view = new DataView(section.buffer, section.byteOffset, section.byteLength)
  const out: Withdrawal[] = []
  for (let at = 0; at < section.length; at += WITHDRAWAL_SIZE) {
    out.push({
      index: view.getBigUint64(at, true),
      validatorIndex: view.getBigUint64(at + 8, true),
      address: section.slice(at + 16, at + 36),
      amount: view.getBigUint64(at + 36, true),
    })
  }
  return out
}

function readU256LE(bytes: Uint8Array, at: number): bigint {
  let v = 0n
  for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i])
  return v
}

function writeU256LE(out: Uint8Array, at: number, value: bigint): void {
  if (value < 0n || value > U256_MAX) throw new RangeError(`baseFeePerGas ${value} is not a uint256`)
  let v = value
  for (let i = 0; i < 32; i++) {
    out[at + i] = Number(v & 0xffn)
    v >>= 8n
  }
}

function safeNumber(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DecodeError('ssz-payload-number-too-large', `${field} ${value} exceeds 2^53 - 1`)
  }
  return Number(value)
}

function u64Of(value: bigint | number, field: string): bigint {
  const v = typeof value === 'number' ? (Number.isSafeInteger(value) ? BigInt(value) : -1n) : value
  if (v < 0n || v > U64_MAX) throw new RangeError(`${field} ${value} is not a uint64`)
  return v
}

function putFixed(out: Uint8Array, at: number, value: Uint8Array, size: number, field: string): void {
  if (value.length !== size) throw new RangeError(`${field} must be ${size} bytes, got ${value.length}`)
  out.set(value, at)
}

function required<T>(value: T | undefined, field: string, version: PayloadVersion): T {
  if (value === undefined) throw new RangeError(`a v${version} payload needs ${field}`)
  return value
}
