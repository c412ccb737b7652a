/**
 * The `txs` section of a span batch (PROTOCOL.md §2.7; https://specs.optimism.io/protocol/delta/span-batches.html):
 *
 * ```
 * txs = contract_creation_bits ++ y_parity_bits ++ tx_sigs ++ tx_tos ++ tx_datas ++ tx_nonces ++ tx_gases
 *       ++ protected_bits
 * ```
 *
 * Decoding mirrors op-node `spanBatchTxs.decode` (`op-node/rollup/derive/span_batch_txs.go`): only the outer shape of
 * each `tx_datas` element is checked here (`ReadTxData`: optional type byte ≤ 0x7F, then one canonical RLP list of at
 * most MAX_SPAN_BATCH_ELEMENT_COUNT bytes). Transaction types and element contents are checked when the batch is
 * derived ({@link spanBatchTxsToTransactions}), as in op-node's `recoverV`/`fullTxs`.
 */
import { DecodeError } from '../errors.ts'
import { MAX_SPAN_BATCH_ELEMENT_COUNT } from '../config/forks.ts'
import { type BitlistErrorCode, countBits, encodeBitlist, readBitlist } from './bitlist.ts'
import { readRlpHeader } from './rlp.ts'
import {
  type SpanBatchTxErrorCode,
  type SpanBatchTxFields,
  spanBatchTxToTransaction,
  spanBatchTxType,
  transactionToSpanBatchTx,
} from './span-batch-tx.ts'
import { encodeUvarint, readUvarint, type UvarintErrorCode } from './uvarint.ts'

/** Decoded `txs` section, one entry per transaction (N = Σ block_tx_counts) unless noted. */
export type SpanBatchTxs = {
  /** Unpacked bitlist: 1 = contract creation (no entry in `tos`). */
  contractCreationBits: Uint8Array
  yParityBits: Uint8Array
  /** 32-byte R and S words. */
  sigs: { r: Uint8Array; s: Uint8Array }[]
  /** 20-byte recipients of the non-creation txs, in order. */
  tos: Uint8Array[]
  /** `tx_datas` elements: optional type byte ++ RLP list. */
  datas: Uint8Array[]
  nonces: bigint[]
  gases: bigint[]
  /** One bit per legacy tx (type 0 per {@link spanBatchTxType}): 1 = EIP-155 protected. */
  protectedBits: Uint8Array
}

export type SpanBatchTxsErrorCode =
  | BitlistErrorCode
  | UvarintErrorCode
  | SpanBatchTxErrorCode
  | 'span-batch-too-big'
  | 'span-batch-truncated'
  | 'span-batch-inconsistent'

/**
 * Reads the `txs` section of `txCount` transactions at `offset`.
 *
 * @returns `[txs, nextOffset]`.
 * @throws DecodeError with a {@link SpanBatchTxsErrorCode}.
 */
// Fields are views into `bytes` (no copies: decoding is on the hot path and nothing mutates them).
export function readSpanBatchTxs(bytes: Uint8Array, offset: number, txCount: number): [SpanBatchTxs, number] {
  if (txCount > MAX_SPAN_BATCH_ELEMENT_COUNT) {
    throw new DecodeError('span-batch-too-big', `span batch has ${txCount} txs, more than the element limit`)
  }
  let at = offset
  let contractCreationBits: Uint8Array
  let yParityBits: Uint8Array
  ;[contractCreationBits, at] = readBitlist(bytes, at, txCount)
  ;[yParityBits, at] = readBitlist(bytes, at, txCount)

  ensureRemaining(bytes, at, 64 * txCount, 'tx_sigs')
  const sigs: { r: Uint8Array; s: Uint8Array }[] = new Array(txCount)
  for (let i = 0; i < txCount; i++, at += 64) {
    sigs[i] = { r: bytes.subarray(at, at + 32), s: bytes.subarray(at + 32, at + 64) }
  }

  const toCount = txCount - countBits(contractCreationBits)
  ensureRemaining(bytes, at, 20 * toCount, 'tx_tos')
  const tos: Uint8Array[] = new Array(toCount)
  for (let i = 0; i < toCount; i++, at += 20) tos[i] = bytes.subarray(at, at + 20)

  const datas: Uint8Array[] = []
  let legacyCount = 0
  for (let i = 0; i < txCount; i++) {
    const start = at
    if (at >= bytes.length) throw new DecodeError('span-batch-truncated', `tx_datas[${i}] missing at ${at}`)
    const type = spanBatchTxType(bytes.subarray(at, at + 1))
    if (bytes[at] <= 0x7f) at++
    // op-node `ReadTxData`: `rlp.NewStream(r, MaxSpanBatchElementCount)`, the item must be a list.
    const h = readRlpHeader(bytes, at, bytes.length, MAX_SPAN_BATCH_ELEMENT_COUNT)
    if (!h.list) throw new DecodeError('rlp-expected-list', `tx_datas[${i}] at ${start} is not an RLP list`)
    at = h.end
    datas.push(bytes.subarray(start, at))
    if (type === 0) legacyCount++
  }

  const nonces: bigint[] = []
  const gases: bigint[] = []
  let value: bigint
  for (let i = 0; i < txCount; i++) {
    ;[value, at] = readUvarint(bytes, at)
    nonces.push(value)
  }
  for (let i = 0; i < txCount; i++) {
    ;[value, at] = readUvarint(bytes, at)
    gases.push(value)
  }
  let protectedBits: Uint8Array
  ;[protectedBits, at] = readBitlist(bytes, at, legacyCount)
  return [{ contractCreationBits, yParityBits, sigs, tos, datas, nonces, gases, protectedBits }, at]
}

/**
 * Encodes the `txs` section.
 *
 * @throws RangeError if the section is inconsistent (lengths, bit values, sizes of R/S/to, uint64 ranges).
 */
export function encodeSpanBatchTxs(txs: SpanBatchTxs): Uint8Array[] {
  const n = txs.datas.length
  const problem = checkConsistency(txs)
  if (problem) throw new RangeError(`inconsistent span batch txs: ${problem}`)
  const parts: Uint8Array[] = [encodeBitlist(txs.contractCreationBits), encodeBitlist(txs.yParityBits)]
  for (const { r, s } of txs.sigs) parts.push(r, s)
  // No spread: up to 10M elements would overflow the argument stack.
  for (const to of txs.tos) parts.push(to)
  for (const data of txs.datas) parts.push(data)
  for (let i = 0; i < n; i++) parts.push(encodeUvarint(txs.nonces[i]))
  for (let i = 0; i < n; i++) parts.push(encodeUvarint(txs.gases[i]))
  parts.push(encodeBitlist(txs.protectedBits))
  return parts
}

/**
 * Rebuilds every transaction in canonical EIP-2718 form (op-node `recoverV` then `fullTxs`).
 *
 * @throws DecodeError `span-batch-tx-type` when any tx has a type other than legacy/1/2/4 (checked for all txs first,
 *   like `recoverV`), `span-batch-inconsistent` for a hand-built section whose lengths disagree, or a tx-level code.
 */
export function spanBatchTxsToTransactions(txs: SpanBatchTxs, chainId: bigint): Uint8Array[] {
  const problem = checkConsistency(txs)
  if (problem) throw new DecodeError('span-batch-inconsistent', `inconsistent span batch txs: ${problem}`)
  for (const data of txs.datas) {
    const type = spanBatchTxType(data)
    if (type !== 0 && type !== 1 && type !== 2 && type !== 4) {
      throw new DecodeError('span-batch-tx-type', `invalid span batch tx type ${type}`)
    }
  }
  const out: Uint8Array[] = new Array(txs.datas.length)
  let toIndex = 0
  let protectedIndex = 0
  for (let i = 0; i < txs.datas.length; i++) {
    const data = txs.datas[i]
    const to = txs.contractCreationBits[i] === 1 ? null : txs.tos[toIndex++]
    const isLegacy = spanBatchTxType(data) === 0
    const fields: SpanBatchTxFields = {
      nonce: txs.nonces[i],
      gas: txs.gases[i],
      to,
      r: txs.sigs[i].r,
      s: txs.sigs[i].s,
      yParity: txs.yParityBits[i] === 1 ? 1 : 0,
      protected: isLegacy ? txs.protectedBits[protectedIndex++] === 1 : true,
    }
    out[i] = spanBatchTxToTransaction(data, fields, chainId)
  }
  return out
}

/**
 * Builds the `txs` section from canonical EIP-2718 transactions (op-node `spanBatchTxs.AddTxs`).
 *
 * @throws DecodeError with a tx-level code when a tx cannot be represented (deposit or other type, wrong chain id,
 *   bad signature values, malformed RLP).
 */
export function transactionsToSpanBatchTxs(transactions: readonly Uint8Array[], chainId: bigint): SpanBatchTxs {
  const txs: SpanBatchTxs = {
    contractCreationBits: new Uint8Array(transactions.length),
    yParityBits: new Uint8Array(transactions.length),
    sigs: [],
    tos: [],
    datas: [],
    nonces: [],
    gases: [],
    protectedBits: new Uint8Array(0),
  }
  const protectedBits: number[] = []
  transactions.forEach((tx, i) => {
    const { type, data, fields } = transactionToSpanBatchTx(tx, chainId)
    if (type === 0) protectedBits.push(fields.protected ? 1 : 0)
    if (fields.to === null) txs.contractCreationBits[i] = 1
    else txs.tos.push(fields.to)
    txs.yParityBits[i] = fields.yParity
    txs.sigs.push({ r: fields.r, s: fields.s })
    txs.datas.push(data)
    txs.nonces.push(fields.nonce)
    txs.gases.push(fields.gas)
  })
  txs.protectedBits = Uint8Array.from(protectedBits)
  return txs
}

function ensureRemaining(bytes: Uint8Array, at: number, needed: number, what: string): void {
  if (needed > bytes.length - at) {
    throw new DecodeError('span-batch-truncated', `${what} needs ${needed} bytes at ${at}, ${bytes.length - at} left`)
  }
}

const MAX_UINT64 = (1n << 64n) - 1n

function checkConsistency(txs: SpanBatchTxs): string | undefined {
  const n = txs.datas.length
  if (n > MAX_SPAN_BATCH_ELEMENT_COUNT) return `${n} txs exceed the element limit`
  for (const [name, len] of [
    ['contractCreationBits', txs.contractCreationBits.length],
    ['yParityBits', txs.yParityBits.length],
    ['sigs', txs.sigs.length],
    ['nonces', txs.nonces.length],
    ['gases', txs.gases.length],
  ] as const) {
    if (len !== n) return `${name} has ${len} entries for ${n} txs`
  }
  for (const bits of [txs.contractCreationBits, txs.yParityBits, txs.protectedBits]) {
    for (const b of bits) if (b > 1) return 'bit value other than 0 or 1'
  }
  if (txs.tos.length !== n - countBits(txs.contractCreationBits)) return 'tos count does not match creation bits'
  if (txs.tos.some((to) => to.length !== 20)) return 'to address not 20 bytes'
  if (txs.sigs.some(({ r, s }) => r.length !== 32 || s.length !== 32)) return 'signature word not 32 bytes'
  let legacy = 0
  for (const data of txs.datas) if (spanBatchTxType(data) === 0) legacy++
  if (txs.protectedBits.length !== legacy) return `protectedBits has ${txs.protectedBits.length} entries, ${legacy} legacy`
  for (const list of [txs.nonces, txs.gases]) {
    for (const v of list) if (v < 0n || v > MAX_UINT64) return `uint64 out of range: ${v}`
  }
  return undefined
}
