/**
 * RollupNode: the single writer of a chain's forkchoice (DESIGN.md "durable-objects/"). It owns the SQLite state
 * (heads, derivation cursor, safe-head DB, finality candidates, events) and, with issue #4, drives the engine
 * through one task queue.
 */
import { DurableObject } from 'cloudflare:workers'
import type { L1BlockRef } from '../shared/deriver/types.ts'
import type { NodeEvent } from './events.ts'
import { NodeState, type Cursor } from './node-state.ts'
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

  /** The derivation cursor a derive tick starts from (optimistic concurrency: `version` must come back unchanged). */
  async deriveCursor(): Promise<{ cursor: Cursor | null; safe: ReturnType<NodeState['head']> }> {
    return { cursor: this.#state.cursor(), safe: this.#state.head('safe') }
  }

  /** L1 heads seen by the latest tick (for sync status and finality). */
  async reportL1Heads(heads: { head?: L1BlockRef; safe?: L1BlockRef; finalized?: L1BlockRef }): Promise<void> {
    if (heads.head) this.#state.setL1Head('l1_head', heads.head)
    if (heads.safe) this.#state.setL1Head('l1_safe', heads.safe)
    if (heads.finalized) this.#state.setL1Head('l1_finalized', heads.finalized)
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
