/**
 * Span batch (batch type 1): codec for the raw wire form, derivation of its blocks, and the batcher's inverse
 * (PROTOCOL.md §2.7; https://specs.optimism.io/protocol/delta/span-batches.html,
 * https://specs.optimism.io/protocol/isthmus/derivation.html#span-batch-updates).
 *
 * ```
 * span_batch = 0x01 ++ prefix ++ payload          (the functions here take / produce prefix ++ payload)
 * prefix     = rel_timestamp(uvarint) ++ l1_origin_num(uvarint) ++ parent_check(20) ++ l1_origin_check(20)
 * payload    = block_count(uvarint) ++ origin_bits ++ block_tx_counts(uvarint × block_count) ++ txs
 * ```
 *
 * Mirrors op-node `op-node/rollup/derive/span_batch.go`. Two kinds of failure, which the channel reader must keep
 * apart: {@link decodeRawSpanBatch} errors are batch-decoding errors (op-node's `ChannelInReader` skips the rest of the
 * channel), while {@link deriveSpanBatch} errors come from op-node's `DeriveSpanBatch`, after the batch reader has
 * already advanced, so op-node drops only this batch and keeps reading the channel (`channel_in_reader.go`; kona
 * instead drops the channel in both cases).
 *
 * Wire integers are uint64: `relTimestamp`, `l1OriginNumber`, per-tx nonces and gases stay `bigint`, and so do the
 * derived block timestamps and L1 origin numbers, computed with Go's wrapping uint64 arithmetic. They become `number`
 * only once the batch queue has validated them against the safe chain. A malformed batch (op-node's span-batch
 * vector, kona `raw_batch.hex`, has L1 origin 16988980031808077784) must still derive exactly as in op-node, because
 * whether it is "past" or "dropped" decides what happens to the rest of its channel under Holocene.
 */
import { concatBytes } from '../bytes.ts'
import { DecodeError } from '../errors.ts'
import { MAX_SPAN_BATCH_ELEMENT_COUNT } from '../config/forks.ts'
import { type BitlistErrorCode, encodeBitlist, readBitlist } from './bitlist.ts'
import {
  encodeSpanBatchTxs,
  readSpanBatchTxs,
  type SpanBatchTxs,
  type SpanBatchTxsErrorCode,
  spanBatchTxsToTransactions,
  transactionsToSpanBatchTxs,
} from './span-batch-txs.ts'
import { encodeUvarint, readUvarint, type UvarintErrorCode } from './uvarint.ts'

export type { SpanBatchTxs } from './span-batch-txs.ts'

/** The wire form of a span batch, field for field. */
export type RawSpanBatch = {
  relTimestamp: bigint
  /** L1 origin number of the **last** block. */
  l1OriginNumber: bigint
  /** First 20 bytes of the first block's parent hash. */
  parentCheck: Uint8Array
  /** First 20 bytes of the last block's L1 origin hash. */
  l1OriginCheck: Uint8Array
  blockCount: number
  /** Unpacked bitlist, one 0/1 per block: 1 = the block's L1 origin differs from its parent's. */
  originBits: Uint8Array
  blockTxCounts: number[]
  txs: SpanBatchTxs
}

/** One derived L2 block input (op-node `SpanBatchElement`). */
export type SpanBatchElement = {
  timestamp: bigint
  l1OriginNumber: bigint
  /** Canonical EIP-2718 encodings. */
  transactions: Uint8Array[]
}

/** A derived span batch (op-node `SpanBatch`). */
export type SpanBatch = {
  parentCheck: Uint8Array
  l1OriginCheck: Uint8Array
  blocks: SpanBatchElement[]
}

export type SpanBatchErrorCode =
  | UvarintErrorCode
  | BitlistErrorCode
  | SpanBatchTxsErrorCode
  | 'span-batch-empty'
  | 'span-batch-too-big'
  | 'span-batch-truncated'
  | 'span-batch-inconsistent'

const MAX = BigInt(MAX_SPAN_BATCH_ELEMENT_COUNT)
const UINT64_MOD = 1n << 64n

/**
 * Decodes a span batch from the bytes after the 0x01 type byte.
 *
 * Limits (op-node `decodeBlockCount`, `decodeBlockTxCounts`, `decodeTxs`): block_count ∈ [1, 10,000,000], each
 * block tx count ≤ 10,000,000, their sum ≤ 10,000,000. Bytes after the last field are ignored, as op-node's
 * `RawSpanBatch.decode` never checks for EOF.
 *
 * @throws DecodeError with a {@link SpanBatchErrorCode}.
 * @example decodeRawSpanBatch(payload.subarray(1)) // payload[0] === 0x01
 */
export function decodeRawSpanBatch(content: Uint8Array): RawSpanBatch {
  let at = 0
  let relTimestamp: bigint
  let l1OriginNumber: bigint
  let count: bigint
  ;[relTimestamp, at] = readUvarint(content, at)
  ;[l1OriginNumber, at] = readUvarint(content, at)
  if (content.length - at < 40) throw new DecodeError('span-batch-truncated', `span batch checks truncated at ${at}`)
  const parentCheck = content.slice(at, at + 20)
  const l1OriginCheck = content.slice(at + 20, at + 40)
  at += 40

  ;[count, at] = readUvarint(content, at)
  if (count > MAX) throw new DecodeError('span-batch-too-big', `block_count ${count} exceeds ${MAX}`)
  if (count === 0n) throw new DecodeError('span-batch-empty', 'block_count is 0')
  const blockCount = Number(count)
  let originBits: Uint8Array
  ;[originBits, at] = readBitlist(content, at, blockCount)

  const blockTxCounts: number[] = []
  let total = 0
  for (let i = 0; i < blockCount; i++) {
    ;[count, at] = readUvarint(content, at)
    if (count > MAX) throw new DecodeError('span-batch-too-big', `block_tx_counts[${i}] ${count} exceeds ${MAX}`)
    blockTxCounts.push(Number(count))
    total += Number(count) // ≤ 10^7 × 10^7 < 2^53: exact, so the overflow check below is sound.
  }
  if (total > MAX_SPAN_BATCH_ELEMENT_COUNT) {
    throw new DecodeError('span-batch-too-big', `span batch has ${total} txs, more than ${MAX}`)
  }
  const [txs] = readSpanBatchTxs(content, at, total)
  return { relTimestamp, l1OriginNumber, parentCheck, l1OriginCheck, blockCount, originBits, blockTxCounts, txs }
}

/**
 * Encodes a raw span batch **without** the 0x01 type byte (use `encodeBatch` for the typed form).
 *
 * @throws RangeError if the batch breaks a limit or its parts disagree.
 */
export function encodeRawSpanBatch(raw: RawSpanBatch): Uint8Array {
  const { blockCount } = raw
  if (raw.parentCheck.length !== 20 || raw.l1OriginCheck.length !== 20) {
    throw new RangeError('span batch parent_check and l1_origin_check must be 20 bytes')
  }
  if (!Number.isSafeInteger(blockCount) || blockCount < 1 || blockCount > MAX_SPAN_BATCH_ELEMENT_COUNT) {
    throw new RangeError(`block_count ${blockCount} outside [1, ${MAX_SPAN_BATCH_ELEMENT_COUNT}]`)
  }
  if (raw.originBits.length !== blockCount || raw.blockTxCounts.length !== blockCount) {
    throw new RangeError('span batch originBits and blockTxCounts must have block_count entries')
  }
  const total = raw.blockTxCounts.reduce((sum, n) => {
    if (!Number.isSafeInteger(n) || n < 0 || n > MAX_SPAN_BATCH_ELEMENT_COUNT) {
      throw new RangeError(`block tx count ${n} outside [0, ${MAX_SPAN_BATCH_ELEMENT_COUNT}]`)
    }
    return sum + n
  }, 0)
  if (total !== raw.txs.datas.length) {
    throw new RangeError(`block tx counts sum to ${total} but the batch has ${raw.txs.datas.length} txs`)
  }
  const parts = [
    encodeUvarint(raw.relTimestamp),
    encodeUvarint(raw.l1OriginNumber),
    raw.parentCheck,
    raw.l1OriginCheck,
    encodeUvarint(blockCount),
    encodeBitlist(raw.originBits),
  ]
  for (const n of raw.blockTxCounts) parts.push(encodeUvarint(n))
  for (const part of encodeSpanBatchTxs(raw.txs)) parts.push(part)
  return concatBytes(...chunked(parts))
}

/** Parameters of {@link deriveSpanBatch}: the rollup config values op-node's `DeriveSpanBatch` takes. */
export type DeriveSpanBatchParameters = {
  genesisL2Time: number | bigint
  blockTime: number | bigint
  l2ChainId: number | bigint
}

/**
 * Expands a raw span batch into its blocks (op-node `RawSpanBatch.derive`):
 * - block i timestamp = `genesisL2Time + relTimestamp + i × blockTime` (uint64, wrapping like Go);
 * - L1 origins counted backwards from the last block: `origin[last] = l1OriginNumber`,
 *   `origin[i-1] = origin[i] − originBits[i]` (bit 0 is not used here: it describes the parent);
 * - transactions rebuilt in canonical EIP-2718 form with the L2 chain id (see `span-batch-tx.ts`).
 *
 * @throws DecodeError with a {@link SpanBatchErrorCode}: see the file comment for how it differs from a decode error.
 */
export function deriveSpanBatch(raw: RawSpanBatch, parameters: DeriveSpanBatchParameters): SpanBatch {
  const { blockCount } = raw
  if (blockCount === 0) throw new DecodeError('span-batch-empty', 'span batch has no blocks')
  if (raw.originBits.length !== blockCount || raw.blockTxCounts.length !== blockCount) {
    throw new DecodeError('span-batch-inconsistent', 'originBits / blockTxCounts do not have block_count entries')
  }
  const transactions = spanBatchTxsToTransactions(raw.txs, BigInt(parameters.l2ChainId))
  if (raw.blockTxCounts.reduce((a, b) => a + b, 0) !== transactions.length) {
    throw new DecodeError('span-batch-inconsistent', 'block tx counts do not add up to the number of txs')
  }
  const origins = new Array<bigint>(blockCount)
  let origin = raw.l1OriginNumber
  for (let i = blockCount - 1; i >= 0; i--) {
    origins[i] = origin
    if (i > 0 && raw.originBits[i] === 1) origin = (origin - 1n + UINT64_MOD) % UINT64_MOD
  }
  const start = BigInt(parameters.genesisL2Time) + raw.relTimestamp
  const blockTime = BigInt(parameters.blockTime)
  const blocks: SpanBatchElement[] = []
  let txIndex = 0
  for (let i = 0; i < blockCount; i++) {
    const end = txIndex + raw.blockTxCounts[i]
    blocks.push({
      timestamp: (start + blockTime * BigInt(i)) % UINT64_MOD,
      l1OriginNumber: origins[i],
      transactions: transactions.slice(txIndex, end),
    })
    txIndex = end
  }
  return { parentCheck: raw.parentCheck, l1OriginCheck: raw.l1OriginCheck, blocks }
}

/**
 * L1 origin number of the first block: `l1OriginNumber − Σ originBits[1..]` (op-node `GetStartEpochNum`, equal to
 * PROTOCOL.md's `l1_origin_num − Σorigin_bits + origin_bits[0]`), wrapping like Go's uint64.
 */
export function spanBatchStartEpochNumber(raw: Pick<RawSpanBatch, 'l1OriginNumber' | 'originBits'>): bigint {
  let changes = 0n
  for (let i = 1; i < raw.originBits.length; i++) if (raw.originBits[i] === 1) changes++
  return (((raw.l1OriginNumber - changes) % UINT64_MOD) + UINT64_MOD) % UINT64_MOD
}

/** One L2 block for {@link toRawSpanBatch}. */
export type SpanBatchBlockInput = {
  timestamp: number | bigint
  l1OriginNumber: number | bigint
  /** The block's EIP-2718 transactions; deposits (type 0x7E) are skipped. */
  transactions: readonly Uint8Array[]
}

export type ToRawSpanBatchParameters = {
  genesisL2Time: number | bigint
  blockTime: number | bigint
  l2ChainId: number | bigint
  /** Parent hash of the first block (only its first 20 bytes are kept). */
  parentHash: Uint8Array
  /** Hash of the last block's L1 origin (only its first 20 bytes are kept). */
  l1OriginHash: Uint8Array
  /** Sequence number of the first block in its epoch (from its L1-info tx): 0 sets origin bit 0. */
  firstBlockSequenceNumber: number | bigint
}

/**
 * Builds a raw span batch from consecutive L2 blocks, as op-batcher does (op-node `SpanBatch.AppendSingularBatch` +
 * `ToRawSpanBatch`; deposits are left out like `BlockToSingularBatch`). Origin bit 0 is 1 when the first block starts
 * its epoch (sequence number 0); bit i > 0 is 1 when block i's origin is one above block i−1's.
 *
 * @throws RangeError for blocks that a span batch cannot express (none, not `blockTime` apart, an origin that moves
 *   back or skips, a timestamp before genesis); DecodeError with a tx-level code for a transaction it cannot carry.
 */
export function toRawSpanBatch(
  blocks: readonly SpanBatchBlockInput[],
  parameters: ToRawSpanBatchParameters,
): RawSpanBatch {
  if (blocks.length === 0) throw new RangeError('cannot build a span batch from no blocks')
  if (parameters.parentHash.length < 20 || parameters.l1OriginHash.length < 20) {
    throw new RangeError('parentHash and l1OriginHash need at least 20 bytes')
  }
  const blockTime = BigInt(parameters.blockTime)
  const first = BigInt(blocks[0].timestamp)
  const relTimestamp = first - BigInt(parameters.genesisL2Time)
  if (relTimestamp < 0n) throw new RangeError('first block is before L2 genesis')
  const originBits = new Uint8Array(blocks.length)
  originBits[0] = BigInt(parameters.firstBlockSequenceNumber) === 0n ? 1 : 0
  const blockTxCounts: number[] = []
  const transactions: Uint8Array[] = []
  blocks.forEach((block, i) => {
    if (BigInt(block.timestamp) !== first + blockTime * BigInt(i)) {
      throw new RangeError(`block ${i} timestamp ${block.timestamp} is not ${blockTime}s after the previous block`)
    }
    if (i > 0) {
      const step = BigInt(block.l1OriginNumber) - BigInt(blocks[i - 1].l1OriginNumber)
      if (step !== 0n && step !== 1n) throw new RangeError(`block ${i} L1 origin moves by ${step}, not 0 or 1`)
      originBits[i] = Number(step)
    }
    let count = 0
    for (const tx of block.transactions) {
      if (tx.length > 0 && tx[0] === 0x7e) continue
      transactions.push(tx)
      count++
    }
    blockTxCounts.push(count)
  })
  return {
    relTimestamp,
    l1OriginNumber: BigInt(blocks[blocks.length - 1].l1OriginNumber),
    parentCheck: parameters.parentHash.slice(0, 20),
    l1OriginCheck: parameters.l1OriginHash.slice(0, 20),
    blockCount: blocks.length,
    originBits,
    blockTxCounts,
    txs: transactionsToSpanBatchTxs(transactions, BigInt(parameters.l2ChainId)),
  }
}

/** Merges small parts so `concatBytes(...parts)` never spreads millions of arguments. */
function chunked(parts: Uint8Array[]): Uint8Array[] {
  const CHUNK = 16_384
  if (parts.length <= CHUNK) return parts
  const out: Uint8Array[] = []
  for (let i = 0; i < parts.length; i += CHUNK) out.push(concatBytes(...parts.slice(i, i + CHUNK)))
  return out.length > CHUNK ? chunked(out) : out
}
