/**
 * Channel Bank, the pre-Holocene channel stage: a FIFO of channels keyed by id, filled frame by frame in any order,
 * timed out, size-capped, and read when complete (PROTOCOL.md §2.5;
 * https://specs.optimism.io/protocol/derivation.html#channel-bank).
 *
 * Mirrors op-node `op-node/rollup/derive/channel_bank.go` and `channel.go` (`Channel.AddFrame` without
 * `requireInOrder`); kona `stages/channel/channel_bank.rs`, `protocol/src/channel.rs`. Every rule is gated by the
 * pipeline origin (the L1 block being traversed): CHANNEL_TIMEOUT (Granite), MAX_CHANNEL_BANK_SIZE (Fjord) and the
 * read rule (Canyon) (PROTOCOL.md §1.1).
 *
 * op-node alternates "read, else ingest one frame" (`NextRawChannel`): callers do the same, calling {@link
 * ChannelBank.read} until it returns nothing before ingesting the next frame (`ChannelStage` does).
 */
import { concatBytes, fromHex, type Hex, toHex } from '../bytes.ts'
import type { Frame } from '../codec/frame.ts'
import { channelTimeout, FRAME_OVERHEAD, isActive, maxChannelBankSize } from '../config/forks.ts'
import type { ChannelBankFrameDropReason, ChannelStageConfig, ChannelTrace, ReadyChannel } from './channel-trace.ts'
import { type FrameJson, frameFromJson, frameToJson } from './frame-queue.ts'
import type { L1BlockRef } from './types.ts'

/** One channel in checkpoint JSON. */
export type ChannelBankChannelJson = {
  id: Hex
  /** Number of the L1 block (pipeline origin) at which the channel's first frame arrived. */
  openBlock: number
  /** op-node `Channel.size` (see {@link ChannelBank.ingestFrame} for its quirk). */
  size: number
  closed: boolean
  endFrameNumber: number
  highestFrameNumber: number
  frames: FrameJson[]
}

export type ChannelBankSnapshot = { channels: ChannelBankChannelJson[] }

type BankChannel = {
  id: Uint8Array
  key: Hex
  openBlock: number
  size: number
  closed: boolean
  endFrameNumber: number
  highestFrameNumber: number
  /** By frame number, in insertion order. */
  frames: Map<number, Frame>
}

/**
 * The pre-Holocene channel bank.
 *
 * @example
 * const bank = new ChannelBank(cfg)
 * const ch = bank.next(origin, () => frameQueue.next(), trace) // ReadyChannel | undefined (needs more frames)
 */
export class ChannelBank {
  readonly #config: ChannelStageConfig
  /** FIFO by first sighting (op-node `channelQueue`); ids are unique within it. */
  #queue: BankChannel[] = []
  #byId = new Map<Hex, BankChannel>()

  constructor(config: ChannelStageConfig) {
    this.#config = config
  }

  /**
   * op-node `NextRawChannel`, looped: read a complete channel, else ingest one frame from `pull` and try again;
   * `undefined` once `pull` runs dry.
   */
  next(origin: L1BlockRef, pull: () => Frame | undefined, trace: ChannelTrace): ReadyChannel | undefined {
    for (;;) {
      const ready = this.read(origin, trace)
      if (ready !== undefined) return ready
      const frame = pull()
      if (frame === undefined) return undefined
      this.ingestFrame(frame, origin, trace)
    }
  }

  /**
   * Adds a frame (op-node `IngestFrame`). An unknown id opens a channel at the current origin (even if the frame is
   * then refused). Frames of a timed-out channel, a second `is_last`, a duplicate number, or a number at or past
   * the end of a closed channel are dropped. A closing frame prunes buffered higher frames; op-node (and kona)
   * then subtract the size of *every* held frame, not only the pruned ones, so the channel's size restarts from
   * the closing frame: kept, as the size prune below depends on it. After an accepted frame, channels are pruned
   * from the head until Σ size ≤ MAX_CHANNEL_BANK_SIZE(origin.time).
   */
  ingestFrame(frame: Frame, origin: L1BlockRef, trace: ChannelTrace): void {
    const key = toHex(frame.channelId)
    let channel = this.#byId.get(key)
    if (channel === undefined) {
      channel = {
        id: frame.channelId,
        key,
        openBlock: origin.number,
        size: 0,
        closed: false,
        endFrameNumber: 0,
        highestFrameNumber: 0,
        frames: new Map(),
      }
      this.#byId.set(key, channel)
      this.#queue.push(channel)
    }
    const refuse = (reason: ChannelBankFrameDropReason) =>
      trace({
        stage: 'channel-bank',
        kind: 'frame-dropped',
        reason,
        channelId: key,
        frameNumber: frame.frameNumber,
        origin: origin.number,
      })
    // channel_bank.go: "check if the channel is not timed out" before adding.
    if (this.#timedOut(channel, origin)) return refuse('channel-timed-out')
    // channel.go `AddFrame`: "These checks are specified and cannot be changed without a hard fork."
    if (frame.isLast && channel.closed) return refuse('second-last-frame')
    if (channel.frames.has(frame.frameNumber)) return refuse('duplicate-frame')
    if (channel.closed && frame.frameNumber >= channel.endFrameNumber) return refuse('frame-after-last')
    if (frame.isLast) {
      channel.endFrameNumber = frame.frameNumber
      channel.closed = true
      if (channel.endFrameNumber < channel.highestFrameNumber) {
        for (const [number, held] of channel.frames) {
          if (number >= channel.endFrameNumber) channel.frames.delete(number)
          channel.size -= frameSize(held) // every held frame, as in op-node (see above)
        }
        channel.highestFrameNumber = channel.endFrameNumber
      }
    }
    if (frame.frameNumber > channel.highestFrameNumber) channel.highestFrameNumber = frame.frameNumber
    channel.frames.set(frame.frameNumber, frame)
    channel.size += frameSize(frame)
    this.#prune(origin, trace)
  }

  /**
   * Reads the next complete channel, removing it (op-node `Read`): first drops timed-out channels at the head (op-node
   * drops one per call and is called again before any frame is ingested, so dropping them all is the same); then
   * before Canyon only the head channel may be read, from Canyon the first ready, non-timed-out channel in FIFO
   * order (both by `origin.timestamp`).
   */
  read(origin: L1BlockRef, trace: ChannelTrace): ReadyChannel | undefined {
    while (this.#queue.length > 0 && this.#timedOut(this.#queue[0], origin)) {
      const head = this.#remove(0)
      trace({
        stage: 'channel-bank',
        kind: 'channel-timed-out',
        channelId: head.key,
        openBlock: head.openBlock,
        origin: origin.number,
      })
    }
    if (this.#queue.length === 0) return undefined
    const scan = isActive(this.#config, 'canyon', origin.timestamp) ? this.#queue.length : 1
    for (let i = 0; i < scan; i++) {
      const channel = this.#queue[i]
      if (this.#timedOut(channel, origin) || !isReady(channel)) continue
      this.#remove(i)
      const parts: Uint8Array[] = []
      for (let n = 0; n <= channel.endFrameNumber; n++) parts.push((channel.frames.get(n) as Frame).data)
      return { id: channel.id, data: concatBytes(...parts) }
    }
    return undefined
  }

  /** Empties the bank (reset, Holocene activation); returns the ids of the channels it held, in FIFO order. */
  clear(): Hex[] {
    const ids = this.#queue.map((c) => c.key)
    this.#queue = []
    this.#byId.clear()
    return ids
  }

  /** What the bank holds, in FIFO order, without the frame data (for status pages and tests). */
  channels(): { id: Hex; openBlock: number; size: number; closed: boolean; frameCount: number }[] {
    return this.#queue.map((c) => ({
      id: c.key,
      openBlock: c.openBlock,
      size: c.size,
      closed: c.closed,
      frameCount: c.frames.size,
    }))
  }

  snapshot(): ChannelBankSnapshot {
    return {
      channels: this.#queue.map((c) => ({
        id: c.key,
        openBlock: c.openBlock,
        size: c.size,
        closed: c.closed,
        endFrameNumber: c.endFrameNumber,
        highestFrameNumber: c.highestFrameNumber,
        frames: [...c.frames.values()].map(frameToJson),
      })),
    }
  }

  /** @throws TypeError on malformed hex (a corrupt checkpoint, not L1 data). */
  static restore(snapshot: ChannelBankSnapshot, config: ChannelStageConfig): ChannelBank {
    const bank = new ChannelBank(config)
    for (const c of snapshot.channels) {
      const frames = c.frames.map(frameFromJson)
      const channel: BankChannel = {
        id: fromHex(c.id),
        key: c.id,
        openBlock: c.openBlock,
        size: c.size,
        closed: c.closed,
        endFrameNumber: c.endFrameNumber,
        highestFrameNumber: c.highestFrameNumber,
        frames: new Map(frames.map((f) => [f.frameNumber, f])),
      }
      bank.#queue.push(channel)
      bank.#byId.set(channel.key, channel)
    }
    return bank
  }

  /** `open_l1_block.number + CHANNEL_TIMEOUT(origin.time) < origin.number` (op-node `channel_bank.go`). */
  #timedOut(channel: BankChannel, origin: L1BlockRef): boolean {
    return channel.openBlock + channelTimeout(this.#config, origin.timestamp) < origin.number
  }

  #remove(index: number): BankChannel {
    const [channel] = this.#queue.splice(index, 1)
    this.#byId.delete(channel.key)
    return channel
  }

  /** op-node `prune`: "the high-priority channel failed to be read, so we start pruning there". */
  #prune(origin: L1BlockRef, trace: ChannelTrace): void {
    let total = 0
    for (const c of this.#queue) total += c.size
    const max = maxChannelBankSize(this.#config, origin.timestamp)
    while (total > max && this.#queue.length > 0) {
      const head = this.#remove(0)
      total -= head.size
      trace({
        stage: 'channel-bank',
        kind: 'channel-dropped',
        reason: 'bank-size-exceeded',
        channelId: head.key,
        origin: origin.number,
      })
    }
  }
}

/** op-node `frameSize`: data length plus the fixed overhead. */
function frameSize(frame: Frame): number {
  return frame.data.length + FRAME_OVERHEAD
}

/** op-node `Channel.IsReady`: closed, and frames `0..end` all held. */
function isReady(channel: BankChannel): boolean {
  if (!channel.closed || channel.frames.size !== channel.endFrameNumber + 1) return false
  for (let n = 0; n <= channel.endFrameNumber; n++) if (!channel.frames.has(n)) return false
  return true
}
