/**
 * The channel stage mux (PROTOCOL.md §2.4–2.5: stage choice by the pipeline origin, Holocene activation flush) and
 * checkpoint/resume of the whole frame queue → channel stage → channel reader path.
 */
import { describe, expect, it } from 'vitest'
import { concatBytes, toHex } from '../../../shared/bytes.ts'
import { encodeBatch } from '../../../shared/codec/batch.ts'
import { compressChannel } from '../../../shared/codec/compression.ts'
import { encodeDataUnit, type Frame } from '../../../shared/codec/frame.ts'
import { encodeRlpBytes } from '../../../shared/codec/rlp.ts'
import { toRawSpanBatch } from '../../../shared/codec/span-batch.ts'
import type { ForkTimes } from '../../../shared/config/rollup-config.ts'
import { type ChannelDecoderConfig, decodeChannel } from '../../../shared/deriver/channel-decoder.ts'
import { ChannelStage, type ChannelStageSnapshot } from '../../../shared/deriver/channel-stage.ts'
import type { ChannelTraceEntry } from '../../../shared/deriver/channel-trace.ts'
import type { L1BlockRef } from '../../../shared/deriver/types.ts'
import { prng } from '../../support/random.ts'
import { channelId as id, channelIdHex as idHex, l1Ref as l1 } from '../../support/refs.ts'

const config = (forks: ForkTimes, channelTimeout = 300): ChannelDecoderConfig & { channelTimeout: number } => ({
  forks,
  channelTimeout,
  blockTime: 2,
  l2ChainId: 10,
  genesis: { l2Time: 0 },
})
const frame = (c: string, n: number, data: string, isLast = false): Frame => ({
  channelId: id(c),
  frameNumber: n,
  data: new TextEncoder().encode(data),
  isLast,
})
const unit = (...frames: Frame[]) => encodeDataUnit(frames)
const name = (ch: { id: Uint8Array; data: Uint8Array } | undefined) =>
  ch && `${String.fromCharCode(ch.id[0])}:${new TextDecoder().decode(ch.data)}`

describe('ChannelStage', () => {
  it('behavior: picks the channel bank before Holocene and the assembler from Holocene, by the origin time', () => {
    const holocene = 12 * 50
    for (const [time, kind] of [
      [holocene - 1, 'bank'],
      [holocene, 'assembler'],
    ] as const) {
      const stage = new ChannelStage(config({ holocene }))
      expect(stage.kind).toBe('none')
      // Out-of-order frames: the bank reorders them, the assembler drops the early one.
      stage.addDataUnit(unit(frame('a', 1, 'B', true)), l1(50, time), () => {})
      expect(stage.kind).toBe(kind)
      stage.addDataUnit(unit(frame('a', 0, 'A')), l1(50, time), () => {})
      const first = name(stage.nextChannel(l1(50, time), () => {}))
      expect(first).toBe(kind === 'bank' ? 'a:AB' : undefined)
    }
  })

  it('§2.4 Holocene pruning applies only when the origin is Holocene', () => {
    const holocene = 1000
    const pre = new ChannelStage(config({ holocene, canyon: 0 }))
    const trace: ChannelTraceEntry[] = []
    const data = unit(frame('a', 0, 'A'), frame('b', 0, 'B', true), frame('a', 1, 'a', true))
    pre.addDataUnit(data, l1(1, 0), (e) => trace.push(e))
    const read = (stage: ChannelStage, origin: L1BlockRef) => name(stage.nextChannel(origin, () => {}))
    expect([read(pre, l1(1, 0)), read(pre, l1(1, 0))]).toEqual(['b:B', 'a:Aa'])
    const post = new ChannelStage(config({ holocene }))
    post.addDataUnit(data, l1(1, holocene), (e) => trace.push(e))
    expect(trace.map((e) => e.kind === 'frame-dropped' && e.reason)).toEqual([
      'holocene-unclosed-channel',
      'holocene-not-first-frame',
    ])
    expect([read(post, l1(1, holocene)), post.needsData()]).toEqual(['b:B', true])
  })

  it('§2.5 Holocene activation: frames in the frame queue and channels in the channel bank are discarded, then the assembler takes over', () => {
    const holocene = 12 * 10
    const stage = new ChannelStage(config({ canyon: 0, holocene }))
    const trace: ChannelTraceEntry[] = []
    const t = (e: ChannelTraceEntry) => trace.push(e)
    const pre = l1(9)
    stage.addDataUnit(unit(frame('c', 0, 'C')), pre, t)
    expect(stage.nextChannel(pre, t)).toBeUndefined()
    stage.addDataUnit(unit(frame('a', 0, 'A', true), frame('b', 0, 'B')), pre, t)
    expect(name(stage.nextChannel(pre, t))).toBe('a:A') // b0 is still in the frame queue
    expect(stage.needsData()).toBe(false)
    expect(trace).toEqual([])

    const activation = l1(10)
    expect(stage.nextChannel(activation, t)).toBeUndefined()
    expect(stage.kind).toBe('assembler')
    expect(stage.needsData()).toBe(true)
    expect(trace).toEqual([
      {
        stage: 'frame-queue',
        kind: 'frame-dropped',
        reason: 'holocene-activation',
        channelId: idHex('b'),
        frameNumber: 0,
        origin: 10,
      },
      {
        stage: 'channel-bank',
        kind: 'channel-dropped',
        reason: 'holocene-activation',
        channelId: idHex('c'),
        origin: 10,
      },
    ])
    // The rest of the discarded channels can no longer complete.
    stage.addDataUnit(unit(frame('c', 1, 'c', true)), activation, t)
    expect(stage.nextChannel(activation, t)).toBeUndefined()
    expect(trace.at(-1)).toMatchObject({ stage: 'channel-assembler', reason: 'no-staging-channel' })
  })

  it('behavior: starting or resetting at a Holocene origin picks the assembler without a flush', () => {
    const stage = new ChannelStage(config({ holocene: 0 }))
    const trace: ChannelTraceEntry[] = []
    stage.addDataUnit(unit(frame('a', 0, 'A')), l1(5), (e) => trace.push(e))
    expect(stage.kind).toBe('assembler')
    stage.reset()
    expect([stage.kind, stage.needsData(), stage.snapshot()]).toEqual([
      'none',
      true,
      { frameQueue: { frames: [] }, active: { kind: 'none' } },
    ])
    expect(stage.nextChannel(l1(6), (e) => trace.push(e))).toBeUndefined()
    expect(stage.kind).toBe('assembler')
    expect(trace).toEqual([])
  })

  it('behavior: an origin before Holocene while the assembler is active (L1 reorg without reset) brings back an empty bank', () => {
    const holocene = 12 * 10
    const stage = new ChannelStage(config({ holocene }))
    stage.addDataUnit(unit(frame('a', 0, 'A')), l1(10), () => {})
    expect(stage.nextChannel(l1(10), () => {})).toBeUndefined()
    expect(stage.nextChannel(l1(9), () => {})).toBeUndefined()
    expect(stage.kind).toBe('bank')
    expect(stage.snapshot().active).toEqual({ kind: 'bank', bank: { channels: [] } })
  })

  it('behavior: flushChannel drops the Holocene staging channel; before Holocene it does nothing', () => {
    const trace: ChannelTraceEntry[] = []
    const post = new ChannelStage(config({ holocene: 0 }))
    post.addDataUnit(unit(frame('a', 0, 'A')), l1(1), () => {})
    post.nextChannel(l1(1), () => {})
    post.flushChannel(l1(1), (e) => trace.push(e))
    expect(trace).toEqual([
      { stage: 'channel-assembler', kind: 'channel-dropped', reason: 'flushed', channelId: idHex('a'), origin: 1 },
    ])
    const pre = new ChannelStage(config({}))
    pre.addDataUnit(unit(frame('a', 0, 'A')), l1(1), () => {})
    pre.nextChannel(l1(1), () => {})
    pre.flushChannel(l1(1), (e) => trace.push(e))
    expect(trace).toHaveLength(1)
    expect(pre.snapshot().active).toMatchObject({ kind: 'bank', bank: { channels: [{ id: idHex('a') }] } })
  })

  it('behavior: snapshot/restore after every step of a random scenario yields output identical to an uninterrupted run (seeded PRNG)', () => {
    const kinds = new Set<string>()
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const script = scenario(seed)
      const straight = run(script, false)
      const resumed = run(script, true)
      expect(resumed).toEqual(straight)
      for (const [tag, entry] of straight) {
        if (tag === 'trace') {
          const e = entry as ChannelTraceEntry
          kinds.add(`${e.stage} ${e.kind}${'reason' in e ? ` ${e.reason}` : ''}`)
        } else kinds.add(tag)
      }
    }
    // The scenario reaches every stage and the interesting drops.
    for (const k of [
      'channel',
      'frame-queue data-unit-dropped data-unit-unknown-version',
      'frame-queue frame-dropped holocene-not-first-frame',
      'channel-bank frame-dropped duplicate-frame',
      'channel-bank channel-timed-out',
      'channel-assembler frame-dropped out-of-order',
      'channel-assembler channel-dropped flushed',
      'channel-reader batch-dropped span-batch-before-delta',
    ]) {
      expect(kinds, k).toContain(k)
    }
  })
})

// ---------------------------------------------------------------------------------------------------------------------
// Random scenario: L1 blocks across Canyon, Delta, Fjord, Granite and Holocene, each with a few data units whose frames
// come from a handful of channels, mostly in order, sometimes duplicated, skipped, reordered or garbage.

const FORKS: ForkTimes = { canyon: 12 * 8, delta: 12 * 14, fjord: 12 * 20, granite: 12 * 30, holocene: 12 * 40 }
const CFG = config(FORKS, 6)

type Block = { origin: L1BlockRef; units: Uint8Array[]; flush: boolean; reset: boolean }

function scenario(seed: number): Block[] {
  const rand = prng(seed)
  const int = (n: number) => Math.floor(rand() * n)
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256))
  const ids = Array.from({ length: 5 }, () => bytes(16))
  let timestamp = 2
  const newChannel = (): Frame[] => {
    const payloads = Array.from({ length: 1 + int(3) }, () => {
      timestamp += 2
      if (rand() < 0.3) {
        const raw = toRawSpanBatch(
          [
            { timestamp, l1OriginNumber: 1, transactions: [] },
            { timestamp: timestamp + 2, l1OriginNumber: 2, transactions: [] },
          ],
          {
            genesisL2Time: 0,
            blockTime: 2,
            l2ChainId: 10,
            parentHash: bytes(32),
            l1OriginHash: bytes(32),
            firstBlockSequenceNumber: 1,
          },
        )
        return encodeBatch({ type: 1, batch: raw })
      }
      const txs = Array.from({ length: int(3) }, () => bytes(1 + int(40)))
      const batch = { parentHash: bytes(32), epochNumber: 1, epochHash: bytes(32), timestamp, transactions: txs }
      return encodeBatch({ type: 0, batch })
    })
    const data = compressChannel(concatBytes(...payloads.map(encodeRlpBytes)), rand() < 0.7 ? 'zlib' : 'brotli')
    const channelId = ids[int(ids.length)]
    const frames: Frame[] = []
    for (let at = 0; at < data.length; ) {
      const size = 20 + int(60)
      const isLast = at + size >= data.length
      frames.push({ channelId, frameNumber: frames.length, data: data.slice(at, at + size), isLast })
      at += size
    }
    return frames
  }
  const open: { frames: Frame[]; next: number }[] = []
  const blocks: Block[] = []
  for (let n = 1; n <= 60; n++) {
    const units: Uint8Array[] = []
    for (let u = int(4); u > 0; u--) {
      if (rand() < 0.07) {
        units.push(rand() < 0.5 ? concatBytes(Uint8Array.of(1), bytes(10)) : concatBytes(Uint8Array.of(0), bytes(10)))
        continue
      }
      if (open.length === 0 || rand() < 0.25) open.push({ frames: newChannel(), next: 0 })
      const frames: Frame[] = []
      for (let k = 1 + int(3); k > 0 && open.length > 0; k--) {
        const i = int(open.length)
        const ch = open[i]
        const r = rand()
        if (r < 0.8) frames.push(ch.frames[ch.next++])
        else if (r < 0.9) frames.push(ch.frames[int(ch.frames.length)])
        else frames.push(ch.frames[Math.min(ch.next + 1, ch.frames.length - 1)])
        if (ch.next >= ch.frames.length || rand() < 0.03) open.splice(i, 1)
      }
      if (frames.length > 0) units.push(encodeDataUnit(frames))
    }
    blocks.push({ origin: l1(n), units, flush: rand() < 0.15, reset: rand() < 0.02 })
  }
  return blocks
}

/** Drives the stage through the script like a deriver; with `checkpoint`, every step resumes from JSON. */
function run(script: Block[], checkpoint: boolean): [string, unknown][] {
  let stage = new ChannelStage(CFG)
  const log: [string, unknown][] = []
  const trace = (e: ChannelTraceEntry) => log.push(['trace', e])
  const step = () => {
    if (!checkpoint) return
    const json = JSON.stringify(stage.snapshot())
    stage = ChannelStage.restore(JSON.parse(json) as ChannelStageSnapshot, CFG)
    expect(JSON.stringify(stage.snapshot())).toBe(json)
  }
  const drain = (origin: L1BlockRef) => {
    for (;;) {
      const ch = stage.nextChannel(origin, trace)
      step()
      if (ch === undefined) break
      const { batches } = decodeChannel(ch, origin, CFG, trace)
      log.push(['channel', JSON.parse(JSON.stringify({ id: ch.id, batches }, plain))])
    }
    expect(stage.needsData()).toBe(true)
  }
  for (const block of script) {
    if (block.reset) {
      stage.reset()
      step()
    }
    for (const data of block.units) {
      drain(block.origin)
      stage.addDataUnit(data, block.origin, trace)
      step()
    }
    drain(block.origin)
    if (block.flush) {
      stage.flushChannel(block.origin, trace)
      step()
    }
  }
  return log
}

function plain(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value)
  if (typeof value === 'bigint') return value.toString()
  return value
}
