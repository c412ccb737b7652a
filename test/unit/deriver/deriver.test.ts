import { describe, expect, it } from 'vitest'
import { toHex } from '../../../shared/bytes.ts'
import type { RollupConfig } from '../../../shared/config/rollup-config.ts'
import { Deriver, type DeriverStep } from '../../../shared/deriver/deriver.ts'
import type { L1Input, L2BlockRef } from '../../../shared/deriver/types.ts'
import { channelFor, dataUnit, framesOf, genesisRef, l1Block, l1Inputs, L1_START, makeConfig, planL2, signedTx, type PlannedBlock } from '../../support/chain-harness.ts'

const PRE_HOLOCENE = { regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0 }
const HOLOCENE = { ...PRE_HOLOCENE, holocene: 0, isthmus: 0 }

type Run = { steps: Extract<DeriverStep, { kind: 'attributes' }>[]; end: DeriverStep; trace: unknown[] }

/** Drive a deriver to the end of its input, applying every attributes as the planned block (the stand-in engine). */
function run(config: RollupConfig, plan: PlannedBlock[], inputs: L1Input[], opts: { checkpointEveryStep?: boolean } = {}): Run {
  let d = Deriver.start(config, genesisRef(), config.genesis.systemConfig)
  for (const input of inputs) expect(d.addL1Input(input)).toEqual({ ok: true })
  let safe: L2BlockRef = genesisRef()
  const steps: Run['steps'] = []
  const trace: unknown[] = []
  for (let i = 0; i < 10_000; i++) {
    if (opts.checkpointEveryStep) d = Deriver.restore(config, d.checkpoint())
    const step = d.next(safe)
    trace.push(...d.takeTrace())
    if (step.kind !== 'attributes') return { steps, end: step, trace }
    steps.push(step)
    const planned = plan[step.number]
    safe = planned ? planned.ref : { ...safe, hash: `0x${'ee'.repeat(32)}`, number: step.number, timestamp: step.attributes.timestamp, l1Origin: step.l1Origin, sequenceNumber: step.sequenceNumber }
  }
  throw new Error('no end')
}

function expectMatchesPlan(config: RollupConfig, r: Run, plan: PlannedBlock[], count: number) {
  expect(r.steps.map((s) => s.number)).toEqual(Array.from({ length: count }, (_, i) => i + 1))
  for (const s of r.steps) {
    const p = plan[s.number]
    expect(s.attributes.timestamp).toBe(p.ref.timestamp)
    expect(s.l1Origin).toEqual(p.ref.l1Origin)
    expect(s.sequenceNumber).toBe(p.ref.sequenceNumber)
    expect(s.attributes.prevRandao).toBe(l1Block(p.ref.l1Origin.number).mixHash)
    expect(s.attributes.noTxPool).toBe(true)
    expect(s.attributes.gasLimit).toBe(config.genesis.systemConfig.gasLimit)
    expect(s.attributes.transactions[0].startsWith('0x7e')).toBe(true)
    expect(s.attributes.transactions.slice(1)).toEqual(p.transactions.map(toHex))
  }
}

function postAll(config: RollupConfig, plan: PlannedBlock[], kind: 'singular' | 'span', where: number[], frameSize = 400) {
  const channel = channelFor(config, plan.slice(1), kind)
  const frames = framesOf(channel, new Uint8Array(16).fill(7), frameSize)
  const posts = new Map<number, Uint8Array[]>()
  // Spread the frames over the given L1 blocks, one data unit per block (frames in order).
  const per = Math.ceil(frames.length / where.length)
  where.forEach((n, i) => {
    const fs = frames.slice(i * per, (i + 1) * per)
    if (fs.length) posts.set(n, [dataUnit(fs)])
  })
  return posts
}

describe('Deriver', () => {
  for (const [name, forks] of [['pre-Holocene', PRE_HOLOCENE], ['Holocene', HOLOCENE]] as const) {
    for (const kind of ['singular', 'span'] as const) {
      it(`default (${name}, ${kind} batches): derives the planned chain from frames spread over several L1 blocks`, () => {
        const config = makeConfig(forks)
        const plan = planL2(config, 30, (n) => [signedTx(config.l2ChainId, n), signedTx(config.l2ChainId, n + 100)])
        const posts = postAll(config, plan, kind, [106, 107, 108])
        const r = run(config, plan, l1Inputs(config, 110, posts))
        expectMatchesPlan(config, r, plan, 30)
        expect(r.end).toEqual({ kind: 'need-l1-input', next: 111 })
        expect(r.steps.every((s) => s.derivedFrom.number === 108)).toBe(true)
      })
    }
  }

  it('behavior: checkpoint/restore before every step gives exactly the uninterrupted output', () => {
    for (const forks of [PRE_HOLOCENE, HOLOCENE]) {
      const config = makeConfig(forks)
      const plan = planL2(config, 24, (n) => (n % 3 === 0 ? [] : [signedTx(config.l2ChainId, n)]))
      const posts = postAll(config, plan, 'singular', [105, 106], 150)
      const inputs = l1Inputs(config, 109, posts)
      const a = run(config, plan, inputs)
      const b = run(config, plan, inputs, { checkpointEveryStep: true })
      expect(b.steps).toEqual(a.steps)
      expect(b.end).toEqual(a.end)
      expect(a.steps).toHaveLength(24)
    }
  })

  it('behavior: a checkpoint holds only what is buffered (no growth across idle ticks)', () => {
    const config = makeConfig(HOLOCENE)
    const d = Deriver.start(config, genesisRef(), config.genesis.systemConfig)
    const sizes: number[] = []
    let safe = genesisRef()
    for (const input of l1Inputs(config, 140, new Map())) {
      d.addL1Input(input)
      for (let step = d.next(safe); step.kind === 'attributes'; step = d.next(safe)) {
        safe = { hash: `0x${step.number.toString(16).padStart(64, '0')}`, number: step.number, parentHash: safe.hash, timestamp: step.attributes.timestamp, l1Origin: step.l1Origin, sequenceNumber: step.sequenceNumber }
      }
      sizes.push(d.checkpoint().length)
    }
    // With nothing posted the sequencing window (200 here) never expires: the window of L1 headers grows, but once
    // idle ticks only add headers, so compare against a config with a short window below.
    expect(sizes.at(-1)).toBeLessThan(200_000)
    const short = makeConfig(HOLOCENE, { seqWindowSize: 4 })
    const d2 = Deriver.start(short, genesisRef(), short.genesis.systemConfig)
    let safe2 = genesisRef()
    const sizes2: number[] = []
    for (const input of l1Inputs(short, 160, new Map())) {
      d2.addL1Input(input)
      for (let step = d2.next(safe2); step.kind === 'attributes'; step = d2.next(safe2)) {
        safe2 = { hash: `0x${step.number.toString(16).padStart(64, '0')}`, number: step.number, parentHash: safe2.hash, timestamp: step.attributes.timestamp, l1Origin: step.l1Origin, sequenceNumber: step.sequenceNumber }
      }
      sizes2.push(d2.checkpoint().length)
    }
    const tail = sizes2.slice(-20)
    expect(Math.max(...tail) - Math.min(...tail)).toBeLessThan(64)
  })

  it('rule: empty batches when the sequencing window expires (no batcher data at all)', () => {
    const config = makeConfig(HOLOCENE, { seqWindowSize: 4 })
    const r = run(config, [], l1Inputs(config, L1_START + 10, new Map()))
    expect(r.steps.length).toBeGreaterThan(0)
    let prev = genesisRef()
    for (const s of r.steps) {
      expect(s.attributes.timestamp).toBe(prev.timestamp + 2)
      expect(s.attributes.transactions).toHaveLength(1) // only the L1-info deposit
      expect(s.l1Origin.number - prev.l1Origin.number).toBeGreaterThanOrEqual(0)
      expect(s.l1Origin.number - prev.l1Origin.number).toBeLessThanOrEqual(1)
      // L2 time stays >= L1 origin time
      expect(s.attributes.timestamp).toBeGreaterThanOrEqual(l1Block(s.l1Origin.number).timestamp)
      prev = { ...prev, number: s.number, timestamp: s.attributes.timestamp, l1Origin: s.l1Origin, hash: `0x${'ee'.repeat(32)}` }
    }
  })

  it('behavior: an L1 input that does not extend the last one is a reset signal, not an exception', () => {
    const config = makeConfig(HOLOCENE)
    const d = Deriver.start(config, genesisRef(), config.genesis.systemConfig)
    const [a, b] = l1Inputs(config, L1_START + 1, new Map())
    expect(d.addL1Input(a)).toEqual({ ok: true })
    expect(d.addL1Input({ ...b, header: { ...b.header, parentHash: `0x${'12'.repeat(32)}` } })).toMatchObject({ ok: false, kind: 'reset' })
    expect(d.addL1Input({ ...b, header: { ...b.header, number: b.header.number + 1 } })).toMatchObject({ ok: false, kind: 'reset' })
  })

  it('behavior: Holocene INVALID payload → deposit-only replacement; pre-Holocene → dropped', () => {
    for (const [forks, holocene] of [[HOLOCENE, true], [PRE_HOLOCENE, false]] as const) {
      const config = makeConfig(forks)
      const plan = planL2(config, 6, (n) => [signedTx(config.l2ChainId, n)])
      const posts = postAll(config, plan, 'singular', [103])
      const d = Deriver.start(config, genesisRef(), config.genesis.systemConfig)
      for (const input of l1Inputs(config, 104, posts)) d.addL1Input(input)
      const first = d.next(genesisRef())
      expect(first.kind).toBe('attributes')
      const replaced = d.reportInvalid()
      if (holocene) {
        expect(replaced.kind).toBe('attributes')
        if (replaced.kind !== 'attributes') return
        expect(replaced.depositOnly).toBe(true)
        expect(replaced.attributes.transactions.every((t) => t.startsWith('0x7e'))).toBe(true)
        expect(replaced.number).toBe(1)
      } else {
        expect(replaced).toEqual({ kind: 'idle' })
      }
    }
  })

  it('behavior: while attributes are out and the safe head is still their parent, next is idle', () => {
    const config = makeConfig(HOLOCENE)
    const plan = planL2(config, 3, () => [])
    const d = Deriver.start(config, genesisRef(), config.genesis.systemConfig)
    for (const input of l1Inputs(config, 104, postAll(config, plan, 'singular', [103]))) d.addL1Input(input)
    expect(d.next(genesisRef()).kind).toBe('attributes')
    expect(d.next(genesisRef())).toEqual({ kind: 'idle' })
    expect(d.next(plan[1].ref).kind).toBe('attributes')
  })
})
