/**
 * The RollupNode's SQLite schema, applied in `blockConcurrencyWhile` at construction. Each migration runs once, in
 * order; `meta.schema_version` records the last one applied.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: identity
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  // 2: forkchoice, derivation cursor, safe-head DB, finality candidates, events
  `CREATE TABLE IF NOT EXISTS heads (name TEXT PRIMARY KEY, ref TEXT NOT NULL);
   CREATE TABLE IF NOT EXISTS cursor (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, checkpoint TEXT, next_l1 INTEGER NOT NULL, updated_at INTEGER NOT NULL);
   CREATE TABLE IF NOT EXISTS safe_head_db (l1_number INTEGER PRIMARY KEY, l1_hash TEXT NOT NULL, l2_number INTEGER NOT NULL, l2_hash TEXT NOT NULL);
   CREATE TABLE IF NOT EXISTS finality (l1_number INTEGER PRIMARY KEY, l1_hash TEXT NOT NULL, l2 TEXT NOT NULL);
   CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL);`,
  // 3: unsafe payloads from gossip, waiting to be inserted in order (the raw gossip message, re-decoded on insert)
  `CREATE TABLE IF NOT EXISTS unsafe_payloads (hash TEXT PRIMARY KEY, number INTEGER NOT NULL, parent_hash TEXT NOT NULL, timestamp INTEGER NOT NULL, version INTEGER NOT NULL, message BLOB NOT NULL);
   CREATE INDEX IF NOT EXISTS unsafe_payloads_number ON unsafe_payloads (number);`,
  // 4: monotonic counters for metrics (blocks sequenced, gossip accepted, …)
  `CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);`,
  // 5: the batch submitter's transactions of the channel in flight (batcher-ledger.ts)
  `CREATE TABLE IF NOT EXISTS batcher_txs (idx INTEGER PRIMARY KEY, hash TEXT NOT NULL, json TEXT NOT NULL, payload BLOB NOT NULL);`,
  // 6: observability — Engine API latency histogram by method and outcome, heads sampled once a minute
  `CREATE TABLE IF NOT EXISTS engine_calls (method TEXT NOT NULL, bucket INTEGER NOT NULL, ok INTEGER NOT NULL, count INTEGER NOT NULL, sum_ms INTEGER NOT NULL, PRIMARY KEY (method, bucket, ok));
   CREATE TABLE IF NOT EXISTS head_history (at INTEGER PRIMARY KEY, unsafe INTEGER, safe INTEGER, finalized INTEGER, l1 INTEGER);`,
]

export const SCHEMA_VERSION = MIGRATIONS.length

/** Apply pending migrations; returns the version now in place. */
export function migrate(sql: SqlStorage, now: number): number {
  sql.exec(MIGRATIONS[0])
  const row = sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`).toArray()[0]
  let version = row ? Number(row.value) : 0
  if (version === 0) {
    sql.exec(`INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?)`, String(now))
    version = 1
  }
  for (let v = version; v < MIGRATIONS.length; v++) sql.exec(MIGRATIONS[v])
  sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)`, String(MIGRATIONS.length))
  return MIGRATIONS.length
}
