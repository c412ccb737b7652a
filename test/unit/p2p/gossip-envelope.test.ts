import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compress, uncompress } from 'snappyjs'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../shared/bytes.ts'
import { encodeExecutionPayload } from '../../../shared/codec/ssz-payload.ts'
import { DecodeError } from '../../../shared/errors.ts'
import {
  blocksTopic,
  decodeGossipMessage,
  decodeSnappyBlock,
  encodeGossipMessage,
  encodeSignedPayload,
  type GossipVersion,
  MAX_GOSSIP_SIZE,
  splitGossipMessage,
  topicVersionForTimestamp,
} from '../../../shared/p2p/gossip-envelope.ts'
import { recoverSigner, signEnvelope, signingHash } from '../../../shared/p2p/signing-hash.ts'
import { codeOf } from '../../support/decode-error.ts'
import { prng, randomBytes } from '../../support/random.ts'
import { randomPayload } from '../codec/random-payload.ts'

type GossipVector = {
  name: string
  source: string
  input: { gossip_data: string }
  expected: { payload_timestamp: number; roundtrip_identical: boolean }
}
const vectors: GossipVector[] = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/p2p/gossip-vectors.json'), 'utf8'),
)
const VERSIONS: GossipVersion[] = [1, 2, 3, 4]

/** Snappy block with a hand-written uvarint length header and body. */
function snappyWith(length: number[], body: number[]): Uint8Array {
  return Uint8Array.from([...length, ...body])
}

describe('decodeGossipMessage', () => {
  it('default', () => {
    const msg = decodeGossipMessage(fromHex(vectors[0].input.gossip_data), 1)
    expect(msg.payload.timestamp).toBe(1725271882)
    expect(msg.signature.length).toBe(65)
    expect(msg.parentBeaconBlockRoot).toBeUndefined()
  })

  for (const [i, v] of vectors.entries()) {
    const version = (i + 1) as GossipVersion
    it(`behavior: ${v.name} (${v.source.split(':')[0]}) decodes on topic v${version}`, () => {
      const data = fromHex(v.input.gossip_data)
      const msg = decodeGossipMessage(data, version)
      expect(msg.payload.timestamp).toBe(v.expected.payload_timestamp)
      expect(msg.payload.withdrawals).toEqual(version >= 2 ? [] : undefined)
      expect(msg.payload.blobGasUsed).toBe(version >= 3 ? 0n : undefined)
      if (version >= 3) expect(toHex(msg.parentBeaconBlockRoot!)).toBe(`0x${'1234'.padStart(64, '0')}`)
      if (version === 4) expect(toHex(msg.payload.withdrawalsRoot!)).toBe(`0x${'9876'.padStart(64, '0')}`)
      // Signed bytes = everything after the 65-byte signature.
      expect(msg.signedPayloadBytes).toEqual(uncompress(data).subarray(65))
      // Re-encoding reproduces the message content exactly. The compressed bytes themselves differ: op-alloy used Rust
      // `snap`, snappyjs follows C++ snappy's match heuristics — both valid, and gossip message ids hash the
      // decompressed data (PROTOCOL.md §5), so peers see the same message.
      const again = encodeGossipMessage(msg, version)
      expect(toHex(uncompress(again))).toBe(toHex(uncompress(data)))
    })
  }

  it('behavior: §5 message = snappy(signature(65) ‖ [parentBeaconBlockRoot(32), v3/v4] ‖ SSZ payload)', () => {
    const rand = prng(3)
    for (const version of VERSIONS) {
      const payload = randomPayload(rand, version)
      const root = version >= 3 ? randomBytes(rand, 32) : undefined
      const signature = randomBytes(rand, 65)
      const raw = uncompress(encodeGossipMessage({ signature, payload, parentBeaconBlockRoot: root }, version))
      expect(raw.subarray(0, 65)).toEqual(signature)
      const ssz = encodeExecutionPayload(payload, version)
      expect(raw.subarray(65)).toEqual(root ? Uint8Array.from([...root, ...ssz]) : ssz)
    }
  })

  it('behavior: round trip of random messages on every topic version (seeded)', () => {
    const rand = prng(0x9055)
    for (let i = 0; i < 40; i++) {
      const version = VERSIONS[i % 4]
      const payload = randomPayload(rand, version)
      const parentBeaconBlockRoot = version >= 3 ? randomBytes(rand, 32) : undefined
      const signature = randomBytes(rand, 65)
      const msg = decodeGossipMessage(encodeGossipMessage({ signature, payload, parentBeaconBlockRoot }, version), version)
      expect(msg).toEqual({
        signature,
        payload,
        signedPayloadBytes: encodeSignedPayload(payload, version, parentBeaconBlockRoot),
        ...(parentBeaconBlockRoot ? { parentBeaconBlockRoot } : {}),
      })
    }
  })

  it('behavior: §5 sequencer flow — sign the signed bytes, publish, peers recover the signer', () => {
    const key = fromHex(`0x${'42'.repeat(32)}`)
    const payload = randomPayload(prng(11), 4)
    const root = randomBytes(prng(12), 32)
    const signed = encodeSignedPayload(payload, 4, root)
    const signature = signEnvelope(key, 10n, signed)
    const msg = decodeGossipMessage(encodeGossipMessage({ signature, payload, parentBeaconBlockRoot: root }, 4), 4)
    const expected = recoverSigner(signEnvelope(key, 10n, new Uint8Array([1])), signingHash(10n, new Uint8Array([1])))
    expect(recoverSigner(msg.signature, signingHash(10n, msg.signedPayloadBytes))).toEqual(expected)
  })

  it('error: §5 a v3/v4 payload on a v1/v2 topic (and vice versa) fails to decode', () => {
    const v3 = fromHex(vectors[2].input.gossip_data)
    expect(codeOf(() => decodeGossipMessage(v3, 2))).toBeDefined()
    const v1 = fromHex(vectors[0].input.gossip_data)
    expect(codeOf(() => decodeGossipMessage(v1, 3))).toBe('ssz-payload-too-short')
  })

  it('error: §5 decoded length below 66 bytes is rejected', () => {
    expect(codeOf(() => decodeGossipMessage(compress(new Uint8Array(65)), 1))).toBe('gossip-message-too-short')
    expect(codeOf(() => splitGossipMessage(compress(new Uint8Array(66))))).toBeUndefined()
  })

  it('error: §5 snappy bomb — declared length over 10 MiB is rejected before decompressing', () => {
    // uvarint(10 MiB + 1) followed by a tiny body: no allocation happens.
    const len = MAX_GOSSIP_SIZE + 1
    const header: number[] = []
    for (let v = len; ; v >>>= 7) {
      if (v < 0x80) {
        header.push(v)
        break
      }
      header.push(0x80 | (v & 0x7f))
    }
    expect(codeOf(() => decodeGossipMessage(snappyWith(header, [0x00, 0x41]), 1))).toBe('gossip-message-too-large')
    // A real 10 MiB + 1 payload of zeros compresses to ~480 KiB and is refused the same way.
    expect(codeOf(() => splitGossipMessage(compress(new Uint8Array(len))))).toBe('gossip-message-too-large')
    // Exactly 10 MiB is allowed, and a smaller cap can be configured.
    const tenMiB = compress(new Uint8Array(MAX_GOSSIP_SIZE))
    expect(splitGossipMessage(tenMiB).signedPayloadBytes.length).toBe(MAX_GOSSIP_SIZE - 65)
    expect(codeOf(() => splitGossipMessage(tenMiB, { maxBytes: 1 << 20 }))).toBe('gossip-message-too-large')
  })

  it('error: §5 invalid snappy is rejected like golang/snappy', () => {
    const ok = compress(Uint8Array.from({ length: 200 }, (_, i) => i % 7))
    const corrupt = (data: Uint8Array) => codeOf(() => decodeSnappyBlock(data, MAX_GOSSIP_SIZE))
    expect(corrupt(new Uint8Array(0))).toBe('gossip-snappy-corrupt') // no length header
    expect(corrupt(Uint8Array.of(0x80, 0x80))).toBe('gossip-snappy-corrupt') // truncated header
    expect(corrupt(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x7f))).toBe('gossip-snappy-corrupt') // > 2^32 - 1
    expect(corrupt(Uint8Array.from([...Array(10).fill(0xff), 0x01]))).toBe('gossip-snappy-corrupt') // uvarint overflow
    // Declared length larger than what the body produces (snappyjs alone would zero-fill).
    const longer = ok.slice()
    longer[0] += 1
    expect(corrupt(longer)).toBe('gossip-snappy-corrupt')
    // Truncated body.
    expect(corrupt(ok.subarray(0, ok.length - 1))).toBe('gossip-snappy-corrupt')
    // Literal whose 4-byte length has the top bit set (negative in snappyjs: a CPU bomb walking backwards).
    expect(corrupt(snappyWith([100], [0xfc, 0xfe, 0xff, 0xff, 0xff, 1, 2, 3]))).toBe('gossip-snappy-corrupt')
    // Copy with offset 0, and a copy reaching before the start of the output.
    expect(corrupt(snappyWith([8], [0x0c, 1, 2, 3, 4, 0x01, 0x00]))).toBe('gossip-snappy-corrupt')
    expect(corrupt(snappyWith([8], [0x0c, 1, 2, 3, 4, 0x01, 0x05]))).toBe('gossip-snappy-corrupt')
    // A valid copy decodes.
    expect(decodeSnappyBlock(snappyWith([8], [0x0c, 1, 2, 3, 4, 0x01, 0x04]), 8)).toEqual(Uint8Array.of(1, 2, 3, 4, 1, 2, 3, 4))
  })

  it('error: random garbage only ever throws DecodeError', () => {
    const rand = prng(99)
    const base = fromHex(vectors[3].input.gossip_data)
    for (let i = 0; i < 500; i++) {
      const data = base.slice()
      for (let k = 0; k < 3; k++) data[Math.floor(rand() * data.length)] = Math.floor(rand() * 256)
      try {
        decodeGossipMessage(data, 4)
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError)
      }
    }
  })
})

describe('blocksTopic', () => {
  it('default', () => {
    expect(blocksTopic(10, 1)).toBe('/optimism/10/0/blocks')
  })

  it('behavior: §5 topics /0/ v1, /1/ v2, /2/ v3, /3/ v4 with the decimal chain id', () => {
    expect(VERSIONS.map((v) => blocksTopic(8453n, v))).toEqual([
      '/optimism/8453/0/blocks',
      '/optimism/8453/1/blocks',
      '/optimism/8453/2/blocks',
      '/optimism/8453/3/blocks',
    ])
  })
})

describe('topicVersionForTimestamp', () => {
  const config = { forks: { canyon: 100, delta: 150, ecotone: 200, fjord: 250, holocene: 280, isthmus: 300, jovian: 400, karst: 500 } }

  it('default', () => {
    expect(topicVersionForTimestamp(config, 0)).toBe(1)
  })

  it('behavior: §5 publish topic by payload timestamp — v1 pre-Canyon, v2 Canyon/Delta, v3 Ecotone–Holocene, v4 Isthmus+', () => {
    expect([99, 100, 199, 200, 299, 300, 400, 10_000].map((t) => topicVersionForTimestamp(config, t))).toEqual([
      1, 2, 2, 3, 3, 4, 4, 4,
    ])
    expect(topicVersionForTimestamp({ forks: {} }, 1e12)).toBe(1)
  })
})
