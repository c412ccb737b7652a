/**
 * Frame queue, one test per rule of PROTOCOL.md §2.4. The pruning table is op-node's `TestPruneFrameQueue`
 * (`op-node/rollup/derive/frame_queue_test.go`), in its `id:number:` / `id:number:!` (is_last) notation.
 */
import { describe, expect, it } from 'vitest'
import { type Hex, toHex } from '../../../shared/bytes.ts'
import { encodeDataUnit, type Frame } from '../../../shared/codec/frame.ts'
import type { ChannelTraceEntry } from '../../../shared/deriver/channel-trace.ts'
import { FrameQueue } from '../../../shared/deriver/frame-queue.ts'
import type { L1BlockRef } from '../../../shared/deriver/types.ts'

const origin: L1BlockRef = {
  hash: `0x${'11'.repeat(32)}`,
  number: 100,
  parentHash: `0x${'22'.repeat(32)}`,
  timestamp: 1200,
}

/** op-node `testFrame`: "a:2:!" = channel of 16 × 'a', frame 2, is_last. */
function tf(s: string): Frame {
  const [id, n, last] = s.split(':')
  return {
    channelId: new Uint8Array(16).fill(id.charCodeAt(0)),
    frameNumber: Number(n),
    data: new TextEncoder().encode(s),
    isLast: last === '!',
  }
}
const label = (f: Frame) => `${String.fromCharCode(f.channelId[0])}:${f.frameNumber}:${f.isLast ? '!' : ''}`

function run(frames: string[], holocene = true) {
  const fq = new FrameQueue()
  const trace: ChannelTraceEntry[] = []
  fq.addFrames(frames.map(tf), origin, holocene, (e) => trace.push(e))
  const out: string[] = []
  for (let f = fq.next(); f !== undefined; f = fq.next()) out.push(label(f))
  return { out, trace }
}
/** "c:2 holocene-unclosed-channel" for each drop. */
const reasons = (trace: ChannelTraceEntry[]) =>
  trace.map((e) => {
    if (e.kind !== 'frame-dropped') return e.kind
    return `${String.fromCharCode(Number.parseInt(e.channelId.slice(2, 4), 16))}:${e.frameNumber} ${e.reason}`
  })

describe('FrameQueue', () => {
  it('§2.4 pre-Holocene: frames forwarded as-is', () => {
    const frames = ['b:1:', 'b:2:!', 'a:0:', 'c:1:!', 'a:1:', 'a:2:!', 'c:0:', 'c:1:', 'd:0:', 'c:2:!', 'e:0:']
    expect(run(frames, false)).toEqual({ out: frames, trace: [] })
  })

  it('§2.4 Holocene same channel: drop next if previous is_last', () => {
    expect(run(['b:1:!', 'b:2:'])).toMatchObject({ out: ['b:1:!'] })
    expect(reasons(run(['b:1:!', 'b:2:']).trace)).toEqual(['b:2 holocene-after-last'])
    expect(run(['a:0:', 'a:1:!', 'a:1:!']).out).toEqual(['a:0:', 'a:1:!'])
  })

  it('§2.4 Holocene same channel: drop next if frame_number != prev+1', () => {
    expect(run(['b:1:', 'b:3:'])).toEqual({
      out: ['b:1:'],
      trace: [
        {
          stage: 'frame-queue',
          kind: 'frame-dropped',
          reason: 'holocene-non-consecutive',
          channelId: toHex(tf('b:3:').channelId),
          frameNumber: 3,
          origin: 100,
        },
      ],
    })
    // op-node "ooo-resubmit": a gap closes once the missing frame arrives, the resubmitted last frame is kept.
    expect(run(['b:1:', 'b:3:!', 'b:2:', 'b:3:!']).out).toEqual(['b:1:', 'b:2:', 'b:3:!'])
    // A duplicate is non-consecutive too.
    expect(run(['a:0:', 'a:0:']).out).toEqual(['a:0:'])
  })

  it('§2.4 Holocene different channel: number 0 with unclosed previous → drop the whole unclosed previous channel (walk back)', () => {
    expect(run(['b:1:', 'a:0:']).out).toEqual(['a:0:'])
    const { out, trace } = run(['c:0:', 'c:1:', 'c:2:', 'd:0:', 'c:3:!'])
    expect(out).toEqual(['d:0:'])
    expect(reasons(trace)).toEqual([
      'c:2 holocene-unclosed-channel',
      'c:1 holocene-unclosed-channel',
      'c:0 holocene-unclosed-channel',
      'c:3 holocene-not-first-frame',
    ])
    // The walk stops at a closed channel.
    expect(run(['b:1:!', 'a:0:', 'a:1:', 'x:0:']).out).toEqual(['b:1:!', 'x:0:'])
    expect(run(['b:1:!', 'a:0:']).out).toEqual(['b:1:!', 'a:0:'])
  })

  it('§2.4 Holocene different channel: non-zero → drop next', () => {
    expect(run(['a:2:!', 'b:1:']).out).toEqual(['a:2:!'])
    expect(run(['b:1:', 'a:2:!']).out).toEqual(['b:1:'])
    expect(run(['b:1:', 'c:3:']).out).toEqual(['b:1:'])
    expect(run(['b:1:', 'c:3:', 'b:2:!']).out).toEqual(['b:1:', 'b:2:!'])
    expect(reasons(run(['b:1:', 'c:3:']).trace)).toEqual(['c:3 holocene-not-first-frame'])
  })

  it('behavior: op-node TestPruneFrameQueue table', () => {
    const table: [string[], string[]][] = [
      [[], []],
      [['a:2:'], ['a:2:']],
      [['a:2:!'], ['a:2:!']],
      [['a:2:!', 'b:0:'], ['a:2:!', 'b:0:']],
      [['a:2:!', 'b:1:'], ['a:2:!']],
      [['b:1:', 'a:2:!'], ['b:1:']],
      [['b:1:', 'a:0:'], ['a:0:']],
      [['b:1:!', 'a:0:'], ['b:1:!', 'a:0:']],
      [['b:1:!', 'b:2:'], ['b:1:!']],
      [['b:1:', 'b:3:'], ['b:1:']],
      [['b:1:', 'c:3:'], ['b:1:']],
      [['b:1:', 'c:3:', 'b:2:!'], ['b:1:', 'b:2:!']],
      [['b:1:', 'b:3:!', 'b:2:', 'b:3:!'], ['b:1:', 'b:2:', 'b:3:!']],
      [['c:0:', 'c:1:', 'c:2:', 'd:0:', 'c:3:!'], ['d:0:']],
      [
        ['b:1:', 'b:2:!', 'a:0:', 'c:1:!', 'a:1:', 'a:2:!', 'c:0:', 'c:1:', 'd:0:', 'c:2:!', 'e:0:'],
        ['b:1:', 'b:2:!', 'a:0:', 'a:1:', 'a:2:!', 'e:0:'],
      ],
    ]
    for (const [input, expected] of table) expect(run(input).out, input.join(' ')).toEqual(expected)
  })

  it('behavior: pruning only runs when frames are added, never when they are taken', () => {
    const fq = new FrameQueue()
    const trace: ChannelTraceEntry[] = []
    fq.addFrames([tf('a:0:')], origin, true, (e) => trace.push(e))
    expect(label(fq.next() as Frame)).toBe('a:0:')
    // Added to an empty queue, a non-first frame of another channel survives: the assembler checks order again.
    fq.addFrames([tf('b:1:')], origin, true, (e) => trace.push(e))
    expect(fq.size).toBe(1)
    expect(trace).toEqual([])
  })

  it('§2.4 data unit: empty data or unknown version → the whole tx is ignored', () => {
    const fq = new FrameQueue()
    const trace: ChannelTraceEntry[] = []
    fq.addDataUnit(new Uint8Array(), origin, true, (e) => trace.push(e))
    fq.addDataUnit(Uint8Array.of(1, 2, 3), origin, true, (e) => trace.push(e))
    expect(fq.size).toBe(0)
    expect(trace).toEqual([
      { stage: 'frame-queue', kind: 'data-unit-dropped', reason: 'data-unit-empty', origin: 100 },
      { stage: 'frame-queue', kind: 'data-unit-dropped', reason: 'data-unit-unknown-version', origin: 100 },
    ])
  })

  it('§2.4 data unit: any frame failure → all frames of the tx are dropped', () => {
    const fq = new FrameQueue()
    const trace: ChannelTraceEntry[] = []
    const good = encodeDataUnit([tf('a:0:'), tf('a:1:!')])
    fq.addDataUnit(good.subarray(0, good.length - 1), origin, false, (e) => trace.push(e))
    const badLast = good.slice()
    badLast[badLast.length - 1] = 2
    fq.addDataUnit(badLast, origin, false, (e) => trace.push(e))
    fq.addDataUnit(Uint8Array.of(0), origin, false, (e) => trace.push(e))
    expect(fq.size).toBe(0)
    expect(trace.map((e) => ('reason' in e ? e.reason : e.kind))).toEqual([
      'frame-truncated',
      'frame-invalid-is-last',
      'data-unit-no-frames',
    ])
    fq.addDataUnit(good, origin, false, (e) => trace.push(e))
    expect([label(fq.next() as Frame), label(fq.next() as Frame), fq.next()]).toEqual(['a:0:', 'a:1:!', undefined])
  })

  it('behavior: clear empties the queue and returns the frames', () => {
    const fq = new FrameQueue()
    fq.addFrames(['a:0:', 'a:1:'].map(tf), origin, false, () => {})
    expect(fq.clear().map(label)).toEqual(['a:0:', 'a:1:'])
    expect(fq.size).toBe(0)
  })

  it('behavior: snapshot is plain JSON and restore resumes exactly', () => {
    const fq = new FrameQueue()
    fq.addFrames(['a:0:', 'a:1:', 'b:0:!'].map(tf), origin, false, () => {})
    fq.next()
    const json = JSON.parse(JSON.stringify(fq.snapshot())) as ReturnType<FrameQueue['snapshot']>
    expect(json.frames[0]).toEqual({
      channelId: `0x${'61'.repeat(16)}` as Hex,
      frameNumber: 1,
      data: toHex(new TextEncoder().encode('a:1:')),
      isLast: false,
    })
    const restored = FrameQueue.restore(json)
    expect([restored.next(), restored.next(), restored.next()]).toEqual([tf('a:1:'), tf('b:0:!'), undefined])
  })
})
