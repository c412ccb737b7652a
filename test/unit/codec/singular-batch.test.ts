import { toRlp } from 'viem'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../shared/bytes.ts'
import { DecodeError } from '../../../shared/errors.ts'
import { decodeSingularBatch, encodeSingularBatch, type SingularBatch } from '../../../shared/codec/singular-batch.ts'
import { codeOf } from '../../support/decode-error.ts'
import { prng } from '../../support/random.ts'

const H11 = '11'.repeat(32)
const H22 = '22'.repeat(32)
/** Hand-assembled: rlp([0x11…, 1234, 0x22…, 1700000000, [0x02c0, 0xdeadbeef]]), 83-byte payload → 0xf853. */
const GOLDEN = `0xf853a0${H11}8204d2a0${H22}846553f100c88202c084deadbeef`
const GOLDEN_BATCH: SingularBatch = {
  parentHash: fromHex(`0x${H11}`),
  epochNumber: 1234,
  epochHash: fromHex(`0x${H22}`),
  timestamp: 1_700_000_000,
  transactions: [fromHex('0x02c0'), fromHex('0xdeadbeef')],
}

/** Builds content from hex fields with viem's independent RLP encoder. */
function content(fields: (string | string[])[]): Uint8Array {
  return toRlp(fields as `0x${string}`[], 'bytes')
}

describe('decodeSingularBatch', () => {
  it('default', () => {
    expect(decodeSingularBatch(fromHex(GOLDEN))).toEqual(GOLDEN_BATCH)
  })

  it('behavior: §2.7 singular batch = 0x00 ++ rlp([parent_hash(32), epoch_number(uint), epoch_hash(32), timestamp(uint), transaction_list])', () => {
    const batch = decodeSingularBatch(
      content([`0x${H11}`, '0x', `0x${H22}`, '0x7f', ['0xf8', '0x7e00', '0x', '0xc0']]),
    )
    expect(batch.epochNumber).toBe(0)
    expect(batch.timestamp).toBe(127)
    // Transactions are opaque: empty, deposit-typed or odd-looking ones are the batch queue's business.
    expect(batch.transactions.map(toHex)).toEqual(['0xf8', '0x7e00', '0x', '0xc0'])
  })

  it('behavior: bytes after the RLP list are ignored (op-node rlp.Decode on a reader)', () => {
    const withTrailer = Uint8Array.from([...fromHex(GOLDEN), 0x01, 0x02])
    expect(decodeSingularBatch(withTrailer)).toEqual(GOLDEN_BATCH)
  })

  it('behavior: largest safe epoch number and timestamp', () => {
    const max = '0x1fffffffffffff'
    const batch = decodeSingularBatch(content([`0x${H11}`, max, `0x${H22}`, max, []]))
    expect(batch.epochNumber).toBe(Number.MAX_SAFE_INTEGER)
    expect(batch.timestamp).toBe(Number.MAX_SAFE_INTEGER)
  })

  it('error: integer with a leading zero byte (geth ErrCanonInt)', () => {
    expect(codeOf(() => decodeSingularBatch(content([`0x${H11}`, '0x0001', `0x${H22}`, '0x01', []])))).toBe(
      'rlp-non-canonical-int',
    )
    expect(codeOf(() => decodeSingularBatch(content([`0x${H11}`, '0x00', `0x${H22}`, '0x01', []])))).toBe(
      'rlp-non-canonical-int',
    )
  })

  it('error: single byte below 0x80 with a string header (geth ErrCanonSize)', () => {
    const bad = fromHex(`0xf846a0${H11}8105a0${H22}01c0`)
    expect(codeOf(() => decodeSingularBatch(bad))).toBe('rlp-non-canonical-size')
  })

  it('error: long-form size below 56 (geth ErrCanonSize)', () => {
    const bad = fromHex(`0xf848a0${H11}01a0${H22}01c3b80141`)
    expect(codeOf(() => decodeSingularBatch(bad))).toBe('rlp-non-canonical-size')
  })

  it('error: hash not 32 bytes', () => {
    expect(codeOf(() => decodeSingularBatch(content([`0x${'11'.repeat(31)}`, '0x01', `0x${H22}`, '0x01', []])))).toBe(
      'rlp-wrong-size',
    )
  })

  it('error: too many / too few fields', () => {
    expect(codeOf(() => decodeSingularBatch(content([`0x${H11}`, '0x01', `0x${H22}`, '0x01', [], '0x01'])))).toBe(
      'rlp-too-many-elements',
    )
    expect(codeOf(() => decodeSingularBatch(content([`0x${H11}`, '0x01', `0x${H22}`, '0x01'])))).toBe(
      'rlp-too-few-elements',
    )
  })

  it('error: wrong kinds', () => {
    expect(codeOf(() => decodeSingularBatch(content([`0x${H11}`, '0x01', `0x${H22}`, '0x01', [['0x01']] as never])))).toBe(
      'rlp-expected-string',
    )
    expect(codeOf(() => decodeSingularBatch(content([`0x${H11}`, '0x01', `0x${H22}`, '0x01', '0x01'])))).toBe(
      'rlp-expected-list',
    )
    expect(codeOf(() => decodeSingularBatch(fromHex('0x8401020304')))).toBe('rlp-expected-list')
  })

  it('error: uint64 overflow and values above 2^53 − 1', () => {
    expect(codeOf(() => decodeSingularBatch(content([`0x${H11}`, '0x010000000000000000', `0x${H22}`, '0x01', []])))).toBe(
      'rlp-int-overflow',
    )
    expect(codeOf(() => decodeSingularBatch(content([`0x${H11}`, '0x20000000000000', `0x${H22}`, '0x01', []])))).toBe(
      'singular-batch-value-too-large',
    )
    expect(codeOf(() => decodeSingularBatch(content([`0x${H11}`, '0x01', `0x${H22}`, '0xffffffffffffffff', []])))).toBe(
      'singular-batch-value-too-large',
    )
  })

  it('error: truncated at every byte offset throws DecodeError only', () => {
    const golden = fromHex(GOLDEN)
    for (let i = 0; i < golden.length; i++) {
      expect(codeOf(() => decodeSingularBatch(golden.subarray(0, i)))).toBeTypeOf('string')
    }
  })
})

describe('encodeSingularBatch', () => {
  it('default', () => {
    expect(toHex(encodeSingularBatch(GOLDEN_BATCH))).toBe(GOLDEN)
  })

  it('error: bad hash length or number', () => {
    expect(() => encodeSingularBatch({ ...GOLDEN_BATCH, parentHash: new Uint8Array(31) })).toThrow(RangeError)
    expect(() => encodeSingularBatch({ ...GOLDEN_BATCH, timestamp: -1 })).toThrow(RangeError)
  })

  it('behavior: round trip (seeded property test)', () => {
    const rand = prng(7)
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256))
    for (let i = 0; i < 300; i++) {
      const batch: SingularBatch = {
        parentHash: bytes(32),
        epochNumber: Math.floor(rand() * 2 ** Math.floor(rand() * 53)),
        epochHash: bytes(32),
        timestamp: Math.floor(rand() * 2 ** Math.floor(rand() * 53)),
        transactions: Array.from({ length: Math.floor(rand() * 6) }, () => bytes(Math.floor(rand() * 80))),
      }
      const enc = encodeSingularBatch(batch)
      expect(decodeSingularBatch(enc)).toEqual(batch)
      expect(enc).toEqual(toRlp([
        toHex(batch.parentHash),
        batch.epochNumber === 0 ? '0x' : `0x${batch.epochNumber.toString(16).padStart(2 * Math.ceil(batch.epochNumber.toString(16).length / 2), '0')}`,
        toHex(batch.epochHash),
        batch.timestamp === 0 ? '0x' : `0x${batch.timestamp.toString(16).padStart(2 * Math.ceil(batch.timestamp.toString(16).length / 2), '0')}`,
        batch.transactions.map(toHex),
      ] as `0x${string}`[], 'bytes'))
    }
  })
})
