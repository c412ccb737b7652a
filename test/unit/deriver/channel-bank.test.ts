/**
 * Pre-Holocene channel bank, one test per rule of PROTOCOL.md §2.5 (op-node `channel_bank.go`, `channel.go`;
 * cases modelled on `channel_bank_test.go`).
 */
import { describe, expect, it } from 'vitest'
import type { Frame } from '../../../shared/codec/frame.ts'
import type { ForkTimes } from '../../../shared/config/rollup-config.ts'
import { ChannelBank } from '../../../shared/deriver/channel-bank.ts'
import type { ChannelStageConfig, ChannelTraceEntry } from '../../../shared/deriver/channel-trace.ts'
import type { L1BlockRef } from '../../../shared/deriver/types.ts'
import { channelId as id, channelIdHex as idHex, l1Ref as l1 } from '../../support/refs.ts'

const config = (forks: ForkTimes = {}, channelTimeout = 300): ChannelStageConfig => ({ forks, channelTimeout })
const text = (s: string) => new TextEncoder().encode(s)
const frame = (c: string, n: number, data: string | Uint8Array, isLast = false): Frame => ({
  channelId: id(c),
  frameNumber: n,
  data: typeof data === 'string' ? text(data) : data,
  isLast,
})

function setup(forks: ForkTimes = {}, channelTimeout = 300) {
  const bank = new ChannelBank(config(forks, channelTimeout))
  const trace: ChannelTraceEntry[] = []
  const t = (e: ChannelTraceEntry) => trace.push(e)
  return {
    bank,
    trace,
    ingest: (f: Frame, origin: L1BlockRef) => bank.ingestFrame(f, origin, t),
    read: (origin: L1BlockRef) => {
      const ch = bank.read(origin, t)
      if (ch === undefined) return undefined
      return { id: String.fromCharCode(ch.id[0]), data: new TextDecoder().decode(ch.data) }
    },
  }
}

describe('ChannelBank', () => {
  it('§2.5 channel queue FIFO keyed by first sighting; new channel tagged open_l1_block = current origin', () => {
    const { bank, ingest, read } = setup({ canyon: 0 })
    ingest(frame('b', 1, 'b1', true), l1(10))
    ingest(frame('a', 0, 'a0', true), l1(11))
    ingest(frame('b', 0, 'b0'), l1(12))
    expect(bank.snapshot().channels.map((c) => [c.id, c.openBlock])).toEqual([
      [idHex('b'), 10],
      [idHex('a'), 11],
    ])
    expect(read(l1(12))).toEqual({ id: 'b', data: 'b0b1' })
    expect(read(l1(12))).toEqual({ id: 'a', data: 'a0' })
    expect(read(l1(12))).toBeUndefined()
  })

  it('§2.5 timed out iff open_l1_block.number + CHANNEL_TIMEOUT(origin.time) < origin.number', () => {
    const { ingest, read, trace } = setup({}, 300)
    ingest(frame('a', 0, 'a0'), l1(10))
    ingest(frame('a', 1, 'a1', true), l1(310)) // 10 + 300 < 310 is false: still open
    expect(trace).toEqual([])
    expect(read(l1(310))).toEqual({ id: 'a', data: 'a0a1' })
    ingest(frame('c', 0, 'c0'), l1(10))
    expect(read(l1(311))).toBeUndefined()
    expect(trace).toEqual([
      { stage: 'channel-bank', kind: 'channel-timed-out', channelId: idHex('c'), openBlock: 10, origin: 311 },
    ])
  })

  it('§2.5 frame insertion: frames for timed-out (unpruned) channels dropped', () => {
    const { bank, ingest, trace } = setup({}, 5)
    ingest(frame('a', 0, 'a0'), l1(10))
    ingest(frame('a', 1, 'a1', true), l1(16))
    expect(trace).toEqual([
      {
        stage: 'channel-bank',
        kind: 'frame-dropped',
        reason: 'channel-timed-out',
        channelId: idHex('a'),
        frameNumber: 1,
        origin: 16,
      },
    ])
    expect(bank.snapshot().channels[0].frames).toHaveLength(1)
  })

  it('channel timeout at the Granite boundary: 300 → 50, by the L1 block time', () => {
    const granite = 100_000
    for (const [time, timedOut] of [
      [granite - 1, false],
      [granite, true],
    ] as const) {
      const { ingest, read, trace } = setup({ granite }, 300)
      ingest(frame('a', 0, 'a0', true), l1(100, granite - 1000))
      ingest(frame('b', 0, 'b0'), l1(100, granite - 1000))
      // Block 151: 100 + 50 < 151, but 100 + 300 ≥ 151.
      const origin = l1(151, time)
      ingest(frame('b', 1, 'b1', true), origin)
      if (timedOut) {
        expect(read(origin)).toBeUndefined()
        expect(trace.map((e) => e.kind)).toEqual(['frame-dropped', 'channel-timed-out', 'channel-timed-out'])
      } else {
        expect([read(origin), read(origin)]).toEqual([
          { id: 'a', data: 'a0' },
          { id: 'b', data: 'b0b1' },
        ])
        expect(trace).toEqual([])
      }
    }
  })

  it('§2.5 frame insertion: duplicate frame number dropped (the first copy wins)', () => {
    const { ingest, read, trace } = setup()
    ingest(frame('a', 0, 'first'), l1(1))
    ingest(frame('a', 0, 'second'), l1(1))
    ingest(frame('a', 1, '!', true), l1(1))
    expect(trace.map((e) => e.kind === 'frame-dropped' && e.reason)).toEqual(['duplicate-frame'])
    expect(read(l1(1))).toEqual({ id: 'a', data: 'first!' })
  })

  it('§2.5 frame insertion: second is_last dropped', () => {
    const { ingest, read, trace } = setup()
    ingest(frame('a', 2, 'a2', true), l1(1))
    ingest(frame('a', 1, 'a1', true), l1(1))
    expect(trace.map((e) => e.kind === 'frame-dropped' && e.reason)).toEqual(['second-last-frame'])
    ingest(frame('a', 0, 'a0'), l1(1))
    ingest(frame('a', 1, 'a1'), l1(1))
    expect(read(l1(1))).toEqual({ id: 'a', data: 'a0a1a2' })
  })

  it('§2.5 frame insertion: frame with number ≥ end-frame number of a closed channel dropped', () => {
    const { ingest, trace } = setup()
    ingest(frame('a', 1, 'a1', true), l1(1))
    ingest(frame('a', 3, 'a3'), l1(1))
    expect(trace.map((e) => e.kind === 'frame-dropped' && e.reason)).toEqual(['frame-after-last'])
  })

  it('§2.5 frame insertion: a closing frame prunes any buffered higher-numbered frames (and, as in op-node, restarts the size)', () => {
    const { bank, ingest, read } = setup()
    ingest(frame('a', 0, 'a0'), l1(1))
    ingest(frame('a', 3, 'a3'), l1(1))
    ingest(frame('a', 5, 'a5'), l1(1))
    ingest(frame('a', 2, 'a2', true), l1(1))
    const [channel] = bank.snapshot().channels
    expect(channel.frames.map((f) => f.frameNumber)).toEqual([0, 2])
    expect(channel.highestFrameNumber).toBe(2)
    // op-node `AddFrame` subtracts every held frame's size while pruning: only the closing frame is counted.
    expect(channel.size).toBe(2 + 200)
    ingest(frame('a', 1, 'a1'), l1(1))
    expect(read(l1(1))).toEqual({ id: 'a', data: 'a0a1a2' })
  })

  it('§2.5 size accounting: channel size = Σ(len(frame_data) + 200); prune from the front until Σ ≤ MAX_CHANNEL_BANK_SIZE', () => {
    const mb = new Uint8Array(1_000_000) // shared: frames hold references
    for (const fjord of [false, true]) {
      const { bank, ingest, trace } = setup(fjord ? { fjord: 0 } : {})
      for (let n = 0; n < 50; n++) ingest(frame('a', n, mb), l1(1))
      for (let n = 0; n < 49; n++) ingest(frame('b', n, mb), l1(1))
      expect(bank.channels().map((c) => c.size)).toEqual([50 * 1_000_200, 49 * 1_000_200])
      expect(trace).toEqual([])
      // 99 × 1,000,200 = 99,019,800 ≤ 100,000,000; one more frame passes the Bedrock cap, not Fjord's 1,000,000,000.
      ingest(frame('b', 49, mb), l1(1))
      if (fjord) {
        expect(trace).toEqual([])
        expect(bank.channels()).toHaveLength(2)
      } else {
        expect(trace).toEqual([
          {
            stage: 'channel-bank',
            kind: 'channel-dropped',
            reason: 'bank-size-exceeded',
            channelId: idHex('a'),
            origin: 1,
          },
        ])
        expect(bank.channels().map((c) => [c.id, c.frameCount])).toEqual([[idHex('b'), 50]])
      }
    }
  })

  it('§2.5 ready iff closed and frames 0..end all present', () => {
    const { ingest, read } = setup({ canyon: 0 })
    ingest(frame('a', 0, 'a0'), l1(1))
    ingest(frame('a', 1, 'a1'), l1(1))
    expect(read(l1(1))).toBeUndefined() // not closed
    ingest(frame('a', 3, 'a3', true), l1(1))
    expect(read(l1(1))).toBeUndefined() // frame 2 missing
    ingest(frame('a', 2, 'a2'), l1(1))
    expect(read(l1(1))).toEqual({ id: 'a', data: 'a0a1a2a3' })
  })

  it('§2.5 read: first remove timed-out channels at the head', () => {
    const { bank, ingest, read, trace } = setup({ canyon: 0 }, 5)
    ingest(frame('a', 0, 'a0'), l1(1))
    ingest(frame('b', 0, 'b0'), l1(2))
    ingest(frame('c', 0, 'c0', true), l1(8))
    expect(read(l1(8))).toEqual({ id: 'c', data: 'c0' })
    expect(trace.map((e) => e.kind === 'channel-timed-out' && e.channelId)).toEqual([idHex('a'), idHex('b')])
    expect(bank.snapshot().channels).toEqual([])
  })

  it('§2.5 pre-Canyon: read only the head channel if ready', () => {
    const { ingest, read } = setup()
    ingest(frame('a', 0, 'a0'), l1(1))
    ingest(frame('b', 0, 'b0', true), l1(1))
    expect(read(l1(1))).toBeUndefined()
    ingest(frame('a', 1, 'a1', true), l1(1))
    expect([read(l1(1)), read(l1(1))]).toEqual([
      { id: 'a', data: 'a0a1' },
      { id: 'b', data: 'b0' },
    ])
  })

  it('§2.5 Canyon+: scan the whole queue in FIFO order and read the first ready, not-timed-out channel', () => {
    const { ingest, read } = setup({ canyon: 0 })
    ingest(frame('a', 0, 'a0'), l1(1))
    ingest(frame('b', 0, 'b0', true), l1(1))
    ingest(frame('c', 0, 'c0', true), l1(1))
    expect([read(l1(1)), read(l1(1)), read(l1(1))]).toEqual([
      { id: 'b', data: 'b0' },
      { id: 'c', data: 'c0' },
      undefined,
    ])
  })

  it('the Canyon read rule switches by the L1 origin time', () => {
    const canyon = 1_000
    const { ingest, read } = setup({ canyon })
    ingest(frame('a', 0, 'a0'), l1(1, canyon - 12))
    ingest(frame('b', 0, 'b0', true), l1(1, canyon - 12))
    expect(read(l1(1, canyon - 12))).toBeUndefined()
    expect(read(l1(2, canyon))).toEqual({ id: 'b', data: 'b0' })
  })

  it('§2.5 reading removes the channel; data = concatenation of frame_data in order', () => {
    const { bank, ingest, read } = setup()
    ingest(frame('a', 2, 'C', true), l1(1))
    ingest(frame('a', 0, 'A'), l1(1))
    ingest(frame('a', 1, 'B'), l1(1))
    expect(read(l1(1))).toEqual({ id: 'a', data: 'ABC' })
    expect(bank.snapshot().channels).toEqual([])
  })

  it('§2.5 channel IDs may be reused after a channel is removed', () => {
    const { bank, ingest, read } = setup()
    ingest(frame('a', 0, 'one', true), l1(1))
    expect(read(l1(1))).toEqual({ id: 'a', data: 'one' })
    ingest(frame('a', 0, 'two', true), l1(7))
    expect(bank.snapshot().channels.map((c) => c.openBlock)).toEqual([7])
    expect(read(l1(7))).toEqual({ id: 'a', data: 'two' })
  })

  it('behavior: next() reads before it ingests (op-node NextRawChannel)', () => {
    const bank = new ChannelBank(config())
    const queue = [frame('a', 0, 'a0', true), frame('b', 0, 'b0', true)]
    const pulled: Frame[] = []
    const pull = () => {
      const f = queue.shift()
      if (f) pulled.push(f)
      return f
    }
    expect(bank.next(l1(1), pull, () => {})?.id).toEqual(id('a'))
    expect(pulled).toHaveLength(1) // b0 is still queued
    expect(bank.next(l1(1), pull, () => {})?.id).toEqual(id('b'))
    expect(bank.next(l1(1), pull, () => {})).toBeUndefined()
  })

  it('behavior: snapshot is plain JSON and restore resumes exactly', () => {
    const cfg = config({ canyon: 0 })
    const bank = new ChannelBank(cfg)
    const trace: ChannelTraceEntry[] = []
    bank.ingestFrame(frame('a', 0, 'a0'), l1(1), (e) => trace.push(e))
    bank.ingestFrame(frame('a', 4, 'a4'), l1(1), (e) => trace.push(e))
    bank.ingestFrame(frame('a', 1, 'a1', true), l1(2), (e) => trace.push(e))
    bank.ingestFrame(frame('b', 0, 'b0', true), l1(2), (e) => trace.push(e))
    const snapshot = JSON.parse(JSON.stringify(bank.snapshot())) as ReturnType<ChannelBank['snapshot']>
    expect(ChannelBank.restore(snapshot, cfg).snapshot()).toEqual(bank.snapshot())
    const restored = ChannelBank.restore(snapshot, cfg)
    for (const b of [bank, restored]) {
      expect(b.read(l1(3), () => {})).toEqual({ id: id('a'), data: text('a0a1') })
      expect(b.read(l1(3), () => {})).toEqual({ id: id('b'), data: text('b0') })
    }
  })
})
