/**
 * Channel Assembler, the Holocene channel stage: one staging channel, frames strictly in order (PROTOCOL.md §2.5
 * "Holocene"; https://specs.optimism.io/protocol/holocene/derivation.html#channel-bank).
 *
 * Mirrors op-node `op-node/rollup/derive/channel_assembler.go` with `Channel.AddFrame(requireInOrder = true)`
 * (`channel.go`); kona `stages/channel/channel_assembler.rs`. CHANNEL_TIMEOUT (Granite) and MAX_RLP_BYTES_PER_CHANNEL
 * (Fjord) are taken at the pipeline origin; MAX_CHANNEL_BANK_SIZE is not used any more.
 */
import { concatBytes, fromHex, type Hex, toHex } from '../bytes.ts'
import type { Frame } from '../codec/frame.ts'
import { channelTimeout, FRAME_OVERHEAD, maxRlpBytesPerChannel } from '../config/forks.ts'
import type {
  ChannelAssemblerFrameDropReason,
  ChannelStageConfig,
  ChannelTrace,
  ReadyChannel,
} from './channel-trace.ts'
import { type FrameJson, frameFromJson, frameToJson } from './frame-queue.ts'
import type { L1BlockRef } from './types.ts'

/** The staging channel in checkpoint JSON. Frames are `0..frames.length-1` in order; the last is never `isLast`. */
export type ChannelAssemblerChannelJson = { id: Hex; openBlock: number; size: number; frames: FrameJson[] }

export type ChannelAssemblerSnapshot = { channel: ChannelAssemblerChannelJson | null }

type StagingChannel = { id: Uint8Array; key: Hex; openBlock: number; size: number; frames: Frame[] }

/**
 * The Holocene channel assembler.
 *
 * @example
 * const ca = new ChannelAssembler(cfg)
 * const ch = ca.next(origin, () => frameQueue.next(), trace) // ReadyChannel | undefined (needs more frames)
 */
export class ChannelAssembler {
  readonly #config: ChannelStageConfig
  #channel: StagingChannel | undefined

  constructor(config: ChannelStageConfig) {
    this.#config = config
  }

  /**
   * op-node `NextRawChannel`: drop the staging channel if it timed out, then ingest frames from `pull` until one
   * completes a channel (returned) or `pull` runs dry (`undefined`).
   */
  next(origin: L1BlockRef, pull: () => Frame | undefined, trace: ChannelTrace): ReadyChannel | undefined {
    this.checkTimeout(origin, trace)
    for (let frame = pull(); frame !== undefined; frame = pull()) {
      const ready = this.ingestFrame(frame, origin, trace)
      if (ready !== undefined) return ready
    }
    return undefined
  }

  /**
   * Drops the staging channel if `open_l1_block.number + CHANNEL_TIMEOUT(origin.time) < origin.number`. op-node checks
   * once per `NextRawChannel`, before taking frames; a later frame of the dropped channel then finds no staging
   * channel and is dropped too (the spec's "drop channel and frame").
   */
  checkTimeout(origin: L1BlockRef, trace: ChannelTrace): void {
    const channel = this.#channel
    if (channel === undefined) return
    if (channel.openBlock + channelTimeout(this.#config, origin.timestamp) < origin.number) {
      this.#channel = undefined
      trace({
        stage: 'channel-assembler',
        kind: 'channel-timed-out',
        channelId: channel.key,
        openBlock: channel.openBlock,
        origin: origin.number,
      })
    }
  }

  /** Adds one frame; returns the channel if this frame completed it. */
  ingestFrame(frame: Frame, origin: L1BlockRef, trace: ChannelTrace): ReadyChannel | undefined {
    const key = toHex(frame.channelId)
    // channel_assembler.go: "first frames always start a new channel, discarding an existing one".
    if (frame.frameNumber === 0) {
      if (this.#channel !== undefined) this.#dropChannel('replaced', origin, trace)
      this.#channel = { id: frame.channelId, key, openBlock: origin.number, size: 0, frames: [] }
    }
    const channel = this.#channel
    const refuse = (reason: ChannelAssemblerFrameDropReason) => {
      trace({
        stage: 'channel-assembler',
        kind: 'frame-dropped',
        reason,
        channelId: key,
        frameNumber: frame.frameNumber,
        origin: origin.number,
      })
      return undefined
    }
    if (channel === undefined) return refuse('no-staging-channel')
    // channel.go `AddFrame` in check order; with in-order frames the staging channel is never closed (a last frame
    // completes it), so the `is_last`/end-frame checks cannot fire here. The frame queue only orders frames within
    // one data unit, hence the ordering is checked again.
    if (channel.key !== key) return refuse('channel-id-mismatch')
    if (frame.frameNumber < channel.frames.length) return refuse('duplicate-frame')
    if (frame.frameNumber !== channel.frames.length) return refuse('out-of-order')
    channel.frames.push(frame)
    channel.size += frame.data.length + FRAME_OVERHEAD
    if (channel.size > maxRlpBytesPerChannel(this.#config, origin.timestamp)) {
      this.#dropChannel('oversized', origin, trace)
      return undefined
    }
    if (!frame.isLast) return undefined
    this.#channel = undefined
    return { id: channel.id, data: concatBytes(...channel.frames.map((f) => f.data)) }
  }

  /**
   * op-node `FlushChannel`: the Holocene batch stage found an invalid batch, so the staging channel goes too
   * (https://specs.optimism.io/protocol/holocene/derivation.html#fast-channel-invalidation).
   */
  flush(origin: L1BlockRef, trace: ChannelTrace): void {
    if (this.#channel !== undefined) this.#dropChannel('flushed', origin, trace)
  }

  /** Forgets the staging channel without a trace (pipeline reset). */
  clear(): void {
    this.#channel = undefined
  }

  snapshot(): ChannelAssemblerSnapshot {
    const c = this.#channel
    if (c === undefined) return { channel: null }
    return { channel: { id: c.key, openBlock: c.openBlock, size: c.size, frames: c.frames.map(frameToJson) } }
  }

  /** @throws TypeError on malformed hex (a corrupt checkpoint, not L1 data). */
  static restore(snapshot: ChannelAssemblerSnapshot, config: ChannelStageConfig): ChannelAssembler {
    const ca = new ChannelAssembler(config)
    const c = snapshot.channel
    if (c !== null) {
      ca.#channel = {
        id: fromHex(c.id),
        key: c.id,
        openBlock: c.openBlock,
        size: c.size,
        frames: c.frames.map(frameFromJson),
      }
    }
    return ca
  }

  #dropChannel(reason: 'oversized' | 'replaced' | 'flushed', origin: L1BlockRef, trace: ChannelTrace): void {
    const channel = this.#channel as StagingChannel
    this.#channel = undefined
    trace({
      stage: 'channel-assembler',
      kind: 'channel-dropped',
      reason,
      channelId: channel.key,
      origin: origin.number,
    })
  }
}
