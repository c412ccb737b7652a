/**
 * Typed access to the RollupNode's SQLite state. Synchronous: Durable Object SQLite calls do not yield, so a method
 * here never interleaves with another request (only awaits do).
 */
import type { L1BlockRef, L2BlockRef } from '../shared/deriver/types.ts'
import type { Hex } from '../shared/bytes.ts'
import type { GossipVersion } from '../shared/p2p/gossip-envelope.ts'
import { type EventDetail, MAX_EVENTS, type NodeEvent, type NodeEventKind } from './events.ts'

/** An unsafe payload waiting in the queue (see `unsafe-queue.ts`). */
export type StoredUnsafePayload = { hash: Hex; number: number; parentHash: Hex; timestamp: number; version: GossipVersion; message: Uint8Array }
type UnsafeRow = { hash: string; number: number; parent_hash: string; timestamp: number; version: number; message: ArrayBuffer }
const unsafeOf = (r: UnsafeRow): StoredUnsafePayload => ({ hash: r.hash as Hex, number: r.number, parentHash: r.parent_hash as Hex, timestamp: r.timestamp, version: r.version as GossipVersion, message: new Uint8Array(r.message) })

export type HeadName = 'unsafe' | 'safe' | 'finalized' | 'pending_safe'

/** Histogram upper bounds (ms) of Engine API call latency. */
export const ENGINE_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const
export type EngineCallStat = { method: string; leMs: number | null; ok: boolean; count: number; sumMs: number }
export type HeadSample = { at: number; unsafe: number | null; safe: number | null; finalized: number | null; l1: number | null }
export type L1HeadName = 'l1_head' | 'l1_safe' | 'l1_finalized' | 'current_l1'

export type Cursor = { version: number; checkpoint: string | null; nextL1: number; updatedAt: number }

export class NodeState {
  readonly #sql: SqlStorage
  constructor(sql: SqlStorage) {
    this.#sql = sql
  }

  head(name: HeadName): L2BlockRef | null {
    const row = this.#sql.exec<{ ref: string }>(`SELECT ref FROM heads WHERE name = ?`, name).toArray()[0]
    return row ? (JSON.parse(row.ref) as L2BlockRef) : null
  }

  setHead(name: HeadName, ref: L2BlockRef): void {
    this.#sql.exec(`INSERT OR REPLACE INTO heads (name, ref) VALUES (?, ?)`, name, JSON.stringify(ref))
  }

  l1Head(name: L1HeadName): L1BlockRef | null {
    const row = this.#sql.exec<{ ref: string }>(`SELECT ref FROM heads WHERE name = ?`, name).toArray()[0]
    return row ? (JSON.parse(row.ref) as L1BlockRef) : null
  }

  setL1Head(name: L1HeadName, ref: L1BlockRef): void {
    this.#sql.exec(`INSERT OR REPLACE INTO heads (name, ref) VALUES (?, ?)`, name, JSON.stringify(ref))
  }

  cursor(): Cursor | null {
    const row = this.#sql
      .exec<{ version: number; checkpoint: string | null; next_l1: number; updated_at: number }>(`SELECT version, checkpoint, next_l1, updated_at FROM cursor WHERE id = 1`)
      .toArray()[0]
    return row ? { version: row.version, checkpoint: row.checkpoint, nextL1: row.next_l1, updatedAt: row.updated_at } : null
  }

  /** Replace the cursor, bumping its version; returns the new version. */
  setCursor(checkpoint: string | null, nextL1: number, now: number): number {
    const version = (this.cursor()?.version ?? 0) + 1
    this.#sql.exec(
      `INSERT OR REPLACE INTO cursor (id, version, checkpoint, next_l1, updated_at) VALUES (1, ?, ?, ?, ?)`,
      version,
      checkpoint,
      nextL1,
      now,
    )
    return version
  }

  /** Drop the cursor: the node needs sync start again before it derives. */
  clearCursor(): void {
    this.#sql.exec(`DELETE FROM cursor`)
  }

  /** Safe-head DB: the safe head as of an L1 block (one entry per L1 block; the latest write for it wins). */
  recordSafeHead(l1: { number: number; hash: string }, l2: { number: number; hash: string }): void {
    this.#sql.exec(
      `INSERT OR REPLACE INTO safe_head_db (l1_number, l1_hash, l2_number, l2_hash) VALUES (?, ?, ?, ?)`,
      l1.number,
      l1.hash,
      l2.number,
      l2.hash,
    )
  }

  /** The safe head recorded at the highest L1 block ≤ `l1Number` (op-node `SafeHeadAtL1`). */
  safeHeadAtL1(l1Number: number): { l1Block: { number: number; hash: string }; safeHead: { number: number; hash: string } } | null {
    const row = this.#sql
      .exec<{ l1_number: number; l1_hash: string; l2_number: number; l2_hash: string }>(
        `SELECT l1_number, l1_hash, l2_number, l2_hash FROM safe_head_db WHERE l1_number <= ? ORDER BY l1_number DESC LIMIT 1`,
        l1Number,
      )
      .toArray()[0]
    return row ? { l1Block: { number: row.l1_number, hash: row.l1_hash }, safeHead: { number: row.l2_number, hash: row.l2_hash } } : null
  }

  /** Forget safe-head DB entries after an L1 block (reorg). */
  truncateSafeHeadDb(afterL1: number): void {
    this.#sql.exec(`DELETE FROM safe_head_db WHERE l1_number > ?`, afterL1)
  }

  /** Forget safe-head DB entries whose safe head is above an L2 block (op-node `SafeHeadReset` on a pipeline reset). */
  truncateSafeHeadDbAfterL2(l2Number: number): void {
    this.#sql.exec(`DELETE FROM safe_head_db WHERE l2_number > ?`, l2Number)
  }

  /** Finality candidates: the last safe L2 block derived from each L1 block (op-node keeps 4·32+1). */
  recordFinalityCandidate(l1: { number: number; hash: string }, l2: L2BlockRef): void {
    this.#sql.exec(`INSERT OR REPLACE INTO finality (l1_number, l1_hash, l2) VALUES (?, ?, ?)`, l1.number, l1.hash, JSON.stringify(l2))
    this.#sql.exec(`DELETE FROM finality WHERE l1_number NOT IN (SELECT l1_number FROM finality ORDER BY l1_number DESC LIMIT 129)`)
  }

  /** The highest candidate derived from an L1 block at or below `l1Number`. */
  finalityCandidate(l1Number: number): { l1: { number: number; hash: string }; l2: L2BlockRef } | null {
    const row = this.#sql
      .exec<{ l1_number: number; l1_hash: string; l2: string }>(`SELECT l1_number, l1_hash, l2 FROM finality WHERE l1_number <= ? ORDER BY l1_number DESC LIMIT 1`, l1Number)
      .toArray()[0]
    return row ? { l1: { number: row.l1_number, hash: row.l1_hash }, l2: JSON.parse(row.l2) as L2BlockRef } : null
  }

  clearFinality(): void {
    this.#sql.exec(`DELETE FROM finality`)
  }

  event(kind: NodeEventKind, detail: EventDetail, now: number): void {
    this.#sql.exec(`INSERT INTO events (at, kind, detail) VALUES (?, ?, ?)`, now, kind, JSON.stringify(detail))
    this.#sql.exec(`DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - ?`, MAX_EVENTS)
  }

  events(limit = 50): NodeEvent[] {
    return this.#sql
      .exec<{ id: number; at: number; kind: string; detail: string }>(`SELECT id, at, kind, detail FROM events ORDER BY id DESC LIMIT ?`, limit)
      .toArray()
      .map((r) => ({ id: r.id, at: r.at, kind: r.kind as NodeEventKind, detail: JSON.parse(r.detail) as EventDetail }))
  }

  /** Queue an unsafe payload; false if that hash is already queued. */
  queueUnsafePayload(p: StoredUnsafePayload): boolean {
    const before = this.unsafeQueueDepth()
    this.#sql.exec(
      `INSERT OR IGNORE INTO unsafe_payloads (hash, number, parent_hash, timestamp, version, message) VALUES (?, ?, ?, ?, ?, ?)`,
      p.hash,
      p.number,
      p.parentHash,
      p.timestamp,
      p.version,
      p.message,
    )
    return this.unsafeQueueDepth() > before
  }

  unsafeQueueDepth(): number {
    return this.#sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM unsafe_payloads`).one().n
  }

  /** Keep at most `max` payloads, dropping the farthest ahead; returns the dropped hashes. */
  trimUnsafeQueue(max: number): Hex[] {
    const extra = this.#sql
      .exec<{ hash: string }>(`SELECT hash FROM unsafe_payloads ORDER BY number DESC, hash LIMIT MAX(0, (SELECT COUNT(*) FROM unsafe_payloads) - ?)`, max)
      .toArray()
      .map((r) => r.hash as Hex)
    for (const h of extra) this.removeUnsafePayload(h)
    return extra
  }

  removeUnsafePayload(hash: Hex): void {
    this.#sql.exec(`DELETE FROM unsafe_payloads WHERE hash = ?`, hash)
  }

  /** Queued payloads at a height in arrival order (rowid): the first valid block at a height wins. */
  nextUnsafePayload(number: number): StoredUnsafePayload[] {
    return this.#sql.exec<UnsafeRow>(`SELECT * FROM unsafe_payloads WHERE number = ? ORDER BY rowid`, number).toArray().map(unsafeOf)
  }

  unsafePayloadsUpTo(number: number): StoredUnsafePayload[] {
    return this.#sql.exec<UnsafeRow>(`SELECT * FROM unsafe_payloads WHERE number <= ? ORDER BY number, hash`, number).toArray().map(unsafeOf)
  }

  newestUnsafePayload(): StoredUnsafePayload | null {
    const row = this.#sql.exec<UnsafeRow>(`SELECT * FROM unsafe_payloads ORDER BY number DESC, hash LIMIT 1`).toArray()[0]
    return row ? unsafeOf(row) : null
  }

  /** Engine API latency and outcome by method (histogram buckets in ms, for `/metrics`). */
  recordEngineCall(method: string, ms: number, ok: boolean): void {
    const bucket = ENGINE_BUCKETS_MS.find((b) => ms <= b) ?? Infinity
    this.#sql.exec(
      `INSERT INTO engine_calls (method, bucket, ok, count, sum_ms) VALUES (?, ?, ?, 1, ?) ON CONFLICT(method, bucket, ok) DO UPDATE SET count = count + 1, sum_ms = sum_ms + excluded.sum_ms`,
      method,
      bucket === Infinity ? -1 : bucket,
      ok ? 1 : 0,
      ms,
    )
  }

  engineCallStats(): EngineCallStat[] {
    return this.#sql
      .exec<{ method: string; bucket: number; ok: number; count: number; sum_ms: number }>(`SELECT method, bucket, ok, count, sum_ms FROM engine_calls ORDER BY method, bucket`)
      .toArray()
      .map((r) => ({ method: r.method, leMs: r.bucket === -1 ? null : r.bucket, ok: r.ok === 1, count: r.count, sumMs: r.sum_ms }))
  }

  /** At most one sample a minute of the heads (status page chart); two hours are kept. */
  sampleHeads(now: number): void {
    const minute = Math.floor(now / 60_000) * 60_000
    const h = (n: HeadName) => this.head(n)?.number ?? null
    this.#sql.exec(
      `INSERT OR REPLACE INTO head_history (at, unsafe, safe, finalized, l1) VALUES (?, ?, ?, ?, ?)`,
      minute,
      h('unsafe'),
      h('safe'),
      h('finalized'),
      this.l1Head('l1_head')?.number ?? null,
    )
    this.#sql.exec(`DELETE FROM head_history WHERE at < ?`, minute - 120 * 60_000)
  }

  headHistory(): HeadSample[] {
    return this.#sql.exec<HeadSample>(`SELECT at, unsafe, safe, finalized, l1 FROM head_history ORDER BY at`).toArray().map((r) => ({ ...r }))
  }

  incrementCounter(name: string, by = 1): void {
    this.#sql.exec(`INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value`, name, by)
  }

  counters(): Record<string, number> {
    return Object.fromEntries(this.#sql.exec<{ name: string; value: number }>(`SELECT name, value FROM counters ORDER BY name`).toArray().map((r) => [r.name, r.value]))
  }

  meta(key: string): string | null {
    return this.#sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0]?.value ?? null
  }

  setMeta(key: string, value: string): void {
    this.#sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)`, key, value)
  }
}
