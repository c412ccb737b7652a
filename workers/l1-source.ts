/**
 * The L1 source of the derive tick (DESIGN.md "L1 cost"; PROTOCOL.md §2.1–2.2, §7): for a range of L1 blocks, ONE
 * JSON-RPC batch of `eth_getBlockByNumber(n, true)` plus ONE `eth_getLogs` for the portal and the SystemConfig, and
 * the beacon blobs of blocks whose batch-inbox transactions carry blobs — instead of op-node's header + block + all
 * receipts per block. Everything is checked before it is returned: block numbers, the parent-hash chain, every
 * header re-hashed, logs belonging to the fetched blocks (hash, number, not `removed`, inside each block's bloom).
 *
 * `verified` is for an RPC the operator does not trust: the batch also carries `eth_getBlockReceipts`, transaction,
 * withdrawal and receipt roots are checked, logs are read from the root-checked receipts (no `eth_getLogs`), and the
 * sender of every batch-inbox transaction is recovered from its signature.
 *
 * A failure of any kind is a temporary {@link L1SourceError}; each RPC URL is tried in order, and one range is always
 * answered by one endpoint. Nothing is cached but the beacon genesis time.
 */
import { recoverTransactionAddress } from 'viem'
import { fromHex, type Hex, toHex } from '../shared/bytes.ts'
import { isActive } from '../shared/config/forks.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import type { L1BlockRef, L1Input, L1Log } from '../shared/deriver/types.ts'
import { DEPOSIT_EVENT_TOPIC } from '../shared/protocol/deposit-log.ts'
import { CONFIG_UPDATE_TOPIC } from '../shared/protocol/system-config.ts'
import { type BeaconBlockId, type BlobBlock, createBeaconBlobSource } from './beacon-blobs.ts'
import { rpcBatch, rpcCall, type RpcTarget } from './json-rpc-batch.ts'
import {
  logsFromReceipts,
  type ParsedL1Block,
  parseL1Block,
  parseL1Header,
  parseLog,
  parseQuantity,
  quantityHex,
} from './l1-block-json.ts'
import { L1SourceError, withFailover } from './l1-source-error.ts'
import { bloomBits, bloomHas } from './logs-bloom.ts'
import { redactUrl } from './redact.ts'
import type { FetchLike, L1Metrics, L1SourceCall } from './upstream-http.ts'

export type { L1FetchMetric, L1Metrics } from './upstream-http.ts'

export type L1SourceParameters = {
  /** Execution RPC endpoints, tried in order. */
  rpcUrls: readonly string[]
  /** Beacon API endpoints, tried in order. */
  beaconUrls: readonly string[]
  fetch: FetchLike
  config: RollupConfig
  /** Beacon genesis time (unix s); read once from `/eth/v1/beacon/genesis` when absent. */
  beaconGenesisTime?: number
  /** Default 12 (anvil: its `--block-time`). */
  secondsPerSlot?: number
  /** Default `'slot'`; anvil's beacon API also takes `'number'` or `'hash'`. */
  beaconBlockId?: BeaconBlockId
  /** Do not recompute KZG commitments of fetched blobs. */
  trustBlobs?: boolean
  /** Full-receipts mode for an untrusted RPC (see the module comment). */
  verified?: boolean
  /** Per HTTP request; default 30 s. */
  timeoutMs?: number
  /** Called once per HTTP request with its size and outcome (benchmarks, `/metrics`). */
  metrics?: L1Metrics
}

export type L1HeadTag = 'latest' | 'safe' | 'finalized'

export type L1Source = {
  /** Blocks `from..to` (inclusive) ready for `deriver.addL1Input`, all checked, or an error: never a part. */
  fetchRange(from: number, to: number, options?: { blobs?: boolean }): Promise<L1Input[]>
  head(tag: L1HeadTag): Promise<L1BlockRef>
  /** The block at `n` on the endpoint's canonical chain (reorg checks). */
  blockRef(n: number): Promise<L1BlockRef>
  chainId(): Promise<number>
  /** Hash of block `n` (the rollup config's L1 genesis), for the startup check. */
  genesisHash(n: number): Promise<Hex>
  fetchBlobs(block: BlobBlock, versionedHashes: readonly Hex[]): Promise<Record<string, Hex>>
  /** A 32-byte storage word of an L1 contract at `latest` (runtime config: the unsafe-block signer). */
  storageAt(address: Hex, slot: Hex): Promise<Hex>
  /** Any other JSON-RPC call, with the same failover, timeout and redaction (the batcher's nonce, fees, sends). */
  rpc(method: string, params: readonly unknown[]): Promise<unknown>
}

/** Logs the deriver reads: (emitter, topic0) pairs, each with its bloom bits precomputed. */
type Watched = { address: Hex; topic: Hex; bits: number[] }

export function createL1Source(p: L1SourceParameters): L1Source {
  const verified = p.verified ?? false
  const timeoutMs = p.timeoutMs ?? 30_000
  const inbox = p.config.batchInboxAddress.toLowerCase()
  const portal = p.config.depositContractAddress.toLowerCase() as Hex
  const systemConfig = p.config.l1SystemConfigAddress.toLowerCase() as Hex
  const addresses = new Set<string>([portal, systemConfig])
  const watched: Watched[] = [
    { address: portal, topic: DEPOSIT_EVENT_TOPIC },
    { address: systemConfig, topic: CONFIG_UPDATE_TOPIC },
  ].map((w) => ({ ...w, bits: [...bloomBits(fromHex(w.address)), ...bloomBits(fromHex(w.topic))] }))
  const beacon = createBeaconBlobSource({
    urls: p.beaconUrls,
    fetch: p.fetch,
    beaconGenesisTime: p.beaconGenesisTime,
    secondsPerSlot: p.secondsPerSlot,
    blockId: p.beaconBlockId,
    trustBlobs: p.trustBlobs,
    timeoutMs,
    metrics: p.metrics,
  })

  const target = (url: string, call: L1SourceCall): RpcTarget => ({ fetch: p.fetch, url, timeoutMs, call, metrics: p.metrics })
  const overRpc = <T>(attempt: (url: string) => Promise<T>) => withFailover(p.rpcUrls, attempt, redactUrl)

  async function ref(url: string, call: L1SourceCall, id: number | L1HeadTag): Promise<L1BlockRef> {
    const json = await rpcCall(target(url, call), { method: 'eth_getBlockByNumber', params: [typeof id === 'number' ? quantityHex(id) : id, false] })
    if (json === null || json === undefined) throw new L1SourceError('block-missing', `L1 block ${id} not found at ${redactUrl(url)}`)
    const info = parseL1Header(json)
    if (typeof id === 'number' && info.number !== id) {
      throw new L1SourceError('block-number-mismatch', `asked ${redactUrl(url)} for L1 block ${id}, got ${info.number}`)
    }
    return { hash: info.hash, number: info.number, parentHash: info.parentHash, timestamp: info.timestamp }
  }

  /** Blocks and logs of one range from one endpoint. */
  async function rangeFrom(url: string, from: number, to: number): Promise<{ blocks: ParsedL1Block[]; logs: L1Log[][] }> {
    const t = target(url, 'fetchRange')
    const count = to - from + 1
    const numbers = Array.from({ length: count }, (_, i) => quantityHex(from + i))
    const requests = numbers.map((n) => ({ method: 'eth_getBlockByNumber', params: [n, true] }))
    if (verified) requests.push(...numbers.map((n) => ({ method: 'eth_getBlockReceipts', params: [n] })))
    const logFilter = { fromBlock: numbers[0], toBlock: numbers[count - 1], address: [portal, systemConfig] }
    const [results, logsJson] = await Promise.all([
      rpcBatch(t, requests),
      verified ? undefined : rpcCall(t, { method: 'eth_getLogs', params: [logFilter] }),
    ])
    const blocks: ParsedL1Block[] = []
    for (let i = 0; i < count; i++) {
      if (results[i] === null) throw new L1SourceError('block-missing', `L1 block ${from + i} not found at ${redactUrl(url)}`)
      const receipts = verified ? receiptsOf(results[count + i], from + i) : undefined
      const b = parseL1Block(results[i], verified, receipts)
      if (b.info.number !== from + i) {
        throw new L1SourceError('block-number-mismatch', `asked ${redactUrl(url)} for L1 block ${from + i}, got ${b.info.number}`)
      }
      const parent = blocks[i - 1]
      if (parent !== undefined && b.info.parentHash !== parent.info.hash) {
        throw new L1SourceError('block-hash-chain-broken', `L1 block ${b.info.number} has parent ${b.info.parentHash}, but block ${parent.info.number} is ${parent.info.hash}`)
      }
      if (b.encodedTransactions !== undefined) await checkInboxSenders(b)
      blocks.push(b)
    }
    if (verified) {
      return { blocks, logs: blocks.map((b, i) => logsFromReceipts(results[count + i] as unknown[], b.info.hash, addresses)) }
    }
    const logs = logsByBlock(blocks, logsJson, from, to)
    // A bloom that may hold a watched log nobody returned: ask the block's receipts, whose root settles it.
    const doubtful = blocks.flatMap((b, i) =>
      watched.some((w) => bloomHas(b.logsBloom, w.bits) && !logs[i].some((l) => l.address === w.address && l.topics[0] === w.topic)) ? [i] : [],
    )
    if (doubtful.length > 0) {
      const receipts = await rpcBatch(t, doubtful.map((i) => ({ method: 'eth_getBlockReceipts', params: [blocks[i].info.hash] })))
      doubtful.forEach((i, k) => {
        const r = receiptsOf(receipts[k], blocks[i].info.number)
        parseL1Block(results[i], true, r)
        logs[i] = logsFromReceipts(r, blocks[i].info.hash, addresses)
      })
    }
    return { blocks, logs }
  }

  function logsByBlock(blocks: readonly ParsedL1Block[], json: unknown, from: number, to: number): L1Log[][] {
    if (!Array.isArray(json)) throw new L1SourceError('log-malformed', 'eth_getLogs did not answer a list')
    const out: L1Log[][] = blocks.map(() => [])
    json.forEach((entry, k) => {
      const { log, blockNumber, removed } = parseLog(entry, `log ${k}`)
      if (removed) throw new L1SourceError('log-removed', `log ${log.logIndex} of block ${blockNumber} is marked removed (reorg during the query)`)
      const block = blocks[blockNumber - from]
      if (blockNumber < from || blockNumber > to || block === undefined || block.info.hash !== log.blockHash) {
        throw new L1SourceError('log-outside-range', `log ${log.logIndex} of block ${blockNumber} (${log.blockHash}) is not in the fetched range ${from}..${to}`)
      }
      if (!addresses.has(log.address)) throw new L1SourceError('log-malformed', `eth_getLogs returned a log of ${log.address}, which was not asked for`)
      const bits = [...bloomBits(fromHex(log.address)), ...log.topics.flatMap((t) => bloomBits(fromHex(t)))]
      if (!bloomHas(block.logsBloom, bits)) throw new L1SourceError('log-not-in-bloom', `log ${log.logIndex} of block ${blockNumber} is not in the block's logs bloom`)
      const list = out[blockNumber - from]
      if (list.some((l) => l.logIndex === log.logIndex)) throw new L1SourceError('log-malformed', `log index ${log.logIndex} of block ${blockNumber} returned twice`)
      list.push(log)
    })
    for (const list of out) list.sort((a, b) => a.logIndex - b.logIndex)
    return out
  }

  /** Verified mode: the RPC's `from` of each batch-inbox transaction must be its signer. */
  async function checkInboxSenders(b: ParsedL1Block): Promise<void> {
    for (const [i, tx] of b.transactions.entries()) {
      if (tx.to?.toLowerCase() !== inbox || tx.type === 0x7e) continue // deposits carry `from` inside the signed body
      let signer: string
      try {
        signer = await recoverTransactionAddress({ serializedTransaction: toHex(b.encodedTransactions![i]) as never })
      } catch {
        signer = 'an unrecoverable signature'
      }
      if (signer.toLowerCase() !== tx.from.toLowerCase()) {
        throw new L1SourceError('tx-sender-mismatch', `L1 block ${b.info.number} tx ${i}: RPC says from ${tx.from}, signature says ${signer}`)
      }
    }
  }

  /** Blobs of every batch-inbox blob transaction of a block, from Ecotone (before it, calldata is the data). */
  function inboxBlobHashes(b: ParsedL1Block): Hex[] {
    if (!isActive(p.config, 'ecotone', b.info.timestamp)) return []
    return b.transactions.flatMap((tx) => (tx.to?.toLowerCase() === inbox ? (tx.blobVersionedHashes ?? []) : []))
  }

  return {
    async fetchRange(from, to, options = {}) {
      if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from) {
        throw new RangeError(`invalid L1 range ${from}..${to}`)
      }
      const { blocks, logs } = await overRpc((url) => rangeFrom(url, from, to))
      return Promise.all(
        blocks.map(async (b, i): Promise<L1Input> => {
          const input: L1Input = { header: b.info, transactions: b.transactions, logs: logs[i] }
          // The sequencer reads its epoch's header and logs only; derivation needs the batcher's blobs too.
          const hashes = options.blobs === false ? [] : inboxBlobHashes(b)
          if (hashes.length > 0) input.blobs = await beacon.fetchBlobs(b.info, hashes)
          return input
        }),
      )
    },
    head: (tag) => overRpc((url) => ref(url, 'head', tag)),
    blockRef: (n) => overRpc((url) => ref(url, 'blockRef', n)),
    genesisHash: async (n) => (await overRpc((url) => ref(url, 'genesisHash', n))).hash,
    chainId: () => overRpc(async (url) => parseQuantity(await rpcCall(target(url, 'chainId'), { method: 'eth_chainId', params: [] }), 'eth_chainId')),
    fetchBlobs: (block, versionedHashes) => beacon.fetchBlobs(block, versionedHashes),
    rpc: (method, params) => overRpc((url) => rpcCall(target(url, 'rpc'), { method, params })),
    storageAt: (address, slot) =>
      overRpc(async (url) => {
        const word = await rpcCall(target(url, 'storageAt'), { method: 'eth_getStorageAt', params: [address, slot, 'latest'] })
        if (typeof word !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(word)) throw new L1SourceError('rpc-malformed', 'eth_getStorageAt did not answer a storage word')
        return `0x${word.slice(2).padStart(64, '0').toLowerCase()}` as Hex
      }),
  }
}

function receiptsOf(json: unknown, n: number): unknown[] {
  if (!Array.isArray(json)) throw new L1SourceError('block-missing', `receipts of L1 block ${n} not found`)
  return json
}
