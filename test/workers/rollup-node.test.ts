import { env, SELF, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { RollupNode } from '../../durable-objects/rollup-node.ts'
import { NodeState } from '../../durable-objects/node-state.ts'
import { SCHEMA_VERSION } from '../../durable-objects/schema.ts'
import { TaskQueue } from '../../durable-objects/task-queue.ts'

const l2 = (n: number) => ({ hash: `0x${n.toString(16).padStart(64, '0')}` as `0x${string}`, number: n, parentHash: `0x${(n - 1).toString(16).padStart(64, '0')}` as `0x${string}`, timestamp: 1000 + 2 * n, l1Origin: { hash: `0x${'11'.repeat(32)}` as `0x${string}`, number: 7 }, sequenceNumber: n })

describe('RollupNode', () => {
  it('default: sets up its schema once and reports it', async () => {
    const stub = env.ROLLUP_NODE.get(env.ROLLUP_NODE.idFromName('devnet:verifier'))
    const first = await stub.info()
    expect(first.chain).toBe('devnet')
    expect(first.schemaVersion).toBe(SCHEMA_VERSION)
    expect((await stub.info()).createdAt).toBe(first.createdAt)
    await runInDurableObject(stub, async (instance: RollupNode, state) => {
      const tables = state.storage.sql.exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).toArray().map((r) => r.name)
      expect(tables).toEqual(expect.arrayContaining(['cursor', 'events', 'finality', 'heads', 'meta', 'safe_head_db']))
      expect((await instance.info()).schemaVersion).toBe(SCHEMA_VERSION)
    })
  })

  it('behavior: syncStatus has op-node field names, zero refs when unknown', async () => {
    const stub = env.ROLLUP_NODE.get(env.ROLLUP_NODE.idFromName('sync-status'))
    const empty = await stub.syncStatus()
    expect(Object.keys(empty).sort()).toEqual(['cross_unsafe_l2', 'current_l1', 'current_l1_finalized', 'finalized_l1', 'finalized_l2', 'head_l1', 'local_safe_l2', 'pending_safe_l2', 'safe_l1', 'safe_l2', 'unsafe_l2'])
    expect(empty.safe_l2).toEqual({ hash: `0x${'00'.repeat(32)}`, number: 0, parentHash: `0x${'00'.repeat(32)}`, timestamp: 0, l1origin: { hash: `0x${'00'.repeat(32)}`, number: 0 }, sequenceNumber: 0 })
    await runInDurableObject(stub, async (_i: RollupNode, state) => {
      const s = new NodeState(state.storage.sql)
      s.setHead('safe', l2(5))
      s.setHead('unsafe', l2(9))
    })
    const st = await stub.syncStatus()
    expect(st.safe_l2.number).toBe(5)
    expect(st.local_safe_l2.number).toBe(5)
    expect(st.unsafe_l2).toMatchObject({ number: 9, l1origin: { number: 7 }, sequenceNumber: 9 })
    expect(st.cross_unsafe_l2.number).toBe(9)
  })

  it('behavior: cursor versions, safe-head DB, finality candidates and bounded events persist', async () => {
    const stub = env.ROLLUP_NODE.get(env.ROLLUP_NODE.idFromName('state'))
    await runInDurableObject(stub, async (_i: RollupNode, state) => {
      const s = new NodeState(state.storage.sql)
      expect(s.cursor()).toBeNull()
      expect(s.setCursor('{"a":1}', 101, 5)).toBe(1)
      expect(s.setCursor('{"a":2}', 102, 6)).toBe(2)
      expect(s.cursor()).toEqual({ version: 2, checkpoint: '{"a":2}', nextL1: 102, updatedAt: 6 })
      s.recordSafeHead({ number: 10, hash: '0xa' }, { number: 100, hash: '0xb' })
      s.recordSafeHead({ number: 12, hash: '0xc' }, { number: 110, hash: '0xd' })
      expect(s.safeHeadAtL1(11)).toEqual({ l1Block: { number: 10, hash: '0xa' }, safeHead: { number: 100, hash: '0xb' } })
      expect(s.safeHeadAtL1(9)).toBeNull()
      s.truncateSafeHeadDb(10)
      expect(s.safeHeadAtL1(20)?.l1Block.number).toBe(10)
      for (let i = 0; i < 140; i++) s.recordFinalityCandidate({ number: i, hash: `0x${i}` }, l2(i))
      expect(s.finalityCandidate(5)).toBeNull() // only the last 129 are kept
      expect(s.finalityCandidate(139)?.l2.number).toBe(139)
      expect(s.finalityCandidate(50)?.l1.number).toBe(50)
      for (let i = 0; i < 520; i++) s.event('safe-advanced', { i }, i)
      const events = s.events(1000)
      expect(events.length).toBeLessThanOrEqual(500)
      expect(events[0].detail).toEqual({ i: 519 })
    })
    expect((await stub.deriveCursor()).kind).toBe('not-initialized') // no heads yet
  })
})

describe('TaskQueue', () => {
  it('default: statusSnapshot reports heads, L1, engine call stats, counters, events and the minute history', async () => {
    const stub = env.ROLLUP_NODE.get(env.ROLLUP_NODE.idFromName('snapshot'))
    const empty = await stub.statusSnapshot()
    expect(empty).toMatchObject({ chain: 'devnet', role: 'verifier', config: { ok: true }, critical: null, heads: { unsafe: null, safe: null }, derivation: null, history: [] })
    await runInDurableObject(stub, async (_i: RollupNode, state) => {
      const s = new NodeState(state.storage.sql)
      s.setHead('unsafe', l2(9))
      s.setHead('safe', l2(5))
      s.recordEngineCall('newPayload', 3, true)
      s.recordEngineCall('newPayload', 40, true)
      s.recordEngineCall('newPayload', 20_000, false)
      s.incrementCounter('sequencer_blocks', 2)
      s.sampleHeads(120_000)
      s.sampleHeads(150_000) // same minute: replaced
      s.sampleHeads(180_000)
      s.event('l1-reorg', { at: 1 }, 5)
    })
    const snap = await stub.statusSnapshot()
    expect(snap.heads.unsafe?.number).toBe(9)
    expect(snap.engine.calls).toEqual([
      { method: 'newPayload', leMs: null, ok: false, count: 1, sumMs: 20_000 },
      { method: 'newPayload', leMs: 5, ok: true, count: 1, sumMs: 3 },
      { method: 'newPayload', leMs: 50, ok: true, count: 1, sumMs: 40 },
    ])
    expect(snap.counters).toEqual({ sequencer_blocks: 2 })
    expect(snap.history.map((h) => [h.at, h.unsafe, h.safe])).toEqual([[120_000, 9, 5], [180_000, 9, 5]])
    expect(snap.events[0]).toMatchObject({ kind: 'l1-reorg' })
  })

  it('behavior: runs tasks one at a time in call order, failures do not stop the queue', async () => {
    const q = new TaskQueue()
    const log: string[] = []
    const task = (name: string, ms: number, fail = false) => () =>
      new Promise<string>((resolve, reject) => {
        log.push(`start ${name}`)
        setTimeout(() => {
          log.push(`end ${name}`)
          if (fail) reject(new Error(name))
          else resolve(name)
        }, ms)
      })
    const results = await Promise.allSettled([q.run(task('a', 30)), q.run(task('b', 1, true)), q.run(task('c', 5))])
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c'])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(q.depth).toBe(0)
  })
})

describe('GET /healthz', () => {
  it('default: answers with the chain and the node', async () => {
    const res = await SELF.fetch('http://op-edge/healthz')
    expect(res.status).toBe(200)
    const body = await res.json<{ ok: boolean; chain: string; l2ChainId: number }>()
    expect(body).toMatchObject({ ok: true, chain: 'devnet', l2ChainId: 901 })
  })

  it('behavior: unknown paths are a JSON 404', async () => {
    const res = await SELF.fetch('http://op-edge/nope')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: 'not found' })
  })
})
