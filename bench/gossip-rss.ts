/**
 * Relay memory under a steady block stream (issue #5: RSS ≤ 150 MB at 10 blocks/s for 60 s). A publishing relay is
 * peered with a receiving relay whose ingress is a local HTTP server answering 200; valid signed blocks, stamped with
 * the current time so they pass op-node's [now − 60 s, now + 5 s] window, with consecutive numbers, go to the
 * publisher's `POST /publish` at a fixed rate. Both relays' VmRSS is sampled every second; the receiver is the one the
 * target is about (it validates, keeps seen blocks and queues every block for the Worker).
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { devnetConfig } from '../shared/config/chains.ts'
import { signIngress } from '../shared/p2p/ingress-auth.ts'
import { until } from '../test/devnet/stack.ts'
import { genesisRef } from '../test/support/chain-harness.ts'
import { spawnRelayProcess, type RelayProcess } from './gossip-relay-process.ts'
import { streamBlock } from './gossip-stream-block.ts'

export type GossipRssOptions = {
  seconds: number
  blocksPerSecond: number
  fillerBytes: number
  /** Node flags for the receiving relay (e.g. `--max-old-space-size=64`); none by default. */
  relayNodeArgs?: string[]
}

/** RSS in bytes: before the stream, the highest sample, after it. */
export type RssTrace = { start: number; peak: number; end: number }

export type GossipRssResult = {
  options: GossipRssOptions
  messageBytes: number
  sent: number
  published: number
  publishRefused: Record<string, number>
  /** Blocks the ingress server received. */
  ingressed: number
  receiver: { rss: RssTrace; accepted: number; delivered: number; dropped: number; retries: number; depth: number; forwardAvgMs: number | null }
  publisher: { rss: RssTrace }
  /** The receiver's RSS at each second of the stream, MB. */
  samplesMb: number[]
  /** Wall time the stream took (it should be `seconds`). */
  streamMs: number
}

export async function benchGossipRss(options: GossipRssOptions): Promise<GossipRssResult> {
  // Any genesis will do: the relays check each block's own hash and signature, never its parent.
  const genesis = genesisRef()
  const config = devnetConfig({ l1: genesis.l1Origin, l2: { hash: genesis.hash, number: 0 }, l2Time: genesis.timestamp })
  const secret = randomBytes(24).toString('hex')
  let ingressed = 0
  const ingress = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      ingressed++
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"result":"accept"}')
    })
  })
  await new Promise<void>((r) => ingress.listen(0, '127.0.0.1', r))
  const relays: RelayProcess[] = []
  try {
    const receiver = await spawnRelayProcess(config, { ingress: `http://127.0.0.1:${(ingress.address() as AddressInfo).port}`, secret, nodeArgs: options.relayNodeArgs })
    relays.push(receiver)
    const publisher = await spawnRelayProcess(config, { ingress: 'http://127.0.0.1:9', secret, peers: receiver.multiaddrs })
    relays.push(publisher)
    const first = streamBlock(config, genesis, nowSeconds(), options.fillerBytes)
    await until('the publisher to have the receiver in its mesh', 30_000, async () => (((await publisher.status()).mesh[first.topic] ?? 0) > 0 ? true : undefined))
    // Let both processes settle after start-up before the baseline sample.
    await new Promise((r) => setTimeout(r, 2_000))
    const trace = (p: RelayProcess) => {
      const start = p.rss() ?? 0
      return { start, peak: start, end: start }
    }
    const rss = { receiver: trace(receiver), publisher: trace(publisher) }
    const samplesMb: number[] = []
    const sample = () => {
      for (const [p, t] of [[receiver, rss.receiver], [publisher, rss.publisher]] as const) {
        t.end = p.rss() ?? t.end
        t.peak = Math.max(t.peak, t.end)
      }
      samplesMb.push(rss.receiver.end / 2 ** 20)
    }
    const sampler = setInterval(sample, 1_000)

    const count = options.seconds * options.blocksPerSecond
    const refused: Record<string, number> = {}
    let published = 0
    let parent = genesis
    const started = Date.now()
    for (let i = 0; i < count; i++) {
      // Paced on absolute times, so a slow request delays the next block but not the whole stream.
      const due = started + (i * 1000) / options.blocksPerSecond
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()))
      const block = i === 0 ? first : streamBlock(config, parent, nowSeconds(), options.fillerBytes)
      const res = await fetch(`${publisher.http}/publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', 'x-op-edge-topic': block.topic, ...signIngress(secret, block.data, Date.now() / 1000) },
        body: block.data,
      })
      const body = (await res.json()) as { error?: string }
      if (res.ok) published++
      else refused[`${res.status} ${body.error}`] = (refused[`${res.status} ${body.error}`] ?? 0) + 1
      parent = block.ref
    }
    const streamMs = Date.now() - started
    // Drained: everything accepted was forwarded (a queue that keeps up is empty a moment after the last block).
    await until('the receiver to drain', 10_000, async () => {
      const st = await receiver.status()
      return st.queue.depth === 0 && st.queue.delivered + st.queue.dropped + st.queue.refused >= st.counts.accepted ? true : undefined
    }).catch(() => undefined)
    clearInterval(sampler)
    sample()
    const st = await receiver.status()
    return {
      options,
      messageBytes: first.data.length,
      sent: count,
      published,
      publishRefused: refused,
      ingressed,
      receiver: {
        rss: rss.receiver,
        accepted: st.counts.accepted,
        delivered: st.queue.delivered,
        dropped: st.queue.dropped,
        retries: st.queue.retries,
        depth: st.queue.depth,
        forwardAvgMs: st.forwardLatencyMs.avg,
      },
      publisher: { rss: rss.publisher },
      samplesMb,
      streamMs,
    }
  } finally {
    await Promise.all(relays.map((r) => r.stop()))
    await new Promise((r) => ingress.close(r))
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}
