import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compress } from 'snappyjs'
import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, type Hex, toHex } from '../../../shared/bytes.ts'
import { encodeExecutionPayload } from '../../../shared/codec/ssz-payload.ts'
import type { RollupConfig } from '../../../shared/config/rollup-config.ts'
import { encodeGossipBlock } from '../../../shared/p2p/encode-gossip-block.ts'
import { decodeGossipMessage, type GossipVersion } from '../../../shared/p2p/gossip-envelope.ts'
import { SeenBlocks } from '../../../shared/p2p/seen-blocks.ts'
import { recoverSigner, signEnvelope, signingHash } from '../../../shared/p2p/signing-hash.ts'
import { type GossipValidation, validateGossipBlock } from '../../../shared/p2p/validate-block.ts'
import { payloadBlockHash } from '../../../shared/protocol/header-hash.ts'
import { prng, randomBytes } from '../../support/random.ts'
import { randomBigint, randomPayload } from '../codec/random-payload.ts'
import {
  addressOf,
  configWith,
  FORKS_AT_VERSION,
  OTHER_KEY,
  SEQUENCER_KEY,
  signedBlock,
  validPayload,
} from './gossip-block-fixtures.ts'

const NOW = 1_000_000
const SIGNER = toHex(addressOf(SEQUENCER_KEY))
const VERSIONS: GossipVersion[] = [1, 2, 3, 4]

type Run = { config?: RollupConfig; version?: GossipVersion; now?: number; signer?: Hex | undefined; seen?: SeenBlocks }

function validate(data: Uint8Array, run: Run = {}): GossipValidation {
  return validateGossipBlock({
    config: run.config ?? configWith(),
    version: run.version ?? 4,
    data,
    now: run.now ?? NOW,
    signer: 'signer' in run ? run.signer : SIGNER,
    seen: run.seen ?? new SeenBlocks(),
  })
}

const drop = (v: GossipValidation) => (v.result === 'accept' ? 'accept' : `${v.result}:${v.reason}`)

/** A snappy message of `signature ‖ signed`, the signature made by `key` (or given raw). */
function rawMessage(signed: Uint8Array, key: Uint8Array | { signature: Uint8Array }, chainId = 901): Uint8Array {
  const signature = key instanceof Uint8Array ? signEnvelope(key, chainId, signed) : key.signature
  return compress(concatBytes(signature, signed))
}

/** A snappy block with a hand-written uvarint length header and body. */
function snappyWith(header: number[], body: number[] | Uint8Array = []): Uint8Array {
  return Uint8Array.from([...header, ...body])
}

describe('validateGossipBlock', () => {
  it('default: a signed devnet v4 block is accepted and recorded as seen', () => {
    const seen = new SeenBlocks()
    const { data, payload, parentBeaconBlockRoot } = signedBlock({ version: 4, number: 7 })
    const v = validate(data, { seen })
    if (v.result !== 'accept') throw new Error(drop(v))
    expect(v.blockNumber).toBe(7)
    expect(v.timestamp).toBe(NOW)
    expect(v.blockHash).toBe(toHex(payload.blockHash))
    expect(v.payload).toEqual(payload)
    expect(v.envelope.payload).toBe(v.payload)
    expect(v.envelope.parentBeaconBlockRoot).toEqual(parentBeaconBlockRoot)
    expect(recoverSigner(v.envelope.signature, signingHash(901, v.envelope.signedPayloadBytes))).toEqual(
      addressOf(SEQUENCER_KEY),
    )
    expect(seen.hashesAt(7)).toEqual([toHex(payload.blockHash)])
  })

  it('behavior: the fixture key is the devnet unsafe-block signer', () => {
    expect(SIGNER).toBe(configWith().unsafeBlockSigner)
  })

  for (const version of VERSIONS) {
    it(`behavior: accept on topic v${version} (forks up to that version, Jovian off)`, () => {
      const config = configWith(FORKS_AT_VERSION[version])
      const { data } = signedBlock({ version, config })
      expect(drop(validate(data, { config, version }))).toBe('accept')
    })
  }

  it('behavior: like op-node, the topic version is not matched against the fork at the payload timestamp', () => {
    // A v1 layout on the v1 topic of a chain where every fork is active.
    const { data } = signedBlock({ version: 1 })
    expect(drop(validate(data, { version: 1 }))).toBe('accept')
  })

  describe('snappy and size (REJECT)', () => {
    it('error: snappy-invalid — unreadable length header', () => {
      expect(drop(validate(snappyWith([0x80])))).toBe('reject:snappy-invalid')
      expect(drop(validate(new Uint8Array(0)))).toBe('reject:snappy-invalid')
    })

    it('error: snappy-invalid — body does not produce the declared length', () => {
      // Declares 100 bytes, carries one 66-byte literal.
      const body = [0xf0, 65, ...new Uint8Array(66)]
      expect(drop(validate(snappyWith([100], body)))).toBe('reject:snappy-invalid')
    })

    it('error: too-large — declared length > 10 MiB, before the body is looked at', () => {
      expect(1 + (5 << 21)).toBe(10 * (1 << 20) + 1) // uvarint 81 80 80 05 = 10 MiB + 1
      expect(drop(validate(snappyWith([0x81, 0x80, 0x80, 0x05], [0xff, 0xff])))).toBe('reject:too-large')
      // Exactly 10 MiB passes the size rule and fails later, on the body.
      expect(drop(validate(snappyWith([0x80, 0x80, 0x80, 0x05], [0xff, 0xff])))).toBe('reject:snappy-invalid')
    })

    it('error: too-small — fewer than 66 bytes decompressed (a signature and nothing to sign)', () => {
      expect(drop(validate(compress(new Uint8Array(65))))).toBe('reject:too-small')
    })
  })

  describe('signature', () => {
    it('error: no-signer — no unsafe-block signer configured → IGNORE', () => {
      const { data } = signedBlock({ version: 4 })
      expect(drop(validate(data, { signer: undefined }))).toBe('ignore:no-signer')
      expect(drop(validate(data, { signer: `0x${'00'.repeat(20)}` }))).toBe('ignore:no-signer')
    })

    it('behavior: no-signer is decided before the signature is recovered (op-node 14b478d0)', () => {
      const signed = encodeExecutionPayload(validPayload({ version: 4 }).payload, 4)
      const data = rawMessage(signed, { signature: new Uint8Array(65) })
      expect(drop(validate(data, { signer: undefined }))).toBe('ignore:no-signer')
    })

    it('error: bad-signature — no public key can be recovered', () => {
      const { data } = signedBlock({ version: 4 })
      const signed = decodeGossipMessage(data, 4).signedPayloadBytes
      expect(drop(validate(rawMessage(signed, { signature: new Uint8Array(65) })))).toBe('reject:bad-signature')
      const badV = signEnvelope(SEQUENCER_KEY, 901, signed)
      badV[64] = 27 // rejected by op-node's nocgo recovery (signing-hash.ts)
      expect(drop(validate(rawMessage(signed, { signature: badV })))).toBe('reject:bad-signature')
    })

    it('error: wrong-signer — signed by another key', () => {
      const { data } = signedBlock({ version: 4, key: OTHER_KEY })
      expect(drop(validate(data))).toBe('reject:wrong-signer')
    })

    it('error: wrong-signer — signed for another chain id (the chain id is in the signing hash)', () => {
      const signed = encodeExecutionPayload(validPayload({ version: 2 }).payload, 2)
      expect(drop(validate(rawMessage(signed, SEQUENCER_KEY, 10), { version: 2 }))).toBe('reject:wrong-signer')
    })

    it('behavior: the signature is checked before the payload is decoded', () => {
      const garbage = Uint8Array.of(1, 2, 3)
      expect(drop(validate(rawMessage(garbage, OTHER_KEY)))).toBe('reject:wrong-signer')
      expect(drop(validate(rawMessage(garbage, OTHER_KEY), { signer: undefined }))).toBe('ignore:no-signer')
      expect(drop(validate(rawMessage(garbage, SEQUENCER_KEY)))).toBe('reject:payload-malformed')
    })
  })

  describe('payload decoding (REJECT)', () => {
    it('error: payload-malformed — not an SSZ payload of the topic layout', () => {
      const { payload, parentBeaconBlockRoot } = validPayload({ version: 3 })
      const v3 = concatBytes(parentBeaconBlockRoot!, encodeExecutionPayload(payload, 3))
      // Correctly signed, but a v3 envelope on the v4 topic and a v3 envelope read as a v2 payload.
      expect(drop(validate(rawMessage(v3, SEQUENCER_KEY), { version: 4 }))).toBe('reject:payload-malformed')
      expect(drop(validate(rawMessage(v3, SEQUENCER_KEY), { version: 2 }))).toBe('reject:payload-malformed')
      expect(drop(validate(rawMessage(v3, SEQUENCER_KEY), { version: 3 }))).toBe('accept')
    })

    it('error: payload-malformed — v3/v4 message shorter than the parent beacon block root', () => {
      expect(drop(validate(rawMessage(new Uint8Array(31), SEQUENCER_KEY), { version: 3 }))).toBe(
        'reject:payload-malformed',
      )
    })
  })

  describe('timestamp window (REJECT)', () => {
    it('error: timestamp-too-old — timestamp < now − 60', () => {
      const { data } = signedBlock({ version: 4, timestamp: NOW - 61 })
      expect(drop(validate(data))).toBe('reject:timestamp-too-old')
    })

    it('behavior: timestamp = now − 60 is accepted (op-node compares with <)', () => {
      const { data } = signedBlock({ version: 4, timestamp: NOW - 60 })
      expect(drop(validate(data))).toBe('accept')
    })

    it('error: timestamp-too-new — timestamp > now + 5', () => {
      const { data } = signedBlock({ version: 4, timestamp: NOW + 6 })
      expect(drop(validate(data))).toBe('reject:timestamp-too-new')
    })

    it('behavior: timestamp = now + 5 is accepted (op-node compares with >)', () => {
      const { data } = signedBlock({ version: 4, timestamp: NOW + 5 })
      expect(drop(validate(data))).toBe('accept')
    })

    it('behavior: the timestamp is checked before the block hash', () => {
      const { data } = signedBlock({ version: 4, timestamp: NOW - 61, blockHash: new Uint8Array(32) })
      expect(drop(validate(data))).toBe('reject:timestamp-too-old')
    })
  })

  describe('block hash (REJECT)', () => {
    it('error: block-hash-mismatch — blockHash is not the hash of the payload header', () => {
      const { data } = signedBlock({ version: 4, blockHash: randomBytes(prng(5), 32) })
      expect(drop(validate(data))).toBe('reject:block-hash-mismatch')
    })

    it('behavior: v3/v4 block hashes commit to the parent beacon block root', () => {
      const { payload } = validPayload({ version: 3 })
      const { data } = encodeGossipBlock({
        config: configWith(),
        privateKey: SEQUENCER_KEY,
        payload,
        parentBeaconBlockRoot: new Uint8Array(32).fill(7),
        version: 3,
      })
      expect(drop(validate(data, { version: 3 }))).toBe('reject:block-hash-mismatch')
    })

    it('behavior: the block hash is checked before the field rules', () => {
      const w = { index: 1n, validatorIndex: 2n, address: new Uint8Array(20), amount: 3n }
      const { data } = signedBlock({ version: 2, fields: { withdrawals: [w] }, blockHash: new Uint8Array(32) })
      expect(drop(validate(data, { version: 2 }))).toBe('reject:block-hash-mismatch')
    })
  })

  describe('field rules (REJECT)', () => {
    it('error: withdrawals-non-empty — a v2+ block with a withdrawal', () => {
      const w = { index: 1n, validatorIndex: 2n, address: new Uint8Array(20).fill(9), amount: 3n }
      for (const version of [2, 3, 4] as GossipVersion[]) {
        const { data } = signedBlock({ version, fields: { withdrawals: [w] } })
        expect(drop(validate(data, { version }))).toBe('reject:withdrawals-non-empty')
      }
    })

    it('error: blob-gas-used-non-zero — v3/v4 before Jovian', () => {
      for (const version of [3, 4] as GossipVersion[]) {
        const config = configWith(FORKS_AT_VERSION[version])
        const { data } = signedBlock({ version, config, fields: { blobGasUsed: 131_072n } })
        expect(drop(validate(data, { version, config }))).toBe('reject:blob-gas-used-non-zero')
      }
    })

    it('behavior: from Jovian a non-zero blobGasUsed (the DA footprint) is accepted (optimism #17940)', () => {
      const { data } = signedBlock({ version: 4, fields: { blobGasUsed: 123_456n } })
      expect(drop(validate(data))).toBe('accept')
    })

    it('behavior: the Jovian gate is the payload timestamp, not the topic', () => {
      const config = configWith({ ...FORKS_AT_VERSION[4], jovian: NOW })
      const before = signedBlock({ version: 4, timestamp: NOW - 2, fields: { blobGasUsed: 5n } })
      const at = signedBlock({ version: 4, timestamp: NOW, fields: { blobGasUsed: 5n } })
      expect(drop(validate(before.data, { config }))).toBe('reject:blob-gas-used-non-zero')
      expect(drop(validate(at.data, { config }))).toBe('accept')
    })

    it('error: excess-blob-gas-invalid — non-zero excessBlobGas, Jovian or not', () => {
      const { data } = signedBlock({ version: 4, fields: { excessBlobGas: 1n } })
      expect(drop(validate(data))).toBe('reject:excess-blob-gas-invalid')
      const config = configWith(FORKS_AT_VERSION[3])
      const v3 = signedBlock({ version: 3, config, fields: { excessBlobGas: 1n } })
      expect(drop(validate(v3.data, { config, version: 3 }))).toBe('reject:excess-blob-gas-invalid')
    })

    it('behavior: blobGasUsed is checked before excessBlobGas', () => {
      const config = configWith(FORKS_AT_VERSION[3])
      const { data } = signedBlock({ version: 3, config, fields: { blobGasUsed: 1n, excessBlobGas: 1n } })
      expect(drop(validate(data, { config, version: 3 }))).toBe('reject:blob-gas-used-non-zero')
    })
  })

  describe('seen blocks', () => {
    it('error: duplicate — the same block again → IGNORE, nothing added', () => {
      const seen = new SeenBlocks()
      const { data } = signedBlock({ version: 4 })
      expect(drop(validate(data, { seen }))).toBe('accept')
      expect(drop(validate(data, { seen }))).toBe('ignore:duplicate')
      expect(seen.hashesAt(100)).toHaveLength(1)
    })

    it('error: too-many-blocks-at-height — six distinct blocks are accepted, the seventh rejected', () => {
      const seen = new SeenBlocks()
      const blocks = [1, 2, 3, 4, 5, 6, 7].map((seed) => signedBlock({ version: 4, number: 42, seed }).data)
      expect(blocks.map((b) => drop(validate(b, { seen })))).toEqual([
        ...Array(6).fill('accept'),
        'reject:too-many-blocks-at-height',
      ])
      expect(seen.hashesAt(42)).toHaveLength(6)
      // op-node tests the count before membership: a repeat at a full height is a REJECT, not an IGNORE.
      expect(drop(validate(blocks[0], { seen }))).toBe('reject:too-many-blocks-at-height')
      // Another height is unaffected.
      expect(drop(validate(signedBlock({ version: 4, number: 43, seed: 7 }).data, { seen }))).toBe('accept')
    })

    it('behavior: only an accepted block is recorded', () => {
      const seen = new SeenBlocks()
      const drops = [
        validate(signedBlock({ version: 4, blockHash: new Uint8Array(32) }).data, { seen }),
        validate(signedBlock({ version: 4, timestamp: NOW + 6 }).data, { seen }),
        validate(signedBlock({ version: 4, key: OTHER_KEY }).data, { seen }),
        validate(signedBlock({ version: 4 }).data, { seen, signer: undefined }),
        validate(signedBlock({ version: 4, fields: { excessBlobGas: 2n } }).data, { seen }),
      ].map(drop)
      expect(drops.every((d) => d !== 'accept')).toBe(true)
      expect(seen.size).toBe(0)
    })
  })

  describe('op-alloy gossip vectors (alloy-rs/op-alloy@a93a08a0:crates/rpc-types-engine/src/envelope.rs)', () => {
    type GossipVector = { name: string; input: { gossip_data: string }; expected: { payload_timestamp: number } }
    const vectors: GossipVector[] = JSON.parse(
      readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/p2p/gossip-vectors.json'), 'utf8'),
    )

    for (const [i, vector] of vectors.entries()) {
      const version = (i + 1) as GossipVersion
      it(`behavior: ${vector.name} on topic v${version}`, () => {
        const data = fromHex(vector.input.gossip_data)
        const msg = decodeGossipMessage(data, version)
        // The vectors' signatures are synthetic: they recover to some address, which we take as the signer.
        const author = toHex(recoverSigner(msg.signature, signingHash(901, msg.signedPayloadBytes)))
        const now = vector.expected.payload_timestamp
        const v = validate(data, { version, now, signer: author })
        // v1–v3 carry real block hashes of their payloads; v4's blockHash is zero.
        expect(drop(v)).toBe(version === 4 ? 'reject:block-hash-mismatch' : 'accept')
        if (v.result === 'accept') expect(v.blockHash).toBe(toHex(msg.payload.blockHash))
        expect(drop(validate(data, { version, now }))).toBe('reject:wrong-signer')
        expect(drop(validate(data, { version, now, signer: undefined }))).toBe('ignore:no-signer')
        expect(drop(validate(data, { version, now: now + 61, signer: author }))).toBe('reject:timestamp-too-old')
      })
    }
  })

  it('behavior: round trip — sign → encode → validate accepts and returns the same payload (seeded)', () => {
    const rand = prng(0x5eed)
    const seen = new SeenBlocks()
    for (let i = 0; i < 48; i++) {
      const version = VERSIONS[i % 4]
      const jovian = rand() < 0.5
      const config = configWith(jovian ? undefined : FORKS_AT_VERSION[version])
      const payload = randomPayload(rand, version)
      payload.timestamp = NOW - 60 + Math.floor(rand() * 66)
      if (version >= 2) payload.withdrawals = []
      if (version >= 3) {
        payload.blobGasUsed = jovian ? randomBigint(rand, 64) : 0n
        payload.excessBlobGas = 0n
      }
      const parentBeaconBlockRoot = version >= 3 ? randomBytes(rand, 32) : undefined
      payload.blockHash = payloadBlockHash(payload, parentBeaconBlockRoot)
      const { data, topic } = encodeGossipBlock({ config, privateKey: SEQUENCER_KEY, payload, parentBeaconBlockRoot, version })
      expect(topic).toBe(`/optimism/901/${version - 1}/blocks`)
      const v = validate(data, { config, version, seen })
      if (v.result !== 'accept') throw new Error(`iteration ${i}: ${drop(v)}`)
      expect(v.payload).toEqual(payload)
      expect(v.envelope.parentBeaconBlockRoot).toEqual(parentBeaconBlockRoot)
      expect(v.blockHash).toBe(toHex(payload.blockHash))
      expect(drop(validate(data, { config, version, seen }))).toBe('ignore:duplicate')
    }
  })
})
