/**
 * `npm start`: the local devnet — anvil as L1, the development engine (test/devnet) as the L2 execution engine, and
 * two nodes under `wrangler dev` — a sequencer (blocks every 2 s, gossip, batch submitter) and a verifier (follows
 * gossip, derives the safe chain from L1) — each with its own development engine, and two gossip relays.
 * Everything listens on 127.0.0.1 only. Ctrl-C stops every process it started.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { devnetConfig } from '../shared/config/chains.ts'
import { toRollupJson } from '../shared/config/parse-rollup-json.ts'
import { installL1Contracts } from '../test/devnet/l1-contracts.ts'
import { RELAY_NODE_FLAGS } from '../gossip-relay/config.ts'

const root = join(import.meta.dirname, '..')
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
const L1_PORT = Number(process.env.DEVNET_L1_PORT ?? 8545)
const WORKER_PORT = Number(process.env.DEVNET_WORKER_PORT ?? 8787)
const ENGINE_PORT = Number(process.env.DEVNET_ENGINE_PORT ?? 8551)
const SEQUENCER_WORKER_PORT = Number(process.env.DEVNET_SEQUENCER_PORT ?? 8788)
const SEQUENCER_ENGINE_PORT = Number(process.env.DEVNET_SEQUENCER_ENGINE_PORT ?? 8552)
const RELAY_HTTP_PORT = 7300
const SEQUENCER_RELAY_HTTP_PORT = 7301
const RELAY_TCP_PORT = 9222
const SEQUENCER_RELAY_TCP_PORT = 9223
const children: ChildProcess[] = []

function start(name: string, cmd: string, args: string[], onLine?: (line: string) => void): ChildProcess {
  return startWithEnv(name, cmd, args, {}, onLine)
}

function startWithEnv(name: string, cmd: string, args: string[], env: Record<string, string>, onLine?: (line: string) => void): ChildProcess {
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false', ...env } })
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

// Two nodes on one chain: a sequencer (builds blocks, gossips them, posts batches) and a verifier (follows gossip,
// derives the safe chain from L1), each with its own development engine from the same genesis.
async function startEngine(name: string, port: number, jwtSecret: string): Promise<{ url: string; genesis: { hash: string; number: number; timestamp: number } }> {
  return new Promise((resolve, reject) => {
    const child = start(name, process.execPath, [join(root, 'test/devnet/dev-engine-main.ts'), '--port', String(port), '--jwt-secret', jwtSecret, '--chain', 'devnet', '--genesis-time', String(Number(BigInt(l1Genesis.timestamp)))], (line) => {
      if (line.startsWith('{')) resolve(JSON.parse(line))
    })
    child.on('exit', () => reject(new Error(`the ${name} exited`)))
  })
}
const jwt = { verifier: randomBytes(32).toString('hex'), sequencer: randomBytes(32).toString('hex') }
writeFileSync(join(dir, 'jwt.hex'), jwt.verifier)
writeFileSync(join(dir, 'jwt-sequencer.hex'), jwt.sequencer)
const verifierEngine = await startEngine('engine', ENGINE_PORT, jwt.verifier)
const sequencerEngine = await startEngine('seq-engine', SEQUENCER_ENGINE_PORT, jwt.sequencer)
console.log(`[devnet] L2 engines: verifier ${verifierEngine.url}, sequencer ${sequencerEngine.url}, genesis ${verifierEngine.genesis.hash}`)

const rollup = devnetConfig({
  l1: { hash: l1Genesis.hash, number: 0 },
  l2: { hash: verifierEngine.genesis.hash as `0x${string}`, number: verifierEngine.genesis.number },
  l2Time: verifierEngine.genesis.timestamp,
})
writeFileSync(join(dir, 'rollup.json'), JSON.stringify(toRollupJson(rollup), null, 2))
const relaySecret = randomBytes(24).toString('hex')
const adminToken = `devnet-admin-token-${randomBytes(8).toString('hex')}`
writeFileSync(join(dir, 'admin-token'), adminToken)
const common = [
  `CHAIN=devnet`,
  `ROLLUP_CONFIG=${JSON.stringify(toRollupJson(rollup))}`,
  `L1_RPC_URLS=${l1Url}`,
  `BEACON_URLS=${l1Url}`,
  `SECONDS_PER_SLOT=2`,
  `BEACON_BLOCK_ID=number`,
  `ADMIN_TOKEN=${adminToken}`,
  `RELAY_SECRET=${relaySecret}`,
]
writeFileSync(join(dir, 'verifier.env'), [...common, `ENGINE_URL=${verifierEngine.url}`, `ENGINE_JWT_SECRET=${jwt.verifier}`].join('\n') + '\n')
writeFileSync(
  join(dir, 'sequencer.env'),
  [
    ...common,
    `ENGINE_URL=${sequencerEngine.url}`,
    `ENGINE_JWT_SECRET=${jwt.sequencer}`,
    `ROLE=sequencer`,
    // anvil account #3 signs unsafe blocks (the devnet's unsafe-block signer), #2 is the batcher.
    `SEQUENCER_KEY=0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6`,
    `SEQUENCER_ENABLED=true`,
    `SEQUENCER_L1_CONFS=0`,
    `BATCHER_KEY=0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a`,
    `BATCHER_DA=blobs`,
    `RELAY_URL=http://127.0.0.1:${SEQUENCER_RELAY_HTTP_PORT}`,
  ].join('\n') + '\n',
)

// One at a time, each with its own inspector port: two wrangler dev processes starting together race for sockets.
const wrangler = (name: string, port: number, inspector: number, env: string) =>
  start(name, bin('wrangler'), ['dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector), '--env-file', join(dir, env), '--persist-to', join(dir, 'state', name)])
const verifierUrl = `http://127.0.0.1:${WORKER_PORT}`
const sequencerUrl = `http://127.0.0.1:${SEQUENCER_WORKER_PORT}`
wrangler('verifier', WORKER_PORT, 9229, 'verifier.env')
await waitFor(`${verifierUrl}/healthz`, undefined, 'verifier', 120_000)
wrangler('sequencer', SEQUENCER_WORKER_PORT, 9230, 'sequencer.env')
await waitFor(`${sequencerUrl}/healthz`, undefined, 'sequencer', 120_000)

// The relays: the verifier's receives gossip and forwards it to its worker; the sequencer's publishes and peers with it.
const relayArgs = (http: number, tcp: number, ingress: string, key: string, peers?: string) => [
  ...RELAY_NODE_FLAGS,
  join(root, 'gossip-relay/main.ts'),
  '--rollup-config', join(dir, 'rollup.json'),
  '--ingress', ingress,
  '--listen', `/ip4/127.0.0.1/tcp/${tcp}`,
  '--http-host', '127.0.0.1',
  '--http-port', String(http),
  '--key-file', join(dir, key),
  '--signer', rollup.unsafeBlockSigner ?? '0x0000000000000000000000000000000000000000',
  '--no-discovery',
  ...(peers ? ['--peers', peers] : []),
]
const relayEnv = { RELAY_SECRET: relaySecret }
startWithEnv('relay', process.execPath, relayArgs(RELAY_HTTP_PORT, RELAY_TCP_PORT, verifierUrl, 'relay.key'), relayEnv)
const relayStatus = (await (await waitFor(`http://127.0.0.1:${RELAY_HTTP_PORT}/status`, undefined, 'relay', 30_000)).json()) as { multiaddrs: string[] }
startWithEnv('seq-relay', process.execPath, relayArgs(SEQUENCER_RELAY_HTTP_PORT, SEQUENCER_RELAY_TCP_PORT, sequencerUrl, 'seq-relay.key', relayStatus.multiaddrs[0]), relayEnv)
await waitFor(`http://127.0.0.1:${SEQUENCER_RELAY_HTTP_PORT}/status`, undefined, 'sequencer relay', 30_000)

console.log(`[devnet] verifier  http://127.0.0.1:${WORKER_PORT}/  (JSON-RPC: curl -s http://127.0.0.1:${WORKER_PORT}/ -d '{"jsonrpc":"2.0","id":1,"method":"optimism_syncStatus"}')`)
console.log(`[devnet] sequencer http://127.0.0.1:${SEQUENCER_WORKER_PORT}/  relays http://127.0.0.1:${RELAY_HTTP_PORT}/status and http://127.0.0.1:${SEQUENCER_RELAY_HTTP_PORT}/status`)
console.log(`[devnet] rollup config ${join(dir, 'rollup.json')}, admin token in ${join(dir, 'admin-token')}`)
// Cron triggers do not fire on their own under wrangler dev: fire the ticks (derive, and the sequencer's batcher).
const TICK_MS = Number(process.env.DEVNET_TICK_MS ?? 4000)
setInterval(() => {
  for (const url of [verifierUrl, sequencerUrl]) fetch(`${url}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`).catch(() => {})
}, TICK_MS).unref()
setInterval(async () => {
  const line = async (name: string, url: string) => {
    const res = await fetch(`${url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'optimism_syncStatus' }) })
    const s = ((await res.json()) as { result?: Record<string, { number: number }> }).result
    return s ? `${name}: unsafe ${s.unsafe_l2.number} safe ${s.safe_l2.number} finalized ${s.finalized_l2.number}` : `${name}: -`
  }
  try {
    const [v, q] = await Promise.all([line('verifier', verifierUrl), line('sequencer', sequencerUrl)])
    const head = Number(BigInt((await rpc(l1Url, 'eth_blockNumber')) as string))
    console.log(`[devnet] L1 ${head} | ${q} | ${v}`)
  } catch {}
}, 10_000)
console.log('[devnet] running; Ctrl-C to stop')
