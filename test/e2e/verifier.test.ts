/**
 * End to end on real processes (all on 127.0.0.1): anvil as L1 with the devnet's portal emitter, the development
 * engine, and the worker with its Durable Object under `wrangler dev`. A deposit sent on L1 must appear, byte for
 * byte, in the L2 block whose L1 origin is the deposit's block, once the sequencing window has passed (no batcher).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { toHex, type Hex } from '../../shared/bytes.ts'
import { devnetConfig } from '../../shared/config/chains.ts'
import { toRollupJson } from '../../shared/config/parse-rollup-json.ts'
import { depositFromLog } from '../../shared/protocol/deposit-log.ts'
import { encodeDepositTx } from '../../shared/protocol/deposit-tx.ts'
import { encodeRpcTransaction } from '../../shared/protocol/rpc-block-lists.ts'
import { startDevEngine, type DevEngine } from '../devnet/dev-engine.ts'
import { depositCalldata, installL1Contracts } from '../devnet/l1-contracts.ts'

const root = join(import.meta.dirname, '../..')
const children: ChildProcess[] = []
let engine: DevEngine | undefined
afterAll(async () => {
  for (const c of children) c.kill('SIGTERM')
  await engine?.close()
})

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })
  const body = (await res.json()) as { result?: unknown; error?: { message: string } }
  if (body.error) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}

async function until<T>(what: string, ms: number, f: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      const v = await f()
      if (v !== undefined) return v
    } catch {}
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

describe('verifier end to end (anvil + development engine + wrangler dev)', () => {
  it('default: an L1 deposit becomes part of the derived L2 chain', async () => {
    const [l1Port, workerPort] = [await freePort(), await freePort()]
    const l1Url = `http://127.0.0.1:${l1Port}`
    children.push(spawn(join(root, 'node_modules/.bin/anvil'), ['--host', '127.0.0.1', '--port', String(l1Port), '--block-time', '1', '--silent'], { stdio: 'ignore' }))
    const l1Genesis = await until('anvil', 30_000, () => rpc(l1Url, 'eth_getBlockByNumber', ['0x0', false]))
    const base = devnetConfig()
    await installL1Contracts(l1Url, base.depositContractAddress, base.l1SystemConfigAddress)

    const jwtSecret = randomBytes(32).toString('hex')
    const l2Time = Number(BigInt(l1Genesis.timestamp))
    engine = await startDevEngine({ config: { ...base, genesis: { ...base.genesis, l2Time } }, jwtSecret, host: '127.0.0.1', port: 0 })
    const config = devnetConfig({ l1: { hash: l1Genesis.hash, number: 0 }, l2: { hash: engine.genesis.hash as Hex, number: 0 }, l2Time })

    const dir = mkdtempSync(join(tmpdir(), 'op-edge-e2e-'))
    writeFileSync(
      join(dir, '.env'),
      [`CHAIN=devnet`, `ROLLUP_CONFIG=${JSON.stringify(toRollupJson(config))}`, `L1_RPC_URLS=${l1Url}`, `BEACON_URLS=${l1Url}`, `BEACON_BLOCK_ID=number`, `SECONDS_PER_SLOT=1`, `ENGINE_URL=${engine.url}`, `ENGINE_JWT_SECRET=${jwtSecret}`].join('\n') + '\n',
    )
    children.push(
      spawn(join(root, 'node_modules/.bin/wrangler'), ['dev', '--local', '--ip', '127.0.0.1', '--port', String(workerPort), '--env-file', join(dir, '.env'), '--persist-to', join(dir, 'state')], {
        cwd: root,
        stdio: 'ignore',
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
      }),
    )
    const worker = `http://127.0.0.1:${workerPort}`
    await until('the worker', 90_000, async () => ((await fetch(`${worker}/healthz`)).ok ? true : undefined))

    // A deposit from anvil's first account, through the portal emitter.
    const [from] = (await rpc(l1Url, 'eth_accounts')) as Hex[]
    const to = '0x000000000000000000000000000000000000beef' as Hex
    const txHash = await rpc(l1Url, 'eth_sendTransaction', [{ from, to: base.depositContractAddress, data: depositCalldata(from, to, { mint: 10n ** 18n, value: 0n, gas: 100_000n, isCreation: false, data: new Uint8Array([1, 2, 3]) }), gas: '0x30000' }])
    const receipt = await until('the deposit receipt', 20_000, () => rpc(l1Url, 'eth_getTransactionReceipt', [txHash]).then((r) => r ?? undefined))
    expect(receipt.status).toBe('0x1')
    const log = receipt.logs[0]
    const expected = depositFromLog({ address: log.address, topics: log.topics, data: log.data, blockHash: log.blockHash, logIndex: Number(BigInt(log.logIndex)) }, base.depositContractAddress)!
    const depositBlock = Number(BigInt(receipt.blockNumber))

    // Tick until the safe chain has an L2 block whose L1 origin is the deposit's block.
    const tick = setInterval(() => fetch(`${worker}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`).catch(() => {}), 1000)
    try {
      const status = await until('a safe block with the deposit origin', 150_000, async () => {
        const res = await fetch(worker, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'optimism_syncStatus' }) })
        const s = ((await res.json()) as { result: any }).result
        return s.safe_l2.l1origin.number > depositBlock ? s : undefined
      })
      expect(status.safe_l2.number).toBeGreaterThan(0)
      expect(status.unsafe_l2.number).toBeGreaterThanOrEqual(status.safe_l2.number)
      // Find the first L2 block of the deposit's epoch: [L1-info, the deposit].
      let found: Uint8Array[] | undefined
      for (let n = 1; n <= status.safe_l2.number && !found; n++) {
        const b = await engine!.blockJson(n, true)
        const txs = (b?.transactions ?? []) as unknown[]
        if (txs.length === 2) found = txs.map((t, i) => encodeRpcTransaction(t, i))
      }
      expect(found, 'an L2 block carrying the deposit').toBeDefined()
      expect(toHex(found![1])).toBe(toHex(encodeDepositTx(expected)))
    } finally {
      clearInterval(tick)
    }
  }, 240_000)
})
