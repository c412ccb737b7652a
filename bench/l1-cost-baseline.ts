/**
 * The op-node-style baseline of the L1-cost benchmark: L1 retrieval as op-node does it in catch-up (every L1 block is
 * an epoch), one HTTP request per call and no JSON-RPC batching — per block `eth_getBlockByNumber(n, false)` (L1
 * traversal's block ref), `eth_getBlockByNumber(n, true)` (the data source's transactions), `eth_getBlockReceipts(n)`
 * (deposits and SystemConfig updates), and `GET /eth/v1/beacon/blobs/{n}` for blocks whose batcher txs carry blobs.
 * Sequential, as op-node's pipeline steps are. Nothing is verified: this measures transport only.
 */
import type { Hex } from '../shared/bytes.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>

export type BaselineBlock = { hash: Hex; transactions: number; receipts: number; blobs: number }

export async function fetchLikeOpNode(p: { l1Url: string; beaconUrl: string; fetch: FetchLike; config: RollupConfig }, from: number, to: number): Promise<BaselineBlock[]> {
  let id = 0
  const call = async (method: string, params: unknown[]): Promise<any> => {
    const res = await p.fetch(p.l1Url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }) })
    const body = (await res.json()) as { result?: unknown; error?: { message: string } }
    if (body.error || body.result === null || body.result === undefined) throw new Error(`baseline ${method}(${JSON.stringify(params)}): ${body.error?.message ?? 'no result'}`)
    return body.result
  }
  const inbox = p.config.batchInboxAddress.toLowerCase()
  const batcher = p.config.genesis.systemConfig.batcherAddress.toLowerCase()
  const out: BaselineBlock[] = []
  for (let n = from; n <= to; n++) {
    const q = `0x${n.toString(16)}`
    const header = await call('eth_getBlockByNumber', [q, false])
    const block = await call('eth_getBlockByNumber', [q, true])
    const receipts = await call('eth_getBlockReceipts', [q])
    const hashes = (block.transactions as { to: string | null; from: string; blobVersionedHashes?: Hex[] }[])
      .filter((tx) => tx.to?.toLowerCase() === inbox && tx.from.toLowerCase() === batcher)
      .flatMap((tx) => tx.blobVersionedHashes ?? [])
    let blobs = 0
    if (hashes.length > 0) {
      const query = hashes.map((h) => `versioned_hashes=${h}`).join('&')
      const res = await p.fetch(`${p.beaconUrl}/eth/v1/beacon/blobs/${n}?${query}`, { headers: { accept: 'application/json' } })
      blobs = ((await res.json()) as { data: unknown[] }).data.length
      if (blobs !== hashes.length) throw new Error(`baseline: block ${n} has ${hashes.length} batcher blobs, beacon answered ${blobs}`)
    }
    out.push({ hash: header.hash, transactions: block.transactions.length, receipts: receipts.length, blobs })
  }
  return out
}
