/**
 * RollupNode: the single writer of a chain's forkchoice (DESIGN.md "durable-objects/").
 * This first version owns the schema and answers for its own health; forkchoice, the engine queue and the
 * sequencer arrive with issues #4–#6.
 */
import { DurableObject } from 'cloudflare:workers'

export type NodeInfo = { chain: string; schemaVersion: number; createdAt: number }

const SCHEMA_VERSION = 1

export class RollupNode extends DurableObject<Env> {
  private readonly sql: SqlStorage

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.sql = ctx.storage.sql
    // Platform invariant: no request is delivered until this callback resolves, so the schema exists before any
    // method runs.
    ctx.blockConcurrencyWhile(async () => {
      this.migrate()
    })
  }

  private migrate(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`)
    const row = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`).toArray()[0]
    if (!row) {
      this.sql.exec(
        `INSERT INTO meta (key, value) VALUES ('schema_version', ?), ('created_at', ?)`,
        String(SCHEMA_VERSION),
        String(Date.now()),
      )
    }
  }

  /** What this object is and which schema it holds. */
  async info(): Promise<NodeInfo> {
    const rows = this.sql.exec<{ key: string; value: string }>(`SELECT key, value FROM meta`).toArray()
    const meta = Object.fromEntries(rows.map((r) => [r.key, r.value]))
    return {
      chain: this.env.CHAIN,
      schemaVersion: Number(meta.schema_version),
      createdAt: Number(meta.created_at),
    }
  }
}
