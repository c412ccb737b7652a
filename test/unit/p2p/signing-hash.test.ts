import { secp256k1 } from '@noble/curves/secp256k1.js'
import { hexToBytes } from 'viem'
import { privateKeyToAddress, sign } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { fromHex, keccak, toHex } from '../../../shared/bytes.ts'
import { recoverSigner, signEnvelope, signingHash } from '../../../shared/p2p/signing-hash.ts'
import { codeOf } from '../../support/decode-error.ts'
import { prng, randomBytes } from '../../support/random.ts'

const N = secp256k1.Point.CURVE().n

function randomKey(rand: () => number): Uint8Array {
  for (;;) {
    const k = randomBytes(rand, 32)
    if (secp256k1.utils.isValidSecretKey(k)) return k
  }
}

describe('signingHash', () => {
  it('default', () => {
    // op-alloy `test_signature_message` (alloy-rs/op-alloy@a93a08a0:crates/rpc-types-engine/src/envelope.rs).
    const signed = fromHex(`0x${'99'.repeat(32)}`)
    expect(toHex(signingHash(10, signed))).toBe('0x44a0e2b1aba1aae1771eddae1dcd2ad18a8cdac8891517153f03253e49d3f206')
  })

  it('behavior: §5 keccak256(domain(32 zero bytes) ‖ uint256_be(chain_id) ‖ keccak256(signed_payload))', () => {
    const signed = Uint8Array.of(1, 2, 3)
    const preimage = new Uint8Array(96)
    preimage.set(fromHex('0x2105'), 62) // 8453
    preimage.set(keccak(signed), 64)
    expect(signingHash(8453n, signed)).toEqual(keccak(preimage))
  })

  it('error: chain id wider than 256 bits (op-node "chain_id is too large")', () => {
    expect(() => signingHash(1n << 256n, new Uint8Array(0))).toThrow(RangeError)
  })
})

describe('signEnvelope', () => {
  it('default', () => {
    const key = fromHex(`0x${'01'.repeat(32)}`)
    const sig = signEnvelope(key, 10, new Uint8Array([0xde, 0xad]))
    expect(sig.length).toBe(65)
    expect(toHex(recoverSigner(sig, signingHash(10, new Uint8Array([0xde, 0xad]))))).toBe(privateKeyToAddress(toHex(key)).toLowerCase())
  })

  it('behavior: §5 r ‖ s ‖ y_parity(0/1), identical to an independent RFC 6979 signer (viem)', async () => {
    const rand = prng(0x51)
    for (let i = 0; i < 10; i++) {
      const key = randomKey(rand)
      const signed = randomBytes(rand, 1 + Math.floor(rand() * 600))
      const hash = signingHash(10n, signed)
      const ours = signEnvelope(key, 10n, signed)
      const theirs = await sign({ hash: toHex(hash), privateKey: toHex(key) })
      expect(toHex(ours.subarray(0, 32))).toBe(theirs.r)
      expect(toHex(ours.subarray(32, 64))).toBe(theirs.s)
      expect(ours[64]).toBe(theirs.yParity)
      expect(ours[64] === 0 || ours[64] === 1).toBe(true)
    }
  })

  it('behavior: sign/recover round trip with random keys and payloads (seeded)', () => {
    const rand = prng(0xface)
    for (let i = 0; i < 20; i++) {
      const key = randomKey(rand)
      const chainId = BigInt(Math.floor(rand() * 2 ** 40))
      const signed = randomBytes(rand, Math.floor(rand() * 2000))
      const sig = signEnvelope(key, chainId, signed)
      expect(toHex(recoverSigner(sig, signingHash(chainId, signed)))).toBe(privateKeyToAddress(toHex(key)).toLowerCase())
      // A different chain id recovers someone else.
      expect(toHex(recoverSigner(sig, signingHash(chainId + 1n, signed)))).not.toBe(privateKeyToAddress(toHex(key)).toLowerCase())
    }
  })
})

describe('recoverSigner', () => {
  const key = hexToBytes(`0x${'07'.repeat(32)}`)
  const address = privateKeyToAddress(toHex(key)).toLowerCase()
  const hash = signingHash(10, Uint8Array.of(9))
  const sig = signEnvelope(key, 10, Uint8Array.of(9))

  it('default', () => {
    expect(toHex(recoverSigner(sig, hash))).toBe(address)
  })

  it('behavior: §5 recovery byte 4..7 is accepted like 0..3 (op-node nocgo SigToPub: decred code v+27 ∈ 27..34)', () => {
    const compressedFlag = sig.slice()
    compressedFlag[64] += 4
    expect(toHex(recoverSigner(compressedFlag, hash))).toBe(address)
  })

  it('behavior: high-s signatures recover too (no low-s rule on recovery)', () => {
    const s = BigInt(toHex(sig.subarray(32, 64)))
    const high = sig.slice()
    high.set(hexToBytes(`0x${(N - s).toString(16).padStart(64, '0')}`), 32)
    high[64] ^= 1
    expect(toHex(recoverSigner(high, hash))).toBe(address)
  })

  it('error: §5 v = 27/28 is rejected (op-node expects y_parity 0/1)', () => {
    const legacy = sig.slice()
    legacy[64] += 27
    expect(codeOf(() => recoverSigner(legacy, hash))).toBe('signature-invalid-recovery-id')
  })

  it('error: wrong length, r = 0, s ≥ n', () => {
    expect(codeOf(() => recoverSigner(sig.subarray(0, 64), hash))).toBe('signature-invalid-length')
    const zeroR = sig.slice()
    zeroR.fill(0, 0, 32)
    expect(codeOf(() => recoverSigner(zeroR, hash))).toBe('signature-invalid')
    const bigS = sig.slice()
    bigS.fill(0xff, 32, 64)
    expect(codeOf(() => recoverSigner(bigS, hash))).toBe('signature-invalid')
  })
})
