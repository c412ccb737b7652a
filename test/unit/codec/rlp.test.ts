import { type Hex, toRlp } from 'viem'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../shared/bytes.ts'
import {
  encodeRlpBytes,
  encodeRlpList,
  encodeRlpUint,
  RlpReader,
  readRlpHeader,
  uintToMinimalBytes,
} from '../../../shared/codec/rlp.ts'
import { codeOf } from '../../support/decode-error.ts'
import { prng } from '../../support/random.ts'

const reader = (hex: string) => new RlpReader(fromHex(hex))

describe('RlpReader', () => {
  it('default', () => {
    const r = reader(toRlp(['0x0102', '0x0400', `0x${'aa'.repeat(20)}`, ['0x05']]))
    const list = r.list()
    expect(toHex(list.bytesValue())).toBe('0x0102')
    expect(list.uint64()).toBe(1024n)
    expect(toHex(list.fixedBytes(20))).toBe(`0x${'aa'.repeat(20)}`)
    expect(toHex(list.raw())).toBe('0xc105')
    list.finish()
    expect(r.atEnd()).toBe(true)
  })

  it('behavior: single bytes and empty strings', () => {
    const list = reader(toRlp(['0x7f', '0x', '0x80'])).list()
    expect(list.uint64()).toBe(127n)
    expect(list.uint64()).toBe(0n)
    expect(toHex(list.uintBytes())).toBe('0x80')
  })

  it('error: non-canonical sizes (geth ErrCanonSize)', () => {
    expect(codeOf(() => reader('0x8105').bytesValue())).toBe('rlp-non-canonical-size')
    expect(codeOf(() => reader('0xb80141').bytesValue())).toBe('rlp-non-canonical-size')
    expect(codeOf(() => reader(`0xb90038${'01'.repeat(56)}`).bytesValue())).toBe('rlp-non-canonical-size')
    expect(codeOf(() => reader('0xf80101').list())).toBe('rlp-non-canonical-size')
  })

  it('error: non-canonical integers (geth ErrCanonInt) and overflow', () => {
    expect(codeOf(() => reader('0x00').uint64())).toBe('rlp-non-canonical-int')
    expect(codeOf(() => reader('0x820001').uint64())).toBe('rlp-non-canonical-int')
    expect(codeOf(() => reader('0x89010000000000000000').uint64())).toBe('rlp-int-overflow')
    expect(codeOf(() => reader('0x820100').uintBytes(1))).toBe('rlp-int-overflow')
  })

  it('error: kinds, sizes and arity', () => {
    expect(codeOf(() => reader('0xc0').bytesValue())).toBe('rlp-expected-string')
    expect(codeOf(() => reader('0x80').list())).toBe('rlp-expected-list')
    expect(codeOf(() => reader('0x820102').fixedBytes(3))).toBe('rlp-wrong-size')
    expect(codeOf(() => reader('0xc0').list().uint64())).toBe('rlp-too-few-elements')
    expect(codeOf(() => reader('0xc101').list().finish())).toBe('rlp-too-many-elements')
  })

  it('error: truncated items and items larger than their list', () => {
    expect(codeOf(() => reader('0x').raw())).toBe('rlp-too-few-elements')
    expect(codeOf(() => reader('0x83aabb').raw())).toBe('rlp-truncated')
    expect(codeOf(() => reader('0xb9').raw())).toBe('rlp-truncated')
    expect(codeOf(() => reader('0xc2820102').list().raw())).toBe('rlp-truncated')
  })

  it('error: item above the caller limit (geth ErrValueTooLarge)', () => {
    expect(codeOf(() => readRlpHeader(fromHex('0xc3010203'), 0, 4, 3))).toBe('rlp-value-too-large')
    expect(readRlpHeader(fromHex('0xc3010203'), 0, 4, 4).end).toBe(4)
  })
})

describe('encoders', () => {
  it('default', () => {
    expect(toHex(encodeRlpUint(0))).toBe('0x80')
    expect(toHex(encodeRlpUint(1024n))).toBe('0x820400')
    expect(toHex(uintToMinimalBytes(0))).toBe('0x')
    expect(toHex(encodeRlpList([encodeRlpBytes(fromHex('0x05')), encodeRlpList([])]))).toBe('0xc205c0')
  })

  it('behavior: agree with viem toRlp and round trip through RlpReader (seeded property test)', () => {
    const rand = prng(5)
    const int = (n: number) => Math.floor(rand() * n)
    for (let i = 0; i < 500; i++) {
      const leaves = Array.from({ length: int(6) }, () =>
        toHex(Uint8Array.from({ length: [0, 1, 2, 55, 56, 300][int(6)] }, () => int(256))),
      )
      const values = Array.from({ length: int(4) }, () => BigInt(int(2 ** 31)) << BigInt(int(34)))
      const ours = encodeRlpList([...leaves.map((l) => encodeRlpBytes(fromHex(l))), ...values.map(encodeRlpUint)])
      const theirs = toRlp([...leaves, ...values.map((v) => toHex(uintToMinimalBytes(v)))] as Hex[], 'bytes')
      expect(ours).toEqual(theirs)
      const list = new RlpReader(ours).list()
      for (const leaf of leaves) expect(toHex(list.bytesValue())).toBe(leaf)
      for (const value of values) expect(list.uint64()).toBe(value)
      list.finish()
    }
  })
})
