import { describe, expect, it } from 'vitest'
import { Deriver, type DeriverStep } from '../../../shared/deriver/deriver.ts'
import type { L1Input, L2BlockRef } from '../../../shared/deriver/types.ts'
import { channelFor, dataUnit, framesOf, genesisRef, l1Inputs, makeConfig, planL2, signedTx, type PlannedBlock } from '../../support/chain-harness.ts'
import { prng } from '../../support/random.ts'

/** A random scenario: channels of random kinds and frame sizes posted over random L1 blocks, with garbage units. */
function scenario(seed: number) {
  const rand = prng(seed)
  const holocene = rand() < 0.5
  const config = makeConfig(
    holocene
      ? { regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0, isthmus: 0 }
      : { regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0 },
    { seqWindowSize: 12 },
  )
  const blocks = 20 + Math.floor(rand() * 40)
  const plan = planL2(config, blocks, (n) => Array.from({ length: Math.floor(rand() * 3) }, (_, i) => signedTx(config.l2ChainId, n * 10 + i)))
  const posts = new Map<number, Uint8Array[]>()
  const post = (at: number, unit: Uint8Array) => posts.set(at, [...(posts.get(at) ?? []), unit])
  let start = 1
  let c = 0
  // Channels follow each other (Holocene requires it): the next starts where the previous one's frames ended.
  let lastAt = 0
  while (start <= blocks) {
    const size = 1 + Math.floor(rand() * 15)
    const group = plan.slice(start, Math.min(start + size, blocks + 1))
    const channel = channelFor(config, group, rand() < 0.5 ? 'singular' : 'span', rand() < 0.5 ? 'zlib' : 'brotli')
    const id = new Uint8Array(16).fill(++c)
    const frames = framesOf(channel, id, 50 + Math.floor(rand() * 400))
    let at = Math.max(lastAt, group.at(-1)!.ref.l1Origin.number + 1 + Math.floor(rand() * 2))
    for (let i = 0; i < frames.length; ) {
      const take = 1 + Math.floor(rand() * 3)
      post(at, dataUnit(frames.slice(i, i + take)))
      i += take
      if (rand() < 0.4) at++
      if (rand() < 0.1) post(at, Uint8Array.from([0, 1, 2, 3])) // garbage data unit
    }
    lastAt = at
    start += group.length
  }
  const last = Math.max(...posts.keys(), plan.at(-1)!.ref.l1Origin.number) + 14
  return { config, plan, inputs: l1Inputs(config, last, posts) }
}

function run(s: ReturnType<typeof scenario>, rand?: () => number) {
  let d = Deriver.start(s.config, genesisRef(), s.config.genesis.systemConfig)
  let safe: L2BlockRef = genesisRef()
  const outputs: DeriverStep[] = []
  const feed = [...s.inputs]
  for (let i = 0; i < 100_000; i++) {
    if (rand && rand() < 0.5) d = Deriver.restore(s.config, d.checkpoint())
    const step = d.next(safe)
    outputs.push(step)
    if (step.kind === 'attributes') {
      const planned: PlannedBlock | undefined = s.plan[step.number]
      safe = planned?.ref.timestamp === step.attributes.timestamp
        ? planned.ref
        : { hash: `0x${step.number.toString(16).padStart(64, 'f')}`, number: step.number, parentHash: safe.hash, timestamp: step.attributes.timestamp, l1Origin: step.l1Origin, sequenceNumber: step.sequenceNumber }
      continue
    }
    if (step.kind === 'need-l1-input') {
      // Feed one to three blocks at a time, like ticks of different sizes.
      const n = rand ? 1 + Math.floor(rand() * 3) : 1
      const next = feed.splice(0, n) as L1Input[]
      if (next.length === 0) break
      for (const input of next) expect(d.addL1Input(input)).toEqual({ ok: true })
      continue
    }
    break
  }
  return outputs
}

describe('Deriver checkpoints', () => {
  it('property: checkpoint/restore at random steps of random scenarios yields exactly the uninterrupted run', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const s = scenario(seed)
      const plain = run(s)
      const interrupted = run(s, prng(seed * 7919)).filter((o) => o.kind !== 'need-l1-input')
      const expected = plain.filter((o) => o.kind !== 'need-l1-input')
      expect(interrupted, `seed ${seed}`).toEqual(expected)
      const derived = expected.filter((o) => o.kind === 'attributes')
      expect(derived.length, `seed ${seed}`).toBeGreaterThanOrEqual(s.plan.length - 1)
      // The batcher's blocks are derived as planned (the short window never forces empty blocks in between).
      for (const o of derived.slice(0, s.plan.length - 1)) {
        if (o.kind !== 'attributes') continue
        const p = s.plan[o.number]
        expect(o.attributes.timestamp, `seed ${seed} block ${o.number}`).toBe(p.ref.timestamp)
        expect(o.attributes.transactions.length - 1, `seed ${seed} block ${o.number}`).toBe(p.transactions.length)
      }
    }
  })
})
