/**
 * Splits a decompressed channel into its batch payloads (PROTOCOL.md §2.6;
 * https://specs.optimism.io/protocol/derivation.html#channel-format).
 *
 * The decompressed stream is a concatenation of RLP **byte strings**, each holding `batch_type ++ batch_content`
 * (not one RLP list, whatever the spec's pseudo-code says; PROTOCOL.md §9.3). op-node reads it with a go-ethereum
 * `rlp.Stream` limited to MAX_RLP_BYTES_PER_CHANNEL, calling `BatchData.DecodeRLP` (`s.Bytes()` then `decodeTyped`)
 * until the first error or EOF, and skips the rest of the channel on either (`channel.go` `BatchReader`,
 * `channel_in_reader.go`, `batch.go`). The rules mirrored here (`rlp/decode.go`):
 * - the limit counts every byte read, headers included, from the start of the stream; an item is readable only if
 *   it ends at or before the limit (`ErrValueTooLarge` otherwise); reaching the limit exactly at an item boundary,
 *   like reaching the end of the data, is a clean end (top-level `ErrValueTooLarge`/`EOF` become `io.EOF`);
 * - a list instead of a string is `ErrExpectedString`; non-canonical sizes are `ErrCanonSize`, including a single
 *   byte below 0x80 wrapped in a string header; a string running past the data is `ErrUnexpectedEOF`;
 * - an empty string is accepted by `s.Bytes()` but then fails `decodeTyped` ("batch too short"), which also ends the
 *   channel, so it is reported here as `batch-too-short`. Every returned payload has at least its type byte.
 */
import { DecodeError } from '../errors.ts'
import { type RlpErrorCode, readRlpHeader } from './rlp.ts'

export type ChannelReaderErrorCode = RlpErrorCode | 'batch-too-short'

export type ReadBatchPayloadsReturnType = {
  /** The contents of the RLP strings read before the stop, in order; views into the input. */
  payloads: Uint8Array[]
  /** Why reading stopped before the end of the data or the limit; the payloads before it are still valid. */
  error?: DecodeError<ChannelReaderErrorCode>
}

/**
 * Reads `rlp_string(batch_type ++ batch_content)` items from a decompressed channel until the data ends, the read
 * limit is reached, or an item is malformed.
 *
 * @param maxRlpBytes MAX_RLP_BYTES_PER_CHANNEL at the pipeline origin (`maxRlpBytesPerChannel` in forks.ts).
 * @throws RangeError if `maxRlpBytes` is not a non-negative integer. Malformed data is reported in `error`.
 * @example
 * const { payloads } = readBatchPayloads(decompressChannel(channelData, params).data, maxRlpBytesPerChannel(cfg, t))
 */
export function readBatchPayloads(decompressed: Uint8Array, maxRlpBytes: number): ReadBatchPayloadsReturnType {
  if (!Number.isSafeInteger(maxRlpBytes) || maxRlpBytes < 0) {
    throw new RangeError(`maxRlpBytes must be a non-negative integer, got ${maxRlpBytes}`)
  }
  const limit = Math.min(decompressed.length, maxRlpBytes)
  const payloads: Uint8Array[] = []
  let offset = 0
  while (offset < limit) {
    try {
      // The whole item (header + content) must fit in what is left of the read limit.
      const h = readRlpHeader(decompressed, offset, decompressed.length, maxRlpBytes - offset)
      if (h.list) throw new DecodeError('rlp-expected-string', `RLP list instead of a batch string at ${offset}`)
      const content = decompressed.subarray(h.start, h.end)
      if (!h.single && content.length === 1 && content[0] < 0x80) {
        throw new DecodeError('rlp-non-canonical-size', `RLP single byte at ${offset} has a string header`)
      }
      if (content.length === 0) throw new DecodeError('batch-too-short', `empty batch string at ${offset}`)
      payloads.push(content)
      offset = h.end
    } catch (error) {
      if (error instanceof DecodeError) return { payloads, error: error as DecodeError<ChannelReaderErrorCode> }
      throw error
    }
  }
  return { payloads }
}
