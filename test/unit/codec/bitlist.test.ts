import { describe, expect, it } from 'vitest'
import { countBits, encodeBitlist, readBitlist } from '../../../shared/codec/bitlist.ts'
import { codeOf } from '../../support/decode-error.ts'
import { prng } from '../../support/random.ts'

const b = (...bytes: number[]) => Uint8Array.from(bytes)

describe('readBitlist', () => {
  it('default', () => {
    expect(readBitlist(b(0x05), 0, 3)).toEqual([b(1, 0, 1), 1])
    expect(readBitlist(b(0xaa, 0x01, 0x80), 1, 16)).toEqual([b(0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0), 3])
  })

  it('behavior: §2.7 bitlist of L bits = big-endian integer left-padded to ceil(L/8) bytes; bit i = (int >> i) & 1', () => {
    // 9 bits → 2 bytes; int = 0x0103 → bits 0, 1 and 8 set.
    const [bits, next] = readBitlist(b(0x01, 0x03), 0, 9)
    expect(next).toBe(2)
    expect([...bits]).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 1])
    for (let i = 0; i < 9; i++) expect(bits[i]).toBe((0x0103 >> i) & 1)
  })

  it('behavior: zero-length bitlist reads no bytes', () => {
    expect(readBitlist(b(0xff), 0, 0)).toEqual([b(), 0])
  })

  it('error: too many bits (integer wider than L)', () => {
    expect(codeOf(() => readBitlist(b(0x08), 0, 3))).toBe('bitlist-too-many-bits')
    expect(codeOf(() => readBitlist(b(0x02, 0x00), 0, 9))).toBe('bitlist-too-many-bits')
    // exactly L bits is fine
    expect(readBitlist(b(0x04), 0, 3)[0]).toEqual(b(0, 0, 1))
  })

  it('error: truncated (op-node io.ReadFull; kona would zero-pad)', () => {
    expect(codeOf(() => readBitlist(b(0x01), 0, 9))).toBe('bitlist-truncated')
    expect(codeOf(() => readBitlist(b(), 0, 1))).toBe('bitlist-truncated')
  })

  it('error: §2.7 bitlist lengths ≤ 10,000,000', () => {
    expect(codeOf(() => readBitlist(b(), 0, 10_000_001))).toBe('bitlist-too-long')
    // at the limit the length is accepted and the (short) input is what fails
    expect(codeOf(() => readBitlist(b(), 0, 10_000_000))).toBe('bitlist-truncated')
  })
})

describe('encodeBitlist', () => {
  it('default', () => {
    expect(encodeBitlist([1, 0, 1])).toEqual(b(0x05))
    expect(encodeBitlist([])).toEqual(b())
    expect(encodeBitlist([1, 1, 0, 0, 0, 0, 0, 0, 1])).toEqual(b(0x01, 0x03))
  })

  it('error: element not 0 or 1', () => {
    expect(() => encodeBitlist([0, 2])).toThrow(RangeError)
  })

  it('behavior: round trip (seeded property test)', () => {
    const rand = prng(42)
    for (let i = 0; i < 500; i++) {
      const length = Math.floor(rand() * 300)
      const density = rand()
      const bits = Uint8Array.from({ length }, () => (rand() < density ? 1 : 0))
      const enc = encodeBitlist(bits)
      expect(enc.length).toBe(Math.ceil(length / 8))
      expect(readBitlist(enc, 0, length)).toEqual([bits, enc.length])
      expect(countBits(bits)).toBe(bits.reduce((a, x) => a + x, 0))
    }
  })
})
