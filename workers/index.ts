/**
 * The op-edge Worker: HTTP (Hono) — JSON-RPC on `POST /`, `GET /healthz` — and, with issue #4, the derive tick.
 */
import { Hono } from 'hono'
import { hasBearer } from './auth.ts'
import { describeProblems, parseNodeConfig, type ConfigResult, type NodeConfig } from './config.ts'
import { handleRpcBody, MAX_RPC_BODY, RPC_ERRORS } from './json-rpc.ts'
import { deriveTick, type DeriveNode } from './derive-tick.ts'
import { createL1Source } from './l1-source.ts'
import { reloadRuntimeConfig, RUNTIME_CONFIG_RELOAD_MS } from './runtime-config.ts'
import { batcherTick, type BatcherNode } from './batcher-tick.ts'
import { planChannel } from './batcher-channel.ts'
import { createBatcherSigner } from './batcher-signer.ts'
import { verifyIngress } from '../shared/p2p/ingress-auth.ts'
import { MAX_GOSSIP_SIZE } from '../shared/p2p/gossip-envelope.ts'

export { RollupNode } from '../durable-objects/rollup-node.ts'

type AppEnv = { Bindings: Env; Variables: { config: ConfigResult } }

const app = new Hono<AppEnv>()

// Settings are parsed once per isolate and env object (vars and secrets do not change while it lives).
const parsed = new WeakMap<object, ConfigResult>()
app.use(async function config(c, next) {
  let result = parsed.get(c.env)
  if (!result) {
    result = parseNodeConfig(c.env as unknown as Record<string, unknown>)
    parsed.set(c.env, result)
  }
  c.set('config', result)
  await next()
})

/** The deployment's RollupNode: one object per chain and role (DESIGN.md). */
function node(env: Env, config: NodeConfig) {
  return env.ROLLUP_NODE.get(env.ROLLUP_NODE.idFromName(`${config.chain.name}:${config.role}`))
}

app.get('/healthz', async (c) => {
  const cfg = c.get('config')
  if (!cfg.ok) return c.json({ ok: false, reason: describeProblems(cfg.problems) }, 503)
  const info = await node(c.env, cfg.config).info()
  return c.json({ ok: true, chain: cfg.config.chain.name, l2ChainId: cfg.config.chain.l2ChainId, node: info })
})

app.post('/', async (c) => {
  const cfg = c.get('config')
  if (!cfg.ok) return c.json({ jsonrpc: '2.0', id: null, error: { ...RPC_ERRORS.internal, message: `node misconfigured: ${describeProblems(cfg.problems)}` } }, 503)
  const length = Number(c.req.header('content-length') ?? 0)
  if (length > MAX_RPC_BODY) return c.json({ jsonrpc: '2.0', id: null, error: { ...RPC_ERRORS.invalidRequest, message: 'invalid request: body too large' } }, 413)
  const body = await c.req.text()
  if (body.length > MAX_RPC_BODY) return c.json({ jsonrpc: '2.0', id: null, error: { ...RPC_ERRORS.invalidRequest, message: 'invalid request: body too large' } }, 413)
  const stub = node(c.env, cfg.config)
  const admin = hasBearer(c.req.header('authorization'), cfg.config.adminToken)
  const out = await handleRpcBody(body, {
    config: cfg.config,
    admin,
    backend: { startSequencer: (h) => stub.startSequencer(h), stopSequencer: () => stub.stopSequencer(), sequencerActive: () => stub.sequencerActive(), syncStatus: () => stub.syncStatus(), safeHeadAtL1Block: (n) => stub.safeHeadAtL1Block(n), outputAtBlock: (n) => stub.outputAtBlock(n), adminReset: () => stub.adminReset() },
  })
  return out === undefined ? c.body(null, 204) : c.json(out)
})

/** Largest relay ingress body: op-node's 10 MiB gossip limit (the message is snappy-compressed, so it is below that). */
const MAX_INGRESS_BODY = MAX_GOSSIP_SIZE

// Relay ingress (DESIGN.md "gossip-relay/"): the raw gossip message (snappy block format) of an ACCEPTed block, its
// topic in `x-op-edge-topic`, authenticated with an HMAC over the body and a timestamp (shared/p2p/ingress-auth.ts).
app.post('/p2p/blocks', async (c) => {
  const cfg = c.get('config')
  if (!cfg.ok) return c.json({ error: `node misconfigured: ${describeProblems(cfg.problems)}` }, 503)
  const secret = cfg.config.relaySecret
  if (!secret) return c.json({ error: 'relay ingress is disabled: set RELAY_SECRET' }, 503)
  if (Number(c.req.header('content-length') ?? 0) > MAX_INGRESS_BODY) return c.json({ error: 'body too large' }, 413)
  const body = new Uint8Array(await c.req.arrayBuffer())
  if (body.length > MAX_INGRESS_BODY) return c.json({ error: 'body too large' }, 413)
  const auth = verifyIngress(secret, body, c.req.raw.headers, Date.now() / 1000)
  if (!auth.ok) return c.json({ error: 'unauthorized', reason: auth.reason }, 401)
  const topic = c.req.header('x-op-edge-topic')
  if (!topic) return c.json({ error: 'missing x-op-edge-topic header' }, 400)
  if (body.length === 0) return c.json({ error: 'empty body' }, 400)
  const r = await node(c.env, cfg.config).ingestUnsafe(topic, body)
  // A block the node refuses is not worth a retry (4xx); an ignored one (duplicate, no signer) is fine (200).
  return c.json(r, r.result === 'reject' ? 422 : 200)
})

app.notFound((c) => c.json({ error: 'not found' }, 404))
app.onError((err, c) => {
  // Never leak internals (URLs with keys, stack traces) to the client.
  console.error(JSON.stringify({ event: 'http-error', message: err.message.split('\n')[0] }))
  return c.json({ error: 'internal error' }, 500)
})

/** How much one cron tick may do (Workers: 5 min wall for cron, CPU limit per wrangler.toml). */
const TICK_BUDGET = { maxL1Blocks: 100, maxBlocks: 2_000, ms: 25_000 }

async function scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const cfg = parseNodeConfig(env as unknown as Record<string, unknown>)
  if (!cfg.ok) {
    console.error(JSON.stringify({ event: 'config-invalid', problems: cfg.problems }))
    return
  }
  const c = cfg.config
  const stub = node(env, c)
  let cursor = await stub.deriveCursor()
  if (cursor.kind === 'not-initialized') {
    const init = await stub.initialize()
    console.log(JSON.stringify({ event: 'sync-start', ...init }))
    if (!init.ok) return
    cursor = await stub.deriveCursor()
  }
  const l1 = createL1Source({ rpcUrls: c.l1.rpcUrls, beaconUrls: c.l1.beaconUrls, fetch: (input, init) => fetch(input, init), config: c.chain, secondsPerSlot: c.l1.secondsPerSlot, beaconBlockId: c.l1.beaconBlockId, trustBlobs: c.l1.trustBlobs, ...(c.l1.beaconGenesisTime !== undefined ? { beaconGenesisTime: c.l1.beaconGenesisTime } : {}) })
  if (c.sequencer) await stub.sequencerWatchdog()
  if (await stub.runtimeConfigDue(RUNTIME_CONFIG_RELOAD_MS)) {
    try {
      const r = await reloadRuntimeConfig({
        systemConfig: c.chain.l1SystemConfigAddress,
        storageAt: (a, s) => l1.storageAt(a, s),
        node: stub,
        ...(c.relayUrl && c.relaySecret ? { relay: { url: c.relayUrl, secret: c.relaySecret, fetch: (u: string, i: RequestInit) => fetch(u, i) } } : {}),
        now: () => Date.now(),
      })
      if (r.changed) console.log(JSON.stringify({ event: 'runtime-config', ...r }))
    } catch (e) {
      console.error(JSON.stringify({ event: 'runtime-config-failed', message: e instanceof Error ? e.message.split('\n')[0] : String(e) }))
    }
  }
  const started = Date.now()
  const report = await deriveTick({
    config: c.chain,
    node: stub as unknown as DeriveNode,
    l1,
    budget: { maxL1Blocks: TICK_BUDGET.maxL1Blocks, maxBlocks: TICK_BUDGET.maxBlocks, deadline: started + TICK_BUDGET.ms },
    confirmations: c.l1.confirmations,
    now: () => Date.now(),
  })
  console.log(JSON.stringify({ event: 'derive-tick', ms: Date.now() - started, ...report }))
  if (c.batcher) {
    try {
      const batch = await batcherTick({
        config: c.chain,
        settings: c.batcher,
        node: stub as unknown as BatcherNode,
        l1: { call: (method, params) => l1.rpc(method, params) },
        signer: createBatcherSigner(c.batcher.key, c.chain),
        plan: planChannel,
        randomChannelId: () => crypto.getRandomValues(new Uint8Array(16)),
        now: () => Date.now(),
      })
      console.log(JSON.stringify({ event: 'batcher-tick', ...batch }))
    } catch (e) {
      console.error(JSON.stringify({ event: 'batcher-tick-failed', message: e instanceof Error ? e.message.split('\n')[0] : String(e) }))
    }
  }
  void ctx
}

export default {
  fetch: app.fetch,
  scheduled,
} satisfies ExportedHandler<Env>
