import { describe, expect, it } from 'vitest'
import { bytesEqual, concatBytes, fromHex } from '../../../shared/bytes.ts'
import { MAX_RLP_BYTES_PER_CHANNEL_FJORD } from '../../../shared/config/forks.ts'
import { ChannelAssembler } from '../../../shared/codec/channel.ts'
import { readBatchPayloads } from '../../../shared/codec/channel-reader.ts'
import { compressChannel, decompressChannel } from '../../../shared/codec/compression.ts'
import { encodeDataUnit, type Frame, parseDataUnit } from '../../../shared/codec/frame.ts'
import { encodeRlpBytes } from '../../../shared/codec/rlp.ts'
import { prng, randomBytes } from '../../support/random.ts'

const A = fromHex('0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')
const B = fromHex('0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')
const frame = (channelId: Uint8Array, frameNumber: number, data: number[], isLast = false): Frame => ({
  channelId,
  frameNumber,
  data: Uint8Array.from(data),
  isLast,
})

function assemble(...frames: Frame[]) {
  const assembler = new ChannelAssembler()
  const drops = frames.map((f) => assembler.addFrame(f))
  return { channels: assembler.channels(), drops }
}

describe('ChannelAssembler', () => {
  it('default: frames 0..last in order make a complete channel; data = concatenation of frame_data in order', () => {
    const { channels, drops } = assemble(frame(A, 0, [1, 2]), frame(A, 1, []), frame(A, 2, [3], true))
    expect(drops).toEqual([undefined, undefined, undefined])
    expect(channels).toHaveLength(1)
    expect(channels[0].id).toEqual(A)
    expect(channels[0].complete).toBe(true)
    expect([...channels[0].data]).toEqual([1, 2, 3])
    expect(channels[0].frames.map((f) => f.frameNumber)).toEqual([0, 1, 2])
  })

  it('behavior: channels are grouped by id and listed in first-seen order, across data units', () => {
    const units = [
      encodeDataUnit([frame(B, 0, [0xb0]), frame(A, 0, [0xa0])]),
      encodeDataUnit([frame(A, 1, [0xa1], true)]),
      encodeDataUnit([frame(B, 1, [0xb1], true)]),
    ]
    const assembler = new ChannelAssembler()
    for (const unit of units) for (const f of parseDataUnit(unit)) assembler.addFrame(f)
    const channels = assembler.channels()
    expect(channels.map((c) => [c.id, c.complete, [...c.data]])).toEqual([
      [B, true, [0xb0, 0xb1]],
      [A, true, [0xa0, 0xa1]],
    ])
  })

  it('behavior: ready iff closed and frames 0..end all present (frames may arrive out of order)', () => {
    expect(assemble(frame(A, 2, [3], true), frame(A, 0, [1])).channels[0].complete).toBe(false)
    expect(assemble(frame(A, 0, [1]), frame(A, 1, [2])).channels[0].complete).toBe(false)
    const { channels } = assemble(frame(A, 2, [3], true), frame(A, 0, [1]), frame(A, 1, [2]))
    expect(channels[0].complete).toBe(true)
    expect([...channels[0].data]).toEqual([1, 2, 3])
  })

  it('behavior: an incomplete channel reports the data of its contiguous frames from 0', () => {
    const { channels } = assemble(frame(A, 0, [1]), frame(A, 1, [2]), frame(A, 3, [4], true))
    expect(channels[0].complete).toBe(false)
    expect([...channels[0].data]).toEqual([1, 2])
    expect(assemble(frame(A, 1, [2])).channels[0].data.length).toBe(0)
  })

  it('behavior: duplicate frame number dropped (the first copy wins)', () => {
    const { channels, drops } = assemble(frame(A, 0, [1]), frame(A, 0, [9]), frame(A, 1, [2], true))
    expect(drops).toEqual([undefined, 'duplicate-frame', undefined])
    expect([...channels[0].data]).toEqual([1, 2])
  })

  it('behavior: second is_last dropped', () => {
    const { channels, drops } = assemble(frame(A, 1, [2], true), frame(A, 0, [1], true))
    expect(drops).toEqual([undefined, 'second-last-frame'])
    expect(channels[0].complete).toBe(false)
  })

  it('behavior: frame with number ≥ end-frame number of a closed channel dropped', () => {
    const { channels, drops } = assemble(frame(A, 0, [1]), frame(A, 1, [2], true), frame(A, 1, [3]), frame(A, 2, [4]))
    expect(drops).toEqual([undefined, undefined, 'duplicate-frame', 'frame-after-last'])
    expect([...channels[0].data]).toEqual([1, 2])
  })

  it('behavior: a closing frame prunes any buffered higher-numbered frames', () => {
    const { channels } = assemble(frame(A, 3, [4]), frame(A, 0, [1]), frame(A, 2, [3]), frame(A, 1, [2], true))
    expect(channels[0].frames.map((f) => f.frameNumber)).toEqual([0, 1])
    expect(channels[0].complete).toBe(true)
    expect([...channels[0].data]).toEqual([1, 2])
  })

  it('behavior: a single frame 0 with is_last is a complete channel', () => {
    const { channels } = assemble(frame(A, 0, [], true))
    expect(channels[0]).toMatchObject({ complete: true, data: new Uint8Array(0) })
  })

  it('behavior: random splits, shuffled with duplicates, reassemble to the original data', () => {
    const rand = prng(8)
    for (let i = 0; i < 200; i++) {
      const data = randomBytes(rand, Math.floor(rand() * 5000))
      const count = 1 + Math.floor(rand() * 12)
      const inner = Array.from({ length: count - 1 }, () => Math.floor(rand() * data.length)).sort((x, y) => x - y)
      const cuts = [0, ...inner, data.length]
      const frames = Array.from({ length: count }, (_, n) => ({
        channelId: A,
        frameNumber: n,
        data: data.slice(cuts[n], cuts[n + 1]),
        isLast: n === count - 1,
      }))
      const arrivals = [...frames, ...frames.filter(() => rand() < 0.3)]
      for (let k = arrivals.length - 1; k > 0; k--) {
        const j = Math.floor(rand() * (k + 1))
        ;[arrivals[k], arrivals[j]] = [arrivals[j], arrivals[k]]
      }
      const { channels } = assemble(...arrivals)
      expect(channels[0].complete).toBe(true)
      expect(bytesEqual(channels[0].data, data)).toBe(true)
    }
  })

  it('behavior: batches → compressed channel → frames → data units → assembled → decompressed → same batches', () => {
    const rand = prng(31)
    for (const algo of ['zlib', 'brotli'] as const) {
      const batches = Array.from({ length: 20 }, () => {
        const b = randomBytes(rand, 1 + Math.floor(rand() * 3000))
        b[0] = 0
        return b
      })
      const channelData = compressChannel(concatBytes(...batches.map(encodeRlpBytes)), algo)
      const size = 1000
      const frames: Frame[] = []
      for (let o = 0, n = 0; o < channelData.length; o += size, n++) {
        const isLast = o + size >= channelData.length
        frames.push({ channelId: B, frameNumber: n, data: channelData.slice(o, o + size), isLast })
      }
      const units = frames.map((f) => encodeDataUnit([f])).reverse()
      const assembler = new ChannelAssembler()
      for (const unit of units) for (const f of parseDataUnit(unit)) assembler.addFrame(f)
      const [channel] = assembler.channels()
      expect(channel.complete).toBe(true)
      const { data, complete } = decompressChannel(channel.data, {
        maxOutputBytes: MAX_RLP_BYTES_PER_CHANNEL_FJORD,
        allowBrotli: true,
      })
      expect(complete).toBe(true)
      expect(readBatchPayloads(data, MAX_RLP_BYTES_PER_CHANNEL_FJORD).payloads).toEqual(batches)
    }
  })
})
