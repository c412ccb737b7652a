/**
 * RollupNode: the single writer of a chain's forkchoice (DESIGN.md "durable-objects/"). It owns the SQLite state
 * (heads, derivation cursor, safe-head DB, finality candidates, events) and, with issue #4, drives the engine
 * through one task queue.
 */
import { DurableObject } from 'cloudflare:workers'
import type { DeriverStep } from '../shared/deriver/deriver.ts'
import type { L1BlockRef, L2BlockRef } from '../shared/deriver/types.ts'
import { createEngineClient } from '../shared/engine/engine-client.ts'
import { encodeRpcTransaction } from '../shared/protocol/rpc-block-lists.ts'
import { systemConfigFromL2Block } from '../shared/deriver/block-system-config.ts'
import { DecodeError } from '../shared/errors.ts'
import { parseNodeConfig, type NodeConfig } from '../workers/config.ts'
import type { ApplyDerivedResult, TickCursor } from '../workers/derive-tick.ts'
import { applyDerived, deriveCursor, saveCursor } from './derivation-control.ts'
import { engineApi } from './engine-api.ts'
import type { EngineApi } from './engine-driver.ts'
import type { NodeEvent } from './events.ts'
import { NodeState } from './node-state.ts'
import { migrate } from './schema.ts'
import { syncStatusJson } from './sync-status.ts'
import { TaskQueue } from './task-queue.ts'

export type NodeInfo = { chain: string; schemaVersion: number; createdAt: number }

export class RollupNode extends DurableObject<Env> {
  readonly #state: NodeState
  readonly #engine = new TaskQueue()
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

  #engineApi(): EngineApi {
    const c = this.#config()
    const client = createEngineClient({ url: c.engine.url, jwtSecret: c.engine.jwtSecret, fetch: (input, init) => fetch(input, init), now: () => Date.now(), config: c.chain, headers: c.engine.accessHeaders })
    return engineApi(client, c.chain)
  }

  /** The derivation cursor a derive tick starts from (optimistic concurrency: `version` must come back unchanged). */
  async deriveCursor(): Promise<TickCursor> {
    return deriveCursor(this.#state)
  }

  /** Apply one derived block (engine work in the task queue) and store the checkpoint that follows it. */
  async applyDerived(version: number, step: Extract<DeriverStep, { kind: 'attributes' }>, checkpoint: string, nextL1: number): Promise<ApplyDerivedResult> {
    const config = this.#config().chain
    const engine = this.#engineApi()
    return this.#engine.run(() => applyDerived(config, this.#state, engine, version, step, checkpoint, nextL1, Date.now()))
  }

  async saveCursor(version: number, checkpoint: string, nextL1: number) {
    return saveCursor(this.#state, version, checkpoint, nextL1, Date.now())
  }

  /** Derivation asked for a reset (L1 reorg, inconsistency): forget the checkpoint; the next start re-anchors. */
  async resetDerivation(version: number, reason: string): Promise<void> {
    const cursor = this.#state.cursor()
    if (!cursor || cursor.version !== version) return
    this.#state.setCursor(null, cursor.nextL1, Date.now())
    this.#state.setMeta('needs_sync_start', reason)
    this.#state.event('derivation-reset', { reason }, Date.now())
  }

  async reportCritical(reason: string): Promise<void> {
    this.#state.setMeta('critical', reason)
    this.#state.event('critical', { reason }, Date.now())
  }

  /** A safe L2 block with its non-deposit transactions, from the engine (span-batch overlap checks). */
  async l2Block(number: number): Promise<{ ref: L2BlockRef; transactions: Uint8Array[] } | null> {
    const c = this.#config()
    const client = createEngineClient({ url: c.engine.url, jwtSecret: c.engine.jwtSecret, fetch: (input, init) => fetch(input, init), now: () => Date.now(), config: c.chain, headers: c.engine.accessHeaders })
    const b = await this.#engine.run(() => client.blockByNumber(number, true))
    if (!b) return null
    const safe = this.#state.head('safe')
    if (!safe || number > safe.number) return null
    const all = (Array.isArray(b.transactions) ? b.transactions : []).map((t, i) => encodeRpcTransaction(t, i))
    // The block's L1 origin and sequence number come from its L1-info deposit (op-node PayloadToBlockRef).
    const r = systemConfigFromL2Block(c.chain, {
      number,
      hash: String(b.hash).toLowerCase() as `0x${string}`,
      parentHash: String(b.parentHash).toLowerCase() as `0x${string}`,
      timestamp: Number(BigInt(String(b.timestamp))),
      gasLimit: BigInt(String(b.gasLimit)),
      extraData: String(b.extraData ?? '0x') as `0x${string}`,
      transactions: all,
    })
    if (r instanceof DecodeError) return null
    return { ref: r.ref, transactions: all.filter((t) => t[0] !== 0x7e) }
  }

  /** L1 heads seen by the latest tick (for sync status and finality). */
  async reportL1Heads(heads: { head?: L1BlockRef; safe?: L1BlockRef; finalized?: L1BlockRef; current?: L1BlockRef }): Promise<void> {
    if (heads.head) this.#state.setL1Head('l1_head', heads.head)
    if (heads.safe) this.#state.setL1Head('l1_safe', heads.safe)
    if (heads.finalized) this.#state.setL1Head('l1_finalized', heads.finalized)
    if (heads.current) this.#state.setL1Head('current_l1', heads.current)
  }

  /** `optimism_safeHeadAtL1Block`. */
  async safeHeadAtL1Block(l1Number: number) {
    return this.#state.safeHeadAtL1(l1Number)
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
