/**
 * L1 cost (DESIGN.md "L1 cost"), side by side over the same anvil chain:
 * (a) op-edge's L1 source, `fetchRange` in chunks of 100 blocks as the derive tick does (`TICK_BUDGET.maxL1Blocks`);
 * (b) an op-node-style fetcher (bench/l1-cost-baseline.ts): header, block, receipts per block, blobs where batched;
 * (c) a fresh worker catching up on that chain through wrangler dev and the development engine.
 * The chain (bench/l1-cost-chain.ts) has filler txs in every block, portal deposits in some, calldata and blob batches
 * in others, the batches carrying a real L2 chain the worker derives.
 *
 * Run: `npm run bench` (all benchmarks) or `node --experimental-strip-types --no-warnings bench/l1-cost.ts` (this one;
 * `--l1-blocks N`, `--l1-interval S` change the chain).
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { toHex } from '../shared/bytes.ts'
import { dataToBlob, MAX_BLOB_DATA_SIZE } from '../shared/codec/blob.ts'
import { blobVersionedHash } from '../workers/blob-commitment.ts'
import { createL1Source, type L1FetchMetric } from '../workers/l1-source.ts'
import { startNode, startStack, type Stack } from '../test/devnet/stack.ts'
import { createEngineClient } from '../shared/engine/engine-client.ts'
import { fetchLikeOpNode } from './l1-cost-baseline.ts'
import { catchUp, type CatchUpResult } from './l1-cost-catchup.ts'
import { buildChain, type BuiltChain, type ChainPlan, DEFAULT_PLAN } from './l1-cost-chain.ts'
import { countingFetch, type HttpCount, newCount, startCountingProxy } from './l1-cost-http.ts'

const root = join(import.meta.dirname, '..')
/** workers/index.ts `TICK_BUDGET.maxL1Blocks`. */
const TICK_L1_BLOCKS = 100
/** Large enough that every posted batch is inside its window; the unbatched tail is then never derived. */
const SEQ_WINDOW = 3_600

type Reader = { name: string; count: HttpCount; ms: number }

export async function benchL1Cost(plan: ChainPlan = DEFAULT_PLAN): Promise<string[]> {
  for (const bin of ['anvil', 'wrangler']) {
    if (!existsSync(join(root, 'node_modules/.bin', bin))) return [`l1-cost: skipped (node_modules/.bin/${bin} is missing; npm install)`]
  }
  let l1Target = ''
  const proxy = await startCountingProxy(() => l1Target)
  let stack: Stack | undefined
  try {
    const startedStack = Date.now()
    stack = await startStack({
      l1BlockTime: 0,
      configure: (c) => ({ ...c, seqWindowSize: SEQ_WINDOW }),
      l1UrlForWorker: (url) => {
        l1Target = url
        return proxy.url
      },
    })
    const stackMs = Date.now() - startedStack
    const chain = await buildChain(stack.l1Url, stack.config, plan)
    const readers = await readRange(stack, chain)
    const fullBlobMs = await fullBlobCheckMs()
    const c = await catchUp(stack, proxy, chain.lastPostedL2, { maxMs: 120_000, stallTicks: 2 })
    const d = await consolidationCatchUp(stack, c.derived)
    return [...format(plan, chain, readers, c, stackMs, fullBlobMs), ...d]
  } finally {
    await stack?.stop()
    await proxy.close()
  }
}

/** (a) and (b) over the chain's range; each reader's result is checked against the others'. */
async function readRange(stack: Stack, chain: BuiltChain): Promise<Reader[]> {
  const readers: Reader[] = []
  const hashes: string[][] = []
  for (const trustBlobs of [false, true]) {
    const count = newCount()
    const metrics: L1FetchMetric[] = []
    const l1 = createL1Source({ rpcUrls: [stack.l1Url], beaconUrls: [stack.l1Url], fetch: countingFetch(count), config: stack.config, secondsPerSlot: 1, beaconBlockId: 'number', trustBlobs, metrics: (m) => metrics.push(m) })
    const started = performance.now()
    const seen: string[] = []
    let blobs = 0
    for (let from = chain.from; from <= chain.to; from += TICK_L1_BLOCKS) {
      for (const input of await l1.fetchRange(from, Math.min(chain.to, from + TICK_L1_BLOCKS - 1))) {
        seen.push(input.header.hash)
        blobs += Object.keys(input.blobs ?? {}).length
      }
    }
    readers.push({ name: `op-edge fetchRange x${TICK_L1_BLOCKS}${trustBlobs ? ', trustBlobs' : ', blobs KZG-checked'}`, count, ms: performance.now() - started })
    hashes.push(seen)
    if (blobs === 0 && chain.blobBlocks.length > 0) throw new Error('op-edge read no blobs')
    // The L1 source's own metrics sink must agree with the counting fetch (one report per HTTP request).
    const reported = metrics.reduce((n, m) => n + m.responseBytes, 0)
    if (metrics.length !== count.requests || reported !== count.bytesIn) {
      throw new Error(`L1 source metrics (${metrics.length} requests, ${reported} B) disagree with the counting fetch (${count.requests}, ${count.bytesIn} B)`)
    }
  }
  const count = newCount()
  const started = performance.now()
  const base = await fetchLikeOpNode({ l1Url: stack.l1Url, beaconUrl: stack.l1Url, fetch: countingFetch(count), config: stack.config }, chain.from, chain.to)
  readers.push({ name: 'op-node-style baseline', count, ms: performance.now() - started })
  hashes.push(base.map((b) => b.hash))
  if (hashes.some((h) => h.join() !== hashes[0].join())) throw new Error('the readers saw different chains')
  return readers
}

/** The worker's blob check (commitment → versioned hash) on a blob full of random data, warm. */
async function fullBlobCheckMs(): Promise<number> {
  const blob = toHex(dataToBlob(new Uint8Array(randomBytes(MAX_BLOB_DATA_SIZE))))
  await blobVersionedHash(blob)
  const started = performance.now()
  await blobVersionedHash(blob)
  return performance.now() - started
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
const pad = (s: string | number, n: number) => String(s).padStart(n)
const fixed = (v: number, d = 2) => v.toFixed(d)

function format(plan: ChainPlan, chain: BuiltChain, readers: Reader[], c: CatchUpResult, stackMs: number, fullBlobMs: number): string[] {
  const blocks = chain.to - chain.from + 1
  const blobPostings = chain.postings.filter((p) => p.opts.da === 'blobs')
  const blobCount = blobPostings.reduce((n, p) => n + p.frames, 0)
  const blobFill = blobPostings.reduce((n, p) => n + p.frameBytes, 0) / Math.max(1, blobCount * MAX_BLOB_DATA_SIZE)
  const calldataPostings = chain.postings.filter((p) => p.opts.da === 'calldata')
  const lines = [
    `L1 cost — \`npm run bench\`, or alone: \`npm run bench:l1 -- --l1-blocks ${plan.l1Blocks} --l1-interval ${plan.l1Interval}\``,
    `  chain: anvil, L1 blocks ${chain.from}..${chain.to} mined back to back (evm_mine, ${plan.l1Interval} s apart) in ${fixed(chain.ms / 1000, 1)} s: ${chain.l1Txs} txs — ${plan.fillerPerBlock} filler/block, ${chain.depositBlocks.length} deposits, ${chain.postings.length} batch postings (${calldataPostings.length} calldata in ${calldataPostings.reduce((n, p) => n + p.txs, 0)} txs, ${chain.blobBlocks.length} blob in ${blobPostings.reduce((n, p) => n + p.txs, 0)} txs with ${blobCount} blobs) carrying L2 blocks 1..${chain.lastPostedL2}; stack up in ${fixed(stackMs / 1000, 1)} s`,
    `  (a)/(b) L1 retrieval of the ${blocks} blocks        requests  req/L1 blk  rpc calls  bytes/L1 blk  wall ms  ms/L1 blk`,
  ]
  for (const r of readers) {
    lines.push(`    ${r.name.padEnd(42)}${pad(r.count.requests, 9)}${pad(fixed(r.count.requests / blocks, 3), 12)}${pad(r.count.rpcCalls, 11)}${pad(kb(r.count.bytesIn / blocks), 14)}${pad(fixed(r.ms, 0), 9)}${pad(fixed(r.ms / blocks), 11)}`)
  }
  const edge = readers[0]
  const baseline = readers.at(-1)!
  lines.push(`    ${'baseline / op-edge (KZG-checked)'.padEnd(42)}${pad(`${fixed(baseline.count.requests / edge.count.requests, 1)}x`, 9)}${pad('', 12)}${pad(`${fixed(baseline.count.rpcCalls / edge.count.rpcCalls, 1)}x`, 11)}${pad(`${fixed(baseline.count.bytesIn / edge.count.bytesIn, 2)}x`, 14)}${pad(`${fixed(baseline.ms / edge.ms, 2)}x`, 9)}`)
  lines.push(`    op-edge requests by kind: ${[...edge.count.byMethod].map(([m, n]) => `${m} ${n}`).join(', ')}`)
  const kzgMs = (edge.ms - readers[1].ms) / Math.max(1, blobCount)
  lines.push(`    KZG check of fetched blobs (difference of the two op-edge rows): ~${fixed(kzgMs, 0)} ms per blob here (blobs ${fixed(100 * blobFill, 0)}% full); a full blob: ${fixed(fullBlobMs, 0)} ms`)

  const engineTotal = [...c.engine.values()].reduce((a, b) => a + b, 0)
  const engineApi = [...c.engine].filter(([m]) => m.startsWith('engine_')).reduce((a, [, n]) => a + n, 0)
  const perBlock = (n: number) => fixed(n / Math.max(1, c.derived), 3)
  lines.push(
    `  (c) catch-up through the worker (wrangler dev + dev engine, seqWindowSize ${SEQ_WINDOW}), ticks back to back:`,
    `    derived ${c.derived} of ${c.expected} L2 blocks in ${c.ticks} ticks (${c.movingTicks} moved the safe head), ${fixed(c.wallMs / 1000, 1)} s wall → ${fixed(c.derived / (c.wallMs / 1000), 1)} L2 blocks/s`,
    `    ticks: ${c.timeline.map((t) => `${fixed(t.ms / 1000, 1)} s → safe ${t.safe} (${t.l1Requests} L1 req)`).join(', ')}`,
    `    Engine API per derived L2 block: engine_* ${perBlock(engineApi)}, incl. eth_* ${perBlock(engineTotal)}   (${[...c.engine].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${n}`).join(', ')})`,
    `    worker L1 traffic: ${c.l1.requests} requests (${fixed(c.l1.requests / blocks, 3)} per L1 block), ${c.l1.rpcCalls} rpc calls, ${kb(c.l1.bytesIn)}   (${[...c.l1.byMethod].map(([m, n]) => `${m} ${n}`).join(', ')})`,
  )
  return lines
}

/**
 * (d) The catch-up DESIGN.md's ≤ 1.1 engine calls per block is about: a verifier whose engine already holds the
 * chain (EL sync, gossip) derives it from L1 and only consolidates — one `eth_getBlockByNumber` per block, the
 * forkchoice update coalesced per tick. A second node's engine is given the first engine's blocks (newPayload + one
 * FCU), then its worker catches up from L1.
 */
async function consolidationCatchUp(stack: Stack, upTo: number): Promise<string[]> {
  const node = await startNode(stack)
  try {
    const client = createEngineClient({ url: node.engine.url, jwtSecret: node.jwtSecret, fetch, now: Date.now, config: stack.config })
    for (let n = 1; n <= upTo; n++) {
      const b = stack.engine.block(n)!
      const r = await client.newPayload(b.payload, b.parentBeaconBlockRoot, b.payload.timestamp)
      if (r.status !== 'VALID') throw new Error(`preloading block ${n}: ${r.status}`)
    }
    const g = stack.config.genesis.l2.hash
    await client.forkchoiceUpdated({ headBlockHash: stack.engine.block(upTo)!.hash, safeBlockHash: g, finalizedBlockHash: g })
    node.engine.clearCalls()
    const started = Date.now()
    let safe = 0
    let ticks = 0
    for (let stalled = 0; safe < upTo && stalled < 3 && Date.now() - started < 120_000; ticks++) {
      await node.tick()
      const now = Number((await node.rollupRpc('optimism_syncStatus')).safe_l2.number)
      stalled = now > safe ? 0 : stalled + 1
      safe = now
    }
    const ms = Date.now() - started
    const calls = new Map<string, number>()
    for (const c of node.engine.calls()) calls.set(c.method, (calls.get(c.method) ?? 0) + 1)
    const total = [...calls.values()].reduce((a, b) => a + b, 0)
    const engineApi = [...calls].filter(([m]) => m.startsWith('engine_')).reduce((a, [, n]) => a + n, 0)
    // Sync start walks back from the unsafe head by hash to the engine's safe label (genesis here: the blocks were
    // handed over without one); that walk is not derivation and is reported apart.
    const walk = calls.get('eth_getBlockByHash') ?? 0
    const derivation = total - walk - (calls.get('eth_chainId') ?? 0)
    const same = Array.from({ length: safe }, (_, i) => i + 1).every((n) => node.engine.block(n)?.hash === stack.engine.block(n)?.hash)
    return [
      `  (d) catch-up of a verifier whose engine already has the chain (consolidation, the ≤ 1.1 target):`,
      `    derived ${safe} of ${upTo} L2 blocks in ${ticks} ticks, ${fixed(ms / 1000, 1)} s wall → ${fixed(safe / (ms / 1000), 1)} L2 blocks/s; chain identical: ${same}`,
      `    Engine calls per derived L2 block, derivation: ${fixed(derivation / Math.max(1, safe), 3)} (engine_* ${fixed(engineApi / Math.max(1, safe), 3)}); with the sync-start walk back to the engine's safe label: ${fixed(total / Math.max(1, safe), 3)}   (${[...calls].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${n}`).join(', ')})`,
    ]
  } finally {
    await node.stop()
  }
}

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}

if (import.meta.main) {
  const plan = { ...DEFAULT_PLAN, l1Blocks: arg('--l1-blocks', DEFAULT_PLAN.l1Blocks), l1Interval: arg('--l1-interval', DEFAULT_PLAN.l1Interval) }
  for (const line of await benchL1Cost(plan)) console.log(line)
}
