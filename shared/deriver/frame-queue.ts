/**
 * Frame Queue: the frames of batcher data units, in arrival order, with Holocene's pruning (PROTOCOL.md §2.4;
 * https://specs.optimism.io/protocol/derivation.html#frame-queue,
 * https://specs.optimism.io/protocol/holocene/derivation.html#frame-queue).
 *
 * Mirrors op-node `op-node/rollup/derive/frame_queue.go` (kona `stages/frame_queue.rs`). op-node loads the next data
 * unit only once the queue is empty (`NextFrame`), so pruning only ever sees one transaction's frames; ordering
 * across transactions is enforced again by the channel assembler. Callers keep that rhythm: add a data unit when
 * {@link FrameQueue.size} is 0 (see `ChannelStage.needsData`).
 */
import { bytesEqual, fromHex, type Hex, toHex } from '../bytes.ts'
import { type Frame, type FrameErrorCode, parseDataUnit } from '../codec/frame.ts'
import { DecodeError } from '../errors.ts'
import type { ChannelTrace, FrameQueueDropReason } from './channel-trace.ts'
import type { L1BlockRef } from './types.ts'

/** A frame as checkpoint JSON. */
export type FrameJson = { channelId: Hex; frameNumber: number; data: Hex; isLast: boolean }

export type FrameQueueSnapshot = { frames: FrameJson[] }

export function frameToJson(frame: Frame): FrameJson {
  return {
    channelId: toHex(frame.channelId),
    frameNumber: frame.frameNumber,
    data: toHex(frame.data),
    isLast: frame.isLast,
  }
}

/** @throws TypeError on malformed hex (a corrupt checkpoint, not L1 data). */
export function frameFromJson(json: FrameJson): Frame {
  return {
    channelId: fromHex(json.channelId),
    frameNumber: json.frameNumber,
    data: fromHex(json.data),
    isLast: json.isLast,
  }
}

/**
 * FIFO of frames between L1 retrieval and the channel bank / assembler.
 *
 * @example
 * const fq = new FrameQueue()
 * fq.addDataUnit(tx.input, origin, isActive(cfg, 'holocene', origin.timestamp), trace)
 * for (let f = fq.next(); f !== undefined; f = fq.next()) bank.ingestFrame(f, origin, trace)
 */
export class FrameQueue {
  #frames: Frame[] = []

  /** Number of frames waiting. */
  get size(): number {
    return this.#frames.length
  }

  /**
   * Parses a batcher transaction's data and queues its frames. A data unit that fails to parse is dropped whole
   * (op-node `loadNextFrames`: `ParseFrames` error → warn and skip) and reported as `data-unit-dropped`.
   */
  addDataUnit(data: Uint8Array, origin: L1BlockRef, holocene: boolean, trace: ChannelTrace): void {
    let frames: Frame[]
    try {
      frames = parseDataUnit(data)
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error
      const reason = error.code as FrameErrorCode
      trace({ stage: 'frame-queue', kind: 'data-unit-dropped', reason, origin: origin.number })
      return
    }
    this.addFrames(frames, origin, holocene, trace)
  }

  /**
   * Queues one data unit's frames; from Holocene (`holocene` = Holocene active at `origin.timestamp`) prunes the
   * queue right after, as op-node does only when adding (taking frames out cannot invalidate the rest).
   */
  addFrames(frames: readonly Frame[], origin: L1BlockRef, holocene: boolean, trace: ChannelTrace): void {
    for (const frame of frames) this.#frames.push(frame)
    if (holocene) this.#prune(origin.number, trace)
  }

  /** Takes the oldest frame, or `undefined` when the queue is empty. */
  next(): Frame | undefined {
    return this.#frames.shift()
  }

  /** Removes and returns every queued frame (reset; Holocene activation, op-node `FrameQueue.Transform`). */
  clear(): Frame[] {
    const frames = this.#frames
    this.#frames = []
    return frames
  }

  snapshot(): FrameQueueSnapshot {
    return { frames: this.#frames.map(frameToJson) }
  }

  static restore(snapshot: FrameQueueSnapshot): FrameQueue {
    const fq = new FrameQueue()
    fq.#frames = snapshot.frames.map(frameFromJson)
    return fq
  }

  /**
   * op-node `pruneFrameQueue`: walk adjacent pairs; a removal re-checks the pair at the same position, and dropping
   * the *current* frame steps back one so the rest of an unclosed channel is dropped too (PROTOCOL.md §2.4).
   */
  #prune(origin: number, trace: ChannelTrace): void {
    const frames = this.#frames
    const drop = (index: number, reason: FrameQueueDropReason) => {
      const [frame] = frames.splice(index, 1)
      trace({
        stage: 'frame-queue',
        kind: 'frame-dropped',
        reason,
        channelId: toHex(frame.channelId),
        frameNumber: frame.frameNumber,
        origin,
      })
    }
    let i = 0
    while (i < frames.length - 1) {
      const current = frames[i]
      const next = frames[i + 1]
      if (bytesEqual(current.channelId, next.channelId)) {
        // Frames of one channel must arrive in order and stop at the last one.
        if (current.isLast) {
          drop(i + 1, 'holocene-after-last')
          continue
        }
        if (next.frameNumber !== current.frameNumber + 1) {
          drop(i + 1, 'holocene-non-consecutive')
          continue
        }
      } else {
        // A first frame discards a previous channel that never closed, walking back over its frames.
        if (next.frameNumber === 0 && !current.isLast) {
          drop(i, 'holocene-unclosed-channel')
          if (i > 0) i--
          continue
        }
        // A new channel must start at frame 0.
        if (next.frameNumber !== 0) {
          drop(i + 1, 'holocene-not-first-frame')
          continue
        }
      }
      i++
    }
  }
}
