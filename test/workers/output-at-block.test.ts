/**
 * `optimism_outputAtBlock` inside workerd (PROTOCOL.md §4): JSON-RPC → Worker → RollupNode (task queue) → engine
 * client → the development engine's blocks and state trie, served in process through a stubbed global `fetch` (the
 * Durable Object runs in the test's isolate). The Worker's chain is the devnet (Isthmus from genesis); one object is
 * given a pre-Isthmus rollup config to take the eth_getProof path.
 */
import { env, runInDurableObject, SELF } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { concatBytes, fromHex, keccak, toHex } from '../../shared/bytes.ts'
import { devnetConfig } from '../../shared/config/chains.ts'
import { toRollupJson } from '../../shared/config/parse-rollup-json.ts'
import type { FetchFn } from '../../shared/engine/engine-client.ts'
import { NodeState } from '../../durable-objects/node-state.ts'
import type { RollupNode } from '../../durable-objects/rollup-node.ts'
import type { DevBlock } from '../devnet/dev-engine/block-builder.ts'
import { devChain, type DevChain } from '../support/dev-chain.ts'

const ENGINE_URL = 'http://127.0.0.1:8551' // vitest.config.ts miniflare bindings
const ZERO = `0x${'00'.repeat(32)}`

let engine: FetchFn | undefined
beforeEach(() => {
  const original = globalThis.fetch
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input)
    if (engine !== undefined && url.startsWith(ENGINE_URL)) return engine(url, init ?? {})
    return original(input, init)
  })
})
afterEach(() => {
  engine = undefined
  vi.restoreAllMocks()
})

async function rpc(method: string, params: unknown[]) {
  const res = await SELF.fetch('http://op-edge/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 7, method, params }) })
  return { status: res.status, json: await res.json<any>() }
}

const expectedRoot = (b: DevBlock) => toHex(keccak(concatBytes(new Uint8Array(32), b.payload.stateRoot, b.messagePasserRoot, fromHex(b.hash))))

describe('optimism_outputAtBlock (Worker → RollupNode → engine)', () => {
  // The Worker's own config: devnet, Isthmus at genesis, genesis hash unknown to it (blocks from 1 have refs).
  const chain: DevChain = devChain(devnetConfig(), 3, (n) => n === 2, true)

  it('default: Isthmus — output root from the header withdrawalsRoot, op-node field names, the sync status', async () => {
    engine = chain.fetch
    chain.calls.length = 0
    const { status, json } = await rpc('optimism_outputAtBlock', ['0x3'])
    expect(status).toBe(200)
    const b = chain.blocks[3]
    expect(json.id).toBe(7)
    expect(Object.keys(json.result)).toEqual(['version', 'outputRoot', 'blockRef', 'withdrawalStorageRoot', 'stateRoot', 'syncStatus'])
    expect(json.result).toMatchObject({
      version: ZERO,
      outputRoot: expectedRoot(b),
      blockRef: { hash: b.hash, number: 3, parentHash: chain.blocks[2].hash, timestamp: 6, l1origin: { hash: ZERO, number: 0 }, sequenceNumber: 3 },
      withdrawalStorageRoot: toHex(b.payload.withdrawalsRoot!),
      stateRoot: toHex(b.payload.stateRoot),
    })
    expect(json.result.syncStatus).toHaveProperty('safe_l2')
    expect(json.result.syncStatus).toHaveProperty('current_l1')
    expect(chain.calls.map((c) => c.method)).toEqual(['eth_getBlockByNumber'])
  })

  it('error: a block beyond the engine head is a JSON-RPC error with op-node wording, not a 500', async () => {
    engine = chain.fetch
    const { status, json } = await rpc('optimism_outputAtBlock', ['0x4'])
    expect(status).toBe(200)
    expect(json.error).toEqual({ code: -32000, message: 'failed to get L2 block ref with sync status: failed to determine L2BlockRef of height 4, could not get payload: not found' })
    const huge = await rpc('optimism_outputAtBlock', ['0xffffffffffffffff'])
    expect(huge.json.error).toEqual({ code: -32000, message: 'failed to get L2 block ref with sync status: failed to determine L2BlockRef of height 18446744073709551615, could not get payload: not found' })
  })

  it('error: bad params are -32602 with geth hexutil.Uint64 wording; no block tags', async () => {
    engine = chain.fetch
    const cases: [unknown[], string][] = [
      [[], 'missing value for required argument 0'],
      [['0x1', true], 'too many arguments, want at most 1'],
      [[3], 'invalid argument 0: json: cannot unmarshal non-string into Go value of type hexutil.Uint64'],
      [['latest'], 'invalid argument 0: hex string without 0x prefix'],
      [['3'], 'invalid argument 0: hex string without 0x prefix'],
      [['0x'], 'invalid argument 0: hex string "0x"'],
      [['0x03'], 'invalid argument 0: hex number with leading zero digits'],
      [['0xzz'], 'invalid argument 0: invalid hex string'],
      [['0x10000000000000000'], 'invalid argument 0: hex number > 64 bits'],
    ]
    for (const [params, message] of cases) {
      expect((await rpc('optimism_outputAtBlock', params)).json.error).toEqual({ code: -32602, message })
    }
  })

  it('error: an unreachable engine is a JSON-RPC error naming the failure, never the URL', async () => {
    engine = async () => {
      throw new TypeError(`fetch to ${ENGINE_URL} failed`)
    }
    const { status, json } = await rpc('optimism_outputAtBlock', ['0x1'])
    expect(status).toBe(200)
    expect(json.error.code).toBe(-32000)
    expect(json.error.message).toMatch(/could not get payload: eth_getBlockByNumber failed: network$/)
    expect(json.error.message).not.toContain('127.0.0.1')
  })
})

describe('RollupNode.outputAtBlock before Isthmus (eth_getProof verified against the state root)', () => {
  // A rollup.json needs non-zero genesis hashes: an L1 genesis label here, the dev genesis block's hash from devChain.
  const pre = devnetConfig({ l1: { hash: toHex(keccak(new TextEncoder().encode('pre-isthmus l1'))), number: 0 }, l2: { hash: ZERO as `0x${string}`, number: 0 }, l2Time: 1_800_000_000 })
  const chain: DevChain = devChain({ ...pre, forks: { regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0 } }, 3, (n) => n === 1)

  /** A RollupNode whose rollup config is the pre-Isthmus dev chain's (ROLLUP_CONFIG overrides CHAIN). */
  async function preIsthmusNode(name: string) {
    const stub = env.ROLLUP_NODE.get(env.ROLLUP_NODE.idFromName(name))
    await runInDurableObject(stub, async (instance: RollupNode, state) => {
      ;(instance as unknown as { env: Record<string, unknown> }).env = { ...env, ROLLUP_CONFIG: JSON.stringify(toRollupJson(chain.config)) }
      const g = chain.blocks[0]
      new NodeState(state.storage.sql).setHead('safe', { hash: g.hash, number: 0, parentHash: ZERO as `0x${string}`, timestamp: g.payload.timestamp, l1Origin: chain.config.genesis.l1, sequenceNumber: 0 })
    })
    return stub
  }

  it('default: the storage root is the proven passer root (the header carries the empty-trie root), genesis included', async () => {
    engine = chain.fetch
    const stub = await preIsthmusNode('output-pre-isthmus')
    chain.calls.length = 0
    const r = await stub.outputAtBlock(2)
    if (!r.ok) throw new Error(r.message)
    const b = chain.blocks[2]
    expect(r.output).toMatchObject({ outputRoot: expectedRoot(b), withdrawalStorageRoot: toHex(b.messagePasserRoot), blockRef: { hash: b.hash, number: 2, sequenceNumber: 2 } })
    expect(toHex(b.payload.withdrawalsRoot ?? new Uint8Array(0))).not.toBe(r.output.withdrawalStorageRoot)
    expect(r.output.syncStatus.safe_l2.hash).toBe(chain.blocks[0].hash)
    expect(chain.calls.map((c) => [c.method, c.params])).toEqual([
      ['eth_getBlockByNumber', ['0x2', true]],
      ['eth_getProof', ['0x4200000000000000000000000000000000000016', [], b.hash]],
    ])
    const g = await stub.outputAtBlock(0)
    expect(g.ok && g.output.outputRoot).toBe(expectedRoot(chain.blocks[0]))
  })

  it('error: a forged storage root is refused (invalid withdrawal root hash)', async () => {
    engine = chain.fetch
    const stub = await preIsthmusNode('output-pre-isthmus-forged')
    chain.tamper.fn = (method, _p, result) => (method === 'eth_getProof' ? { ...(result as object), storageHash: `0x${'ab'.repeat(32)}` } : result)
    try {
      const r = await stub.outputAtBlock(3)
      expect(r).toMatchObject({ ok: false, reason: 'invalid-proof' })
      expect(!r.ok && r.message).toMatch(/invalid withdrawal root hash, state root was 0x[0-9a-f]{64}: account-mismatch/)
    } finally {
      chain.tamper.fn = undefined
    }
  })
})
