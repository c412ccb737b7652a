/**
 * Unsafe blocks from gossip inside workerd: the Durable Object's ordered queue over SQLite (insert in order, drop at
 * or below safe, first block at a height wins, INVALID dropped, EL sync on a large gap) with a fake engine, and the
 * Worker's `POST /p2p/blocks` (HMAC and timestamp, topic, size, re-validation by the object).
 */
import { env, runInDurableObject, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex, type Hex } from '../../shared/bytes.ts'
import { devnetConfig } from '../../shared/config/chains.ts'
import type { L2BlockRef } from '../../shared/deriver/types.ts'
import { signIngress } from '../../shared/p2p/ingress-auth.ts'
import { anchor } from '../../durable-objects/derivation-control.ts'
import type { EngineApi, PayloadStatusValue } from '../../durable-objects/engine-driver.ts'
import { NodeState } from '../../durable-objects/node-state.ts'
import type { RollupNode } from '../../durable-objects/rollup-node.ts'
import { EL_SYNC_GAP, enqueueUnsafe, processUnsafeQueue } from '../../durable-objects/unsafe-queue.ts'
import { unsafeChain, type UnsafeBlock } from '../support/unsafe-chain.ts'

const config = devnetConfig()
const genesis: L2BlockRef = { hash: config.genesis.l2.hash, number: 0, parentHash: `0x${'00'.repeat(32)}`, timestamp: config.genesis.l2Time, l1Origin: config.genesis.l1, sequenceNumber: 0 }
const RELAY_SECRET = 'test-relay-secret-0123456789abcdef0123'

function fakeEngine(answers: { newPayload?: (n: number) => PayloadStatusValue; fcu?: (head: Hex) => PayloadStatusValue } = {}) {
  const calls: string[] = []
  const engine: EngineApi = {
    async forkchoiceUpdated(s) {
      calls.push(`fcu ${s.headBlockHash.slice(0, 10)}`)
      return { status: answers.fcu?.(s.headBlockHash) ?? 'VALID' }
    },
    async getPayload() {
      throw new Error('not used')
    },
    async newPayload(p) {
      calls.push(`newPayload ${p.blockNumber}`)
      return { status: answers.newPayload?.(p.blockNumber) ?? 'VALID' }
    },
    async blockByNumber() {
      return null
    },
  }
  return { engine, calls }
}

const queued = (b: UnsafeBlock) => ({ hash: b.ref.hash, number: b.ref.number, parentHash: b.ref.parentHash, timestamp: b.ref.timestamp, version: 4 as const, message: b.data })

async function inNode(name: string, f: (state: NodeState) => Promise<void>) {
  const stub = env.ROLLUP_NODE.get(env.ROLLUP_NODE.idFromName(name))
  await runInDurableObject(stub, async (_i: RollupNode, ds) => {
    const state = new NodeState(ds.storage.sql)
    anchor(state, { unsafe: genesis, safe: genesis, finalized: genesis }, 0, {}, 1)
    await f(state)
  })
}

describe('unsafe payload queue (Durable Object, SQLite)', () => {
  const start = 1_900_000_000

  it('default: payloads arriving out of order are inserted in order with newPayload + FCU each', async () => {
    await inNode('unsafe-order', async (state) => {
      const chain = unsafeChain(config, genesis, 5, { startTime: start })
      const { engine, calls } = fakeEngine()
      for (const i of [2, 0, 1, 4, 3]) expect(enqueueUnsafe(state, queued(chain[i])).queued).toBe(true)
      expect(enqueueUnsafe(state, queued(chain[2]))).toEqual({ queued: false, reason: 'duplicate' })
      const r = await processUnsafeQueue(config, state, engine, 1)
      expect(r).toMatchObject({ inserted: 5, dropped: [] })
      expect(calls.filter((c) => c.startsWith('newPayload'))).toEqual(['newPayload 1', 'newPayload 2', 'newPayload 3', 'newPayload 4', 'newPayload 5'])
      expect(calls).toHaveLength(10)
      expect(state.head('unsafe')).toEqual(chain[4].ref)
      expect(state.head('safe')?.number).toBe(0)
      expect(state.unsafeQueueDepth()).toBe(0)
    })
  })

  it('behavior: a gap waits; the missing block fills it', async () => {
    await inNode('unsafe-gap', async (state) => {
      const chain = unsafeChain(config, genesis, 3, { startTime: start })
      const { engine } = fakeEngine()
      enqueueUnsafe(state, queued(chain[2]))
      const waiting = await processUnsafeQueue(config, state, engine, 1)
      expect(waiting).toMatchObject({ inserted: 0, waiting: expect.stringMatching(/missing unsafe block 1/) })
      enqueueUnsafe(state, queued(chain[0]))
      enqueueUnsafe(state, queued(chain[1]))
      expect((await processUnsafeQueue(config, state, engine, 2)).inserted).toBe(3)
    })
  })

  it('rule: first block at a height wins; a competing block and anything at or below safe are dropped', async () => {
    await inNode('unsafe-first-wins', async (state) => {
      const a = unsafeChain(config, genesis, 2, { startTime: start, seed: 1 })
      const b = unsafeChain(config, genesis, 2, { startTime: start, seed: 2 })
      expect(a[0].ref.hash).not.toBe(b[0].ref.hash)
      const { engine } = fakeEngine()
      enqueueUnsafe(state, queued(a[0]))
      enqueueUnsafe(state, queued(b[0]))
      const r = await processUnsafeQueue(config, state, engine, 1)
      expect(state.head('unsafe')?.hash).toBe(a[0].ref.hash)
      expect(r.dropped).toEqual([{ reason: 'not-on-unsafe-chain', number: 1 }])
      // b's second block does not build on the unsafe head either.
      enqueueUnsafe(state, queued(b[1]))
      expect((await processUnsafeQueue(config, state, engine, 2)).dropped).toEqual([{ reason: 'not-on-unsafe-chain', number: 2 }])
      // Safe moves past a queued height (derivation): the payload is refused, or dropped if already queued.
      state.setHead('safe', a[0].ref)
      expect(enqueueUnsafe(state, queued(a[0]))).toEqual({ queued: false, reason: 'at-or-below-safe' })
      expect(state.events(20).filter((e) => e.kind === 'unsafe-dropped')).toHaveLength(2)
    })
  })

  it('rule: a payload the engine calls INVALID is dropped; SYNCING keeps it queued', async () => {
    await inNode('unsafe-invalid', async (state) => {
      const chain = unsafeChain(config, genesis, 2, { startTime: start })
      let answer: PayloadStatusValue = 'SYNCING'
      const { engine } = fakeEngine({ newPayload: () => answer })
      enqueueUnsafe(state, queued(chain[0]))
      expect((await processUnsafeQueue(config, state, engine, 1)).waiting).toMatch(/SYNCING/)
      expect(state.unsafeQueueDepth()).toBe(1)
      answer = 'INVALID'
      expect((await processUnsafeQueue(config, state, engine, 2)).dropped).toEqual([{ reason: 'engine-invalid', number: 1 }])
      expect(state.head('unsafe')?.number).toBe(0)
    })
  })

  it('behavior: a gap larger than the bound starts EL sync to the newest payload, finished when the engine says VALID', async () => {
    await inNode('unsafe-el-sync', async (state) => {
      const chain = unsafeChain(config, genesis, EL_SYNC_GAP + 10, { startTime: start })
      const target = chain.at(-1)!
      let synced = false
      const { engine, calls } = fakeEngine({ newPayload: () => 'SYNCING', fcu: () => (synced ? 'VALID' : 'SYNCING') })
      enqueueUnsafe(state, queued(chain[5]))
      enqueueUnsafe(state, queued(target))
      const r = await processUnsafeQueue(config, state, engine, 1)
      expect(r.elSync).toEqual({ target: target.ref.number, status: 'SYNCING' })
      expect(calls).toEqual([`newPayload ${target.ref.number}`, `fcu ${target.ref.hash.slice(0, 10)}`])
      expect(state.head('unsafe')?.number).toBe(0)
      synced = true
      const done = await processUnsafeQueue(config, state, engine, 2)
      expect(done.elSync).toEqual({ target: target.ref.number, status: 'VALID' })
      expect(state.head('unsafe')).toEqual(target.ref)
      expect(state.unsafeQueueDepth()).toBe(0)
      expect(state.events(10).map((e) => e.kind)).toEqual(expect.arrayContaining(['el-sync-started', 'el-sync-finished']))
    })
  })
})

describe('POST /p2p/blocks (relay ingress)', () => {
  const now = () => Math.floor(Date.now() / 1000)
  const post = (body: Uint8Array, headers: Record<string, string>) => SELF.fetch('https://node/p2p/blocks', { method: 'POST', body, headers: { 'content-type': 'application/octet-stream', ...headers } })
  const block = () => unsafeChain(config, genesis, 1, { startTime: now() - 4 })[0]

  it('error: unauthenticated, stale, tampered or topic-less requests are refused before the node sees them', async () => {
    const b = block()
    expect((await post(b.data, { 'x-op-edge-topic': b.topic })).status).toBe(401)
    const stale = signIngress(RELAY_SECRET, b.data, now() - 600)
    expect(await (await post(b.data, { ...stale, 'x-op-edge-topic': b.topic })).json()).toEqual({ error: 'unauthorized', reason: 'stale' })
    const wrongKey = signIngress('another-secret-of-at-least-32-chars!!', b.data, now())
    expect((await post(b.data, { ...wrongKey, 'x-op-edge-topic': b.topic })).status).toBe(401)
    const tampered = b.data.slice()
    tampered[tampered.length - 1] ^= 1
    expect((await post(tampered, { ...signIngress(RELAY_SECRET, b.data, now()), 'x-op-edge-topic': b.topic })).status).toBe(401)
    expect((await post(b.data, signIngress(RELAY_SECRET, b.data, now()))).status).toBe(400)
  })

  it('rule: the node re-validates — a block signed by someone else is rejected (422), an unknown topic too', async () => {
    const forged = unsafeChain(config, genesis, 1, { startTime: now() - 4, key: fromHex(`0x${'11'.repeat(32)}`) })[0]
    const res = await post(forged.data, { ...signIngress(RELAY_SECRET, forged.data, now()), 'x-op-edge-topic': forged.topic })
    expect(res.status).toBe(422)
    expect(await res.json()).toEqual({ result: 'reject', reason: 'wrong-signer' })
    const b = block()
    const other = await post(b.data, { ...signIngress(RELAY_SECRET, b.data, now()), 'x-op-edge-topic': '/optimism/10/3/blocks' })
    expect(await other.json()).toEqual({ result: 'reject', reason: 'unknown-topic' })
  })

  it('error: forged requests change nothing — a replayed request is absorbed, a forged one never reaches the node', async () => {
    const stub = env.ROLLUP_NODE.get(env.ROLLUP_NODE.idFromName('devnet:verifier'))
    const depth = async () => runInDurableObject(stub, async (_i: RollupNode, ds) => new NodeState(ds.storage.sql).unsafeQueueDepth())
    const eventsOf = async () => runInDurableObject(stub, async (_i: RollupNode, ds) => new NodeState(ds.storage.sql).events(500).length)
    const b = unsafeChain(config, genesis, 1, { startTime: now() - 2, seed: 9 })[0]
    const headers = { ...signIngress(RELAY_SECRET, b.data, now()), 'x-op-edge-topic': b.topic }
    const before = { depth: await depth(), events: await eventsOf() }
    // Forged: a body the HMAC does not cover, and a wrong secret.
    const other = unsafeChain(config, genesis, 1, { startTime: now() - 2, seed: 10 })[0]
    expect((await post(other.data, headers)).status).toBe(401)
    expect((await post(b.data, { ...signIngress('x'.repeat(40), b.data, now()), 'x-op-edge-topic': b.topic })).status).toBe(401)
    expect({ depth: await depth(), events: await eventsOf() }).toEqual(before)
    // The genuine request, then the very same request replayed within the window: the replay changes nothing.
    expect((await (await post(b.data, headers)).json()) as object).toMatchObject({ result: 'accept', queued: true })
    const after = await depth()
    expect(await (await post(b.data, headers)).json()).toEqual({ result: 'ignore', reason: 'duplicate' })
    expect(await depth()).toBe(after)
  })

  it('default: a valid block is accepted and queued (no engine here: it waits, and a repeat is ignored)', async () => {
    const b = block()
    const headers = () => ({ ...signIngress(RELAY_SECRET, b.data, now()), 'x-op-edge-topic': b.topic })
    const res = await post(b.data, headers())
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ result: 'accept', number: 1, hash: toHex(b.payload.blockHash), queued: true })
    const again = await post(b.data, headers())
    expect(await again.json()).toEqual({ result: 'ignore', reason: 'duplicate' })
  })
})
