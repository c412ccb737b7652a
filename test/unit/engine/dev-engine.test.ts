/**
 * The engine client and the driver against the strict development engine (test/devnet/dev-engine) over real HTTP:
 * build blocks with FCU + getPayload + newPayload per fork, then consolidate the same attributes with no engine_ call.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { engineApi } from '../../../durable-objects/engine-api.ts'
import { applyDerivedAttributes, forkchoiceOf, type Heads } from '../../../durable-objects/engine-driver.ts'
import { devnetConfig } from '../../../shared/config/chains.ts'
import type { ForkTimes, RollupConfig } from '../../../shared/config/rollup-config.ts'
import type { L2BlockRef, PayloadAttributes } from '../../../shared/deriver/types.ts'
import { createEngineClient, EngineError } from '../../../shared/engine/engine-client.ts'
import { type DevEngine, startDevEngine } from '../../devnet/dev-engine.ts'

const SECRET = `0x${'cd'.repeat(32)}`
const engines: DevEngine[] = []
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()))
})

function config(forks: ForkTimes): RollupConfig {
  return { ...devnetConfig(), forks, genesis: { ...devnetConfig().genesis, l2Time: 1_800_000_000 } }
}

describe('Engine client + driver against the development engine', () => {
  for (const [name, forks] of [
    ['Canyon', { regolith: 0, canyon: 0, delta: 0 }],
    ['Isthmus', { regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0, isthmus: 0 }],
    // Jovian is left out: the development engine reads `minBaseFee` as a 0x quantity, op-geth and op-reth (and this
    // client) as a JSON number — see shared/engine/attributes-json.ts. Karst still exercises getPayloadV5.
    ['Karst', { regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0, isthmus: 0, karst: 0 }],
  ] as const) {
    it(`default (${name}): builds blocks, then consolidates the same attributes on a second node`, async () => {
      const cfg = config(forks)
      const engine = await startDevEngine({ config: cfg, jwtSecret: SECRET, host: '127.0.0.1', port: 0 })
      engines.push(engine)
      const client = createEngineClient({ url: engine.url, jwtSecret: SECRET, fetch, now: Date.now, config: cfg })
      const api = engineApi(client, cfg)
      const g = engine.genesis
      const genesis: L2BlockRef = { hash: g.hash as `0x${string}`, number: 0, parentHash: `0x${'00'.repeat(32)}`, timestamp: g.timestamp, l1Origin: { hash: `0x${'11'.repeat(32)}`, number: 0 }, sequenceNumber: 0 }
      let heads: Heads = { unsafe: genesis, pendingSafe: genesis, safe: genesis, finalized: genesis }
      const ecotone = forks.ecotone !== undefined
      const holocene = 'holocene' in forks
      const jovian = 'jovian' in forks
      const attrs: PayloadAttributes[] = []
      for (let n = 1; n <= 3; n++) {
        const a: PayloadAttributes = {
          timestamp: g.timestamp + 2 * n,
          prevRandao: `0x${n.toString(16).padStart(64, '0')}`,
          suggestedFeeRecipient: '0x4200000000000000000000000000000000000011',
          transactions: [],
          noTxPool: true,
          gasLimit: cfg.genesis.systemConfig.gasLimit,
          withdrawals: [],
          ...(ecotone ? { parentBeaconBlockRoot: `0x${'22'.repeat(32)}` as `0x${string}` } : {}),
          ...(holocene ? { eip1559Params: '0x0000000000000000' as `0x${string}` } : {}),
          ...(jovian ? { minBaseFee: 0n } : {}),
        }
        attrs.push(a)
        const r = await applyDerivedAttributes(api, heads, { attributes: a, number: n, l1Origin: genesis.l1Origin, sequenceNumber: n, promoteSafe: true })
        expect(r.kind, JSON.stringify(r)).toBe('built')
        if (r.kind !== 'built') return
        heads = r.heads
      }
      // Each built block cost FCU+attributes, getPayload and newPayload; the head update is the caller's coalesced FCU.
      expect(engine.calls().filter((c) => String(c.method).startsWith('engine_'))).toHaveLength(9)
      expect(engine.head().number).toBe(2)
      expect((await api.forkchoiceUpdated(forkchoiceOf(heads))).status).toBe('VALID')
      expect(engine.head().number).toBe(3)
      expect(heads.safe.hash).toBe(engine.head().hash)
      // A second node whose safe head is behind the engine's unsafe chain consolidates instead of building.
      engine.clearCalls()
      let behind: Heads = { unsafe: heads.unsafe, pendingSafe: genesis, safe: genesis, finalized: genesis }
      for (let n = 1; n <= 3; n++) {
        const r = await applyDerivedAttributes(api, behind, { attributes: attrs[n - 1], number: n, l1Origin: genesis.l1Origin, sequenceNumber: n, promoteSafe: true })
        expect(r.kind).toBe('consolidated')
        if (r.kind !== 'consolidated') return
        behind = r.heads
      }
      expect(behind.safe.hash).toBe(heads.safe.hash)
      expect(engine.calls().filter((c) => String(c.method).startsWith('engine_'))).toHaveLength(0)
    })
  }

  it('error: a wrong JWT secret is a critical HTTP 401; an unreachable engine is temporary', async () => {
    const cfg = config({ regolith: 0, canyon: 0 })
    const engine = await startDevEngine({ config: cfg, jwtSecret: SECRET, host: '127.0.0.1', port: 0 })
    engines.push(engine)
    const wrong = createEngineClient({ url: engine.url, jwtSecret: `0x${'ee'.repeat(32)}`, fetch, now: Date.now, config: cfg, retries: 0 })
    const e = await wrong.ethChainId().catch((x) => x)
    expect(e).toBeInstanceOf(EngineError)
    expect(e.severity).toBe('critical')
    const down = createEngineClient({ url: 'http://127.0.0.1:1/?key=SECRETKEY', jwtSecret: SECRET, fetch, now: Date.now, config: cfg, retries: 1, timeoutMs: 500 })
    const d = await down.ethChainId().catch((x) => x)
    expect(d.severity).toBe('temporary')
    // Only the redacted endpoint is shown.
    expect(String(d.message)).not.toMatch(/SECRETKEY/)
    expect(String(d.message)).toContain('http://127.0.0.1:1?key=***')
  })
})
