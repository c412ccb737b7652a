/**
 * Two real relays on 127.0.0.1 exchanging signed blocks over gossipsub (PROTOCOL.md §5): every topic version, the
 * op-node message id on the wire, ACCEPT → forwarded to the ingress with a valid HMAC, IGNORE of an already-seen block,
 * REJECT (and the sender's score) for a bad signature, and `/publish`.
 */
import { compress, uncompress } from 'snappyjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GossipsubMessage } from '@libp2p/gossipsub'
import { toHex } from '../../shared/bytes.ts'
import { gossipMessageId } from '../../shared/p2p/message-id.ts'
import { blockTopic } from '../../shared/p2p/topics.ts'
import { TOPIC_HEADER } from '../../gossip-relay/forwarder.ts'
import type { Relay } from '../../gossip-relay/relay.ts'
import { OTHER_KEY, signedBlock } from '../unit/p2p/gossip-block-fixtures.ts'
import { connect, DEVNET, nowSeconds, postSigned, startRelay, TestIngress, TOPICS, waitFor } from './support.ts'

const VERSIONS = [1, 2, 3, 4] as const
/** The secp256k1 group order. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/** The same block under a different (still valid) signature: s → n − s, y-parity flipped. */
function malleate(data: Uint8Array): Uint8Array {
  const raw = uncompress(data)
  const s = BigInt(toHex(raw.subarray(32, 64)))
  const flipped = (N - s).toString(16).padStart(64, '0')
  raw.set(Buffer.from(flipped, 'hex'), 32)
  raw[64] ^= 1
  return compress(raw)
}

describe('two relays', () => {
  let a: Relay
  let b: Relay
  let ingressA: TestIngress
  let ingressB: TestIngress
  const seenOnB: { msgId: string; topic: string; data: Uint8Array }[] = []

  beforeAll(async () => {
    ingressA = await new TestIngress().start()
    ingressB = await new TestIngress().start()
    a = await startRelay({ ingressUrl: ingressA.url })
    b = await startRelay({ ingressUrl: ingressB.url })
    b.node.services.pubsub.addEventListener('gossipsub:message', (e: CustomEvent<GossipsubMessage>) => {
      seenOnB.push({ msgId: e.detail.msgId, topic: e.detail.msg.topic, data: e.detail.msg.data })
    })
    await connect(a, b)
  })

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    await Promise.all([ingressA?.stop(), ingressB?.stop()])
  })

  it('default: a block published on each of the four topics reaches the other relay and its ingress', async () => {
    const blocks = VERSIONS.map((version) => ({
      version,
      topic: blockTopic(DEVNET.l2ChainId, version),
      ...signedBlock({ version, number: 1000 + version, timestamp: nowSeconds(), seed: version }),
    }))
    for (const blk of blocks) {
      const res = await postSigned(`${a.http.url}/publish`, blk.data, { headers: { [TOPIC_HEADER]: blk.topic } })
      expect(res).toEqual({
        status: 200,
        json: { topic: blk.topic, recipients: 1, number: blk.payload.blockNumber, hash: toHex(blk.payload.blockHash) },
      })
    }
    await waitFor(() => ingressB.delivered.length === 4, 'four blocks at B’s ingress')
    for (const blk of blocks) {
      const req = ingressB.delivered.find((r) => r.headers[TOPIC_HEADER] === blk.topic)!
      expect(req.path).toBe('/p2p/blocks')
      expect(req.headers['content-type']).toBe('application/octet-stream')
      expect(req.body).toEqual(blk.data)
    }
    // Our own published blocks are not forwarded to our own ingress (the sequencer made them).
    expect(ingressA.requests).toEqual([])
    expect(b.status().counts).toMatchObject({ accepted: 4, ignored: {}, rejected: {} })
    expect(a.status().counts).toMatchObject({ accepted: 0, published: 4 })
  })

  it('behavior: §5 the message id on the wire is op-node’s sha256(domain ‖ len(topic) ‖ topic ‖ data)[:20]', () => {
    expect(seenOnB.length).toBe(4)
    for (const m of seenOnB) {
      expect(m.msgId).toBe(Buffer.from(gossipMessageId(m.topic, m.data)).toString('hex'))
    }
  })

  it('behavior: the same block again under another valid signature is IGNOREd (seen) and not forwarded', async () => {
    const blk = signedBlock({ version: 4, number: 2000, timestamp: nowSeconds(), seed: 20 })
    const res = await postSigned(`${a.http.url}/publish`, blk.data)
    expect(res.json).toMatchObject({ topic: TOPICS[3], recipients: 1 })
    await waitFor(() => ingressB.delivered.length === 5, 'the block at B’s ingress')
    // A new message id (different bytes), so gossipsub hands it to the validator; the block hash is already seen.
    const copy = malleate(blk.data)
    await a.node.services.pubsub.publish(TOPICS[3], copy)
    await waitFor(() => b.status().counts.ignored.duplicate === 1, 'B to ignore the duplicate')
    expect(ingressB.delivered.length).toBe(5)
    // A's own validator remembers what it published: publishing the copy through /publish is refused the same way.
    expect(await postSigned(`${a.http.url}/publish`, copy)).toEqual({
      status: 409,
      json: { error: 'duplicate', result: 'ignore' },
    })
  })

  it('behavior: /publish picks the topic from the payload timestamp when no topic header is sent', async () => {
    const blk = signedBlock({ version: 4, number: 3000, timestamp: nowSeconds(), seed: 30 })
    expect((await postSigned(`${a.http.url}/publish`, blk.data)).json.topic).toBe(TOPICS[3])
    // On devnet every fork is active, so a v1 layout does not match its timestamp's fork and needs the header.
    const v1 = signedBlock({ version: 1, number: 3001, timestamp: nowSeconds(), seed: 31 })
    expect(await postSigned(`${a.http.url}/publish`, v1.data)).toEqual({ status: 400, json: { error: 'undecodable' } })
  })

  it('error: /publish with a bad HMAC is 401 and publishes nothing', async () => {
    const blk = signedBlock({ version: 4, number: 4000, timestamp: nowSeconds(), seed: 40 })
    const before = a.status().counts.published
    const wrong = await postSigned(`${a.http.url}/publish`, blk.data, {
      secret: new TextEncoder().encode('not-the-relay-secret-000'),
    })
    expect(wrong).toEqual({ status: 401, json: { error: 'unauthorized', reason: 'bad-signature' } })
    const stale = await postSigned(`${a.http.url}/publish`, blk.data, { now: nowSeconds() - 120 })
    expect(stale).toEqual({ status: 401, json: { error: 'unauthorized', reason: 'stale' } })
    const bare = await fetch(`${a.http.url}/publish`, { method: 'POST', body: blk.data })
    expect(bare.status).toBe(401)
    expect(await bare.json()).toEqual({ error: 'unauthorized', reason: 'missing-headers' })
    expect(a.status().counts.published).toBe(before)
  })

  it('error: /publish refuses invalid blocks with the validation reason (422) before any peer sees them', async () => {
    const forged = signedBlock({ version: 4, number: 5000, timestamp: nowSeconds(), seed: 50, key: OTHER_KEY })
    expect(await postSigned(`${a.http.url}/publish`, forged.data)).toEqual({
      status: 422,
      json: { error: 'wrong-signer', result: 'reject' },
    })
    const old = signedBlock({ version: 4, number: 5001, timestamp: nowSeconds() - 61, seed: 51 })
    expect((await postSigned(`${a.http.url}/publish`, old.data)).json).toEqual({ error: 'timestamp-too-old', result: 'reject' })
    expect(
      (await postSigned(`${a.http.url}/publish`, old.data, { headers: { [TOPIC_HEADER]: '/optimism/10/3/blocks' } })).json,
    ).toEqual({ error: 'unknown-topic' })
    expect(b.status().counts.rejected).toEqual({})
  })

  it('behavior: /status reports identity, peers, mesh, counts, forwarding and the queue', async () => {
    const s = b.status()
    expect(s.peerId).toMatch(/^16Uiu2/)
    expect(s.multiaddrs[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/16Uiu2/)
    expect(s.peers).toBe(1)
    expect(s.mesh).toEqual(Object.fromEntries(TOPICS.map((t) => [t, 1])))
    expect(s.counts).toMatchObject({ accepted: 6, ignored: { duplicate: 1 }, rejected: {} })
    expect(s.lastForwarded).toMatchObject({ number: 3000 })
    expect(s.lastForwarded!.hash).toMatch(/^0x[0-9a-f]{64}$/)
    expect(s.forwardLatencyMs.last).toBeGreaterThanOrEqual(0)
    expect(s.forwardLatencyMs.avg).toBeGreaterThanOrEqual(0)
    expect(s.queue).toMatchObject({ depth: 0, dropped: 0, delivered: 6 })
    expect(s.signer).toBe(DEVNET.unsafeBlockSigner)
    // Over HTTP, the same document.
    const res = await fetch(`${b.http.url}/status`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ peerId: s.peerId, peers: 1, queue: { depth: 0 } })
  })

  it('behavior: §5 stale, wrong-topic-version, oversize and undecodable messages are rejected as op-node does; the invalid-snappy message id uses the raw domain', async () => {
    const rejected = () => ({ ...b.status().counts.rejected })
    const forwarded = ingressB.delivered.length
    // Stale: older than now − 60 s.
    await a.node.services.pubsub.publish(TOPICS[3], signedBlock({ version: 4, number: 7000, timestamp: nowSeconds() - 61, seed: 70 }).data)
    await waitFor(() => rejected()['timestamp-too-old'] === 1, 'B to reject the stale block')
    // A v4 (Isthmus) payload on the v3 topic: decoded with the v3 layout it is not the block that was signed.
    await a.node.services.pubsub.publish(TOPICS[2], signedBlock({ version: 4, number: 7001, timestamp: nowSeconds(), seed: 71 }).data)
    await waitFor(() => Object.values(rejected()).reduce((x, y) => x + y, 0) >= 2, 'B to reject the wrong-version block')
    // Oversize: a valid snappy block whose decoded length is over 10 MiB (compressed it is small enough to send).
    await a.node.services.pubsub.publish(TOPICS[3], compress(new Uint8Array(10 * (1 << 20) + 1)))
    await waitFor(() => rejected()['too-large'] === 1, 'B to reject the oversize message')
    // Not snappy at all: rejected, and its message id is computed over the raw bytes with domain 0x00000000.
    const garbage = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3])
    await a.node.services.pubsub.publish(TOPICS[3], garbage)
    await waitFor(() => rejected()['snappy-invalid'] === 1, 'B to reject the undecodable message')
    const seen = (b.node.services.pubsub as unknown as { seenCache: { has(id: string): boolean } }).seenCache
    expect(seen.has(Buffer.from(gossipMessageId(TOPICS[3], garbage)).toString('hex'))).toBe(true)
    expect(ingressB.delivered.length).toBe(forwarded)
  })

  // Last: the REJECT graylists A at B (score −100 < −40), so B ignores A from here on.
  it('behavior: §5 a block with a wrong signature is REJECTed, not forwarded, and costs the sender its score', async () => {
    const forwarded = ingressB.delivered.length
    const forged = signedBlock({ version: 3, number: 6000, timestamp: nowSeconds(), seed: 60, key: OTHER_KEY })
    await a.node.services.pubsub.publish(TOPICS[2], forged.data)
    await waitFor(() => b.status().counts.rejected['wrong-signer'] === 1, 'B to reject the block')
    const corrupt = uncompress(signedBlock({ version: 3, number: 6001, timestamp: nowSeconds(), seed: 61 }).data)
    corrupt[64] = 9 // recovery id out of range
    await a.node.services.pubsub.publish(TOPICS[2], compress(corrupt))
    await new Promise((r) => setTimeout(r, 300))
    expect(ingressB.delivered.length).toBe(forwarded)
    expect((b.node.services.pubsub as unknown as { getScore(p: string): number }).getScore(a.peerId)).toBeLessThan(-40)
  })
})
