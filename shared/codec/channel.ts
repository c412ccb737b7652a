/**
 * Groups frames into channels for offline inspection (`op-edge decode-channel <dataUnit>...`), with the frame
 * acceptance rules of the pre-Holocene channel bank (PROTOCOL.md §2.5;
 * https://specs.optimism.io/protocol/derivation.html#channel-bank; op-node `Channel.AddFrame`/`IsReady`/`Reader`
 * in `op-node/rollup/derive/channel.go`):
 * - a second frame with `is_last` is dropped;
 * - a frame number already held is dropped (the first copy wins);
 * - once closed, frames numbered at or above the closing frame are dropped, and a closing frame prunes any
 *   higher-numbered frames already held;
 * - a channel is complete when it is closed and frames `0..last` are all present; its data is their `frame_data`
 *   concatenated in order.
 *
 * Not the derivation pipeline's channel bank: there are no L1 origins, timeouts, size limits, Holocene ordering rules,
 * and a channel is never removed, so a channel id is not reused.
 */
import { concatBytes, toHex } from '../bytes.ts'
import type { Frame } from './frame.ts'

export type FrameDropReason = 'second-last-frame' | 'duplicate-frame' | 'frame-after-last'

export type AssembledChannel = {
  id: Uint8Array
  /** Frames held, by ascending frame number. */
  frames: Frame[]
  /** Closed, with frames `0..last` all present. */
  complete: boolean
  /** `frame_data` of frames 0, 1, 2, ... concatenated up to the first missing frame (all of them when complete). */
  data: Uint8Array
}

type ChannelState = {
  id: Uint8Array
  frames: Map<number, Frame>
  /** Number of the accepted `is_last` frame. */
  last: number | undefined
}

/**
 * Collects frames from any number of data units and reports channels in first-seen order.
 *
 * @example
 * const assembler = new ChannelAssembler()
 * for (const unit of dataUnits) for (const frame of parseDataUnit(unit)) assembler.addFrame(frame)
 * for (const ch of assembler.channels()) if (ch.complete) decompressChannel(ch.data, params)
 */
export class ChannelAssembler {
  #channels = new Map<string, ChannelState>()

  /** Adds a frame; returns why it was dropped, or `undefined` if it was accepted. */
  addFrame(frame: Frame): FrameDropReason | undefined {
    const key = toHex(frame.channelId)
    let channel = this.#channels.get(key)
    if (channel === undefined) {
      channel = { id: frame.channelId.slice(), frames: new Map(), last: undefined }
      this.#channels.set(key, channel)
    }
    const closed = channel.last !== undefined
    if (frame.isLast && closed) return 'second-last-frame'
    if (channel.frames.has(frame.frameNumber)) return 'duplicate-frame'
    if (channel.last !== undefined && frame.frameNumber >= channel.last) return 'frame-after-last'
    if (frame.isLast) {
      channel.last = frame.frameNumber
      for (const n of channel.frames.keys()) if (n > frame.frameNumber) channel.frames.delete(n)
    }
    channel.frames.set(frame.frameNumber, frame)
    return undefined
  }

  /** Every channel seen so far, in the order its first frame arrived. */
  channels(): AssembledChannel[] {
    return [...this.#channels.values()].map(assemble)
  }
}

function assemble(channel: ChannelState): AssembledChannel {
  const frames = [...channel.frames.values()].sort((a, b) => a.frameNumber - b.frameNumber)
  const contiguous: Uint8Array[] = []
  while (contiguous.length < frames.length && frames[contiguous.length].frameNumber === contiguous.length) {
    contiguous.push(frames[contiguous.length].data)
  }
  // Frame numbers are unique and none exceeds `last`, so holding last + 1 frames means holding all of 0..last.
  const complete = channel.last !== undefined && frames.length === channel.last + 1
  return { id: channel.id.slice(), frames, complete, data: concatBytes(...contiguous) }
}
