/**
 * The derive tick against the RollupNode's SQLite state inside workerd: a fake engine (which "builds" the batcher's
 * planned blocks) and recorded L1 inputs. Checks the heads, the safe-head DB, restarts from SQLite and stale ticks.
 */
import { abortAllDurableObjects, env, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { fromHex, type Hex } from '../../shared/bytes.ts'
import type { ExecutionPayload } from '../../shared/codec/ssz-payload.ts'
import type { L1BlockRef, L2BlockRef } from '../../shared/deriver/types.ts'
import { anchor, applyDerived, commitForkchoice, deriveCursor, finalize, saveCursor } from '../../durable-objects/derivation-control.ts'
import type { EngineApi, ForkchoiceState } from '../../durable-objects/engine-driver.ts'
import { NodeState } from '../../durable-objects/node-state.ts'
import type { RollupNode } from '../../durable-objects/rollup-node.ts'
import { deriveTick, type DeriveNode } from '../../workers/derive-tick.ts'
import { channelFor, dataUnit, framesOf, genesisRef, l1Inputs, makeConfig, planL2, signedTx, type PlannedBlock } from '../support/chain-harness.ts'

const config = makeConfig({ regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0, isthmus: 0 })

function fakeEngine(plan: PlannedBlock[]) {
  const calls: string[] = []
  const built = new Map<number, L2BlockRef>()
  const engine: EngineApi = {
    async forkchoiceUpdated(_s, a) {
      calls.push(a ? 'fcu+attrs' : 'fcu')
      return { status: 'VALID', payloadId: a ? (`0x${((a.timestamp - config.genesis.l2Time) / 2).toString(16).padStart(16, '0')}` as Hex) : undefined }
    },
    async getPayload(id, t) {
      calls.push('getPayload')
      const n = Number(BigInt(id))
      return { payload: { blockHash: fromHex(plan[n].ref.hash), blockNumber: n, timestamp: t } as unknown as ExecutionPayload }
    },
    async newPayload(p) {
      calls.push('newPayload')
      built.set(p.blockNumber, plan[p.blockNumber].ref)
      return { status: 'VALID' }
    },
    async blockByNumber() {
      return null
    },
  }
  return { engine, calls, built }
}

function world(cfg = config) {
  const plan = planL2(cfg, 24, (n) => [signedTx(cfg.l2ChainId, n)])
  const channel = channelFor(cfg, plan.slice(1), 'span')
  const inputs = l1Inputs(cfg, 110, new Map([[106, [dataUnit(framesOf(channel, new Uint8Array(16).fill(1), 100_000))]]]))
  const l1 = {
    async fetchRange(from: number, to: number) {
      return inputs.filter((i) => i.header.number >= from && i.header.number <= to)
    },
    async head(): Promise<L1BlockRef> {
      const h = inputs.at(-1)!.header
      return { hash: h.hash, number: h.number, parentHash: h.parentHash, timestamp: h.timestamp }
    },
  }
  const canonical = (n: number) => inputs.find((i) => i.header.number === n)?.header.hash
  return { plan, l1, canonical }
}

function nodeOver(state: NodeState, engine: EngineApi, canonical: (n: number) => string | undefined = () => undefined, cfg = config): DeriveNode {
  let sent: ForkchoiceState | null = null
  return {
    commitForkchoice: async () => {
      const r = await commitForkchoice(state, engine, sent)
      if (r.kind === 'committed') sent = r.state
      return r
    },
    finalizeUpTo: (f) => finalize(state, engine, f, async (n) => canonical(n), Date.now()),
    deriveCursor: async () => deriveCursor(state),
    applyDerived: (v, step, cp, next) => applyDerived(cfg, state, engine, v, step, cp, next, Date.now()),
    saveCursor: async (v, cp, next) => saveCursor(state, v, cp, next, Date.now()),
    resetDerivation: async () => {},
    reportCritical: async (r) => {
      throw new Error(r)
    },
    reportL1Heads: async () => {},
    l2Block: async () => null,
  }
}

describe('derivation in the RollupNode (workerd)', () => {
  it('default: a tick derives the posted span batch into safe heads, the safe-head DB and finality candidates', async () => {
    const stub = env.ROLLUP_NODE.get(env.ROLLUP_NODE.idFromName('derive-1'))
    await runInDurableObject(stub, async (_i: RollupNode, ds) => {
      const state = new NodeState(ds.storage.sql)
      const { plan, l1, canonical } = world()
      const g = genesisRef()
      anchor(state, { unsafe: g, safe: g, finalized: g }, 100, { systemConfig: config.genesis.systemConfig, traversalSystemConfig: config.genesis.systemConfig }, 1)
      const { engine, calls } = fakeEngine(plan)
      const report = await deriveTick({ config, node: nodeOver(state, engine), l1, budget: { maxL1Blocks: 50, maxBlocks: 1000, deadline: Number.MAX_SAFE_INTEGER }, confirmations: 0, now: () => 0 })
      expect(report).toMatchObject({ outcome: 'caught-up', derived: 24 })
      expect(state.head('safe')?.hash).toBe(plan[24].ref.hash)
      expect(state.head('unsafe')?.number).toBe(24)
      expect(calls.filter((c) => c === 'newPayload')).toHaveLength(24)
      // Coalesced forkchoice: three calls per built block, one FCU for the whole tick.
      expect(calls.filter((c) => c === 'fcu')).toHaveLength(1)
      expect(calls).toHaveLength(3 * 24 + 1)
      expect(state.safeHeadAtL1(106)?.safeHead.number).toBe(24)
      expect(state.finalityCandidate(110)?.l2.number).toBe(24)
      // State survives a restart: a fresh NodeState over the same SQLite continues where it stopped.
      const again = new NodeState(ds.storage.sql)
      const c = deriveCursor(again)
      expect(c.kind === 'ready' && c.safe.number).toBe(24)
      const second = await deriveTick({ config, node: nodeOver(again, engine, canonical), l1, budget: { maxL1Blocks: 50, maxBlocks: 1000, deadline: Number.MAX_SAFE_INTEGER }, confirmations: 0, now: () => 0 })
      expect(second.outcome).toBe('waiting-for-l1')
      // The fake L1 reports its head as finalized: what was derived from it becomes finalized, with one FCU.
      expect(again.head('finalized')?.number).toBe(24)
      expect(calls.at(-1)).toBe('fcu')
      // A candidate whose L1 block was reorged out is not finalized.
      state.recordFinalityCandidate({ number: 200, hash: '0xdead' }, { ...plan[24].ref, number: 25 })
      const r = await finalize(again, engine, { number: 200, hash: '0xbeef' }, async () => '0xother', 3)
      expect(r).toMatchObject({ unchanged: true, reason: expect.stringMatching(/no longer canonical/) })
      expect(calls.filter((c) => c === 'newPayload')).toHaveLength(24)
    })
  })

  it('behavior: a tick with a stale cursor version applies nothing', async () => {
    const stub = env.ROLLUP_NODE.get(env.ROLLUP_NODE.idFromName('derive-2'))
    await runInDurableObject(stub, async (_i: RollupNode, ds) => {
      const state = new NodeState(ds.storage.sql)
      const { plan } = world()
      const g = genesisRef()
      const v = anchor(state, { unsafe: g, safe: g, finalized: g }, 100, { systemConfig: config.genesis.systemConfig, traversalSystemConfig: config.genesis.systemConfig }, 1)
      const { engine, calls } = fakeEngine(plan)
      const step = { kind: 'attributes' as const, attributes: { timestamp: plan[1].ref.timestamp, prevRandao: `0x${'00'.repeat(32)}` as Hex, suggestedFeeRecipient: '0x4200000000000000000000000000000000000011' as Hex, transactions: [], noTxPool: true, gasLimit: 1n, withdrawals: [] as [] }, number: 1, l1Origin: g.l1Origin, sequenceNumber: 1, derivedFrom: { hash: g.l1Origin.hash, number: 100, parentHash: g.l1Origin.hash, timestamp: 0 }, lastInSpan: true, depositOnly: false }
      expect(await applyDerived(config, state, engine, v + 1, step, '{}', 101, 2)).toEqual({ kind: 'stale' })
      expect(saveCursor(state, v + 5, '{}', 101, 2)).toEqual({ ok: false, reason: 'stale' })
      expect(calls).toEqual([])
      expect(state.head('safe')?.number).toBe(0)
    })
  })

  it('behavior: the forkchoice commit is coalesced — unchanged heads send nothing, a refused FCU changes nothing', async () => {
    const stub = env.ROLLUP_NODE.get(env.ROLLUP_NODE.idFromName('derive-commit'))
    await runInDurableObject(stub, async (_i: RollupNode, ds) => {
      const state = new NodeState(ds.storage.sql)
      const g = genesisRef()
      anchor(state, { unsafe: g, safe: g, finalized: g }, 100, { systemConfig: config.genesis.systemConfig, traversalSystemConfig: config.genesis.systemConfig }, 1)
      const sentStates: ForkchoiceState[] = []
      let answer: 'VALID' | 'SYNCING' = 'SYNCING'
      const engine = { forkchoiceUpdated: async (s: ForkchoiceState) => (sentStates.push(s), { status: answer }) }
      expect(await commitForkchoice(state, engine, null)).toEqual({ kind: 'refused', status: 'SYNCING' })
      answer = 'VALID'
      const r = await commitForkchoice(state, engine, null)
      expect(r).toEqual({ kind: 'committed', state: { headBlockHash: g.hash, safeBlockHash: g.hash, finalizedBlockHash: g.hash } })
      expect(await commitForkchoice(state, engine, r.kind === 'committed' ? r.state : null)).toEqual({ kind: 'unchanged' })
      expect(sentStates).toHaveLength(2)
    })
  })

  it('behavior: a tick that dies mid-way (the Durable Object restarts) loses nothing and records no block twice', async () => {
    const stub = env.ROLLUP_NODE.get(env.ROLLUP_NODE.idFromName('derive-restart'))
    const { plan, l1 } = world()
    const { engine, calls } = fakeEngine(plan)
    // The engine accepts block 11, then the object dies before writing it to SQLite.
    const dying: EngineApi = {
      ...engine,
      async newPayload(p, root, t) {
        const r = await engine.newPayload(p, root, t)
        if (p.blockNumber === 11) throw new Error('Durable Object reset (simulated eviction during the engine call)')
        return r
      },
    }
    await runInDurableObject(stub, async (_i: RollupNode, ds) => {
      const state = new NodeState(ds.storage.sql)
      const g = genesisRef()
      anchor(state, { unsafe: g, safe: g, finalized: g }, 100, { systemConfig: config.genesis.systemConfig, traversalSystemConfig: config.genesis.systemConfig }, 1)
      const tick = deriveTick({ config, node: nodeOver(state, dying), l1, budget: { maxL1Blocks: 50, maxBlocks: 1000, deadline: Number.MAX_SAFE_INTEGER }, confirmations: 0, now: () => 0 })
      await expect(tick).rejects.toThrow(/simulated eviction/)
      expect(state.head('safe')?.number).toBe(10)
    })
    await abortAllDurableObjects()
    const again = env.ROLLUP_NODE.get(env.ROLLUP_NODE.idFromName('derive-restart'))
    await runInDurableObject(again, async (_i: RollupNode, ds) => {
      // A new instance: everything comes back from SQLite.
      const state = new NodeState(ds.storage.sql)
      const c = deriveCursor(state)
      expect(c.kind === 'ready' && c.safe.number).toBe(10)
      const report = await deriveTick({ config, node: nodeOver(state, engine), l1, budget: { maxL1Blocks: 50, maxBlocks: 1000, deadline: Number.MAX_SAFE_INTEGER }, confirmations: 0, now: () => 0 })
      // The checkpoint stored with block 10 already covers the fetched L1 range: the rest is derived from it.
      expect(report).toMatchObject({ outcome: 'waiting-for-l1', derived: 14 })
      expect(state.head('safe')?.hash).toBe(plan[24].ref.hash)
      const built = state.events(500).filter((e) => e.kind === 'attributes-built').map((e) => e.detail.number as number).sort((a, b) => a - b)
      expect(built).toEqual(Array.from({ length: 24 }, (_, i) => i + 1))
      // The engine saw block 11 twice (the lost write is redone); a real engine answers the repeat VALID.
      expect(calls.filter((x) => x === 'newPayload')).toHaveLength(25)
    })
  })

  for (const [name, cfg] of [
    ['Holocene', config],
    ['pre-Holocene (Granite)', makeConfig({ regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0 })],
  ] as const) {
    it(`rule: INVALID attributes (${name})`, async () => {
      const stub = env.ROLLUP_NODE.get(env.ROLLUP_NODE.idFromName(`derive-invalid-${name}`))
      await runInDurableObject(stub, async (_i: RollupNode, ds) => {
        const state = new NodeState(ds.storage.sql)
        const { plan, l1 } = world(cfg)
        const g = genesisRef()
        anchor(state, { unsafe: g, safe: g, finalized: g }, 100, { systemConfig: cfg.genesis.systemConfig, traversalSystemConfig: cfg.genesis.systemConfig }, 1)
        const { engine, built } = fakeEngine(plan)
        // The engine refuses block 3 as the batch has it (with a user transaction): invalid payload attributes.
        const refusing: EngineApi = {
          ...engine,
          async forkchoiceUpdated(st, a) {
            if (a && a.timestamp === plan[3].ref.timestamp && a.transactions.some((t) => !t.startsWith('0x7e'))) return { status: 'INVALID', validationError: 'invalid block 3' }
            return engine.forkchoiceUpdated(st, a)
          },
        }
        const report = await deriveTick({ config: cfg, node: nodeOver(state, refusing, () => undefined, cfg), l1, budget: { maxL1Blocks: 50, maxBlocks: 1000, deadline: Number.MAX_SAFE_INTEGER }, confirmations: 0, now: () => 0 })
        const invalid = state.events(100).filter((e) => e.kind === 'attributes-invalid')
        expect(invalid.map((e) => e.detail)).toEqual([{ number: 3, reason: 'invalid block 3', depositOnly: false }])
        const builtEvents = state.events(100).filter((e) => e.kind === 'attributes-built').map((e) => e.detail.number)
        if (name === 'Holocene') {
          // Holocene (specs holocene/derivation.md "Engine Queue"): the block is replaced by a deposit-only block and
          // the rest of the span batch is dropped.
          expect(builtEvents.sort()).toEqual([1, 2, 3])
          expect(report.derived).toBe(3)
          expect(state.head('safe')?.number).toBe(3)
        } else {
          // Before Holocene the invalid batch is dropped: nothing replaces block 3 until the sequencing window ends.
          expect(builtEvents.sort()).toEqual([1, 2])
          expect(built.has(3)).toBe(false)
          expect(state.head('pending_safe')?.number).toBe(2)
        }
      })
    })
  }
})
