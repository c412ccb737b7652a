/**
 * A whole devnet on 127.0.0.1 for end-to-end tests and benchmarks: anvil as L1 (with the portal and SystemConfig
 * emitters), the development engine in this process, and the worker with its Durable Object under `wrangler dev`,
 * configured with a rollup config built from both genesis blocks. `npm start` (scripts/devnet.ts) is the interactive
 * version of the same thing.
 *
 * @example
 * const stack = await startStack({ l1BlockTime: 1 })
 * await stack.tick()
 * const status = await stack.rollupRpc('optimism_syncStatus')
 * await stack.stop()
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hex } from '../../shared/bytes.ts'
import { devnetConfig } from '../../shared/config/chains.ts'
import type { RollupConfig } from '../../shared/config/rollup-config.ts'
import { toRollupJson } from '../../shared/config/parse-rollup-json.ts'
import { startDevEngine, type DevEngine } from './dev-engine.ts'
import { installL1Contracts } from './l1-contracts.ts'
import { RELAY_NODE_FLAGS } from '../../gossip-relay/config.ts'

const root = join(import.meta.dirname, '../..')

export type StackOptions = {
  /** anvil `--block-time` in seconds; 0 = no interval mining (mine with `evm_mine`). Default 1. */
  l1BlockTime?: number
  /** Change the devnet rollup config (genesis is filled in afterwards). */
  configure?: (config: RollupConfig, l2GenesisTime: number) => RollupConfig
  /** Extra worker settings (.env lines). */
  env?: Record<string, string>
  /** Print the worker's output (debugging). */
  verbose?: boolean
  /** Wrap the URLs the worker uses for L1 and the engine (e.g. a counting proxy); default identity. */
  l1UrlForWorker?: (l1Url: string) => string
  engineUrlForWorker?: (engineUrl: string) => string
}

export type Stack = {
  l1Url: string
  worker: string
  engine: DevEngine
  config: RollupConfig
  adminToken: string
  /** Fire the worker's scheduled handler once (the derive tick) and wait for it. */
  tick(): Promise<void>
  /** JSON-RPC to the worker (`POST /`). */
  rollupRpc(method: string, params?: unknown[], headers?: Record<string, string>): Promise<any>
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** One JSON-RPC call; throws with the method name on an error answer. */
export async function rpc(url: string, method: string, params: unknown[] = [], headers: Record<string, string> = {}): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })
  const body = (await res.json()) as { result?: unknown; error?: { message: string } }
  if (body.error) throw new Error(`${method}: ${body.error.message}`)
  return body.result
}

/** Poll `f` every 250 ms until it returns something other than undefined (errors count as not yet). */
export async function until<T>(what: string, ms: number, f: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms
  let last: unknown
  for (;;) {
    try {
      const v = await f()
      if (v !== undefined) return v
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** A worker under `wrangler dev` with these settings, answering `/healthz`; returns its URL. */
async function spawnWorker(dir: string, settings: Record<string, string>, children: ChildProcess[], verbose = false): Promise<string> {
  writeFileSync(join(dir, '.env'), Object.entries(settings).map(([k, v]) => `${k}=${v}`).join('\n') + '\n')
  const port = await freePort()
  // Its own inspector port: wrangler dev processes starting at the same time would all take the default 9229.
  const args = ['dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort()), '--env-file', join(dir, '.env'), '--persist-to', join(dir, 'state')]
  children.push(spawn(join(root, 'node_modules/.bin/wrangler'), args, { cwd: root, stdio: verbose ? 'inherit' : 'ignore', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } }))
  const worker = `http://127.0.0.1:${port}`
  await until('the worker', 90_000, async () => ((await fetch(`${worker}/healthz`)).ok ? true : undefined))
  return worker
}

/** Settings every devnet worker shares. */
function devnetSettings(config: RollupConfig, l1Url: string, engine: { url: string }, jwtSecret: string, adminToken: string): Record<string, string> {
  return {
    CHAIN: 'devnet',
    ROLLUP_CONFIG: JSON.stringify(toRollupJson(config)),
    L1_RPC_URLS: l1Url,
    BEACON_URLS: l1Url,
    BEACON_BLOCK_ID: 'number',
    SECONDS_PER_SLOT: '1',
    ENGINE_URL: engine.url,
    ENGINE_JWT_SECRET: jwtSecret,
    ADMIN_TOKEN: adminToken,
  }
}

/** Stop the processes (and wait for them), close the engine, remove the state directory. */
async function stopAll(children: ChildProcess[], engine: DevEngine | undefined, dir: string): Promise<void> {
  for (const c of children) c.kill('SIGTERM')
  await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))))
  await engine?.close()
  rmSync(dir, { recursive: true, force: true })
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const children: ChildProcess[] = []
  let engine: DevEngine | undefined
  const dir = mkdtempSync(join(tmpdir(), 'op-edge-stack-'))
  const stop = () => stopAll(children, engine, dir)
  try {
    const l1Port = await freePort()
    const l1Url = `http://127.0.0.1:${l1Port}`
    const blockTime = options.l1BlockTime ?? 1
    const anvilArgs = ['--host', '127.0.0.1', '--port', String(l1Port), '--silent', ...(blockTime > 0 ? ['--block-time', String(blockTime)] : [])]
    children.push(spawn(join(root, 'node_modules/.bin/anvil'), anvilArgs, { stdio: 'ignore' }))
    const l1Genesis = await until('anvil', 30_000, () => rpc(l1Url, 'eth_getBlockByNumber', ['0x0', false]))
    const base = (options.configure ?? ((c) => c))(devnetConfig(), Number(BigInt(l1Genesis.timestamp)))
    await installL1Contracts(l1Url, base.depositContractAddress, base.l1SystemConfigAddress, base.unsafeBlockSigner)

    const jwtSecret = randomBytes(32).toString('hex')
    const l2Time = Number(BigInt(l1Genesis.timestamp))
    engine = await startDevEngine({ config: { ...base, genesis: { ...base.genesis, l2Time } }, jwtSecret, host: '127.0.0.1', port: 0 })
    const config: RollupConfig = { ...base, genesis: { ...base.genesis, l1: { hash: l1Genesis.hash, number: 0 }, l2: { hash: engine.genesis.hash as Hex, number: 0 }, l2Time } }
    const adminToken = `stack-admin-${randomBytes(8).toString('hex')}`
    const l1ForWorker = (options.l1UrlForWorker ?? ((u) => u))(l1Url)
    const settings: Record<string, string> = {
      ...devnetSettings(config, l1ForWorker, { url: (options.engineUrlForWorker ?? ((u) => u))(engine.url) }, jwtSecret, adminToken),
      SECONDS_PER_SLOT: String(Math.max(1, blockTime)),
      ...options.env,
    }
    const worker = await spawnWorker(dir, settings, children, options.verbose)
    return {
      l1Url,
      worker,
      engine,
      config,
      adminToken,
      async tick() {
        const res = await fetch(`${worker}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`)
        await res.arrayBuffer()
      },
      rollupRpc: (method, params = [], headers = {}) => rpc(worker, method, params, headers),
      stop,
    }
  } catch (e) {
    await stop()
    throw e
  }
}

export type DevnetNode = { worker: string; engine: DevEngine; jwtSecret: string; adminToken: string; tick(): Promise<void>; rollupRpc: Stack['rollupRpc']; stop(): Promise<void> }

/**
 * Another node on the same L1 and chain (its own development engine from the same genesis, its own wrangler dev):
 * a sequencer next to a verifier, for the full loop. `env` adds worker settings (ROLE, keys, RELAY_URL…).
 */
export async function startNode(stack: Pick<Stack, 'l1Url' | 'config'>, options: { env?: Record<string, string>; verbose?: boolean } = {}): Promise<DevnetNode> {
  const children: ChildProcess[] = []
  let engine: DevEngine | undefined
  const dir = mkdtempSync(join(tmpdir(), 'op-edge-node-'))
  const stop = () => stopAll(children, engine, dir)
  try {
    const jwtSecret = randomBytes(32).toString('hex')
    engine = await startDevEngine({ config: stack.config, jwtSecret, host: '127.0.0.1', port: 0 })
    if (engine.genesis.hash !== stack.config.genesis.l2.hash) throw new Error('the second engine has another genesis')
    const adminToken = `node-admin-${randomBytes(8).toString('hex')}`
    const worker = await spawnWorker(dir, { ...devnetSettings(stack.config, stack.l1Url, engine, jwtSecret, adminToken), ...options.env }, children, options.verbose)
    return {
      worker,
      engine,
      jwtSecret,
      adminToken,
      async tick() {
        await (await fetch(`${worker}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*`)).arrayBuffer()
      },
      rollupRpc: (method, params = [], headers = {}) => rpc(worker, method, params, headers),
      stop,
    }
  } catch (e) {
    await stop()
    throw e
  }
}

export type DevnetRelay = { http: string; peerId: string; multiaddrs: string[]; status(): Promise<any>; stop(): Promise<void> }

/**
 * The command line of a devnet relay (after node's own flags): its rollup config written into `dir`, a fresh key file
 * there, listening on 127.0.0.1, discovery off, the config's unsafe-block signer.
 */
export function relayCommand(config: RollupConfig, dir: string, options: { ingress: string; httpPort: number; peers?: string[] }): string[] {
  writeFileSync(join(dir, 'rollup.json'), JSON.stringify(toRollupJson(config)))
  return [
    join(root, 'gossip-relay/main.ts'),
    '--rollup-config', join(dir, 'rollup.json'),
    '--ingress', options.ingress,
    '--listen', '/ip4/127.0.0.1/tcp/0',
    '--http-host', '127.0.0.1',
    '--http-port', String(options.httpPort),
    '--key-file', join(dir, 'p2p.key'),
    '--no-discovery',
    ...(config.unsafeBlockSigner ? ['--signer', config.unsafeBlockSigner] : []),
    ...(options.peers?.length ? ['--peers', options.peers.join(',')] : []),
  ]
}

/** A gossip relay process (`node gossip-relay/main.ts`) on 127.0.0.1 for the devnet chain, discovery off. */
export async function startRelay(config: RollupConfig, options: { ingress: string; secret: string; peers?: string[]; verbose?: boolean }): Promise<DevnetRelay> {
  const dir = mkdtempSync(join(tmpdir(), 'op-edge-relay-'))
  const httpPort = await freePort()
  const args = relayCommand(config, dir, { ingress: options.ingress, httpPort, ...(options.peers ? { peers: options.peers } : {}) })
  const child = spawn(process.execPath, [...RELAY_NODE_FLAGS, ...args], { cwd: root, stdio: options.verbose ? 'inherit' : 'ignore', env: { ...process.env, RELAY_SECRET: options.secret } })
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const http = `http://127.0.0.1:${httpPort}`
    const st = await until('the relay', 30_000, async () => {
      const res = await fetch(`${http}/status`)
      return res.ok ? ((await res.json()) as { peerId: string; multiaddrs: string[] }) : undefined
    })
    return { http, peerId: st.peerId, multiaddrs: st.multiaddrs, status: async () => (await fetch(`${http}/status`)).json(), stop }
  } catch (e) {
    await stop()
    throw e
  }
}

export type FullLoop = { verifier: Stack; sequencer: DevnetNode; relays: DevnetRelay[]; stop(): Promise<void> }

/**
 * The full loop of `npm start`, on free ports: a verifier (the stack's node) with its relay, a sequencer node with
 * its relay peered to the verifier's, its batcher posting to anvil, both nodes' ticks fired every second.
 * `sequencerEnv` adds sequencer settings (BATCHER_DA, BATCHER_BATCH_TYPE, BATCHER_COMPRESSION…).
 */
export async function startFullLoop(options: { configure?: (c: RollupConfig, l2GenesisTime: number) => RollupConfig; sequencerEnv?: Record<string, string>; tickMs?: number } = {}): Promise<FullLoop> {
  const secret = randomBytes(24).toString('hex')
  const parts: { stop(): Promise<void> }[] = []
  const stop = async () => {
    for (const p of parts.reverse()) await p.stop()
  }
  try {
    const verifier = await startStack({ l1BlockTime: 1, ...(options.configure ? { configure: options.configure } : {}), env: { RELAY_SECRET: secret } })
    parts.push(verifier)
    const verifierRelay = await startRelay(verifier.config, { ingress: verifier.worker, secret })
    parts.push(verifierRelay)
    const sequencerRelay = await startRelay(verifier.config, { ingress: 'http://127.0.0.1:9', secret, peers: verifierRelay.multiaddrs })
    parts.push(sequencerRelay)
    const sequencer = await startNode(verifier, {
      env: {
        ROLE: 'sequencer',
        // anvil account #3 (the devnet unsafe-block signer) and #2 (the devnet batcher).
        SEQUENCER_KEY: '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
        SEQUENCER_ENABLED: 'true',
        SEQUENCER_L1_CONFS: '0',
        RELAY_URL: sequencerRelay.http,
        RELAY_SECRET: secret,
        BATCHER_KEY: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
        ...options.sequencerEnv,
      },
    })
    parts.push(sequencer)
    const ticking = setInterval(() => {
      verifier.tick().catch(() => {})
      sequencer.tick().catch(() => {})
    }, options.tickMs ?? 1000)
    parts.push({ stop: async () => clearInterval(ticking) })
    return { verifier, sequencer, relays: [verifierRelay, sequencerRelay], stop }
  } catch (e) {
    await stop()
    throw e
  }
}
