/**
 * Forwarding accepted blocks to the Worker ingress (`POST <ingress>/p2p/blocks`): wire format, HMAC, retries while
 * the Worker is unreachable or failing, no retry on 4xx, and the bounded queue.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { verifyIngress } from '../../shared/p2p/ingress-auth.ts'
import { type ForwardItem, IngressForwarder, TOPIC_HEADER } from '../../gossip-relay/forwarder.ts'
import { type Logger, silentLogger } from '../../gossip-relay/log.ts'
import type { Relay } from '../../gossip-relay/relay.ts'
import { signedBlock } from '../unit/p2p/gossip-block-fixtures.ts'
import { connect, nowSeconds, postSigned, SECRET, startRelay, TestIngress, TOPICS, waitFor } from './support.ts'

function item(n: number): ForwardItem {
  return { topic: TOPICS[3], data: Uint8Array.of(n, 1, 2, 3), blockNumber: n, blockHash: `0x${n}`, acceptedAt: Date.now() }
}

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

async function setup(opts: { capacity?: number; log?: Logger; path?: string } = {}) {
  const ingress = await new TestIngress().start()
  cleanup.push(() => ingress.stop())
  const forwarder = new IngressForwarder({
    ingressUrl: new URL(`${ingress.url.href.replace(/\/$/, '')}${opts.path ?? ''}`),
    secret: SECRET,
    log: opts.log ?? silentLogger,
    capacity: opts.capacity,
    baseDelayMs: 20,
    maxDelayMs: 100,
  })
  cleanup.push(() => forwarder.stop())
  return { ingress, forwarder }
}

describe('IngressForwarder', () => {
  it('default: POSTs the raw message with the topic header and an HMAC, in order', async () => {
    const { ingress, forwarder } = await setup()
    for (const n of [1, 2, 3]) forwarder.enqueue(item(n))
    await waitFor(() => forwarder.stats().delivered === 3, 'three deliveries')
    expect(ingress.requests.map((r) => [r.path, r.body[0], r.authOk])).toEqual([
      ['/p2p/blocks', 1, true],
      ['/p2p/blocks', 2, true],
      ['/p2p/blocks', 3, true],
    ])
    const { headers, body } = ingress.requests[0]
    expect(headers['content-type']).toBe('application/octet-stream')
    expect(headers[TOPIC_HEADER]).toBe(TOPICS[3])
    expect(verifyIngress(SECRET, body, headers, nowSeconds())).toEqual({ ok: true })
    expect(forwarder.stats()).toMatchObject({ depth: 0, dropped: 0, delivered: 3, refused: 0, retries: 0 })
    expect(forwarder.stats().lastForwarded).toMatchObject({ number: 3, hash: '0x3' })
  })

  it('args: an ingress URL with a path keeps it (<ingress>/p2p/blocks)', async () => {
    const { ingress, forwarder } = await setup({ path: '/chain/901' })
    forwarder.enqueue(item(1))
    await waitFor(() => forwarder.stats().delivered === 1, 'delivery')
    expect(ingress.requests[0].path).toBe('/chain/901/p2p/blocks')
  })

  it('behavior: while the Worker is unreachable blocks wait, and are delivered in order when it comes back', async () => {
    const { ingress, forwarder } = await setup()
    await ingress.stop()
    for (const n of [1, 2]) forwarder.enqueue(item(n))
    await waitFor(() => forwarder.stats().retries >= 3, 'retries')
    expect(forwarder.stats()).toMatchObject({ depth: 2, delivered: 0 })
    await ingress.start()
    await waitFor(() => forwarder.stats().delivered === 2, 'delivery after the Worker is back')
    expect(ingress.delivered.map((r) => r.body[0])).toEqual([1, 2])
    expect(forwarder.stats().depth).toBe(0)
  })

  it('behavior: 5xx is retried, 4xx is not', async () => {
    const { ingress, forwarder } = await setup()
    ingress.status = 503
    forwarder.enqueue(item(1))
    await waitFor(() => ingress.requests.length >= 2, 'a retry after 503')
    ingress.status = 400
    await waitFor(() => forwarder.stats().refused === 1, 'the 400 to be final')
    ingress.status = 200
    forwarder.enqueue(item(2))
    await waitFor(() => forwarder.stats().delivered === 1, 'the next block')
    expect(ingress.requests.filter((r) => r.body[0] === 1).map((r) => r.status).at(-1)).toBe(400)
    expect(ingress.requests.filter((r) => r.status === 400).length).toBe(1)
    expect(forwarder.stats()).toMatchObject({ depth: 0, refused: 1, delivered: 1 })
  })

  it('behavior: a full queue drops its oldest block and counts it', async () => {
    const events: string[] = []
    const { ingress, forwarder } = await setup({ capacity: 3, log: (e) => events.push(e) })
    await ingress.stop()
    for (const n of [1, 2, 3, 4, 5]) forwarder.enqueue(item(n))
    expect(forwarder.stats()).toMatchObject({ depth: 3, dropped: 2 })
    expect(events.filter((e) => e === 'forward-dropped').length).toBe(2)
    await ingress.start()
    await waitFor(() => forwarder.stats().depth === 0, 'the queue to drain')
    const delivered = ingress.delivered.map((r) => r.body[0])
    // The head may have been in flight when the queue overflowed (then it survives and the next oldest goes).
    expect(delivered.slice(-2)).toEqual([4, 5])
    expect(delivered.length).toBe(3)
  })

  it('error: capacity below 2 is refused', () => {
    expect(
      () => new IngressForwarder({ ingressUrl: new URL('http://127.0.0.1:9'), secret: SECRET, log: silentLogger, capacity: 1 }),
    ).toThrow(RangeError)
  })
})

describe('relay forwarding', () => {
  let relays: Relay[] = []
  afterEach(async () => {
    await Promise.all(relays.map((r) => r.stop()))
    relays = []
  })

  it('behavior: a block accepted while the Worker is down is delivered when it comes back', async () => {
    const ingress = await new TestIngress().start()
    cleanup.push(() => ingress.stop())
    await ingress.stop()
    const a = await startRelay()
    const b = await startRelay({ ingressUrl: ingress.url })
    relays = [a, b]
    await connect(a, b)
    const blk = signedBlock({ version: 4, number: 77, timestamp: nowSeconds(), seed: 77 })
    expect((await postSigned(`${a.http.url}/publish`, blk.data)).status).toBe(200)
    await waitFor(() => b.status().queue.retries >= 2, 'B to retry')
    expect(b.status()).toMatchObject({ counts: { accepted: 1 }, queue: { depth: 1, delivered: 0 }, lastForwarded: null })
    await ingress.start()
    await waitFor(() => b.status().queue.delivered === 1, 'delivery')
    expect(ingress.delivered[0].body).toEqual(blk.data)
    expect(b.status().lastForwarded).toMatchObject({ number: 77 })
  })
})
