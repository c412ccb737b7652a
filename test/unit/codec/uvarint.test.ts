import { describe, expect, it } from 'vitest'
import { encodeUvarint, readUvarint, readUvarintNumber } from '../../../shared/codec/uvarint.ts'
import { codeOf } from '../../support/decode-error.ts'

/** Seeded xorshift64* (no dependencies); returns uint64 bigints. */
function prng(seed: bigint) {
  let x = seed || 1n
  const M = (1n << 64n) - 1n
  return () => {
    x ^= x >> 12n
    x ^= (x << 25n) & M
    x ^= x >> 27n
    return (x * 0x2545f4914f6cdd1dn) & M
  }
}

const b = (...bytes: number[]) => Uint8Array.from(bytes)

describe('readUvarint', () => {
  it('default', () => {
    expect(readUvarint(b(0x00), 0)).toEqual([0n, 1])
    expect(readUvarint(b(0x7f), 0)).toEqual([127n, 1])
    expect(readUvarint(b(0xac, 0x02), 0)).toEqual([300n, 2])
    expect(readUvarint(b(0xff, 0x01, 0x05), 1)).toEqual([1n, 2])
  })

  it('behavior: §2.7 uvarint = protobuf/Go binary.Uvarint (LEB128, max 10 bytes)', () => {
    const max = b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)
    expect(readUvarint(max, 0)).toEqual([(1n << 64n) - 1n, 10])
    // 2^63 exactly: nine continuation bytes of 0x80 then 0x01.
    expect(readUvarint(b(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), 0)).toEqual([1n << 63n, 10])
  })

  it('behavior: non-minimal encodings are accepted like Go (kona rejects them)', () => {
    expect(readUvarint(b(0x80, 0x00), 0)).toEqual([0n, 2])
    expect(readUvarint(b(0x81, 0x80, 0x00), 0)).toEqual([1n, 3])
  })

  it('error: overflow past 2^64 − 1 (10th byte > 1)', () => {
    expect(codeOf(() => readUvarint(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02), 0))).toBe(
      'uvarint-overflow',
    )
  })

  it('error: overflow with 11 bytes', () => {
    const eleven = b(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00)
    expect(codeOf(() => readUvarint(eleven, 0))).toBe('uvarint-overflow')
  })

  it('error: truncated input', () => {
    expect(codeOf(() => readUvarint(b(), 0))).toBe('uvarint-truncated')
    expect(codeOf(() => readUvarint(b(0x80), 0))).toBe('uvarint-truncated')
    expect(codeOf(() => readUvarint(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), 0))).toBe('uvarint-truncated')
    expect(codeOf(() => readUvarint(b(0x01), 1))).toBe('uvarint-truncated')
  })
})

describe('readUvarintNumber', () => {
  it('default', () => {
    expect(readUvarintNumber(b(0xac, 0x02), 0, 300)).toEqual([300, 2])
  })

  it('error: value above the limit', () => {
    expect(codeOf(() => readUvarintNumber(b(0xad, 0x02), 0, 300))).toBe('uvarint-exceeds-limit')
  })
})

describe('encodeUvarint', () => {
  it('default', () => {
    expect(encodeUvarint(0)).toEqual(b(0))
    expect(encodeUvarint(300)).toEqual(b(0xac, 0x02))
    expect(encodeUvarint((1n << 64n) - 1n)).toEqual(b(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))
  })

  it('error: out of uint64 range', () => {
    expect(() => encodeUvarint(-1)).toThrow(RangeError)
    expect(() => encodeUvarint(1n << 64n)).toThrow(RangeError)
    expect(() => encodeUvarint(1.5)).toThrow(RangeError)
  })

  it('behavior: round trip (seeded property test)', () => {
    const next = prng(0x5eedn)
    for (let i = 0; i < 5000; i++) {
      const value = next() >> BigInt(Number(next() % 64n))
      const enc = encodeUvarint(value)
      expect(enc.length).toBeLessThanOrEqual(10)
      expect(readUvarint(enc, 0)).toEqual([value, enc.length])
    }
  })
})
