/**
 * The vocabulary shared by the channel stages of the deriver (PROTOCOL.md §2.4–2.6): the trace entries they report
 * instead of throwing (DESIGN.md "The deriver": "malformed data is never an exception"), the channel they hand to
 * the channel reader, and the slice of the rollup config they read.
 *
 * Every entry names its stage, what was dropped (`kind`) and a typed `reason`, plus `origin`: the number of the L1
 * block being traversed when the drop happened (the pipeline origin, which gates every rule here, PROTOCOL.md §1.1).
 */
import type { Hex } from '../bytes.ts'
import type { BatchErrorCode } from '../codec/batch.ts'
import type { ChannelReaderErrorCode } from '../codec/channel-reader.ts'
import type { CompressionErrorCode } from '../codec/compression.ts'
import type { FrameErrorCode } from '../codec/frame.ts'
import type { SpanBatchErrorCode } from '../codec/span-batch.ts'
import type { RollupConfig } from '../config/rollup-config.ts'

/** The rollup config values the frame queue, channel bank and channel assembler read. */
export type ChannelStageConfig = Pick<RollupConfig, 'forks' | 'channelTimeout'>

/** A complete channel as the bank or the assembler emits it: its id and the concatenated `frame_data`. */
export type ReadyChannel = { id: Uint8Array; data: Uint8Array }

/** Why the frame queue dropped a frame (op-node `pruneFrameQueue`, `frame_queue.go`). */
export type FrameQueueDropReason =
  /** Same channel as the previous frame, which was its last. */
  | 'holocene-after-last'
  /** Same channel, but not `previous.frame_number + 1`. */
  | 'holocene-non-consecutive'
  /** A frame 0 of another channel arrived while this frame's channel was still open: the open channel goes. */
  | 'holocene-unclosed-channel'
  /** First frame of another channel that is not frame 0. */
  | 'holocene-not-first-frame'
  /** Discarded with the whole queue when the pipeline origin reached Holocene. */
  | 'holocene-activation'

export type FrameQueueTraceEntry =
  | { stage: 'frame-queue'; kind: 'data-unit-dropped'; reason: FrameErrorCode; origin: number }
  | {
      stage: 'frame-queue'
      kind: 'frame-dropped'
      reason: FrameQueueDropReason
      channelId: Hex
      frameNumber: number
      origin: number
    }

/** Why the pre-Holocene channel bank refused a frame (op-node `ChannelBank.IngestFrame`, `Channel.AddFrame`). */
export type ChannelBankFrameDropReason =
  | 'channel-timed-out'
  | 'second-last-frame'
  | 'duplicate-frame'
  | 'frame-after-last'

export type ChannelBankTraceEntry =
  | {
      stage: 'channel-bank'
      kind: 'frame-dropped'
      reason: ChannelBankFrameDropReason
      channelId: Hex
      frameNumber: number
      origin: number
    }
  | { stage: 'channel-bank'; kind: 'channel-timed-out'; channelId: Hex; openBlock: number; origin: number }
  | {
      stage: 'channel-bank'
      kind: 'channel-dropped'
      reason: 'bank-size-exceeded' | 'holocene-activation'
      channelId: Hex
      origin: number
    }

/** Why the Holocene channel assembler refused a frame (op-node `ChannelAssembler.NextRawChannel`). */
export type ChannelAssemblerFrameDropReason =
  /** A frame other than 0 while no channel is staged. */
  | 'no-staging-channel'
  /** A frame other than 0 of a channel other than the staged one. */
  | 'channel-id-mismatch'
  | 'duplicate-frame'
  /** `frame_number != number of frames staged`. */
  | 'out-of-order'

export type ChannelAssemblerTraceEntry =
  | {
      stage: 'channel-assembler'
      kind: 'frame-dropped'
      reason: ChannelAssemblerFrameDropReason
      channelId: Hex
      frameNumber: number
      origin: number
    }
  | { stage: 'channel-assembler'; kind: 'channel-timed-out'; channelId: Hex; openBlock: number; origin: number }
  | {
      stage: 'channel-assembler'
      kind: 'channel-dropped'
      /**
       * oversized: above MAX_RLP_BYTES_PER_CHANNEL; replaced: a frame 0 started a new channel; flushed: by the
       * Holocene batch stage.
       */
      reason: 'oversized' | 'replaced' | 'flushed'
      channelId: Hex
      origin: number
    }

/** Compression failures that make a whole channel unreadable (no batch at all). */
export type ChannelInvalidReason = 'compression-empty' | 'compression-unknown' | 'compression-brotli-before-fjord'

export type ChannelReaderTraceEntry =
  | { stage: 'channel-reader'; kind: 'channel-invalid'; reason: ChannelInvalidReason; channelId: Hex; origin: number }
  | {
      stage: 'channel-reader'
      kind: 'channel-truncated'
      reason: CompressionErrorCode | ChannelReaderErrorCode | BatchErrorCode
      channelId: Hex
      /** Index of the first batch payload not read; it and everything after it are dropped. */
      batchIndex: number
      origin: number
    }
  | {
      stage: 'channel-reader'
      kind: 'batch-dropped'
      reason: 'span-batch-before-delta' | SpanBatchErrorCode
      channelId: Hex
      batchIndex: number
      origin: number
    }

/** Every drop the channel stages report. */
export type ChannelTraceEntry =
  | FrameQueueTraceEntry
  | ChannelBankTraceEntry
  | ChannelAssemblerTraceEntry
  | ChannelReaderTraceEntry

/** Where the channel stages report drops. */
export type ChannelTrace = (entry: ChannelTraceEntry) => void
