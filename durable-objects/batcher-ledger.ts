/**
 * The batch submitter's ledger in the RollupNode's SQLite (DESIGN.md "batcher ledger"): the last L2 block whose
 * channel is confirmed on L1, and every batcher transaction of the channel in flight with its nonce, fees and
 * inclusion. The batcher tick (workers/batcher-tick.ts) is stateless; everything it must not forget lives here, so a
 * tick that dies mid-way is resumed by the next one (sent transactions are found again by hash).
 */
import type { Hex } from '../shared/bytes.ts'

/** `queued`: signed, waiting for a free pending slot (`BATCHER_MAX_PENDING_TXS`); `sent`: broadcast; `included`: in an L1 block. */
export type BatcherTxStatus = 'queued' | 'sent' | 'included'

export type BatcherTx = {
  hash: Hex
  channelId: Hex
  /** Index of the tx in its channel (frames are sent in this order). */
  index: number
  nonce: number
  /** What the tx carries: one calldata data unit, or the rollup data of each blob. Re-signed from it when bumped or
   * rebroadcast (signing is deterministic), so the signed form with its sidecars is never stored. */
  kind: 'calldata' | 'blobs'
  parts: Uint8Array[]
  gas: string
  maxFeePerGas: string
  maxPriorityFeePerGas: string
  maxFeePerBlobGas: string | null
  status: BatcherTxStatus
  includedIn: { number: number; hash: Hex } | null
  sentAt: number
}

export type Submitted = { number: number; hash: Hex; l1: { number: number; hash: Hex } | null }

export type BatcherChannel = { id: Hex; firstBlock: number; lastBlock: { number: number; hash: Hex }; txCount: number; openedAt: number }

export class BatcherLedger {
  readonly #sql: SqlStorage
  constructor(sql: SqlStorage) {
    this.#sql = sql
  }

  /**
   * The last L2 block covered by a confirmed channel and the L1 block that included the channel's last transaction
   * (null: nothing yet; start after the safe head). An L1 reorg of that block means the batches are gone.
   */
  submitted(): Submitted | null {
    const row = this.#sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'batcher_submitted'`).toArray()[0]
    return row?.value ? (JSON.parse(row.value) as Submitted) : null
  }

  setSubmitted(block: Submitted | null): void {
    this.#sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('batcher_submitted', ?)`, block ? JSON.stringify(block) : '')
  }

  channel(): BatcherChannel | null {
    const row = this.#sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'batcher_channel'`).toArray()[0]
    return row?.value ? (JSON.parse(row.value) as BatcherChannel) : null
  }

  /** Open a channel with all its transactions at once (a channel is sent whole, in order). */
  openChannel(channel: BatcherChannel, txs: BatcherTx[]): void {
    this.#sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('batcher_channel', ?)`, JSON.stringify(channel))
    this.#sql.exec(`DELETE FROM batcher_txs`)
    for (const t of txs) this.#insert(t)
  }

  /** Close the channel in flight: confirmed (`submitted` moves to its last block) or abandoned (resubmit from safe). */
  closeChannel(confirmed: boolean): void {
    const ch = this.channel()
    if (confirmed && ch) {
      const included = this.txs().flatMap((t) => (t.includedIn ? [t.includedIn] : []))
      const l1 = included.reduce<{ number: number; hash: Hex } | null>((a, b) => (a === null || b.number > a.number ? b : a), null)
      this.setSubmitted({ ...ch.lastBlock, l1 })
    }
    this.#sql.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('batcher_channel', '')`)
    this.#sql.exec(`DELETE FROM batcher_txs`)
  }

  txs(): BatcherTx[] {
    return this.#sql
      .exec<{ json: string; payload: ArrayBuffer }>(`SELECT json, payload FROM batcher_txs ORDER BY idx`)
      .toArray()
      .map((r) => ({ ...(JSON.parse(r.json) as Omit<BatcherTx, 'parts'>), parts: splitParts(new Uint8Array(r.payload)) }))
  }

  /** Replace a transaction (a fee bump keeps its index and nonce; an inclusion update keeps its hash). */
  updateTx(index: number, tx: BatcherTx): void {
    this.#sql.exec(`DELETE FROM batcher_txs WHERE idx = ?`, index)
    this.#insert(tx)
  }

  #insert(t: BatcherTx): void {
    const { parts, ...meta } = t
    this.#sql.exec(`INSERT INTO batcher_txs (idx, hash, json, payload) VALUES (?, ?, ?, ?)`, t.index, t.hash, JSON.stringify(meta), joinParts(parts))
  }
}

/** Parts as `u32 length ‖ bytes` each (a row holds at most 6 blobs' data, about 780 KB, under SQLite's row limit). */
function joinParts(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0))
  let o = 0
  for (const p of parts) {
    new DataView(out.buffer).setUint32(o, p.length)
    out.set(p, o + 4)
    o += 4 + p.length
  }
  return out
}

function splitParts(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = []
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let o = 0; o < bytes.length; ) {
    const n = view.getUint32(o)
    out.push(bytes.slice(o + 4, o + 4 + n))
    o += 4 + n
  }
  return out
}
