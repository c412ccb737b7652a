/**
 * `npm start`: the local devnet — anvil as L1, the development engine (test/devnet) as the L2 execution engine, and
 * the worker with its Durable Object under `wrangler dev`, configured with a rollup config built from anvil's and the
 * engine's genesis blocks. The relay and the batcher join with issues #5–#6.
 * Everything listens on 127.0.0.1 only. Ctrl-C stops every process it started.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { devnetConfig } from '../shared/config/chains.ts'
import { toRollupJson } from '../shared/config/parse-rollup-json.ts'
import { installL1Contracts } from '../test/devnet/l1-contracts.ts'

const root = join(import.meta.dirname, '..')
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
const L1_PORT = Number(process.env.DEVNET_L1_PORT ?? 8545)
const WORKER_PORT = Number(process.env.DEVNET_WORKER_PORT ?? 8787)
const ENGINE_PORT = Number(process.env.DEVNET_ENGINE_PORT ?? 8551)
const children: ChildProcess[] = []

function start(name: string, cmd: string, args: string[], onLine?: (line: string) => void): ChildProcess {
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } })
  const prefix = (line: string) => `[${name}] ${line}`
  for (const stream of [child.stdout, child.stderr]) {
    let buf = ''
    stream?.on('data', (chunk: Buffer) => {
      buf += chunk.toString()
      const lines = buf.split('\n')
      buf = lines.pop() ?? ''
      // wrangler dev offline cannot fetch the Request.cf object; that is harmless noise.
      for (const l of lines) {
        onLine?.(l)
        if (l.trim() && !/workers\.cloudflare\.com|GetAddrInfoReqWrap/.test(l)) console.log(prefix(l))
      }
    })
  }
  child.on('exit', (code, signal) => {
    console.log(prefix(`exited (${signal ?? code})`))
    if (!stopping) stop(1)
  })
  children.push(child)
  return child
}

let stopping = false
function stop(code = 0): void {
  if (stopping) return
  stopping = true
  for (const c of children) c.kill('SIGTERM')
  setTimeout(() => process.exit(code), 1500).unref()
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))

async function waitFor(url: string, init: RequestInit | undefined, what: string, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const res = await fetch(url, init)
      if (res.ok) return res
    } catch {}
    if (Date.now() > deadline) throw new Error(`${what} did not come up at ${url}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })
  const body = (await res.json()) as { result?: unknown; error?: { message: string } }
  if (body.error) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}

const dir = join(root, '.devnet')
// anvil and the engine start from genesis every time, so the node's persisted state starts over too.
rmSync(join(dir, 'state'), { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
const l1Url = `http://127.0.0.1:${L1_PORT}`
start('anvil', bin('anvil'), ['--host', '127.0.0.1', '--port', String(L1_PORT), '--block-time', '2', '--silent'])
await waitFor(l1Url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }) }, 'anvil')
const l1Genesis = await rpc(l1Url, 'eth_getBlockByNumber', ['0x0', false])
console.log(`[devnet] L1 (anvil) on ${l1Url}, genesis ${l1Genesis.hash}`)
const devnet = devnetConfig()
await installL1Contracts(l1Url, devnet.depositContractAddress, devnet.l1SystemConfigAddress, devnet.unsafeBlockSigner)
console.log(`[devnet] portal ${devnet.depositContractAddress} and SystemConfig ${devnet.l1SystemConfigAddress} emit TransactionDeposited / ConfigUpdate (test/devnet/l1-contracts.ts builds the calldata)`)

const jwtSecret = randomBytes(32).toString('hex')
writeFileSync(join(dir, 'jwt.hex'), jwtSecret)
const engineInfo = await new Promise<{ url: string; genesis: { hash: string; number: number; timestamp: number } }>((resolve, reject) => {
  const child = start('engine', process.execPath, [join(root, 'test/devnet/dev-engine-main.ts'), '--port', String(ENGINE_PORT), '--jwt-secret', jwtSecret, '--chain', 'devnet', '--genesis-time', String(Number(BigInt(l1Genesis.timestamp)))], (line) => {
    if (line.startsWith('{')) resolve(JSON.parse(line))
  })
  child.on('exit', () => reject(new Error('the development engine exited')))
})
console.log(`[devnet] L2 engine on ${engineInfo.url}, genesis ${engineInfo.genesis.hash}`)

const rollup = devnetConfig({
  l1: { hash: l1Genesis.hash, number: 0 },
  l2: { hash: engineInfo.genesis.hash as `0x${string}`, number: engineInfo.genesis.number },
  l2Time: engineInfo.genesis.timestamp,
})
writeFileSync(join(dir, 'rollup.json'), JSON.stringify(toRollupJson(rollup), null, 2))
writeFileSync(
  join(dir, '.env'),
  [
    `CHAIN=devnet`,
    `ROLLUP_CONFIG=${JSON.stringify(toRollupJson(rollup))}`,
    `L1_RPC_URLS=${l1Url}`,
    `BEACON_URLS=${l1Url}`,
    `SECONDS_PER_SLOT=2`,
    `BEACON_BLOCK_ID=number`,
    `ENGINE_URL=${engineInfo.url}`,
    `ENGINE_JWT_SECRET=${jwtSecret}`,
    `ADMIN_TOKEN=devnet-admin-token-${randomBytes(8).toString('hex')}`,
  ].join('\n') + '\n',
)

start('worker', bin('wrangler'), ['dev', '--local', '--test-scheduled', '--ip', '127.0.0.1', '--port', String(WORKER_PORT), '--env-file', join(dir, '.env'), '--persist-to', join(dir, 'state')])
const health = await (await waitFor(`http://127.0.0.1:${WORKER_PORT}/healthz`, undefined, 'worker', 120_000)).json()
console.log(`[devnet] worker on http://127.0.0.1:${WORKER_PORT}: ${JSON.stringify(health)}`)
console.log(`[devnet] rollup config: ${join(dir, 'rollup.json')}; JSON-RPC: curl -s http://127.0.0.1:${WORKER_PORT}/ -d '{"jsonrpc":"2.0","id":1,"method":"optimism_syncStatus"}'`)
// Cron triggers do not fire on their own under wrangler dev: fire the derive tick every few seconds.
const TICK_MS = Number(process.env.DEVNET_TICK_MS ?? 4000)
setInterval(() => {
  fetch(`http://127.0.0.1:${WORKER_PORT}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`).catch(() => {})
}, TICK_MS).unref()
setInterval(async () => {
  try {
    const res = await fetch(`http://127.0.0.1:${WORKER_PORT}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'optimism_syncStatus' }) })
    const s = ((await res.json()) as { result?: Record<string, { number: number }> }).result
    if (s) console.log(`[devnet] L1 head ${s.head_l1.number} current ${s.current_l1.number} | L2 unsafe ${s.unsafe_l2.number} safe ${s.safe_l2.number} finalized ${s.finalized_l2.number}`)
  } catch {}
}, 10_000)
console.log('[devnet] running; Ctrl-C to stop')
