/**
 * RollupNode: the single writer of a chain's forkchoice (DESIGN.md "durable-objects/"). It owns the SQLite state
 * (heads, derivation cursor, safe-head DB, finality candidates, events) and, with issue #4, drives the engine
 * through one task queue.
 */
import { DurableObject } from 'cloudflare:workers'
import type { DeriverStep } from '../shared/deriver/deriver.ts'
import type { L1BlockRef, L2BlockRef } from '../shared/deriver/types.ts'
import { createEngineClient, type EngineClient } from '../shared/engine/engine-client.ts'
import { DecodeError } from '../shared/errors.ts'
import { parseNodeConfig, type NodeConfig } from '../workers/config.ts'
import type { ApplyDerivedResult, TickCursor } from '../workers/derive-tick.ts'
import { anchor, applyDerived, commitForkchoice, deriveCursor, finalize, saveCursor } from './derivation-control.ts'
import { engineBlockInfo, requireEngineBlockInfo } from './engine-blocks.ts'
import { startupProblems } from './startup-checks.ts'
import { findSyncStart } from '../shared/deriver/sync-start.ts'
import { createL1Source } from '../workers/l1-source.ts'
import { engineApi } from './engine-api.ts'
import type { EngineApi, ForkchoiceState } from './engine-driver.ts'
import type { NodeEvent } from './events.ts'
import { NodeState, type EngineCallStat, type HeadSample } from './node-state.ts'
import { outputAtBlock, type OutputAtBlockResult } from './output-at-block.ts'
import { migrate } from './schema.ts'
import { syncStatusJson } from './sync-status.ts'
import { TaskQueue } from './task-queue.ts'
import { enqueueUnsafe, processUnsafeQueue, type ProcessReport } from './unsafe-queue.ts'
import { sequencerStep, type SequencedBlock } from './sequencer.ts'
import { BatcherLedger, type BatcherChannel, type BatcherTx, type Submitted } from './batcher-ledger.ts'
import type { BatcherState } from '../workers/batcher-tick.ts'
import type { BatchBlock } from '../workers/batcher-channel.ts'
import { signIngress } from '../shared/p2p/ingress-auth.ts'
import { SeenBlocks } from '../shared/p2p/seen-blocks.ts'
import { versionOfTopic } from '../shared/p2p/topics.ts'
import { validateGossipBlock, type GossipDropReason } from '../shared/p2p/validate-block.ts'
import { fromHex, toHex } from '../shared/bytes.ts'

export type NodeStatusSnapshot = {
  chain: string
  role: 'verifier' | 'sequencer' | null
  now: number
  config: { ok: true } | { ok: false; problems: { setting: string; problem: string }[] }
  critical: string | null
  heads: { unsafe: L2BlockRef | null; safe: L2BlockRef | null; finalized: L2BlockRef | null; pendingSafe: L2BlockRef | null }
  l1: { head: L1BlockRef | null; safe: L1BlockRef | null; finalized: L1BlockRef | null; current: L1BlockRef | null }
  derivation: { nextL1: number; updatedAt: number; checkpointBytes: number } | null
  engine: { lastOkAt: number | null; lastError: { at: number; method: string; message: string } | null; queueDepth: number; calls: EngineCallStat[] }
  unsafeQueue: { depth: number; elSyncTarget: L2BlockRef | null }
  signer: string | null
  sequencer: { active: boolean; waiting: string | null }
  batcher: { submitted: Submitted | null; channel: BatcherChannel | null; txs: Omit<BatcherTx, 'parts'>[] }
  counters: Record<string, number>
  events: NodeEvent[]
  /** One sample a minute for the last two hours: heads and the L1 head. */
  history: HeadSample[]
}

export type IngestUnsafeResult =
  | { result: 'accept'; number: number; hash: string; queued: boolean; note?: string; unsafe: number | null; report: ProcessReport }
  | { result: 'ignore' | 'reject'; reason: GossipDropReason | 'unknown-topic' }

/** How long after a derived block the alarm commits the forkchoice if no tick did. */
const FORKCHOICE_COMMIT_DELAY_MS = 5_000

export type NodeInfo = { chain: string; schemaVersion: number; createdAt: number }

export class RollupNode extends DurableObject<Env> {
  readonly #state: NodeState
  readonly #engine = new TaskQueue()
  /** op-node's per-height gossip memory. In memory only: after an eviction a repeat is re-validated and absorbed by the queue. */
  readonly #seen = new SeenBlocks()
  #schemaVersion = 0

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.#state = new NodeState(ctx.storage.sql)
    // Platform invariant: no request is delivered until this callback resolves, so the schema exists before any
    // method runs. A failure is rethrown outside the callback's promise chain by the runtime's next request.
    ctx.blockConcurrencyWhile(async () => {
      this.#schemaVersion = migrate(ctx.storage.sql, Date.now())
    })
  }

  /** What this object is and which schema it holds. */
  async info(): Promise<NodeInfo> {
    return {
      chain: this.env.CHAIN,
      schemaVersion: this.#schemaVersion,
      createdAt: Number(this.#state.meta('created_at')),
    }
  }

  /** op-node's `optimism_syncStatus`. */
  async syncStatus() {
    const s = this.#state
    return syncStatusJson({
      currentL1: s.l1Head('current_l1'),
      headL1: s.l1Head('l1_head'),
      safeL1: s.l1Head('l1_safe'),
      finalizedL1: s.l1Head('l1_finalized'),
      unsafe: s.head('unsafe'),
      safe: s.head('safe'),
      finalized: s.head('finalized'),
      pendingSafe: s.head('pending_safe'),
    })
  }

  #config(): NodeConfig {
    const r = parseNodeConfig(this.env as unknown as Record<string, unknown>)
    if (!r.ok) throw new Error(`node misconfigured: ${r.problems.map((p) => p.setting).join(', ')}`)
    return r.config
  }

  #engineClient(c: NodeConfig = this.#config()): EngineClient {
    return createEngineClient({ url: c.engine.url, jwtSecret: c.engine.jwtSecret, fetch: (input, init) => fetch(input, init), now: () => Date.now(), config: c.chain, headers: c.engine.accessHeaders })
  }

  /** The driver's engine; every forkchoice state the engine accepts is remembered (coalescing, {@link commitForkchoice}). */
  #engineApi(): EngineApi {
    const c = this.#config()
    const api = engineApi(this.#engineClient(c), c.chain)
    // Every call's outcome is remembered for the status page and /healthz (engine reachable, last error).
    const watched = <A extends unknown[], R>(method: string, f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
      const started = Date.now()
      try {
        const r = await f(...a)
        this.#state.setMeta('engine_last_ok', String(Date.now()))
        this.#state.recordEngineCall(method, Date.now() - started, true)
        return r
      } catch (e) {
        this.#state.setMeta('engine_last_error', JSON.stringify({ at: Date.now(), method, message: e instanceof Error ? e.message.split('\n')[0].slice(0, 300) : String(e) }))
        this.#state.recordEngineCall(method, Date.now() - started, false)
        throw e
      }
    }
    return {
      forkchoiceUpdated: watched('forkchoiceUpdated', async (state: ForkchoiceState, attributes?: Parameters<EngineApi['forkchoiceUpdated']>[1]) => {
        const r = await api.forkchoiceUpdated(state, attributes)
        if (r.status === 'VALID') this.#state.setMeta('engine_forkchoice', JSON.stringify(state))
        return r
      }),
      getPayload: watched('getPayload', api.getPayload),
      newPayload: watched('newPayload', api.newPayload),
      blockByNumber: watched('blockByNumber', api.blockByNumber),
    }
  }

  #l1Source(c: NodeConfig) {
    return createL1Source({ rpcUrls: c.l1.rpcUrls, beaconUrls: c.l1.beaconUrls, fetch: (input, init) => fetch(input, init), config: c.chain, secondsPerSlot: c.l1.secondsPerSlot, beaconBlockId: c.l1.beaconBlockId, trustBlobs: c.l1.trustBlobs, ...(c.l1.beaconGenesisTime !== undefined ? { beaconGenesisTime: c.l1.beaconGenesisTime } : {}) })
  }

  /** Arm the object's one alarm for `at` unless it is already due sooner (the alarm multiplexes every job). */
  async #armAlarm(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm()
    if (current === null || current > at) await this.ctx.storage.setAlarm(at)
  }

  #forkchoiceSent(): ForkchoiceState | null {
    const s = this.#state.meta('engine_forkchoice')
    return s ? (JSON.parse(s) as ForkchoiceState) : null
  }

  /**
   * Sync start (PROTOCOL.md §2.11): from the engine's heads, find a safe head consistent with canonical L1 and the L1
   * block derivation restarts from, and anchor the node there. Runs when the node has no cursor or after a reset.
   */
  async initialize(): Promise<{ ok: true; safe: number; unsafe: number; nextL1: number } | { ok: false; reason: string }> {
    const c = this.#config()
    const client = this.#engineClient(c)
    const l1 = this.#l1Source(c)
    const byHash = async (hash: `0x${string}`) => requireEngineBlockInfo(c.chain, await client.ethGetBlockByHash(hash), hash)
    const problems = startupProblems(c.chain, {
      l1ChainId: await l1.chainId(),
      l1GenesisHash: await l1.genesisHash(c.chain.genesis.l1.number),
      l2ChainId: await client.ethChainId(),
    })
    if (problems.length > 0) {
      const reason = problems.join('; ')
      this.#state.setMeta('critical', reason)
      this.#state.event('critical', { reason }, Date.now())
      return { ok: false, reason }
    }
    const l1Head = await l1.head('latest')
    const result = await this.#engine.run(() =>
      findSyncStart(c.chain, {
        l2Heads: async () => {
          const [unsafe, safe, finalized] = await Promise.all([client.ethGetBlockByNumber('latest'), client.ethGetBlockByNumber('safe').catch(() => null), client.ethGetBlockByNumber('finalized').catch(() => null)])
          return {
            unsafe: requireEngineBlockInfo(c.chain, unsafe, 'latest').ref,
            safe: safe ? requireEngineBlockInfo(c.chain, safe, 'safe').ref : undefined,
            finalized: finalized ? requireEngineBlockInfo(c.chain, finalized, 'finalized').ref : undefined,
          }
        },
        l2BlockByHash: async (hash) => (await byHash(hash as `0x${string}`)).ref,
        l1BlockByNumber: async (n) => (n > l1Head.number ? undefined : l1.blockRef(n)),
      }),
    )
    if (result.kind === 'critical') {
      this.#state.setMeta('critical', result.reason)
      this.#state.event('critical', { reason: result.reason }, Date.now())
      return { ok: false, reason: result.reason }
    }
    const safeCfg = (await byHash(result.safe.hash)).systemConfig
    const baseCfg = (await byHash(result.pipelineL2.hash)).systemConfig
    const nextL1 = result.pipelineL2.l1Origin.number
    anchor(this.#state, result, nextL1, { systemConfig: safeCfg, traversalSystemConfig: baseCfg }, Date.now())
    // What the engine's labels say now is unknown until the next forkchoice update: send one with the anchored heads.
    this.#state.setMeta('engine_forkchoice', '')
    return { ok: true, safe: result.safe.number, unsafe: result.unsafe.number, nextL1 }
  }

  /** The derivation cursor a derive tick starts from (optimistic concurrency: `version` must come back unchanged). */
  async deriveCursor(): Promise<TickCursor> {
    return deriveCursor(this.#state)
  }

  /** Apply one derived block (engine work in the task queue) and store the checkpoint that follows it. */
  async applyDerived(version: number, step: Extract<DeriverStep, { kind: 'attributes' }>, checkpoint: string, nextL1: number): Promise<ApplyDerivedResult> {
    const config = this.#config().chain
    const engine = this.#engineApi()
    const r = await this.#engine.run(() => applyDerived(config, this.#state, engine, version, step, checkpoint, nextL1, Date.now()))
    // Safety net for the coalesced forkchoice update: if the tick dies before committing, the alarm does it.
    if (r.kind === 'applied' && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + FORKCHOICE_COMMIT_DELAY_MS)
    return r
  }

  /** Record the node's heads in the engine (one FCU for everything derived since the last one). */
  async commitForkchoice(): Promise<Awaited<ReturnType<typeof commitForkchoice>>> {
    const engine = this.#engineApi()
    const r = await this.#engine.run(() => commitForkchoice(this.#state, engine, this.#forkchoiceSent()))
    if (r.kind === 'refused') this.#state.event('engine-error', { forkchoice: r.status }, Date.now())
    return r
  }

  /**
   * Alarms are delivered at least once and may be late (platform invariant): committing the forkchoice is idempotent,
   * and a failure is recorded, not thrown (a thrown alarm is retried by the runtime with backoff, which we do not need:
   * the next tick commits anyway).
   */
  async alarm(): Promise<void> {
    try {
      await this.commitForkchoice()
      if (this.#state.unsafeQueueDepth() > 0) {
        const c = this.#config()
        const engine = this.#engineApi()
        await this.#engine.run(() => processUnsafeQueue(c.chain, this.#state, engine, Date.now()))
      }
    } catch (e) {
      this.#state.event('engine-error', { alarm: e instanceof Error ? e.message.split('\n')[0] : String(e) }, Date.now())
    }
    // Payloads still waiting (engine syncing or down, a gap being filled): look again shortly.
    if (this.#state.unsafeQueueDepth() > 0) await this.#armAlarm(Date.now() + FORKCHOICE_COMMIT_DELAY_MS)
    await this.#sequence()
  }

  /** One sequencer step (when active), then the alarm for the next one. Never throws: failures retry in a second. */
  async #sequence(): Promise<void> {
    if (this.#state.meta('sequencer_active') !== '1') return
    let at = Date.now() + 1000
    try {
      const c = this.#config()
      if (!c.sequencer) throw new Error('SEQUENCER_KEY is not set')
      const seq = c.sequencer
      const engine = this.#engineApi()
      const client = this.#engineClient(c)
      const l1 = this.#l1Source(c)
      const step = await this.#engine.run(() =>
        sequencerStep({
          config: c.chain,
          state: this.#state,
          engine,
          l1: {
            head: () => l1.head('latest'),
            blockRef: (n) => l1.blockRef(n),
            epoch: async (n) => {
              const [input] = await l1.fetchRange(n, n, { blobs: false })
              return { header: input.header, logs: input.logs }
            },
          },
          l1Confs: seq.l1Confs,
          now: Date.now(),
          key: fromHex(seq.key),
          headSystemConfig: async (head) => requireEngineBlockInfo(c.chain, await client.ethGetBlockByHash(head.hash), 'unsafe head').systemConfig,
        }),
      )
      switch (step.kind) {
        case 'inactive':
          return
        case 'started':
          at = step.sealAt
          break
        case 'sealed':
          at = Math.max(Date.now(), step.next)
          this.#state.incrementCounter('sequencer_blocks')
          await this.#publish(c, step.block)
          break
        case 'wait':
          at = step.until
          if (this.#state.meta('sequencer_wait') !== step.reason) {
            this.#state.setMeta('sequencer_wait', step.reason)
            this.#state.event('sequencer-waiting', { reason: step.reason }, Date.now())
          }
          break
        case 'discarded':
          at = Date.now() + 100
          this.#state.event('sequencer-discarded', { reason: step.reason }, Date.now())
          break
        default: {
          const never: never = step
          return never
        }
      }
    } catch (e) {
      this.#state.event('sequencer-error', { reason: e instanceof Error ? e.message.split('\n')[0] : String(e) }, Date.now())
    }
    await this.#armAlarm(at)
  }

  /** Gossip a sealed block through the relay (`POST /publish`, HMAC); a relay that is down is recorded, not fatal. */
  async #publish(c: NodeConfig, block: SequencedBlock): Promise<void> {
    if (!c.relayUrl || !c.relaySecret) return
    try {
      const res = await fetch(`${c.relayUrl.replace(/\/$/, '')}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'x-op-edge-topic': block.topic, ...signIngress(c.relaySecret, block.message, Date.now() / 1000) },
        body: block.message,
        signal: AbortSignal.timeout(5_000),
      })
      await res.arrayBuffer()
      if (!res.ok) this.#state.event('publish-failed', { number: block.ref.number, status: res.status }, Date.now())
    } catch (e) {
      this.#state.event('publish-failed', { number: block.ref.number, reason: e instanceof Error ? e.name : String(e) }, Date.now())
    }
  }

  /** `admin_startSequencer(hash)`: `hash` must be the unsafe head (op-node). */
  async startSequencer(hash?: string): Promise<{ ok: true } | { ok: false; reason: string }> {
    const c = this.#config()
    if (!c.sequencer) return { ok: false, reason: 'this node has no SEQUENCER_KEY' }
    if (this.#state.meta('sequencer_active') === '1') return { ok: false, reason: 'sequencer already running' }
    const unsafe = this.#state.head('unsafe')
    if (!unsafe) return { ok: false, reason: 'the node has no unsafe head yet' }
    if (hash !== undefined && hash.toLowerCase() !== unsafe.hash.toLowerCase()) return { ok: false, reason: `block hash does not match: head ${unsafe.hash}, starting at ${hash}` }
    this.#state.setMeta('sequencer_active', '1')
    this.#state.event('sequencer-started', { head: unsafe.number }, Date.now())
    await this.#armAlarm(Date.now())
    return { ok: true }
  }

  /** `admin_stopSequencer`: returns the unsafe head hash to resume from. */
  async stopSequencer(): Promise<{ ok: true; hash: string } | { ok: false; reason: string }> {
    if (this.#state.meta('sequencer_active') !== '1') return { ok: false, reason: 'sequencer not running' }
    this.#state.setMeta('sequencer_active', '')
    this.#state.setMeta('sequencer_job', '')
    const hash = this.#state.head('unsafe')?.hash ?? ''
    this.#state.event('sequencer-stopped', { hash }, Date.now())
    return { ok: true, hash }
  }

  /**
   * Cron watchdog (alarms are the clock; cron only re-arms them): start the sequencer once when the config enables it
   * and nobody stopped it, and make sure an active sequencer has its alarm.
   */
  async sequencerWatchdog(): Promise<void> {
    const c = this.#config()
    if (c.sequencer?.enabled && this.#state.meta('sequencer_active') === null && this.#state.head('unsafe')) {
      this.#state.setMeta('sequencer_active', '1')
      this.#state.event('sequencer-started', { head: this.#state.head('unsafe')!.number, by: 'SEQUENCER_ENABLED' }, Date.now())
    }
    if (this.#state.meta('sequencer_active') === '1') await this.#armAlarm(Date.now() + 2_000)
  }

  async sequencerActive(): Promise<boolean> {
    return this.#state.meta('sequencer_active') === '1'
  }

  async saveCursor(version: number, checkpoint: string, nextL1: number) {
    return saveCursor(this.#state, version, checkpoint, nextL1, Date.now())
  }

  /** Derivation asked for a reset (L1 reorg, inconsistency): forget the checkpoint; the next start re-anchors. */
  async resetDerivation(version: number, reason: string): Promise<void> {
    const cursor = this.#state.cursor()
    if (!cursor || cursor.version !== version) return
    // The next tick runs sync start again (op-node resets the pipeline to FindL2Heads' result): after an L1 reorg the
    // safe chain may hold blocks derived from L1 blocks that are gone, and only the walk back finds where to resume.
    this.#state.clearCursor()
    this.#state.event('derivation-reset', { reason }, Date.now())
  }

  /** The L1 finalized block moved: finalize what was derived from it (hash checked against canonical L1). */
  async finalizeUpTo(l1Finalized: L1BlockRef): Promise<{ finalized: number } | { unchanged: true; reason: string }> {
    const c = this.#config()
    const l1 = this.#l1Source(c)
    this.#state.setL1Head('l1_finalized', l1Finalized)
    const engine = this.#engineApi()
    return this.#engine.run(() => finalize(this.#state, engine, l1Finalized, async (n) => (await l1.blockRef(n)).hash, Date.now()))
  }

  /** `admin_resetDerivationPipeline`: forget the cursor; the next tick runs sync start again. */
  async adminReset(): Promise<void> {
    this.#state.clearCursor()
    this.#state.event('derivation-reset', { reason: 'admin_resetDerivationPipeline' }, Date.now())
  }

  async reportCritical(reason: string): Promise<void> {
    this.#state.setMeta('critical', reason)
    this.#state.event('critical', { reason }, Date.now())
  }

  /** A safe L2 block with its non-deposit transactions, from the engine (span-batch overlap checks). */
  async l2Block(number: number): Promise<{ ref: L2BlockRef; transactions: Uint8Array[] } | null> {
    const c = this.#config()
    const client = this.#engineClient(c)
    const safe = this.#state.head('pending_safe') ?? this.#state.head('safe')
    if (!safe || number > safe.number) return null
    const b = await this.#engine.run(() => client.ethGetBlockByNumber(number))
    if (!b) return null
    // The block's L1 origin and sequence number come from its L1-info deposit (op-node PayloadToBlockRef).
    const r = engineBlockInfo(c.chain, b)
    if (r instanceof DecodeError) return null
    return { ref: r.ref, transactions: b.transactions.filter((t) => t[0] !== 0x7e) }
  }

  /** L1 heads seen by the latest tick (for sync status and finality). */
  async reportL1Heads(heads: { head?: L1BlockRef; safe?: L1BlockRef; finalized?: L1BlockRef; current?: L1BlockRef }): Promise<void> {
    if (heads.head) this.#state.setL1Head('l1_head', heads.head)
    if (heads.safe) this.#state.setL1Head('l1_safe', heads.safe)
    if (heads.finalized) this.#state.setL1Head('l1_finalized', heads.finalized)
    if (heads.current) this.#state.setL1Head('current_l1', heads.current)
    this.#state.sampleHeads(Date.now())
  }

  /**
   * Everything the status page, `/metrics` and `/healthz` show, read in one call (no engine or L1 I/O: it reports what
   * the node last saw).
   */
  async statusSnapshot(): Promise<NodeStatusSnapshot> {
    const s = this.#state
    const c = parseNodeConfig(this.env as unknown as Record<string, unknown>)
    const ledger = new BatcherLedger(this.ctx.storage.sql)
    const cursor = s.cursor()
    const json = <T>(key: string): T | null => {
      const v = s.meta(key)
      return v ? (JSON.parse(v) as T) : null
    }
    return {
      chain: this.env.CHAIN,
      role: c.ok ? c.config.role : null,
      now: Date.now(),
      config: c.ok ? { ok: true } : { ok: false, problems: c.problems },
      critical: s.meta('critical') || null,
      heads: { unsafe: s.head('unsafe'), safe: s.head('safe'), finalized: s.head('finalized'), pendingSafe: s.head('pending_safe') },
      l1: { head: s.l1Head('l1_head'), safe: s.l1Head('l1_safe'), finalized: s.l1Head('l1_finalized'), current: s.l1Head('current_l1') },
      derivation: cursor ? { nextL1: cursor.nextL1, updatedAt: cursor.updatedAt, checkpointBytes: cursor.checkpoint?.length ?? 0 } : null,
      engine: { lastOkAt: Number(s.meta('engine_last_ok') ?? 0) || null, lastError: json<{ at: number; method: string; message: string }>('engine_last_error'), queueDepth: this.#engine.depth, calls: s.engineCallStats() },
      unsafeQueue: { depth: s.unsafeQueueDepth(), elSyncTarget: json<L2BlockRef>('el_sync_target') },
      signer: s.meta('unsafe_block_signer') || (c.ok ? (c.config.chain.unsafeBlockSigner ?? null) : null),
      sequencer: { active: s.meta('sequencer_active') === '1', waiting: s.meta('sequencer_wait') || null },
      batcher: { submitted: ledger.submitted(), channel: ledger.channel(), txs: ledger.txs().map(({ parts: _parts, ...t }) => t) },
      counters: s.counters(),
      events: s.events(50),
      history: s.headHistory(),
    }
  }

  /** `optimism_safeHeadAtL1Block`. */
  async safeHeadAtL1Block(l1Number: number) {
    return this.#state.safeHeadAtL1(l1Number)
  }

  /**
   * `optimism_outputAtBlock`: the output root of canonical L2 block `number`, with the sync status read just before
   * the lookup (op-node `BlockRefWithStatus`). Engine reads wait their turn in the task queue.
   */
  async outputAtBlock(number: number): Promise<OutputAtBlockResult> {
    const c = this.#config()
    const client = this.#engineClient(c)
    const status = await this.syncStatus()
    return this.#engine.run(() => outputAtBlock(c.chain, client, number, status))
  }

  /**
   * An unsafe block from the gossip relay (`POST /p2p/blocks`) or the sequencer. The object is the trust boundary, so
   * the message is validated again (signature against the current unsafe-block signer, hash, fields, per-height
   * limits), queued, and everything that can be inserted is inserted in order (newPayload + FCU, head only).
   */
  async ingestUnsafe(topic: string, message: Uint8Array): Promise<IngestUnsafeResult> {
    const c = this.#config()
    const version = versionOfTopic(c.chain.l2ChainId, topic)
    if (version === undefined) return { result: 'reject', reason: 'unknown-topic' }
    const signer = (this.#state.meta('unsafe_block_signer') || c.chain.unsafeBlockSigner) as `0x${string}` | undefined
    const now = Date.now()
    const v = validateGossipBlock({ config: c.chain, version, data: message, now: Math.floor(now / 1000), signer, seen: this.#seen })
    if (v.result !== 'accept') {
      if (v.result === 'reject') this.#state.event('gossip-rejected', { reason: v.reason, topic }, now)
      return { result: v.result, reason: v.reason }
    }
    const queued = enqueueUnsafe(this.#state, { hash: v.blockHash, number: v.blockNumber, parentHash: toHex(v.payload.parentHash), timestamp: v.timestamp, version, message })
    const engine = this.#engineApi()
    let report: ProcessReport
    try {
      report = await this.#engine.run(() => processUnsafeQueue(c.chain, this.#state, engine, Date.now()))
    } catch (e) {
      // The engine is unreachable or failing: the payload stays queued and the alarm retries.
      const reason = e instanceof Error ? e.message.split('\n')[0] : String(e)
      this.#state.event('engine-error', { unsafe: v.blockNumber, reason }, Date.now())
      report = { inserted: 0, dropped: [], waiting: `engine error: ${reason}` }
    }
    if (report.waiting && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + FORKCHOICE_COMMIT_DELAY_MS)
    return { result: 'accept', number: v.blockNumber, hash: v.blockHash, queued: queued.queued, ...(queued.reason ? { note: queued.reason } : {}), unsafe: this.#state.head('unsafe')?.number ?? null, report }
  }

  /** The unsafe-block signer the gossip checks use (the worker reads it from SystemConfig; op-node's runtime config). */
  async setUnsafeBlockSigner(signer: `0x${string}`): Promise<{ changed: boolean }> {
    if (!/^0x[0-9a-fA-F]{40}$/.test(signer)) throw new TypeError('unsafe block signer must be a 20-byte hex address')
    this.#state.setMeta('runtime_config_at', String(Date.now()))
    if (this.#state.meta('unsafe_block_signer') === signer.toLowerCase()) return { changed: false }
    this.#state.setMeta('unsafe_block_signer', signer.toLowerCase())
    this.#state.event('signer-updated', { signer: signer.toLowerCase() }, Date.now())
    return { changed: true }
  }

  /** Whether the runtime config (unsafe-block signer) is due for a reload from L1 (every `intervalMs`). */
  async runtimeConfigDue(intervalMs: number): Promise<boolean> {
    const at = Number(this.#state.meta('runtime_config_at') ?? 0)
    return Date.now() - at >= intervalMs
  }

  // --- batch submitter ledger (workers/batcher-tick.ts drives it) ---

  async batcherState(): Promise<BatcherState | null> {
    const safe = this.#state.head('safe')
    const unsafe = this.#state.head('unsafe')
    if (!safe || !unsafe) return null
    const ledger = new BatcherLedger(this.ctx.storage.sql)
    return { safe, unsafe, submitted: ledger.submitted(), channel: ledger.channel(), txs: ledger.txs() }
  }

  /** Canonical unsafe blocks `from..to` from the engine, with their non-deposit transactions, checked to link up. */
  async batchBlocks(from: number, to: number): Promise<BatchBlock[] | null> {
    const c = this.#config()
    const client = this.#engineClient(c)
    const out: BatchBlock[] = []
    for (let n = from; n <= to; n++) {
      const b = await this.#engine.run(() => client.ethGetBlockByNumber(n))
      if (!b) return null
      const info = engineBlockInfo(c.chain, b)
      if (info instanceof DecodeError) return null
      if (out.length > 0 && info.ref.parentHash !== out.at(-1)!.ref.hash) return null
      out.push({ ref: info.ref, transactions: b.transactions.filter((t) => t[0] !== 0x7e) })
    }
    return out
  }

  async batcherOpenChannel(channel: BatcherChannel, txs: BatcherTx[]): Promise<void> {
    new BatcherLedger(this.ctx.storage.sql).openChannel(channel, txs)
    this.#state.event('batcher-channel-opened', { channel: channel.id, from: channel.firstBlock, to: channel.lastBlock.number, txs: txs.length }, Date.now())
    this.#state.incrementCounter('batcher_txs_sent', txs.length)
  }

  async batcherUpdateTx(index: number, tx: BatcherTx): Promise<void> {
    new BatcherLedger(this.ctx.storage.sql).updateTx(index, tx)
  }

  async batcherCloseChannel(confirmed: boolean, reason: string): Promise<void> {
    const ledger = new BatcherLedger(this.ctx.storage.sql)
    const ch = ledger.channel()
    ledger.closeChannel(confirmed)
    this.#state.event(confirmed ? 'batcher-channel-confirmed' : 'batcher-channel-abandoned', { channel: ch?.id ?? null, to: ch?.lastBlock.number ?? null, reason }, Date.now())
  }

  /** Recent events, newest first. */
  async recentEvents(limit = 50): Promise<NodeEvent[]> {
    return this.#state.events(Math.min(Math.max(1, limit), 500))
  }

  /** Engine API calls queued or running (for metrics and tests of the queue). */
  async engineQueueDepth(): Promise<number> {
    return this.#engine.depth
  }
}
