/**
 * Typed batch dispatch: `batch = batch_type ++ content` (PROTOCOL.md §2.6–2.7;
 * https://specs.optimism.io/protocol/derivation.html#batch-format, op-node `batch.go` `BatchData.decodeTyped`).
 *
 * The input is the content of one RLP byte string read from a channel (the channel reader strips the RLP string
 * header). Span batches are returned raw; derive them with `deriveSpanBatch` (whose errors the channel reader treats
 * differently, see `span-batch.ts`). Whether a span batch is allowed at all (Delta at the L1 inclusion block) is the
 * channel reader's decision, not this codec's.
 */
import { DecodeError } from '../errors.ts'
import { decodeRawSpanBatch, encodeRawSpanBatch, type RawSpanBatch, type SpanBatchErrorCode } from './span-batch.ts'
import {
  decodeSingularBatch,
  encodeSingularBatch,
  type SingularBatch,
  type SingularBatchErrorCode,
} from './singular-batch.ts'

export const SINGULAR_BATCH_TYPE = 0
export const SPAN_BATCH_TYPE = 1

export type DecodedBatch = { type: 0; batch: SingularBatch } | { type: 1; batch: RawSpanBatch }

export type BatchErrorCode = 'empty-batch' | 'unknown-batch-type' | SingularBatchErrorCode | SpanBatchErrorCode

/**
 * Decodes a typed batch.
 *
 * @throws DecodeError `empty-batch` for no bytes ("batch too short"), `unknown-batch-type` for a first byte other
 *   than 0 or 1, or the singular / span batch codes.
 * @example decodeBatch(fromHex('0x00f85f…')) // { type: 0, batch: { parentHash, … } }
 */
export function decodeBatch(payload: Uint8Array): DecodedBatch {
  if (payload.length === 0) throw new DecodeError('empty-batch', 'batch too short')
  const type = payload[0]
  if (type === SINGULAR_BATCH_TYPE) return { type: 0, batch: decodeSingularBatch(payload.subarray(1)) }
  if (type === SPAN_BATCH_TYPE) return { type: 1, batch: decodeRawSpanBatch(payload.subarray(1)) }
  throw new DecodeError('unknown-batch-type', `unrecognized batch type: ${type}`)
}

/**
 * Encodes a typed batch: type byte ++ content (not wrapped in an RLP string; the channel writer does that).
 *
 * @throws RangeError if the batch cannot be encoded.
 */
export function encodeBatch(batch: DecodedBatch): Uint8Array {
  let content: Uint8Array
  switch (batch.type) {
    case 0:
      content = encodeSingularBatch(batch.batch)
      break
    case 1:
      content = encodeRawSpanBatch(batch.batch)
      break
    default: {
      const never: never = batch
      throw new RangeError(`unknown batch ${JSON.stringify(never)}`)
    }
  }
  const out = new Uint8Array(content.length + 1)
  out[0] = batch.type
  out.set(content, 1)
  return out
}
