import { env, SELF, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { RollupNode } from '../../durable-objects/rollup-node.ts'

describe('RollupNode', () => {
  it('default: sets up its schema once and reports it', async () => {
    const id = env.ROLLUP_NODE.idFromName('devnet:verifier')
    const stub = env.ROLLUP_NODE.get(id)
    const first = await stub.info()
    expect(first.chain).toBe('devnet')
    expect(first.schemaVersion).toBe(1)
    const again = await stub.info()
    expect(again.createdAt).toBe(first.createdAt)
    await runInDurableObject(stub, async (instance: RollupNode, state) => {
      const tables = state.storage.sql
        .exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'`)
        .toArray()
      expect(tables).toHaveLength(1)
      expect((await instance.info()).schemaVersion).toBe(1)
    })
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
