/**
 * Fuzzing of the node's network edges (issue #8): gossip messages through `validateGossipBlock` (documented to throw
 * only on a malformed configured signer, never on peer input), relay ingress bodies through `verifyIngress` then
 * validation, and JSON-RPC request bodies through `handleRpcBody` with a fake backend (never throws: every failure
 * is a JSON-RPC error response).
 */
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { toHex } from '../../shared/bytes.ts'
import { devnetConfig } from '../../shared/config/chains.ts'
import type { GossipVersion } from '../../shared/p2p/gossip-envelope.ts'
import { INGRESS_SIGNATURE_HEADER, INGRESS_TIMESTAMP_HEADER, signIngress, verifyIngress } from '../../shared/p2p/ingress-auth.ts'
import { SeenBlocks } from '../../shared/p2p/seen-blocks.ts'
import { validateGossipBlock } from '../../shared/p2p/validate-block.ts'
import type { NodeConfig } from '../../workers/config.ts'
import { handleRpcBody, type RpcBackend, RpcError } from '../../workers/json-rpc.ts'
import { addressOf, SEQUENCER_KEY, signedBlock } from '../unit/p2p/gossip-block-fixtures.ts'
import { assertClean, fuzz, mutatedBytes, printReportsAfterAll } from './harness.ts'

const CONFIG = devnetConfig()
const SIGNER = toHex(addressOf(SEQUENCER_KEY))
const NOW = 1_000_000
const VERSIONS: GossipVersion[] = [1, 2, 3, 4]
const BLOCKS = VERSIONS.map((version) => signedBlock({ version, number: 7, timestamp: NOW }).data)
const SECRET = 'fuzz-relay-secret-0123456789abcdef0123'

printReportsAfterAll()

describe('fuzz: network edges', () => {
  it('validateGossipBlock: gossip envelopes and SSZ payloads', async () => {
    const report = await fuzz({
      name: 'validate-block.validateGossipBlock',
      input: fc.tuple(mutatedBytes(BLOCKS), fc.constantFrom(...VERSIONS)),
      run: ([data, version]) => {
        const v = validateGossipBlock({ config: CONFIG, version, data, now: NOW, signer: SIGNER, seen: new SeenBlocks() })
        return v.result === 'accept' ? 'accept' : `${v.result}:${v.reason}`
      },
      expected: () => undefined,
    })
    assertClean(report)
  })

  it('verifyIngress + validateGossipBlock: relay ingress bodies', async () => {
    const signed = BLOCKS.map((b) => ({ body: b, headers: signIngress(SECRET, b, NOW) }))
    const input = fc.record({
      message: fc.constantFrom(...signed),
      body: fc.option(mutatedBytes(BLOCKS), { freq: 2 }),
      timestamp: fc.option(fc.oneof(fc.string({ maxLength: 20 }), fc.integer({ min: 0, max: 2 * NOW }).map(String)), { freq: 3 }),
      signature: fc.option(fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[0-9a-fA-F]{64}$/)), { freq: 3 }),
      version: fc.constantFrom(...VERSIONS),
    })
    const report = await fuzz({
      name: 'ingress-auth.verifyIngress+validate',
      input,
      run: ({ message, body, timestamp, signature, version }) => {
        const data = body ?? message.body
        const headers: Record<string, string> = {
          [INGRESS_TIMESTAMP_HEADER]: timestamp ?? message.headers[INGRESS_TIMESTAMP_HEADER],
          [INGRESS_SIGNATURE_HEADER]: signature ?? message.headers[INGRESS_SIGNATURE_HEADER],
        }
        const auth = verifyIngress(SECRET, data, headers, NOW)
        if (!auth.ok) return `auth:${auth.reason}`
        const v = validateGossipBlock({ config: CONFIG, version, data, now: NOW, signer: SIGNER, seen: new SeenBlocks() })
        return v.result === 'accept' ? 'accept' : `${v.result}:${v.reason}`
      },
      expected: () => undefined,
    })
    assertClean(report)
  })

  it('handleRpcBody: JSON-RPC request bodies', async () => {
    const backend: RpcBackend = {
      syncStatus: async () => ({ head: 1 }),
      safeHeadAtL1Block: async (n) => {
        if (n > 1_000) throw new RpcError({ code: -32000, message: 'not found' })
        return { l1Block: n }
      },
      outputAtBlock: async (n) => (n % 2 === 0 ? { ok: true, output: { n } } : { ok: false, message: 'unknown block' }),
      adminReset: async () => {},
      startSequencer: async () => ({ ok: false, reason: 'not a sequencer' }),
      stopSequencer: async () => ({ ok: false, reason: 'not a sequencer' }),
      sequencerActive: async () => false,
    }
    const config = { chain: CONFIG } as NodeConfig
    const methods = [
      'optimism_syncStatus', 'optimism_rollupConfig', 'optimism_version', 'optimism_safeHeadAtL1Block',
      'optimism_outputAtBlock', 'admin_resetDerivationPipeline', 'admin_startSequencer', 'admin_stopSequencer',
      'admin_sequencerActive', 'eth_chainId', '', '__proto__', 'constructor', 'toString',
    ]
    const param = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('0x0', '0x10', '0xffffffffffffffffffff', 'latest', '-0x1', '0x'))
    const request = fc.record(
      {
        jsonrpc: fc.oneof(fc.constant('2.0'), fc.jsonValue({ maxDepth: 1 })),
        id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null), fc.jsonValue({ maxDepth: 1 })),
        method: fc.oneof(fc.constantFrom(...methods), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })),
        params: fc.oneof(fc.array(param, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })),
      },
      { requiredKeys: ['method'] },
    )
    const body = fc.oneof(
      { weight: 4, arbitrary: request.map((r) => JSON.stringify(r)) },
      { weight: 2, arbitrary: fc.array(request, { maxLength: 120 }).map((rs) => JSON.stringify(rs)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: request.map((r) => JSON.stringify(r)).chain((s) => fc.nat({ max: s.length }).map((n) => s.slice(0, n))) },
    )
    const report = await fuzz({
      name: 'json-rpc.handleRpcBody',
      input: fc.tuple(body, fc.boolean()),
      run: async ([text, admin]) => {
        const r = await handleRpcBody(text, { config, backend, admin })
        if (r === undefined) return 'no-response'
        const one = Array.isArray(r) ? r[0] : r
        return `${Array.isArray(r) ? 'batch' : 'single'}:${one?.error ? one.error.code : 'result'}`
      },
      expected: () => undefined,
    })
    assertClean(report)
  })
})
