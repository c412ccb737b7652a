import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bytesEqual, concatBytes, fromHex, toHex } from '../../../shared/bytes.ts'
import { MAX_FRAME_LEN } from '../../../shared/config/forks.ts'
import { DecodeError } from '../../../shared/errors.ts'
import {
  decodeFrame,
  encodeDataUnit,
  encodeFrame,
  type Frame,
  type FrameErrorCode,
  parseDataUnit,
} from '../../../shared/codec/frame.ts'
import { prng, randomBytes } from '../../support/random.ts'

type FrameVector = {
  name: string
  source: string
  input: { channel_id: string }
  expected: {
    cases: { frames: { n: number; last: boolean; id?: string }[]; output?: string; error?: boolean }[]
  }
}
const vectors: FrameVector[] = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/frames/frame-encoding.json'), 'utf8'),
)

const ID = fromHex('0xdeadbeefdeadbeefdeadbeefdeadbeef')
const frame = (frameNumber: number, data: Uint8Array, isLast = false, channelId = ID): Frame => ({
  channelId,
  frameNumber,
  data,
  isLast,
})

function decodeErrorCode(f: () => unknown): FrameErrorCode | undefined {
  try {
    f()
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError)
    return (error as DecodeError<FrameErrorCode>).code
  }
  return undefined
}

/**
 * op-node `ForceCloseTxData` (`channel_out.go`), rebuilt on top of encodeFrame/encodeDataUnit to run its test
 * table: empty frames that fill the gaps up to the closing frame, or close an unclosed channel with frame 0.
 */
function forceCloseTxData(frames: Frame[]): Uint8Array {
  if (frames.length === 0) throw new Error('must provide at least one frame')
  const id = frames[0].channelId
  const seen = new Set<number>()
  let closeNumber = 0
  let closed = false
  for (const f of frames) {
    if (!closed && f.isLast) closeNumber = f.frameNumber
    closed ||= f.isLast
    seen.add(f.frameNumber)
    if (!bytesEqual(f.channelId, id)) throw new Error('invalid ID in list')
  }
  if (!closed) return encodeDataUnit([frame(0, new Uint8Array(0), true, id)])
  const gaps: Frame[] = []
  for (let i = 0; i <= closeNumber; i++) if (!seen.has(i)) gaps.push(frame(i, new Uint8Array(0), false, id))
  return encodeDataUnit(gaps)
}

describe('parseDataUnit', () => {
  it('default: data unit = version_byte ++ payload; version 0 carries concatenated frames', () => {
    const frames = [frame(0, Uint8Array.of(1, 2, 3)), frame(1, new Uint8Array(0), true)]
    const bytes = encodeDataUnit(frames)
    expect(bytes[0]).toBe(0)
    expect(parseDataUnit(bytes)).toEqual(frames)
  })

  it('behavior: frame = channel_id(16) ++ frame_number(uint16 BE) ++ frame_data_length(uint32 BE) ++ frame_data ++ is_last', () => {
    const id = '000102030405060708090a0b0c0d0e0f'
    const bytes = fromHex(`0x00${id}abcd00000002beef01`)
    expect(parseDataUnit(bytes)).toEqual([
      { channelId: fromHex(`0x${id}`), frameNumber: 0xabcd, data: fromHex('0xbeef'), isLast: true },
    ])
  })

  it('behavior: frames from several channels may share one data unit', () => {
    const other = fromHex('0x11111111111111111111111111111111')
    const frames = [frame(3, Uint8Array.of(9)), frame(0, Uint8Array.of(8), true, other)]
    expect(parseDataUnit(encodeDataUnit(frames))).toEqual(frames)
  })

  it('behavior: frame_data_length of exactly MAX_FRAME_LEN is valid', () => {
    const data = new Uint8Array(MAX_FRAME_LEN).fill(7)
    const [f] = parseDataUnit(encodeDataUnit([frame(0, data, true)]))
    expect(f.data.length).toBe(MAX_FRAME_LEN)
  })

  it('behavior: decoded frames own their bytes', () => {
    const bytes = encodeDataUnit([frame(0, Uint8Array.of(1, 2), true)])
    const [f] = parseDataUnit(bytes)
    bytes.fill(0xff)
    expect(toHex(f.channelId)).toBe(toHex(ID))
    expect([...f.data]).toEqual([1, 2])
  })

  it('error: empty data → ignore the whole tx', () => {
    expect(decodeErrorCode(() => parseDataUnit(new Uint8Array(0)))).toBe('data-unit-empty')
  })

  it('error: unknown version → ignore the whole tx', () => {
    const bytes = encodeDataUnit([frame(0, Uint8Array.of(1), true)])
    for (const version of [1, 2, 0x80, 0xff]) {
      bytes[0] = version
      expect(decodeErrorCode(() => parseDataUnit(bytes))).toBe('data-unit-unknown-version')
    }
  })

  it('error: frame_data_length > 1,000,000 → invalid', () => {
    const bytes = fromHex('0x00' + '00'.repeat(16) + '0000' + (MAX_FRAME_LEN + 1).toString(16).padStart(8, '0'))
    expect(decodeErrorCode(() => parseDataUnit(bytes))).toBe('frame-data-too-long')
    // The cap is checked before the data is read, as in op-node; 0xffffffff stays unsigned.
    const huge = fromHex('0x00' + '00'.repeat(16) + '0000' + 'ffffffff' + '00'.repeat(MAX_FRAME_LEN + 1))
    expect(decodeErrorCode(() => parseDataUnit(huge))).toBe('frame-data-too-long')
  })

  it('error: is_last must be 0 or 1 else invalid', () => {
    const bytes = encodeDataUnit([frame(0, Uint8Array.of(5), true)])
    for (const b of [2, 0x10, 0xff]) {
      bytes[bytes.length - 1] = b
      expect(decodeErrorCode(() => parseDataUnit(bytes))).toBe('frame-invalid-is-last')
    }
  })

  it('error: all frames must parse and consume the data exactly (trailing garbage)', () => {
    const bytes = concatBytes(encodeDataUnit([frame(0, Uint8Array.of(5), true)]), Uint8Array.of(0))
    expect(decodeErrorCode(() => parseDataUnit(bytes))).toBe('frame-truncated')
  })

  it('error: at least one frame', () => {
    expect(decodeErrorCode(() => parseDataUnit(Uint8Array.of(0)))).toBe('data-unit-no-frames')
  })

  it('error: any failure → all frames of the tx are dropped', () => {
    const good = encodeDataUnit([frame(0, Uint8Array.of(1)), frame(1, Uint8Array.of(2))])
    const bad = good.slice()
    bad[bad.length - 1] = 7 // second frame's is_last
    expect(decodeErrorCode(() => parseDataUnit(bad))).toBe('frame-invalid-is-last')
    expect(decodeErrorCode(() => parseDataUnit(good.subarray(0, good.length - 1)))).toBe('frame-truncated')
  })

  it('error: every truncation of a valid data unit is rejected with a DecodeError', () => {
    const bytes = encodeDataUnit([frame(0, Uint8Array.of(1, 2, 3)), frame(1, Uint8Array.of(4), true)])
    const firstEnd = 1 + 23 + 3
    for (let n = 2; n < bytes.length; n++) {
      if (n === firstEnd) continue // exactly one whole frame is a valid data unit
      expect(decodeErrorCode(() => parseDataUnit(bytes.subarray(0, n)))).toBe('frame-truncated')
    }
    expect(parseDataUnit(bytes.subarray(0, firstEnd))).toHaveLength(1)
  })

  it('behavior: random byte strings never throw anything but DecodeError', () => {
    const rand = prng(7)
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(rand, Math.floor(rand() * 60))
      if (rand() < 0.7 && bytes.length > 0) bytes[0] = 0
      try {
        parseDataUnit(bytes)
      } catch (error) {
        expect(error).toBeInstanceOf(DecodeError)
      }
    }
  })
})

describe('decodeFrame', () => {
  it('default: decodes the frame at an offset and returns where it ends', () => {
    const f = frame(2, Uint8Array.of(1, 2, 3), false)
    const bytes = concatBytes(Uint8Array.of(9, 9), encodeFrame(f), Uint8Array.of(9))
    expect(decodeFrame(bytes, 2)).toEqual({ frame: f, end: 2 + 23 + 3 })
  })

  it('error: an offset outside the input is a truncated frame', () => {
    const bytes = encodeFrame(frame(0, new Uint8Array(0)))
    for (const offset of [-1, bytes.length, bytes.length + 1, 0.5, Number.NaN]) {
      expect(decodeErrorCode(() => decodeFrame(bytes, offset))).toBe('frame-truncated')
    }
  })
})

describe('encodeFrame / encodeDataUnit', () => {
  it('default: op-node ForceCloseTxData vectors (channel_out_test.go) encode byte for byte', () => {
    const [vector] = vectors
    const id = fromHex(vector.input.channel_id)
    for (const c of vector.expected.cases) {
      const frames = c.frames.map((f) => frame(f.n, new Uint8Array(0), f.last, f.id ? fromHex(f.id) : id))
      if (c.error) {
        expect(() => forceCloseTxData(frames)).toThrow()
      } else {
        expect(toHex(forceCloseTxData(frames))).toBe(c.output)
      }
    }
  })

  it('behavior: an empty frame list encodes to the lone version byte, which is not a valid data unit', () => {
    expect(encodeDataUnit([])).toEqual(Uint8Array.of(0))
    expect(decodeErrorCode(() => parseDataUnit(encodeDataUnit([])))).toBe('data-unit-no-frames')
  })

  it('error: rejects frames no node would accept', () => {
    expect(() => encodeFrame(frame(0, new Uint8Array(0), false, new Uint8Array(15)))).toThrow(RangeError)
    expect(() => encodeFrame(frame(0x10000, new Uint8Array(0)))).toThrow(RangeError)
    expect(() => encodeFrame(frame(-1, new Uint8Array(0)))).toThrow(RangeError)
    expect(() => encodeFrame(frame(0, new Uint8Array(MAX_FRAME_LEN + 1)))).toThrow(RangeError)
  })

  it('behavior: random frames round-trip through encodeDataUnit / parseDataUnit', () => {
    const rand = prng(42)
    for (let i = 0; i < 300; i++) {
      const frames = Array.from({ length: 1 + Math.floor(rand() * 5) }, () =>
        frame(
          Math.floor(rand() * 0x10000),
          randomBytes(rand, rand() < 0.1 ? 0 : Math.floor(rand() * 2000)),
          rand() < 0.5,
          randomBytes(rand, 16),
        ),
      )
      const bytes = encodeDataUnit(frames)
      expect(bytes.length).toBe(1 + frames.reduce((n, f) => n + 23 + f.data.length, 0))
      expect(parseDataUnit(bytes)).toEqual(frames)
      expect(toHex(encodeDataUnit(parseDataUnit(bytes)))).toBe(toHex(bytes))
    }
  })
})
