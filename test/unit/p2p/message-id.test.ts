import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compress } from 'snappyjs'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../shared/bytes.ts'
import { decodeGossipMessage, encodeGossipMessage, type GossipVersion } from '../../../shared/p2p/gossip-envelope.ts'
import { gossipMessageId } from '../../../shared/p2p/message-id.ts'

// Expected ids computed independently with Python's hashlib:
//   sha256(domain ‖ struct.pack('<Q', len(topic)) ‖ topic ‖ data).digest()[:20]
const TOPIC = '/optimism/10/3/blocks'
const hex = (s: string) => fromHex(`0x${s}`)

describe('gossipMessageId', () => {
  it('default: valid snappy → domain 01000000 over the decompressed data', () => {
    // snappy block of "hello gossip": length 12, one 12-byte literal.
    const data = hex('0c2c68656c6c6f20676f73736970')
    expect(toHex(gossipMessageId(TOPIC, data))).toBe('0xa438121d3d21e3b02c29be140823f955ed63b11b')
  })

  it('behavior: invalid snappy → domain 00000000 over the raw data', () => {
    // Declares 5 bytes, the 5-byte literal is cut to 3.
    expect(toHex(gossipMessageId(TOPIC, hex('051068656c')))).toBe('0x817fd5cfe92b589954ba6caa495a754615336ffb')
  })

  it('behavior: declared length > 10 MiB → domain 00000000 over the raw data (never decompressed)', () => {
    expect(toHex(gossipMessageId(TOPIC, hex('8180800500')))).toBe('0xad08429a6be69e4a28e445ee7b9e30081d185dd3')
  })

  it('behavior: no minimum size — an empty decompression is still "valid snappy"', () => {
    expect(toHex(gossipMessageId(TOPIC, hex('00')))).toBe('0xbabd4198f6c0079c3007b7d1e7b134a4f60e4c5b')
  })

  it('behavior: 20 bytes; the topic is hashed (length-prefixed), so another topic gives another id', () => {
    const data = hex('0c2c68656c6c6f20676f73736970')
    expect(gossipMessageId(TOPIC, data)).toHaveLength(20)
    expect(gossipMessageId('/optimism/10/2/blocks', data)).not.toEqual(gossipMessageId(TOPIC, data))
  })

  it('behavior: two compressions of the same message share an id (op-alloy vectors vs snappyjs)', () => {
    type GossipVector = { input: { gossip_data: string } }
    const vectors: GossipVector[] = JSON.parse(
      readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/p2p/gossip-vectors.json'), 'utf8'),
    )
    for (const [i, v] of vectors.entries()) {
      const version = (i + 1) as GossipVersion
      const theirs = fromHex(v.input.gossip_data)
      const ours = encodeGossipMessage(decodeGossipMessage(theirs, version), version)
      expect(toHex(ours)).not.toBe(toHex(theirs))
      const topic = `/optimism/10/${version - 1}/blocks`
      expect(gossipMessageId(topic, ours)).toEqual(gossipMessageId(topic, theirs))
    }
    expect(gossipMessageId(TOPIC, compress(new TextEncoder().encode('hello gossip')))).toEqual(
      gossipMessageId(TOPIC, hex('0c2c68656c6c6f20676f73736970')),
    )
  })
})
