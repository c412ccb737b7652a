/**
 * Channel Reader: a complete channel's bytes → its batches (PROTOCOL.md §2.6;
 * https://specs.optimism.io/protocol/derivation.html#channel-format,
 * https://specs.optimism.io/protocol/fjord/derivation.html#brotli-channel-compression,
 * https://specs.optimism.io/protocol/delta/span-batches.html).
 *
 * Mirrors op-node `channel_in_reader.go` (`WriteChannel`, `NextBatch`) and `channel.go` (`BatchReader`). Every gate
 * uses the pipeline origin (the L1 block the channel completed in, PROTOCOL.md §1.1): brotli needs Fjord, the read
 * limit is MAX_RLP_BYTES_PER_CHANNEL, span batches need Delta. op-node reads a channel lazily, but its origin cannot
 * move while a channel is half read (the reader never reports EOF then), so decoding it whole here is equivalent. The
 * Holocene batch stage discards the remaining batches itself when it flushes a channel.
 *
 * Three kinds of failure, as op-node treats them:
 * - the channel cannot be opened (empty, unknown compression, brotli before Fjord): no batches (`channel-invalid`);
 * - the batch stream breaks (decompression error, malformed RLP, read limit, `decodeTyped` error including an
 *   unknown batch type): batches before the break are kept, the rest of the channel is dropped (`channel-truncated`);
 * - a batch decodes but is unusable (span batch before Delta, `DeriveSpanBatch` error): that batch alone is dropped,
 *   reading goes on (`batch-dropped`; see `span-batch.ts` on why derive errors differ from decode errors).
 */
import { toHex } from '../bytes.ts'
import { type BatchErrorCode, type DecodedBatch, decodeBatch } from '../codec/batch.ts'
import { type ChannelReaderErrorCode, readBatchPayloads } from '../codec/channel-reader.ts'
import { decompressChannel, type DecompressChannelReturnType } from '../codec/compression.ts'
import type { SingularBatch } from '../codec/singular-batch.ts'
import { deriveSpanBatch, type SpanBatch, type SpanBatchErrorCode } from '../codec/span-batch.ts'
import { isActive, maxRlpBytesPerChannel } from '../config/forks.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import { DecodeError } from '../errors.ts'
import type { ChannelInvalidReason, ChannelReaderTraceEntry, ChannelTrace, ReadyChannel } from './channel-trace.ts'
import type { L1BlockRef } from './types.ts'

/** The rollup config values the channel reader reads (fork gates, and `DeriveSpanBatch`'s parameters). */
export type ChannelDecoderConfig = Pick<RollupConfig, 'forks' | 'blockTime' | 'l2ChainId'> & {
  genesis: Pick<RollupConfig['genesis'], 'l2Time'>
}

export type ChannelBatch = { type: 'singular'; batch: SingularBatch } | { type: 'span'; batch: SpanBatch }

export type DecodeChannelReturnType = { batches: ChannelBatch[] }

type TruncatedReason = Extract<ChannelReaderTraceEntry, { kind: 'channel-truncated' }>['reason']
type BatchDroppedReason = Extract<ChannelReaderTraceEntry, { kind: 'batch-dropped' }>['reason']

/**
 * Decodes every batch of a complete channel, reporting each drop to `trace`. Never throws on bad data.
 *
 * @example
 * const ch = stage.nextChannel(origin, trace)
 * if (ch) for (const b of decodeChannel(ch, origin, cfg, trace).batches) batchStage.add(b, origin)
 */
export function decodeChannel(
  channel: ReadyChannel,
  origin: L1BlockRef,
  config: ChannelDecoderConfig,
  trace: ChannelTrace,
): DecodeChannelReturnType {
  const channelId = toHex(channel.id)
  const at = { channelId, origin: origin.number }
  const maxRlpBytes = maxRlpBytesPerChannel(config, origin.timestamp)
  let decompressed: DecompressChannelReturnType
  try {
    // channel_in_reader.go `WriteChannel`: BatchReader(data, MaxRLPBytesPerChannel(origin.Time), IsFjord(origin.Time)).
    decompressed = decompressChannel(channel.data, {
      maxOutputBytes: maxRlpBytes,
      allowBrotli: isActive(config, 'fjord', origin.timestamp),
    })
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error
    trace({ stage: 'channel-reader', kind: 'channel-invalid', reason: error.code as ChannelInvalidReason, ...at })
    return { batches: [] }
  }
  const { payloads, error: streamError } = readBatchPayloads(decompressed.data, maxRlpBytes)
  const batches: ChannelBatch[] = []
  const dropBatch = (batchIndex: number, reason: BatchDroppedReason) =>
    trace({ stage: 'channel-reader', kind: 'batch-dropped', reason, batchIndex, ...at })
  for (let i = 0; i < payloads.length; i++) {
    let decoded: DecodedBatch
    try {
      decoded = decodeBatch(payloads[i])
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error
      // `rlpReader.Decode` failed: op-node "skipping to next channel now".
      const reason = error.code as BatchErrorCode
      trace({ stage: 'channel-reader', kind: 'channel-truncated', reason, batchIndex: i, ...at })
      return { batches }
    }
    switch (decoded.type) {
      case 0:
        batches.push({ type: 'singular', batch: decoded.batch })
        break
      case 1: {
        // channel_in_reader.go: span batches are checked against the inclusion block, not the batch's L1 origin.
        if (!isActive(config, 'delta', origin.timestamp)) {
          dropBatch(i, 'span-batch-before-delta')
          break
        }
        try {
          const batch = deriveSpanBatch(decoded.batch, {
            genesisL2Time: config.genesis.l2Time,
            blockTime: config.blockTime,
            l2ChainId: config.l2ChainId,
          })
          batches.push({ type: 'span', batch })
        } catch (error) {
          if (!(error instanceof DecodeError)) throw error
          dropBatch(i, error.code as SpanBatchErrorCode)
        }
        break
      }
      default: {
        const never: never = decoded
        throw new Error(`unknown batch ${JSON.stringify(never)}`)
      }
    }
  }
  const reason = stopReason(decompressed, streamError?.code)
  if (reason !== undefined) {
    trace({ stage: 'channel-reader', kind: 'channel-truncated', reason, batchIndex: payloads.length, ...at })
  }
  return { batches }
}

/**
 * Why the stream ended early, if it did. A decompression failure explains an RLP item cut short at the end of the
 * decompressed prefix (or cut by the read limit), so it is the reason then; a malformed item is its own reason.
 */
function stopReason(
  decompressed: DecompressChannelReturnType,
  streamCode: ChannelReaderErrorCode | undefined,
): TruncatedReason | undefined {
  const cut = streamCode === undefined || streamCode === 'rlp-truncated' || streamCode === 'rlp-value-too-large'
  if (decompressed.error !== undefined && cut) return decompressed.error.code
  return streamCode
}
