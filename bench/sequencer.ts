/**
 * Sequencer and batcher at devnet load (issue #6), one devnet run per DA (bench/sequencer-run.ts), each fed 5–20
 * realistic user transactions per L2 block (bench/sequencer-txs.ts):
 * (1) L1 cost per L2 block and per user transaction of the batcher's calldata vs blob transactions to the inbox:
 *     execution gas, blob gas, bytes posted and useful (frame) bytes, fees paid, over the channels that carry the
 *     fed blocks (bench/sequencer-l1.ts), and the blob/execution gas-price ratio below which blobs are cheaper;
 * (2) compression ratio (compressed channel / span batch RLP) of zlib vs brotli: offline with the batcher's channel
 *     planner on the runs' blocks (bench/sequencer-compression.ts), and as observed on L1;
 * (3) slot accuracy: for each block sealed while fed, the sequencer engine's arrival time of the sealing
 *     `engine_newPayload` (and of the FCU that made it head) minus the block's timestamp × 1000.
 *
 * Run: `npm run bench:sequencer` (alone) or `npm run bench -- --sequencer` (with the other benchmarks); alone it takes
 * `--seconds 75` (feeding per DA run) and `--txs 5-20` (user transactions per block time). ~3 min on 2 CPUs.
 */
import { existsSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { percentile } from './gossip.ts'
import { compressOffline, plannedL1Cost, type Compressed } from './sequencer-compression.ts'
import type { PostedChannel } from './sequencer-l1.ts'
import { runSequencer, type SealTimes, type SequencerRunOptions, type SequencerRunResult } from './sequencer-run.ts'
import { USER_TX_MIX } from './sequencer-txs.ts'

const root = join(import.meta.dirname, '..')

export type SequencerBenchOptions = { seconds: number; txsPerBlock: { min: number; max: number }; seed: number }

export const DEFAULT_SEQUENCER_OPTIONS: SequencerBenchOptions = { seconds: 75, txsPerBlock: { min: 5, max: 20 }, seed: 6 }

/**
 * Each DA run uses one compression, so the runs also show each algorithm on L1: calldata with zlib (the batcher's
 * default), blobs with brotli (OP mainnet's batchers). The offline table compares both on the same blocks.
 */
const RUNS: readonly Pick<SequencerRunOptions, 'da' | 'compression'>[] = [
  { da: 'calldata', compression: 'zlib' },
  { da: 'blobs', compression: 'brotli' },
]

/** A seal later than this after its slot is looked at against the scheduled ticks. */
const SLOW_SEAL_MS = 100

/** Intrinsic gas of every L1 transaction. */
const TX_BASE_GAS = 21_000n

export async function benchSequencer(options: SequencerBenchOptions = DEFAULT_SEQUENCER_OPTIONS): Promise<string[]> {
  const { min, max } = options.txsPerBlock
  const header = `sequencer + batcher at devnet load (issue #6) — \`npm run bench -- --sequencer\`, or alone: \`npm run bench:sequencer -- --seconds ${options.seconds} --txs ${min}-${max}\``
  for (const bin of ['anvil', 'wrangler']) {
    if (!existsSync(join(root, 'node_modules/.bin', bin))) return [header, `  skipped (node_modules/.bin/${bin} is missing; npm install)`]
  }
  const loadBefore = loadavg()[0]
  const runs: SequencerRunResult[] = []
  for (const r of RUNS) runs.push(await runSequencer({ ...r, seconds: options.seconds, txsPerBlock: options.txsPerBlock, seed: options.seed }))
  const c = runs[0].config
  const mix = Object.entries(USER_TX_MIX).map(([k, v]) => `${k} ${Math.round(v * 100)}%`).join(', ')
  return [
    header,
    `  devnet: ${c.blockTime} s L2 blocks, 1 s L1 blocks (anvil), ticks (derive + batcher) every 1 s, span batches, BATCHER_MAX_CHANNEL_DURATION 0 (a channel per tick, one in flight); ${options.seconds} s of ${min}–${max} user txs per block time (${mix}); ${availableParallelism()} CPUs, load ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`,
    ...formatCost(runs),
    ...formatCompression(runs),
    ...formatSlots(runs),
  ]
}

/** The posted channels whose blocks were all sealed while fed (the last may run a little past the feed). */
function measured(r: SequencerRunResult): PostedChannel[] {
  return r.channels.filter((ch) => ch.firstBlock >= r.fedFrom && ch.firstBlock <= r.fedTo)
}

type Cost = { blocks: number; userTxs: number; channels: number; l1Txs: number; blobs: number; gas: bigint; blobGas: bigint; posted: number; useful: number; feeWei: bigint; gasPriceWei: bigint; blobPriceWei: bigint; first: number; last: number }

function cost(r: SequencerRunResult): Cost {
  const chs = measured(r)
  const txs = chs.flatMap((ch) => ch.txs)
  const sum = (f: (t: (typeof txs)[number]) => bigint) => txs.reduce((s, t) => s + f(t), 0n)
  const gas = sum((t) => t.gasUsed)
  const blobGas = sum((t) => t.blobGasUsed)
  return {
    blocks: chs.reduce((s, ch) => s + ch.lastBlock - ch.firstBlock + 1, 0),
    userTxs: chs.reduce((s, ch) => s + ch.userTxs, 0),
    channels: chs.length,
    l1Txs: txs.length,
    blobs: txs.reduce((s, t) => s + t.blobs, 0),
    gas,
    blobGas,
    posted: txs.reduce((s, t) => s + t.postedBytes, 0),
    useful: txs.reduce((s, t) => s + t.usefulBytes, 0),
    feeWei: sum((t) => t.gasUsed * t.effectiveGasPrice + t.blobGasUsed * t.blobGasPrice),
    gasPriceWei: gas === 0n ? 0n : sum((t) => t.gasUsed * t.effectiveGasPrice) / gas,
    blobPriceWei: blobGas === 0n ? 0n : sum((t) => t.blobGasUsed * t.blobGasPrice) / blobGas,
    first: Math.min(...chs.map((ch) => ch.firstBlock)),
    last: Math.max(...chs.map((ch) => ch.lastBlock)),
  }
}

const pad = (s: string | number | undefined, n: number) => String(s ?? '—').padStart(n)
const per = (x: bigint | number, n: number) => (n === 0 ? '—' : Math.round(Number(x) / n).toLocaleString('en-US'))
const gwei = (wei: bigint | number, n = 1) => (n === 0 ? '—' : (Number(wei) / n / 1e9).toLocaleString('en-US', { maximumSignificantDigits: 3 }))

function formatCost(runs: SequencerRunResult[]): string[] {
  const costs = runs.map(cost)
  const col = 26
  const row = (name: string, f: (c: Cost, r: SequencerRunResult) => [string, string] | string) =>
    `    ${name.padEnd(34)}${costs.map((c, i) => {
      const v = f(c, runs[i])
      return typeof v === 'string' ? pad(v, col) : `${pad(v[0], 13)}${pad(v[1], 13)}`
    }).join('')}`
  const lines = [
    `  (1) L1 cost: the batcher's txs to the inbox carrying the fed blocks (receipts from anvil; fees at anvil's prices)`,
    row('', (_, r) => `${r.options.da} (${r.options.compression})`),
    row('L2 blocks covered (safe head at end)', (c, r) => `${c.blocks} (#${c.first}–#${c.last}; ${r.safeAtEnd})`),
    row('user txs / channels / L1 txs / blobs', (c) => `${c.userTxs} / ${c.channels} / ${c.l1Txs} / ${c.blobs}`),
    row('', () => ['per block', 'per user tx']),
    row('L1 execution gas', (c) => [per(c.gas, c.blocks), per(c.gas, c.userTxs)]),
    row('blob gas', (c) => [per(c.blobGas, c.blocks), per(c.blobGas, c.userTxs)]),
    row('bytes posted (calldata | blobs×131072)', (c) => [per(c.posted, c.blocks), per(c.posted, c.userTxs)]),
    row('useful bytes (data units: frames)', (c) => [per(c.useful, c.blocks), per(c.useful, c.userTxs)]),
    row('fee paid, gwei', (c) => [gwei(c.feeWei, c.blocks), gwei(c.feeWei, c.userTxs)]),
    row('gas price, blob gas price', (c) => `${gwei(c.gasPriceWei)} gwei, ${c.blobGas > 0n ? `${c.blobPriceWei.toLocaleString('en-US')} wei` : '—'}`),
    row('calldata gas per posted byte', (c) => (c.blobs > 0 ? '—' : (Number(c.gas - TX_BASE_GAS * BigInt(c.l1Txs)) / Math.max(1, c.posted)).toFixed(1))),
    row('blob fill (useful / posted)', (c) => (c.blobs > 0 ? `${((100 * c.useful) / c.posted).toFixed(2)}%` : '—')),
  ]
  const calldata = costs[runs.findIndex((r) => r.options.da === 'calldata')]
  const blobs = costs[runs.findIndex((r) => r.options.da === 'blobs')]
  if (calldata && blobs && calldata.blocks > 0 && blobs.blocks > 0 && blobs.blobGas > 0n) {
    const gc = Number(calldata.gas) / calldata.blocks
    const gb = Number(blobs.gas) / blobs.blocks
    const bb = Number(blobs.blobGas) / blobs.blocks
    lines.push(`    per L2 block, blobs cost less than calldata while blob base fee < ${((gc - gb) / bb).toFixed(3)} × the execution gas price (${Math.round(gc).toLocaleString('en-US')} gas vs ${Math.round(gb).toLocaleString('en-US')} gas + ${Math.round(bb).toLocaleString('en-US')} blob gas)`)
  }
  // What a batcher that fills its channel (op-batcher's max-channel-duration) would pay for the same blocks.
  for (const r of runs) {
    const fed = r.blocks.filter((b) => b.ref.number >= r.fedFrom && b.ref.number <= r.fedTo)
    const p = plannedL1Cost(r.config, fed, r.options.da, r.options.compression)
    const n = fed.length
    lines.push(`    ${r.options.da}, the ${n} fed blocks as one channel instead (offline, ${r.options.compression}${r.options.da === 'calldata' ? ', Prague calldata pricing' : ''}): ${p.txs} L1 tx${p.txs === 1 ? '' : 's'}${p.blobs ? `, ${p.blobs} blob${p.blobs === 1 ? '' : 's'}` : ''}; per block ${per(p.gas, n)} gas${p.blobs ? ` + ${per(p.blobGas, n)} blob gas` : ''}`)
  }
  return lines
}

function formatCompression(runs: SequencerRunResult[]): string[] {
  const ratio = (a: number, b: number) => (b === 0 ? '—' : (a / b).toFixed(3))
  const row = (name: string, x: Compressed) =>
    `    ${name.padEnd(44)}${pad(x.channels, 5)}${pad(x.blocks, 7)}${pad(x.rawBytes, 10)}${pad(x.zlibBytes, 9)}${pad(ratio(x.zlibBytes, x.rawBytes), 7)}${pad(x.brotliBytes, 9)}${pad(ratio(x.brotliBytes, x.rawBytes), 7)}${pad(`${x.ms.zlib.toFixed(0)}/${x.ms.brotli.toFixed(0)}`, 10)}`
  const lines = [
    `  (2) compression ratio = compressed channel / span batch RLP (lower is better); zlib level 9, brotli quality 10 (workers/batcher-channel.ts planChannel)`,
    `    ${'offline, same blocks'.padEnd(44)}${pad('chans', 5)}${pad('blocks', 7)}${pad('raw B', 10)}${pad('zlib B', 9)}${pad('ratio', 7)}${pad('brotli B', 9)}${pad('ratio', 7)}${pad('ms z/b', 10)}`,
  ]
  for (const r of runs) {
    const chs = measured(r)
    lines.push(row(`${r.options.da} run, channels as posted`, compressOffline(r.config, r.blocks, chs)))
    lines.push(row(`${r.options.da} run, fed blocks as one channel`, compressOffline(r.config, r.blocks, [{ firstBlock: r.fedFrom, lastBlock: r.fedTo }])))
  }
  for (const r of runs) {
    const chs = measured(r)
    const raw = chs.reduce((s, ch) => s + ch.rawBytes, 0)
    const comp = chs.reduce((s, ch) => s + ch.compressedBytes, 0)
    const algos = [...new Set(chs.map((ch) => ch.compression))].join('+')
    const blocks = chs.map((ch) => ch.lastBlock - ch.firstBlock + 1)
    lines.push(`    observed on L1, ${r.options.da} run: ${algos} ${ratio(comp, raw)} (${comp} of ${raw} B over ${chs.length} channels of ${percentile(blocks, 50) ?? '—'} blocks median, ${blocks.length ? Math.max(...blocks) : '—'} max)`)
  }
  return lines
}

function formatSlots(runs: SequencerRunResult[]): string[] {
  const stats = (xs: number[]) => `${pad(xs.length, 6)}${pad(percentile(xs, 50), 7)}${pad(percentile(xs, 99), 7)}${pad(xs.length ? Math.min(...xs) : undefined, 7)}${pad(xs.length ? Math.max(...xs) : undefined, 7)}`
  const lines = [
    `  (3) slot accuracy, blocks sealed while fed: delay = the sequencer engine's arrival time of the call − block timestamp × 1000 (the slot's nominal time, when the sequencer seals; building started one block time earlier)`,
    `    ${'run, call'.padEnd(44)}${pad('n', 6)}${pad('p50', 7)}${pad('p99', 7)}${pad('min', 7)}${pad('max', 7)}  ms`,
  ]
  for (const r of runs) {
    const seals = r.seals.filter((s) => s.number >= r.fedFrom && s.number <= r.fedTo)
    const delay = (k: 'newPayloadAt' | 'headAt') => seals.flatMap((s) => (s[k] === undefined ? [] : [s[k]! - s.timestamp * 1000]))
    const build = seals.flatMap((s) => (s.buildAt === undefined ? [] : [s.buildAt - (s.timestamp - r.config.blockTime) * 1000]))
    const late = delay('newPayloadAt').filter((d) => d >= r.config.blockTime * 1000).length
    const empty = seals.filter((s) => s.userTxs === 0).length
    // A late seal while a scheduled tick was running points at the tick (KZG for blobs, derivation) sharing workerd.
    const slow = seals.filter((s) => s.newPayloadAt !== undefined && s.newPayloadAt - s.timestamp * 1000 > SLOW_SEAL_MS)
    const duringTick = slow.filter((s) => r.ticks.some(([a, b]) => a <= s.newPayloadAt! && b >= s.timestamp * 1000)).length
    lines.push(`    ${`${r.options.da}: seal (engine_newPayload)`.padEnd(44)}${stats(delay('newPayloadAt'))}`)
    lines.push(`    ${`${r.options.da}: head (engine_forkchoiceUpdated)`.padEnd(44)}${stats(delay('headAt'))}`)
    lines.push(`    ${`${r.options.da}: build start (FCU+attrs) − previous slot`.padEnd(44)}${stats(build)}`)
    const worst = latest(r, seals)
    if (worst) lines.push(`    ${r.options.da}: ${worst}`)
    lines.push(
      `    ${r.options.da}: ${seals.length} blocks #${r.fedFrom}–#${r.fedTo}, ${late} sealed ≥ a block time late (caught up without pool txs), ${empty} without user txs, ${slow.length} sealed > ${SLOW_SEAL_MS} ms late (${duringTick} with a tick running between slot and seal); ${r.fedTxs} txs fed; stack up and at its slots in ${(r.setupMs / 1000).toFixed(0)} s${r.drained ? '' : '; NOT all fed blocks safe before the timeout'}`,
    )
  }
  return lines
}

/**
 * The block sealed latest after its slot: when its build started, the scheduled ticks running between the previous
 * slot and its seal, and the engine calls in that interval that were not its own build and seal (derivation's).
 */
function latest(r: SequencerRunResult, seals: SealTimes[]): string | undefined {
  const s = seals.filter((x) => x.newPayloadAt !== undefined).sort((a, b) => b.newPayloadAt! - b.timestamp * 1000 - (a.newPayloadAt! - a.timestamp * 1000))[0]
  if (s === undefined) return undefined
  const from = (s.timestamp - r.config.blockTime) * 1000
  const to = s.newPayloadAt!
  const ticks = r.ticks.filter(([a, b]) => a <= to && b >= from).map(([a, b]) => `${a - from}–${b - from}`)
  const others = new Map<string, number>()
  for (const c of r.engineCalls) {
    if (c.at < from || c.at > to || c.attrs || c.method.startsWith('engine_getPayload') || c.method.startsWith('engine_newPayload')) continue
    others.set(c.method, (others.get(c.method) ?? 0) + 1)
  }
  const calls = [...others].map(([m, n]) => `${m} ×${n}`).join(', ') || 'none'
  return `latest seal #${s.number}: +${to - s.timestamp * 1000} ms, its build started +${s.buildAt === undefined ? '—' : s.buildAt - from} ms after the previous slot; ticks in that time (ms after the previous slot): ${ticks.join(', ') || 'none'}; other engine calls: ${calls}`
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

if (import.meta.main) {
  const d = DEFAULT_SEQUENCER_OPTIONS
  const [min, max] = (arg('--txs') ?? `${d.txsPerBlock.min}-${d.txsPerBlock.max}`).split('-').map(Number)
  const options: SequencerBenchOptions = { seconds: Number(arg('--seconds') ?? d.seconds), txsPerBlock: { min, max: max ?? min }, seed: d.seed }
  for (const line of await benchSequencer(options)) console.log(line)
}
