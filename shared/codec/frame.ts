/**
 * Batcher-transaction data units and the frames they carry (PROTOCOL.md §2.4;
 * https://specs.optimism.io/protocol/derivation.html#batcher-transaction-format,
 * https://specs.optimism.io/protocol/derivation.html#frame-format).
 *
 * ```text
 * data_unit = derivation_version (0x00) ++ frame ++ frame ++ ...
 * frame     = channel_id (16) ++ frame_number (uint16 BE) ++ frame_data_length (uint32 BE) ++ frame_data ++ is_last (1)
 * ```
 *
 * Parsing follows op-node `ParseFrames` / `Frame.UnmarshalBinary` (`op-node/rollup/derive/frame.go`): all frames of a
 * data unit are valid or none is, so any failure drops the whole transaction.
 */
import { concatBytes } from '../bytes.ts'
import { MAX_FRAME_LEN } from '../config/forks.ts'
import { DecodeError } from '../errors.ts'

/** One frame of a channel. `channelId` is 16 bytes, `frameNumber` a uint16. */
export type Frame = {
  channelId: Uint8Array
  frameNumber: number
  data: Uint8Array
  isLast: boolean
}

export type FrameErrorCode =
  | 'data-unit-empty'
  | 'data-unit-unknown-version'
  | 'data-unit-no-frames'
  | 'frame-truncated'
  | 'frame-data-too-long'
  | 'frame-invalid-is-last'

/** The only derivation version: data unit = `0x00 ++ frames`. */
export const DERIVATION_VERSION_0 = 0

/** channel_id (16) + frame_number (2) + frame_data_length (4) + is_last (1). */
export const FRAME_FIXED_OVERHEAD = 23

const CHANNEL_ID_LENGTH = 16

export type DecodeFrameReturnType = {
  frame: Frame
  /** Offset of the first byte after the frame. */
  end: number
}

/**
 * Decodes one frame at `offset`. The frame owns copies of its bytes, so it can outlive the transaction data.
 *
 * Check order is op-node's: the length cap is tested before the data is read, so an oversized length fails with
 * `frame-data-too-long` even when the input is also short.
 *
 * @throws DecodeError `frame-truncated`, `frame-data-too-long` (`frame_data_length > MAX_FRAME_LEN`),
 *   `frame-invalid-is-last` (a byte other than 0 or 1).
 * @example decodeFrame(txData, 1) // first frame after the version byte
 */
export function decodeFrame(bytes: Uint8Array, offset: number): DecodeFrameReturnType {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > bytes.length) {
    throw new DecodeError('frame-truncated', `frame offset ${offset} is outside the ${bytes.length}-byte input`)
  }
  const headerEnd = offset + CHANNEL_ID_LENGTH + 2 + 4
  if (headerEnd > bytes.length) {
    throw new DecodeError('frame-truncated', `frame header at ${offset} needs ${headerEnd - offset} bytes`)
  }
  const channelId = bytes.slice(offset, offset + CHANNEL_ID_LENGTH)
  let o = offset + CHANNEL_ID_LENGTH
  const frameNumber = (bytes[o] << 8) | bytes[o + 1]
  o += 2
  // `>>> 0` keeps the uint32 unsigned when the top bit is set.
  const dataLength = ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0
  o += 4
  if (dataLength > MAX_FRAME_LEN) {
    throw new DecodeError('frame-data-too-long', `frame_data_length ${dataLength} exceeds ${MAX_FRAME_LEN}`)
  }
  if (o + dataLength + 1 > bytes.length) {
    throw new DecodeError(
      'frame-truncated',
      `frame at ${offset} with ${dataLength} data bytes runs past the ${bytes.length}-byte input`,
    )
  }
  const data = bytes.slice(o, o + dataLength)
  o += dataLength
  const isLastByte = bytes[o]
  if (isLastByte !== 0 && isLastByte !== 1) {
    throw new DecodeError('frame-invalid-is-last', `is_last byte at ${o} is ${isLastByte}, not 0 or 1`)
  }
  return { frame: { channelId, frameNumber, data, isLast: isLastByte === 1 }, end: o + 1 }
}

/**
 * Parses a batcher transaction's data (calldata, or one decoded blob): version byte 0 followed by one or more
 * frames that consume the data exactly.
 *
 * @throws DecodeError with a {@link FrameErrorCode}: `data-unit-empty`, `data-unit-unknown-version`,
 *   `data-unit-no-frames` (only the version byte), or the first frame error. Trailing bytes that do not form a whole
 *   frame fail as `frame-truncated`, as in op-node, whose loop parses frames until the buffer is empty.
 * @example parseDataUnit(tx.input) // Frame[]; on DecodeError drop every frame of the tx
 */
export function parseDataUnit(bytes: Uint8Array): Frame[] {
  if (bytes.length === 0) throw new DecodeError('data-unit-empty', 'batcher transaction data is empty')
  if (bytes[0] !== DERIVATION_VERSION_0) {
    throw new DecodeError('data-unit-unknown-version', `unknown derivation version byte ${bytes[0]}`)
  }
  const frames: Frame[] = []
  let offset = 1
  while (offset < bytes.length) {
    const { frame, end } = decodeFrame(bytes, offset)
    frames.push(frame)
    offset = end
  }
  if (frames.length === 0) throw new DecodeError('data-unit-no-frames', 'batcher transaction data has no frames')
  return frames
}

/**
 * Encodes one frame (op-node `Frame.MarshalBinary`).
 *
 * @throws RangeError if the channel id is not 16 bytes, the frame number is not a uint16 or the data is longer than
 *   `MAX_FRAME_LEN` (such a frame would be rejected by every node).
 */
export function encodeFrame(frame: Frame): Uint8Array {
  const { channelId, frameNumber, data, isLast } = frame
  if (channelId.length !== CHANNEL_ID_LENGTH) {
    throw new RangeError(`channel id must be 16 bytes, got ${channelId.length}`)
  }
  if (!Number.isInteger(frameNumber) || frameNumber < 0 || frameNumber > 0xffff) {
    throw new RangeError(`frame number must be a uint16, got ${frameNumber}`)
  }
  if (data.length > MAX_FRAME_LEN) throw new RangeError(`frame data of ${data.length} bytes exceeds ${MAX_FRAME_LEN}`)
  const out = new Uint8Array(FRAME_FIXED_OVERHEAD + data.length)
  out.set(channelId, 0)
  let o = CHANNEL_ID_LENGTH
  out[o++] = frameNumber >>> 8
  out[o++] = frameNumber & 0xff
  out[o++] = data.length >>> 24
  out[o++] = (data.length >>> 16) & 0xff
  out[o++] = (data.length >>> 8) & 0xff
  out[o++] = data.length & 0xff
  out.set(data, o)
  out[o + data.length] = isLast ? 1 : 0
  return out
}

/**
 * Encodes a batcher transaction's data: `0x00 ++ frames`.
 *
 * An empty list encodes to the lone version byte, which is what op-node's `ForceCloseTxData` returns for a channel
 * that is already closed; {@link parseDataUnit} rejects it (`data-unit-no-frames`), so such a tx carries nothing.
 *
 * @example encodeDataUnit([{ channelId, frameNumber: 0, data: compressed, isLast: true }])
 */
export function encodeDataUnit(frames: readonly Frame[]): Uint8Array {
  return concatBytes(Uint8Array.of(DERIVATION_VERSION_0), ...frames.map(encodeFrame))
}
