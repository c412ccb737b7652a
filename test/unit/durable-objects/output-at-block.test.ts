/**
 * `optimism_outputAtBlock` (PROTOCOL.md §4; op-node `node/api.go` `OutputAtBlock`, op-service `sources/l2_client.go`
 * `OutputV0AtBlock`) over the typed engine client and the development engine's blocks and state trie: the proof path
 * before Isthmus, the header path from Isthmus, across the activation, and an engine that lies or fails.
 */
import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, keccak, toHex } from '../../../shared/bytes.ts'
import type { ForkTimes } from '../../../shared/config/rollup-config.ts'
import { createEngineClient, type FetchFn } from '../../../shared/engine/engine-client.ts'
import { EMPTY_TRIE_ROOT } from '../../../shared/protocol/trie-root.ts'
import { L2_TO_L1_MESSAGE_PASSER, outputAtBlock, type SyncStatusJson } from '../../../durable-objects/output-at-block.ts'
import { syncStatusJson } from '../../../durable-objects/sync-status.ts'
import { blockState, type DevBlock } from '../../devnet/dev-engine/block-builder.ts'
import { makeConfig, L1_START_TIME } from '../../support/chain-harness.ts'
import { devChain, type DevChain } from '../../support/dev-chain.ts'

const HOLOCENE: ForkTimes = { regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0 }
const ISTHMUS: ForkTimes = { ...HOLOCENE, isthmus: 0 }
const STATUS: SyncStatusJson = syncStatusJson({ currentL1: null, headL1: null, safeL1: null, finalizedL1: null, unsafe: null, safe: null, finalized: null, pendingSafe: null })

function engineOf(chain: DevChain, fetch: FetchFn = chain.fetch) {
  return createEngineClient({ url: 'http://engine.test', jwtSecret: `0x${'42'.repeat(32)}`, config: chain.config, fetch, now: () => 1_800_000_000_000, retries: 0 })
}

/** The output root computed from the dev block's own fields: keccak256(0³² ‖ stateRoot ‖ passer root ‖ hash). */
function expectedRoot(b: DevBlock): string {
  return toHex(keccak(concatBytes(new Uint8Array(32), b.payload.stateRoot, b.messagePasserRoot, fromHex(b.hash))))
}

async function output(chain: DevChain, n: number, fetch?: FetchFn) {
  return outputAtBlock(chain.config, engineOf(chain, fetch), n, STATUS)
}

describe('outputAtBlock: before Isthmus (eth_getProof, verified)', () => {
  const chain = devChain(makeConfig(HOLOCENE), 4, (n) => n === 2)

  it('default: op-node response shape; the storage root is the proven passer root, not the header withdrawalsRoot', async () => {
    const r = await output(chain, 3)
    if (!r.ok) throw new Error(r.message)
    const b = chain.blocks[3]
    expect(Object.keys(r.output)).toEqual(['version', 'outputRoot', 'blockRef', 'withdrawalStorageRoot', 'stateRoot', 'syncStatus'])
    expect(r.output).toEqual({
      version: `0x${'00'.repeat(32)}`,
      outputRoot: expectedRoot(b),
      blockRef: {
        hash: b.hash,
        number: 3,
        parentHash: chain.blocks[2].hash,
        timestamp: L1_START_TIME + 6,
        l1origin: { hash: chain.config.genesis.l1.hash, number: chain.config.genesis.l1.number },
        sequenceNumber: 3,
      },
      withdrawalStorageRoot: toHex(b.messagePasserRoot),
      stateRoot: toHex(b.payload.stateRoot),
      syncStatus: STATUS,
    })
    // The Canyon header carries the empty-trie withdrawals root: never the answer before Isthmus.
    expect(b.messagePasserRoot).not.toEqual(EMPTY_TRIE_ROOT)
    const proofCall = chain.calls.filter((c) => c.method === 'eth_getProof').at(-1)
    expect(proofCall?.params).toEqual([L2_TO_L1_MESSAGE_PASSER, [], b.hash])
  })

  it('behavior: the genesis block and a block before any withdrawal (empty passer storage)', async () => {
    const g = await output(chain, 0)
    expect(g.ok && g.output).toMatchObject({ outputRoot: expectedRoot(chain.blocks[0]), withdrawalStorageRoot: toHex(EMPTY_TRIE_ROOT), blockRef: { number: 0, sequenceNumber: 0 } })
    const one = await output(chain, 1)
    expect(one.ok && one.output.withdrawalStorageRoot).toBe(toHex(EMPTY_TRIE_ROOT))
  })

  it('error: an engine that lies about the storage root, a tampered node, an absent account, no proof', async () => {
    const lie = (fn: (proof: Record<string, unknown>) => unknown) => {
      chain.tamper.fn = (method, _p, result) => (method === 'eth_getProof' ? fn(result as Record<string, unknown>) : result)
    }
    try {
      lie((p) => ({ ...p, storageHash: toHex(keccak(new TextEncoder().encode('forged'))) }))
      const forged = await output(chain, 3)
      expect(forged).toMatchObject({ ok: false, reason: 'invalid-proof' })
      expect(!forged.ok && forged.message).toMatch(/^failed to get L2 output at block 0x[0-9a-f]{64}:3: invalid withdrawal root hash, state root was 0x[0-9a-f]{64}: account-mismatch/)

      lie((p) => ({ ...p, accountProof: (p.accountProof as string[]).map((n, i) => (i === 1 ? `${n.slice(0, 80)}${n[80] === '0' ? '1' : '0'}${n.slice(81)}` : n)) }))
      expect(await output(chain, 3)).toMatchObject({ ok: false, reason: 'invalid-proof', message: expect.stringMatching(/proof-node-missing/) })

      // A proof of absence (a real one, for an account that does not exist) claiming empty values.
      const absent = await handlersProof(chain, '0x000000000000000000000000000000000000dead', chain.blocks[3].hash)
      lie(() => ({ ...absent, address: L2_TO_L1_MESSAGE_PASSER }))
      expect(await output(chain, 3)).toMatchObject({ ok: false, reason: 'invalid-proof' })

      lie(() => null)
      expect(await output(chain, 3)).toMatchObject({ ok: false, reason: 'proof-not-found', message: expect.stringMatching(/: proof not found$/) })

      // A proof of another account is refused by the engine client before any verification.
      lie((p) => ({ ...p, address: '0x4200000000000000000000000000000000000015' }))
      expect(await output(chain, 3)).toMatchObject({ ok: false, reason: 'engine-error', message: expect.stringMatching(/eth_getProof failed: malformed-response/) })
    } finally {
      chain.tamper.fn = undefined
    }
  })
})

describe('outputAtBlock: from Isthmus (header withdrawalsRoot)', () => {
  it('default: the header withdrawalsRoot, no eth_getProof', async () => {
    const chain = devChain(makeConfig(ISTHMUS), 3, (n) => n === 1)
    const r = await output(chain, 2)
    if (!r.ok) throw new Error(r.message)
    const b = chain.blocks[2]
    expect(b.payload.withdrawalsRoot).toEqual(b.messagePasserRoot)
    expect(r.output).toMatchObject({ outputRoot: expectedRoot(b), withdrawalStorageRoot: toHex(b.messagePasserRoot), blockRef: { hash: b.hash, sequenceNumber: 2 } })
    expect(chain.calls.map((c) => c.method)).toEqual(['eth_getBlockByNumber'])
  })

  it('behavior: across the activation, the proof before and the header from it give the same passer roots', async () => {
    const chain = devChain(makeConfig({ ...HOLOCENE, isthmus: L1_START_TIME + 6 }), 5, (n) => n === 2 || n === 4)
    for (let n = 0; n <= 5; n++) {
      chain.calls.length = 0
      const r = await output(chain, n)
      if (!r.ok) throw new Error(r.message)
      expect(r.output.outputRoot).toBe(expectedRoot(chain.blocks[n]))
      expect(chain.calls.some((c) => c.method === 'eth_getProof')).toBe(n < 3)
    }
  })

  it('error: an Isthmus header without withdrawalsRoot', async () => {
    const chain = devChain(makeConfig(ISTHMUS), 2, () => false)
    chain.tamper.fn = (method, _p, result) => {
      if (method !== 'eth_getBlockByNumber' || result === null) return result
      const { withdrawalsRoot: _, ...rest } = result as Record<string, unknown>
      return rest
    }
    expect(await output(chain, 2)).toMatchObject({ ok: false, reason: 'missing-withdrawals-root', message: expect.stringMatching(/: L2 block is missing withdrawals root$/) })
  })
})

describe('outputAtBlock: blocks the engine does not have', () => {
  const chain = devChain(makeConfig(ISTHMUS), 2, () => false)

  it('error: beyond the head, op-node "not found" wording', async () => {
    expect(await output(chain, 3)).toEqual({
      ok: false,
      reason: 'block-not-found',
      message: 'failed to get L2 block ref with sync status: failed to determine L2BlockRef of height 3, could not get payload: not found',
    })
    expect(await output(chain, -1)).toMatchObject({ ok: false, reason: 'block-not-found' })
    expect(await output(chain, 2 ** 60)).toMatchObject({ ok: false, reason: 'block-not-found' })
  })

  it('error: an engine that cannot be reached is an engine-error, not an exception', async () => {
    const down: FetchFn = async () => {
      throw new TypeError('fetch failed')
    }
    expect(await output(chain, 1, down)).toMatchObject({ ok: false, reason: 'engine-error', message: expect.stringMatching(/could not get payload: eth_getBlockByNumber failed: network$/) })
  })

  it('error: a block whose L1-info deposit cannot be read is a bad block', async () => {
    chain.tamper.fn = (method, _p, result) => (method === 'eth_getBlockByNumber' && result ? { ...(result as object), transactions: [] } : result)
    try {
      expect(await output(chain, 1)).toMatchObject({ ok: false, reason: 'bad-block', message: expect.stringMatching(/missing-l1-info-tx/) })
    } finally {
      chain.tamper.fn = undefined
    }
  })
})

/** The dev engine's own eth_getProof answer for `address` at `blockHash`. */
async function handlersProof(chain: DevChain, address: string, blockHash: string): Promise<Record<string, unknown>> {
  const saved = chain.tamper.fn
  chain.tamper.fn = undefined
  const res = await chain.fetch('http://engine.test', { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_getProof', params: [address, [], blockHash] }) })
  chain.tamper.fn = saved
  expect(blockState(chain.store.get(blockHash as `0x${string}`)!).has(address as `0x${string}`)).toBe(false)
  return ((await res.json()) as { result: Record<string, unknown> }).result
}
