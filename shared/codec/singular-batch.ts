/**
 * Singular batch (batch type 0): `0x00 ++ rlp([parent_hash, epoch_number, epoch_hash, timestamp, transaction_list])`
 * (PROTOCOL.md §2.7; https://specs.optimism.io/protocol/derivation.html#batch-format).
 *
 * The functions here take and produce the content **after** the 0x00 type byte; `batch.ts` adds and strips it.
 */
import { toRlp } from 'viem'
import { DecodeError } from '../errors.ts'
import { type RlpErrorCode, RlpReader, uintToMinimalBytes } from './rlp.ts'

/** One L2 block's batch. `transactions` are opaque EIP-2718 encodings (legacy = the RLP list). */
export type SingularBatch = {
  parentHash: Uint8Array
  epochNumber: number
  epochHash: Uint8Array
  timestamp: number
  transactions: Uint8Array[]
}

export type SingularBatchErrorCode = RlpErrorCode | 'singular-batch-value-too-large'

/**
 * Decodes a singular batch from the bytes after the type byte, with geth `rlp` strictness (canonical sizes and
 * integers, hashes of exactly 32 bytes, exactly five fields, every transaction a byte string).
 *
 * Bytes after the RLP list are ignored, as op-node does: `BatchData.decodeTyped` hands a `bytes.Reader` to
 * `SingularBatch.decode`, which is `rlp.Decode(r, b)` and never checks for EOF (`batch.go`, `singular_batch.go`).
 *
 * `epoch_number` and `timestamp` are uint64 on the wire; values above 2^53 − 1 are rejected with
 * `singular-batch-value-too-large`. op-node would decode them and then drop the batch in the batch queue (no L1 block
 * or L2 timestamp is that large), so the only difference is that the channel reader stops at this batch.
 *
 * @throws DecodeError with a {@link SingularBatchErrorCode}.
 * @example decodeSingularBatch(content.subarray(1)) // content[0] === 0x00
 */
export function decodeSingularBatch(content: Uint8Array): SingularBatch {
  const fields = new RlpReader(content).list()
  const parentHash = fields.fixedBytes(32).slice()
  const epochNumber = safeNumber(fields.uint64(), 'epoch_number')
  const epochHash = fields.fixedBytes(32).slice()
  const timestamp = safeNumber(fields.uint64(), 'timestamp')
  const txList = fields.list()
  fields.finish()
  const transactions: Uint8Array[] = []
  while (!txList.atEnd()) transactions.push(txList.bytesValue().slice())
  return { parentHash, epochNumber, epochHash, timestamp, transactions }
}

/**
 * Encodes a singular batch **without** the 0x00 type byte (use `encodeBatch` for the typed form).
 *
 * @throws RangeError if a hash is not 32 bytes or a number is not a non-negative safe integer.
 */
export function encodeSingularBatch(batch: SingularBatch): Uint8Array {
  if (batch.parentHash.length !== 32 || batch.epochHash.length !== 32) {
    throw new RangeError('singular batch hashes must be 32 bytes')
  }
  for (const n of [batch.epochNumber, batch.timestamp]) {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a uint64 safe integer: ${n}`)
  }
  return toRlp(
    [
      batch.parentHash,
      uintToMinimalBytes(batch.epochNumber),
      batch.epochHash,
      uintToMinimalBytes(batch.timestamp),
      batch.transactions,
    ],
    'bytes',
  )
}

function safeNumber(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DecodeError('singular-batch-value-too-large', `singular batch ${field} ${value} exceeds 2^53 - 1`)
  }
  return Number(value)
}
