/**
 * Block gossip on localhost (issue #5): (1) latency from the sequencer's seal to the verifier's engine over the real
 * devnet path (bench/gossip-latency.ts), target p50 ≤ 50 ms and p99 ≤ 200 ms; (2) the receiving relay's RSS under a
 * steady block stream (bench/gossip-rss.ts), target ≤ 150 MB at 10 blocks/s for 60 s with no queue growth.
 *
 * Run: `npm run bench -- --gossip` (with the other benchmarks, ~3 min more) or alone:
 * `node --experimental-strip-types --no-warnings bench/gossip.ts [--seconds 75] [--block-time 1] [--rss-seconds 60]
 * [--rate 10] [--block-kb 32] [--relay-node-args "--max-old-space-size=64"]`.
 *
 * Other work on the machine shows up in the tail latencies, so the load average before and after is printed.
 */
import { existsSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { benchGossipLatency, type GossipLatencyOptions, type GossipLatencyResult } from './gossip-latency.ts'
import { benchGossipRss, type GossipRssOptions, type GossipRssResult } from './gossip-rss.ts'

const root = join(import.meta.dirname, '..')

export type GossipBenchOptions = GossipLatencyOptions & { rss: GossipRssOptions }

/**
 * 1 s blocks give twice the devnet's samples per minute. The stream's blocks carry 32 KiB of random filler so the
 * relays move block-sized messages, not the devnet's few-hundred-byte blocks.
 */
export const DEFAULT_GOSSIP_OPTIONS: GossipBenchOptions = { seconds: 75, blockTime: 1, rss: { seconds: 60, blocksPerSecond: 10, fillerBytes: 32 * 1024 } }

const TARGET = { p50: 50, p99: 200, rssMb: 150 }

export async function benchGossip(options: GossipBenchOptions = DEFAULT_GOSSIP_OPTIONS): Promise<string[]> {
  const nodeArgs = options.rss.relayNodeArgs?.length ? ` --relay-node-args "${options.rss.relayNodeArgs.join(' ')}"` : ''
  const header = `gossip — \`npm run bench -- --gossip\`, or alone: \`node bench/gossip.ts --seconds ${options.seconds} --block-time ${options.blockTime} --rss-seconds ${options.rss.seconds} --rate ${options.rss.blocksPerSecond} --block-kb ${options.rss.fillerBytes / 1024}${nodeArgs}\``
  if (process.platform !== 'linux') return [header, '  skipped (RSS is read from /proc)']
  for (const bin of ['anvil', 'wrangler']) {
    if (!existsSync(join(root, 'node_modules/.bin', bin))) return [header, `  skipped (node_modules/.bin/${bin} is missing; npm install)`]
  }
  const loadBefore = loadavg()[0]
  const latency = await benchGossipLatency(options)
  const rss = await benchGossipRss(options.rss)
  const machine = `  ${availableParallelism()} CPUs, 1-min load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`
  return [header, machine, ...formatLatency(latency), ...formatRss(rss)]
}

/** Nearest-rank percentile of `xs` (undefined when empty). */
export function percentile(xs: readonly number[], p: number): number | undefined {
  if (xs.length === 0) return undefined
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
}

const pad = (s: string | number | undefined, n: number) => String(s ?? '—').padStart(n)
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1)
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED')

function formatLatency(r: GossipLatencyResult): string[] {
  const row = (name: string, xs: number[], target = '') =>
    `    ${name.padEnd(50)}${pad(xs.length, 5)}${pad(percentile(xs, 50), 8)}${pad(percentile(xs, 99), 8)}${pad(xs.length ? Math.max(...xs) : undefined, 8)}  ${target}`
  const p50 = percentile(r.total, 50)
  const p99 = percentile(r.total, 99)
  const met = p50 !== undefined && p99 !== undefined && p50 <= TARGET.p50 && p99 <= TARGET.p99 && r.arrived === r.sealed
  const s = r.relayStatus
  return [
    `  (1) latency, sequencer seal (FCU head) → verifier engine_newPayload: devnet, ${r.blockTime} s blocks, ${r.sealed} blocks measured after ${r.warmup} catch-up blocks, stack up in ${(r.setupMs / 1000).toFixed(0)} s`,
    `    ${'segment (ms from the seal unless stated)'.padEnd(50)}${pad('n', 5)}${pad('p50', 8)}${pad('p99', 8)}${pad('max', 8)}`,
    row('seal → verifier engine_newPayload', r.total, `target p50 ≤ ${TARGET.p50}, p99 ≤ ${TARGET.p99}: ${verdict(met)}`),
    row('  seal → sequencer relay publish returned', r.toSequencerRelay),
    row('  seal → verifier relay accepted (gossipsub)', r.toVerifierRelay),
    row('  verifier relay accepted → engine_newPayload', r.verifierRelayToEngine),
    row('  verifier relay forward (accepted → worker 200)', r.forward),
    `    arrived ${r.arrived}/${r.sealed}; verifier relay /status: accepted ${s.accepted}, delivered ${s.delivered}, queue ${s.depth}, forwardLatencyMs.avg ${s.forwardAvgMs}`,
    ...(r.slowest === undefined
      ? []
      : [
          `    slowest: block ${r.slowest.number} (${r.slowest.secondsIn} s in) ${r.slowest.totalMs} ms, ${r.slowest.toVerifierRelayMs ?? '—'} ms of it to the verifier relay; verifier engine calls while it waited: ${r.slowest.engineCallsBefore.join(', ') || 'none'}`,
        ]),
  ]
}

function formatRss(r: GossipRssResult): string[] {
  const { seconds, blocksPerSecond } = r.options
  const recv = r.receiver
  const noGrowth = recv.depth === 0 && recv.dropped === 0 && recv.delivered === recv.accepted
  const row = (name: string, t: { start: number; peak: number; end: number }, target = '') => `    ${name.padEnd(12)}${pad(mb(t.start), 10)}${pad(mb(t.peak), 9)}${pad(mb(t.end), 8)}  ${target}`
  const refused = Object.entries(r.publishRefused).map(([k, n]) => `${k} ×${n}`).join(', ') || 'none'
  const every = Math.max(1, Math.round(r.samplesMb.length / 12))
  return [
    `  (2) relay RSS (VmRSS), ${blocksPerSecond} blocks/s for ${seconds} s through POST /publish → gossipsub → receiver → 200 ingress, ${(r.messageBytes / 1024).toFixed(1)} KiB messages`,
    `    ${'relay'.padEnd(12)}${pad('start MB', 10)}${pad('peak MB', 9)}${pad('end MB', 8)}`,
    row('receiver', recv.rss, `target ≤ ${TARGET.rssMb} MB: ${verdict(recv.rss.peak <= TARGET.rssMb * 2 ** 20)}`),
    row('publisher', r.publisher.rss),
    `    published ${r.published}/${r.sent} in ${(r.streamMs / 1000).toFixed(1)} s (refused: ${refused}); receiver accepted ${recv.accepted}, forwarded ${recv.delivered}, dropped ${recv.dropped}, retries ${recv.retries}, queue at end ${recv.depth} (no growth: ${verdict(noGrowth)}), forward avg ${recv.forwardAvgMs} ms; ingress got ${r.ingressed}`,
    `    receiver RSS every ${every} s, MB: ${r.samplesMb.filter((_, i) => i % every === 0).map((m) => m.toFixed(0)).join(' ')}`,
  ]
}

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : dflt
}

if (import.meta.main) {
  const d = DEFAULT_GOSSIP_OPTIONS
  const options: GossipBenchOptions = {
    seconds: arg('--seconds', d.seconds),
    blockTime: arg('--block-time', d.blockTime),
    rss: {
      seconds: arg('--rss-seconds', d.rss.seconds),
      blocksPerSecond: arg('--rate', d.rss.blocksPerSecond),
      fillerBytes: Math.round(arg('--block-kb', d.rss.fillerBytes / 1024) * 1024),
      relayNodeArgs: process.argv.includes('--relay-node-args') ? process.argv[process.argv.indexOf('--relay-node-args') + 1].split(' ').filter(Boolean) : undefined,
    },
  }
  for (const line of await benchGossip(options)) console.log(line)
}
