/**
 * Holocene channel assembler, one test per Holocene rule of PROTOCOL.md §2.5 (op-node `channel_assembler.go`; cases
 * modelled on `channel_assembler_test.go`).
 */
import { describe, expect, it } from 'vitest'
import type { Frame } from '../../../shared/codec/frame.ts'
import type { ForkTimes } from '../../../shared/config/rollup-config.ts'
import { ChannelAssembler } from '../../../shared/deriver/channel-assembler.ts'
import type { ChannelStageConfig, ChannelTraceEntry } from '../../../shared/deriver/channel-trace.ts'
import type { L1BlockRef } from '../../../shared/deriver/types.ts'
import { channelId as id, channelIdHex as idHex, l1Ref as l1 } from '../../support/refs.ts'

const config = (forks: ForkTimes = {}, channelTimeout = 300): ChannelStageConfig => ({
  forks: { holocene: 0, ...forks },
  channelTimeout,
})
const frame = (c: string, n: number, data: string | Uint8Array, isLast = false): Frame => ({
  channelId: id(c),
  frameNumber: n,
  data: typeof data === 'string' ? new TextEncoder().encode(data) : data,
  isLast,
})

function setup(forks: ForkTimes = {}, channelTimeout = 300) {
  const ca = new ChannelAssembler(config(forks, channelTimeout))
  const trace: ChannelTraceEntry[] = []
  return {
    ca,
    trace,
    /** Runs `next` over these frames; returns the channels completed, as `id:data`. */
    feed(origin: L1BlockRef, ...frames: Frame[]) {
      const out: string[] = []
      const pull = () => frames.shift()
      for (let ch = ca.next(origin, pull, (e) => trace.push(e)); ch; ch = ca.next(origin, pull, (e) => trace.push(e))) {
        out.push(`${String.fromCharCode(ch.id[0])}:${new TextDecoder().decode(ch.data)}`)
      }
      return out
    },
    drops: () => trace.map((e) => ('reason' in e ? `${e.kind} ${e.reason}` : e.kind)),
  }
}

describe('ChannelAssembler', () => {
  it('§2.5 Holocene: single staging channel, completed by in-order frames up to is_last', () => {
    const { ca, feed, trace } = setup()
    expect(feed(l1(1), frame('a', 0, 'A'), frame('a', 1, 'B'))).toEqual([])
    expect(ca.snapshot().channel?.frames.map((f) => f.frameNumber)).toEqual([0, 1])
    expect(feed(l1(2), frame('a', 2, 'C', true), frame('b', 0, 'D', true))).toEqual(['a:ABC', 'b:D'])
    expect(ca.snapshot()).toEqual({ channel: null })
    expect(trace).toEqual([])
  })

  it('§2.5 Holocene: first frame (number 0) of a new channel replaces any unfinished staging channel', () => {
    const { feed, trace } = setup()
    expect(feed(l1(1), frame('a', 0, 'A'), frame('b', 0, 'B'), frame('b', 1, 'b', true))).toEqual(['b:Bb'])
    expect(trace).toEqual([
      { stage: 'channel-assembler', kind: 'channel-dropped', reason: 'replaced', channelId: idHex('a'), origin: 1 },
    ])
    // Also a frame 0 of the same channel restarts it.
    expect(feed(l1(1), frame('c', 0, 'x'), frame('c', 0, 'y'), frame('c', 1, 'z', true))).toEqual(['c:yz'])
  })

  it('§2.5 Holocene: frames must be in order (frame_number == len(frames)), else dropped', () => {
    const { feed, drops, trace } = setup()
    expect(
      feed(
        l1(1),
        frame('a', 1, 'no channel yet'),
        frame('a', 0, 'A'),
        frame('a', 2, 'gap'),
        frame('a', 0 + 1, 'B'),
        frame('a', 1, 'dup'),
        frame('b', 1, 'other channel'),
        frame('a', 2, 'C', true),
      ),
    ).toEqual(['a:ABC'])
    expect(drops()).toEqual([
      'frame-dropped no-staging-channel',
      'frame-dropped out-of-order',
      'frame-dropped duplicate-frame',
      'frame-dropped channel-id-mismatch',
    ])
    expect(trace[3]).toEqual({
      stage: 'channel-assembler',
      kind: 'frame-dropped',
      reason: 'channel-id-mismatch',
      channelId: idHex('b'),
      frameNumber: 1,
      origin: 1,
    })
  })

  it('§2.5 Holocene: staging channel timed out and the incoming frame would be its next frame → drop channel and frame', () => {
    const { feed, drops, trace } = setup({}, 300)
    feed(l1(10), frame('a', 0, 'A'))
    expect(feed(l1(310), frame('a', 1, 'B'))).toEqual([]) // 10 + 300 < 310 is false: kept
    expect(feed(l1(311), frame('a', 2, 'C', true))).toEqual([])
    expect(drops()).toEqual(['channel-timed-out', 'frame-dropped no-staging-channel'])
    expect(trace[0]).toEqual({
      stage: 'channel-assembler',
      kind: 'channel-timed-out',
      channelId: idHex('a'),
      openBlock: 10,
      origin: 311,
    })
  })

  it('channel timeout at the Granite boundary: 300 → 50, by the L1 block time (Holocene assembler)', () => {
    const granite = 100_000
    for (const [time, timedOut] of [
      [granite - 1, false],
      [granite, true],
    ] as const) {
      const { feed } = setup({ granite }, 300)
      feed(l1(100, granite - 1000), frame('a', 0, 'A'))
      expect(feed(l1(151, time), frame('a', 1, 'B', true))).toEqual(timedOut ? [] : ['a:AB'])
    }
  })

  it('§2.5 Holocene: channel raw size (incl. 200/frame overhead) > MAX_RLP_BYTES_PER_CHANNEL → drop channel', () => {
    const mb = new Uint8Array(1_000_000)
    // Ten frames: 9 × 1,000,000 + last + 10 × 200. Bedrock cap 10,000,000.
    const frames = (last: number) => [
      ...Array.from({ length: 9 }, (_, n) => frame('a', n, mb)),
      frame('a', 9, new Uint8Array(last), true),
    ]
    const fits = setup()
    expect(fits.feed(l1(1), ...frames(1_000_000 - 2000))).toHaveLength(1)
    const over = setup()
    expect(over.feed(l1(1), ...frames(1_000_000 - 1999))).toEqual([])
    expect(over.trace).toEqual([
      { stage: 'channel-assembler', kind: 'channel-dropped', reason: 'oversized', channelId: idHex('a'), origin: 1 },
    ])
    // Fjord (by the origin's time) raises the cap to 100,000,000.
    const fjord = setup({ fjord: 0 })
    expect(fjord.feed(l1(1), ...frames(1_000_000))).toHaveLength(1)
  })

  it('behavior: flush drops the staging channel (Holocene fast channel invalidation)', () => {
    const { ca, feed, drops } = setup()
    feed(l1(1), frame('a', 0, 'A'))
    ca.flush(l1(1), () => {})
    ca.flush(l1(1), () => {}) // nothing staged: no-op
    expect(feed(l1(1), frame('a', 1, 'B', true))).toEqual([])
    expect(drops()).toEqual(['frame-dropped no-staging-channel'])
  })

  it('behavior: snapshot is plain JSON and restore resumes exactly', () => {
    const cfg = config()
    const { ca, feed } = setup()
    feed(l1(4), frame('a', 0, 'A'), frame('a', 1, 'B'))
    const snapshot = JSON.parse(JSON.stringify(ca.snapshot())) as ReturnType<ChannelAssembler['snapshot']>
    expect(snapshot.channel).toMatchObject({ id: idHex('a'), openBlock: 4, size: 2 + 400 })
    const restored = ChannelAssembler.restore(snapshot, cfg)
    expect(restored.snapshot()).toEqual(ca.snapshot())
    const queue = [frame('a', 2, 'C', true)]
    const ch = restored.next(l1(5), () => queue.shift(), () => {})
    expect(new TextDecoder().decode(ch?.data)).toBe('ABC')
  })
})
