/**
 * Gossip latency on localhost (issue #5), over the real devnet path of test/e2e/gossip.test.ts: a sequencer node
 * publishes each sealed block through its relay, a second relay receives it over gossipsub and forwards it to the
 * verifier's `POST /p2p/blocks`, whose Durable Object inserts it into the verifier's engine.
 *
 * A block's latency is the time the verifier's engine got `engine_newPayload*` for its hash minus the time the
 * sequencer's engine got the `engine_forkchoiceUpdated*` that made it head (the seal). Both development engines run in
 * this process and log calls with `Date.now()`; the relays log with `Date.now()` on the same machine, so the split
 * (seal → sequencer relay published, → verifier relay accepted, → verifier engine) shares one clock too.
 */
import { randomBytes } from 'node:crypto'
import { toHex } from '../shared/bytes.ts'
import type { DevEngine } from '../test/devnet/dev-engine.ts'
import { startNode, startStack, until, type DevnetNode, type Stack } from '../test/devnet/stack.ts'
import { DEVNET_SEQUENCER_KEY } from '../test/support/unsafe-chain.ts'
import { spawnRelayProcess, type RelayBlockEvent, type RelayProcess } from './gossip-relay-process.ts'

export type GossipLatencyOptions = {
  /** How long blocks are measured once the sequencer seals at its slot times. */
  seconds: number
  /** L2 block time in seconds (the devnet's is 2; 1 gives twice the samples). */
  blockTime: number
}

/** Milliseconds per measured block, one array per segment; a block missing an event is left out of that segment. */
export type GossipLatencyResult = {
  blockTime: number
  /** Blocks sealed in the window, and how many of them reached the verifier's engine. */
  sealed: number
  arrived: number
  /** Blocks the sequencer caught up on at start (sealed back to back, not measured). */
  warmup: number
  total: number[]
  toSequencerRelay: number[]
  toVerifierRelay: number[]
  verifierRelayToEngine: number[]
  /** Verifier relay: gossip accept → the worker's 200 (which it answers after the DO's newPayload + FCU). */
  forward: number[]
  relayStatus: { accepted: number; delivered: number; depth: number; forwardAvgMs: number | null }
  /** The slowest block, and the verifier engine calls made while it was between the verifier relay and the engine. */
  slowest: { number: number; secondsIn: number; totalMs: number; toVerifierRelayMs?: number; engineCallsBefore: string[] } | undefined
  setupMs: number
}

export async function benchGossipLatency(options: GossipLatencyOptions): Promise<GossipLatencyResult> {
  const secret = randomBytes(24).toString('hex')
  const started = Date.now()
  const relays: RelayProcess[] = []
  let stack: Stack | undefined
  let sequencer: DevnetNode | undefined
  try {
    stack = await startStack({ l1BlockTime: 1, configure: (c) => ({ ...c, blockTime: options.blockTime, seqWindowSize: 3_600 }), env: { RELAY_SECRET: secret } })
    const verifierRelay = await spawnRelayProcess(stack.config, { ingress: stack.worker, secret })
    relays.push(verifierRelay)
    const sequencerRelay = await spawnRelayProcess(stack.config, { ingress: 'http://127.0.0.1:9', secret, peers: verifierRelay.multiaddrs })
    relays.push(sequencerRelay)
    sequencer = await startNode(stack, {
      env: { ROLE: 'sequencer', SEQUENCER_KEY: toHex(DEVNET_SEQUENCER_KEY), SEQUENCER_ENABLED: 'true', SEQUENCER_L1_CONFS: '0', RELAY_URL: sequencerRelay.http, RELAY_SECRET: secret },
    })
    await until('the relays to peer', 30_000, async () => ((await sequencerRelay.status()).peers > 0 ? true : undefined))
    await stack.tick()
    await sequencer.tick()
    const seqEngine = sequencer.engine
    // Missed slots since genesis are sealed back to back; measure only blocks sealed at their slot time.
    const first = await until('the sequencer to reach its slot time', 120_000, async () => {
      const head = seqEngine.head()
      return head.number > 0 && head.timestamp * 1000 >= Date.now() - 1_000 ? head.number + 1 : undefined
    })
    const setupMs = Date.now() - started
    await new Promise((r) => setTimeout(r, options.seconds * 1000))
    const last = seqEngine.head().number
    // Let the last blocks arrive (a second is far beyond the target p99).
    const v = stack.engine
    await until('the verifier to follow', 10_000, async () => (v.head().number >= last ? true : undefined)).catch(() => undefined)
    // The relay counts a block delivered when the worker answers, just after its engine calls.
    const status = await until('the verifier relay to drain', 5_000, async () => {
      const st = await verifierRelay.status()
      return st.queue.depth === 0 ? st : undefined
    }).catch(() => verifierRelay.status())
    return {
      ...measure(seqEngine, v, sequencerRelay.events, verifierRelay.events, first, last),
      blockTime: options.blockTime,
      warmup: first - 1,
      relayStatus: { accepted: status.counts.accepted, delivered: status.queue.delivered, depth: status.queue.depth, forwardAvgMs: status.forwardLatencyMs.avg },
      setupMs,
    }
  } finally {
    await Promise.all(relays.map((r) => r.stop()))
    await sequencer?.stop()
    await stack?.stop()
  }
}

/** One measured block: times in ms since the epoch, from the engines' call logs and the relays' logs. */
type BlockTimes = { number: number; sealed: number; published?: number; received?: number; arrived?: number; forwardMs?: number }

function measure(seq: DevEngine, verifier: DevEngine, seqRelay: RelayBlockEvent[], verifierRelay: RelayBlockEvent[], first: number, last: number) {
  const firstCall = (engine: DevEngine, prefix: string, hashOf: (params: unknown[]) => unknown) => {
    const at = new Map<string, number>()
    for (const c of engine.calls()) {
      if (!c.method.startsWith(prefix)) continue
      const hash = hashOf(c.params)
      if (typeof hash === 'string' && !at.has(hash)) at.set(hash, c.at)
    }
    return at
  }
  const sealedAt = firstCall(seq, 'engine_forkchoiceUpdated', (p) => (p[0] as { headBlockHash?: string } | undefined)?.headBlockHash)
  const arrivedAt = firstCall(verifier, 'engine_newPayload', (p) => (p[0] as { blockHash?: string } | undefined)?.blockHash)
  const eventAt = (events: RelayBlockEvent[], event: RelayBlockEvent['event']) => new Map(events.filter((e) => e.event === event).map((e) => [e.hash, e] as const))
  const published = eventAt(seqRelay, 'publish-accepted')
  const received = eventAt(verifierRelay, 'block-accepted')
  const delivered = eventAt(verifierRelay, 'forward-delivered')
  const blocks: BlockTimes[] = []
  for (let n = first; n <= last; n++) {
    const hash = seq.block(n)?.hash
    const sealed = hash === undefined ? undefined : sealedAt.get(hash)
    if (hash === undefined || sealed === undefined) continue
    blocks.push({ number: n, sealed, published: published.get(hash)?.at, received: received.get(hash)?.at, arrived: arrivedAt.get(hash), forwardMs: delivered.get(hash)?.latencyMs })
  }
  const span = (from: keyof BlockTimes, to: keyof BlockTimes) => blocks.flatMap((b) => (b[from] === undefined || b[to] === undefined ? [] : [b[to]! - b[from]!]))
  return {
    sealed: blocks.length,
    arrived: blocks.filter((b) => b.arrived !== undefined).length,
    total: span('sealed', 'arrived'),
    toSequencerRelay: span('sealed', 'published'),
    toVerifierRelay: span('sealed', 'received'),
    verifierRelayToEngine: span('received', 'arrived'),
    forward: blocks.flatMap((b) => (b.forwardMs === undefined ? [] : [b.forwardMs])),
    slowest: slowest(blocks, verifier),
  }
}

/** The block that took longest, with what the verifier's engine was asked between the relay's accept and its newPayload. */
function slowest(blocks: BlockTimes[], verifier: DevEngine): GossipLatencyResult['slowest'] {
  const b = blocks.filter((x) => x.arrived !== undefined).sort((x, y) => y.arrived! - y.sealed - (x.arrived! - x.sealed))[0]
  if (b === undefined) return undefined
  const between = new Map<string, number>()
  for (const c of verifier.calls()) {
    if (b.received !== undefined && c.at > b.received && c.at < b.arrived!) between.set(c.method, (between.get(c.method) ?? 0) + 1)
  }
  return {
    number: b.number,
    secondsIn: Math.round((b.sealed - blocks[0].sealed) / 1000),
    totalMs: b.arrived! - b.sealed,
    toVerifierRelayMs: b.received === undefined ? undefined : b.received - b.sealed,
    engineCallsBefore: [...between].map(([m, n]) => `${m} ×${n}`),
  }
}
