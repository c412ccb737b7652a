/**
 * The relay's HTTP API on one relay: `/signer` (HMAC, refreshing the unsafe-block signer), `/healthz`, routing errors
 * and body limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_PUBLISH_SIZE } from '../../gossip-relay/gossip-options.ts'
import type { Relay } from '../../gossip-relay/relay.ts'
import { addressOf, OTHER_KEY, signedBlock } from '../unit/p2p/gossip-block-fixtures.ts'
import { DEVNET, nowSeconds, postSigned, startRelay } from './support.ts'

const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v))

describe('relay HTTP API', () => {
  let relay: Relay
  beforeAll(async () => {
    relay = await startRelay()
  })
  afterAll(async () => {
    await relay?.stop()
  })

  it('default: GET /healthz', async () => {
    const res = await fetch(`${relay.http.url}/healthz`)
    expect([res.status, await res.text()]).toEqual([200, 'ok'])
  })

  it('behavior: POST /signer replaces the unsafe-block signer; blocks are then checked against it', async () => {
    const other = `0x${Buffer.from(addressOf(OTHER_KEY)).toString('hex')}`
    expect(await postSigned(`${relay.http.url}/signer`, encode({ signer: other.toUpperCase().replace('0X', '0x') }))).toEqual({
      status: 200,
      json: { signer: other },
    })
    expect(relay.status().signer).toBe(other)
    // A block by the devnet sequencer is now a wrong signer; one by the new key passes (and has no peers: 0 recipients).
    const bySequencer = signedBlock({ version: 4, number: 10, timestamp: nowSeconds(), seed: 10 })
    expect((await postSigned(`${relay.http.url}/publish`, bySequencer.data)).json).toEqual({
      error: 'wrong-signer',
      result: 'reject',
    })
    const byOther = signedBlock({ version: 4, number: 11, timestamp: nowSeconds(), seed: 11, key: OTHER_KEY })
    expect((await postSigned(`${relay.http.url}/publish`, byOther.data)).json).toMatchObject({ recipients: 0, number: 11 })
    // The zero address means "no signer": every block is IGNOREd, as in op-node.
    await postSigned(`${relay.http.url}/signer`, encode({ signer: `0x${'00'.repeat(20)}` }))
    const another = signedBlock({ version: 4, number: 12, timestamp: nowSeconds(), seed: 12, key: OTHER_KEY })
    expect(await postSigned(`${relay.http.url}/publish`, another.data)).toEqual({
      status: 409,
      json: { error: 'no-signer', result: 'ignore' },
    })
    await postSigned(`${relay.http.url}/signer`, encode({ signer: DEVNET.unsafeBlockSigner }))
    expect(relay.status().signer).toBe(DEVNET.unsafeBlockSigner)
  })

  it('error: POST /signer needs the HMAC and a 20-byte address', async () => {
    const body = encode({ signer: DEVNET.unsafeBlockSigner })
    const wrong = await postSigned(`${relay.http.url}/signer`, body, { secret: new TextEncoder().encode('x'.repeat(20)) })
    expect(wrong).toEqual({ status: 401, json: { error: 'unauthorized', reason: 'bad-signature' } })
    for (const bad of [encode({ signer: '0x1234' }), encode({}), new TextEncoder().encode('not json')]) {
      expect((await postSigned(`${relay.http.url}/signer`, bad)).status).toBe(400)
    }
    expect(relay.status().signer).toBe(DEVNET.unsafeBlockSigner)
  })

  it('error: unknown paths are 404, wrong methods 405', async () => {
    expect((await fetch(`${relay.http.url}/nope`)).status).toBe(404)
    const get = await fetch(`${relay.http.url}/publish`)
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST'])
    expect((await fetch(`${relay.http.url}/status`, { method: 'POST' })).status).toBe(405)
  })

  it('error: bodies over the limits are 413', async () => {
    // More than the 4 MiB libp2p can send (but within the 10 MiB gossip limit): refused before validation.
    const big = new Uint8Array(MAX_PUBLISH_SIZE + 1)
    expect(await postSigned(`${relay.http.url}/publish`, big)).toEqual({ status: 413, json: { error: 'too-large-to-publish' } })
    // More than /signer reads at all.
    const huge = new Uint8Array(64 * 1024)
    expect(await postSigned(`${relay.http.url}/signer`, huge)).toEqual({ status: 413, json: { error: 'body-too-large' } })
    expect(relay.status().counts.publishRefused['too-large-to-publish']).toBe(1)
  })
})
