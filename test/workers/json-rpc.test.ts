import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'

async function rpc(body: unknown, headers: Record<string, string> = {}) {
  const res = await SELF.fetch('http://op-edge/', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: res.status, json: res.status === 204 ? undefined : await res.json<any>() }
}

describe('POST / JSON-RPC', () => {
  it('default: optimism_syncStatus, optimism_rollupConfig, optimism_version', async () => {
    const s = await rpc({ jsonrpc: '2.0', id: 1, method: 'optimism_syncStatus', params: [] })
    expect(s.status).toBe(200)
    expect(s.json.id).toBe(1)
    expect(s.json.result).toHaveProperty('safe_l2')
    const c = await rpc({ jsonrpc: '2.0', id: 'x', method: 'optimism_rollupConfig' })
    expect(c.json.result).toMatchObject({ l1_chain_id: 31337, l2_chain_id: 901, block_time: 2 })
    expect((await rpc({ jsonrpc: '2.0', id: 2, method: 'optimism_version' })).json.result).toMatch(/op-edge/)
  })

  it('behavior: batches answered in order; notifications get no answer', async () => {
    const r = await rpc([
      { jsonrpc: '2.0', id: 1, method: 'optimism_version' },
      { jsonrpc: '2.0', method: 'optimism_version' },
      { jsonrpc: '2.0', id: 3, method: 'nope' },
    ])
    expect(r.json.map((x: any) => x.id)).toEqual([1, 3])
    expect(r.json[1].error.code).toBe(-32601)
    expect((await rpc({ jsonrpc: '2.0', method: 'optimism_version' })).status).toBe(204)
  })

  it('error: standard codes for bad requests', async () => {
    expect((await rpc('{not json')).json.error.code).toBe(-32700)
    expect((await rpc({ id: 1, method: 'optimism_version' })).json.error.code).toBe(-32600)
    expect((await rpc({ jsonrpc: '2.0', id: 1, method: 'optimism_version', params: {} })).json.error.code).toBe(-32602)
    expect((await rpc([])).json.error.code).toBe(-32600)
    expect((await rpc({ jsonrpc: '2.0', id: 1, method: 'optimism_safeHeadAtL1Block', params: ['zz'] })).json.error.code).toBe(-32602)
    expect((await rpc({ jsonrpc: '2.0', id: 1, method: 'optimism_safeHeadAtL1Block', params: ['0x10'] })).json.error.code).toBe(-32602)
    const big = await rpc('x'.repeat((1 << 20) + 1))
    expect(big.status).toBe(413)
  })
})

describe('admin JSON-RPC', () => {
  it('error: admin methods need the bearer token', async () => {
    const r = await rpc({ jsonrpc: '2.0', id: 1, method: 'admin_resetDerivationPipeline' })
    expect(r.json.error.code).toBe(-32001)
    const wrong = await rpc({ jsonrpc: '2.0', id: 1, method: 'admin_resetDerivationPipeline' }, { authorization: 'Bearer nope' })
    expect(wrong.json.error.code).toBe(-32001)
  })

  it('default: admin_resetDerivationPipeline with the token clears the cursor (sync start runs again)', async () => {
    const r = await rpc({ jsonrpc: '2.0', id: 1, method: 'admin_resetDerivationPipeline' }, { authorization: 'Bearer test-admin-token-0123456789' })
    expect(r.json).toEqual({ jsonrpc: '2.0', id: 1, result: null })
  })
})
