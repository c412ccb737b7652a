import { describe, expect, it } from 'vitest'
import type { DeriverStep } from '../../../shared/deriver/deriver.ts'
import type { L1BlockRef, L1Input, L2BlockRef } from '../../../shared/deriver/types.ts'
import type { L1Source } from '../../../workers/l1-source.ts'
import { deriveTick, type ApplyDerivedResult, type DeriveNode, type TickCursor } from '../../../workers/derive-tick.ts'
import { channelFor, dataUnit, framesOf, genesisRef, l1Inputs, makeConfig, planL2, signedTx, type PlannedBlock } from '../../support/chain-harness.ts'

const config = makeConfig({ regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0, isthmus: 0 })

/** An in-memory RollupNode: optimistic versioning like the Durable Object, blocks "built" as the plan says. */
function fakeNode(plan: PlannedBlock[]) {
  const state = { version: 1, safe: genesisRef() as L2BlockRef, checkpoint: null as string | null, nextL1: 100, applied: [] as number[], resets: [] as string[], commits: 0 }
  const node: DeriveNode = {
    async deriveCursor(): Promise<TickCursor> {
      return { kind: 'ready', version: state.version, safe: state.safe, checkpoint: state.checkpoint, nextL1: state.nextL1 }
    },
    async applyDerived(version: number, step: Extract<DeriverStep, { kind: 'attributes' }>, checkpoint: string, nextL1: number): Promise<ApplyDerivedResult> {
      if (version !== state.version) return { kind: 'stale' }
      if (step.number !== state.safe.number + 1) return { kind: 'stale' }
      state.safe = plan[step.number].ref
      state.checkpoint = checkpoint
      state.nextL1 = nextL1
      state.version++
      state.applied.push(step.number)
      return { kind: 'applied', version: state.version, safe: state.safe }
    },
    async saveCursor(version, checkpoint, nextL1) {
      if (version !== state.version) return { ok: false, reason: 'stale' }
      state.checkpoint = checkpoint
      state.nextL1 = nextL1
      state.version++
      return { ok: true, version: state.version }
    },
    async resetDerivation(_v, reason) {
      state.resets.push(reason)
    },
    async reportCritical(reason) {
      throw new Error(reason)
    },
    async reportL1Heads() {},
    async commitForkchoice() {
      state.commits++
    },
    async finalizeUpTo() {
      return { unchanged: true, reason: 'not under test here' }
    },
    async l2Block(n) {
      return plan[n] ? { ref: plan[n].ref, transactions: plan[n].transactions } : null
    },
  }
  return { node, state }
}

function fakeL1(inputs: L1Input[], headNumber: { n: number }) {
  const calls: string[] = []
  const l1: Pick<L1Source, 'fetchRange' | 'head'> = {
    async fetchRange(from, to) {
      calls.push(`range ${from}-${to}`)
      return inputs.filter((i) => i.header.number >= from && i.header.number <= to)
    },
    async head() {
      const h = inputs.find((i) => i.header.number === headNumber.n)!.header
      return { hash: h.hash, number: h.number, parentHash: h.parentHash, timestamp: h.timestamp } as L1BlockRef
    },
  }
  return { l1, calls }
}

function world() {
  const plan = planL2(config, 30, (n) => [signedTx(config.l2ChainId, n)])
  const channel = channelFor(config, plan.slice(1), 'span')
  const inputs = l1Inputs(config, 120, new Map([[106, [dataUnit(framesOf(channel, new Uint8Array(16).fill(1), 100_000))]]]))
  return { plan, inputs }
}

const budget = (over: Partial<{ maxL1Blocks: number; maxBlocks: number }> = {}) => ({ maxL1Blocks: 50, maxBlocks: 1000, deadline: Number.MAX_SAFE_INTEGER, ...over })

describe('deriveTick', () => {
  it('default: one tick fetches the range once and derives every block the L1 data holds', async () => {
    const w = world()
    const { node, state } = fakeNode(w.plan)
    const { l1, calls } = fakeL1(w.inputs, { n: 110 })
    const r = await deriveTick({ config, node, l1, budget: budget(), confirmations: 0, now: () => 0 })
    expect(r).toMatchObject({ outcome: 'caught-up', derived: 30, l1From: 100, l1To: 110 })
    expect(calls).toEqual(['range 100-110'])
    expect(state.applied).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    expect(state.nextL1).toBe(111)
    // One coalesced forkchoice commit for the 30 blocks.
    expect(state.commits).toBe(1)
    // The next tick with no new L1 block does nothing but wait, and sends no forkchoice update.
    const again = await deriveTick({ config, node, l1, budget: budget(), confirmations: 0, now: () => 0 })
    expect(again.outcome).toBe('waiting-for-l1')
    expect(calls).toHaveLength(1)
    expect(state.commits).toBe(1)
  })

  it('behavior: small ticks (budget) resume from the checkpoint and end with the same chain', async () => {
    const w = world()
    const { node, state } = fakeNode(w.plan)
    const { l1 } = fakeL1(w.inputs, { n: 120 })
    let ticksThatDerived = 0
    for (let i = 0; i < 40 && state.safe.number < 30; i++) {
      const r = await deriveTick({ config, node, l1, budget: budget({ maxL1Blocks: 2, maxBlocks: 4 }), confirmations: 0, now: () => 0 })
      if (r.derived > 0) ticksThatDerived++
    }
    expect(state.applied).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    // Every tick that moved the heads ended with exactly one forkchoice commit, including those cut by the budget.
    expect(state.commits).toBe(ticksThatDerived)
  })

  it('behavior: overlapping ticks are harmless — the stale one applies nothing', async () => {
    const w = world()
    const { node, state } = fakeNode(w.plan)
    const { l1 } = fakeL1(w.inputs, { n: 110 })
    const [a, b] = await Promise.all([
      deriveTick({ config, node, l1, budget: budget(), confirmations: 0, now: () => 0 }),
      deriveTick({ config, node, l1, budget: budget(), confirmations: 0, now: () => 0 }),
    ])
    expect([a.outcome, b.outcome].sort()).toEqual(['caught-up', 'stale'])
    expect(state.applied).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
  })

  it('behavior: confirmation depth keeps derivation behind the L1 head', async () => {
    const w = world()
    const { node } = fakeNode(w.plan)
    const { l1, calls } = fakeL1(w.inputs, { n: 110 })
    await deriveTick({ config, node, l1, budget: budget(), confirmations: 4, now: () => 0 })
    expect(calls).toEqual(['range 100-106'])
  })
})
