import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { bytesEqual, concatBytes, fromHex } from '../../../shared/bytes.ts'
import { MAX_RLP_BYTES_PER_CHANNEL_BEDROCK } from '../../../shared/config/forks.ts'
import { DecodeError } from '../../../shared/errors.ts'
import { readBatchPayloads } from '../../../shared/codec/channel-reader.ts'
import { compressChannel, decompressChannel } from '../../../shared/codec/compression.ts'
import { encodeRlpBytes, encodeRlpList } from '../../../shared/codec/rlp.ts'
import { fixture } from '../../support/fixtures.ts'
import { prng, randomBytes } from '../../support/random.ts'

const LIMIT = MAX_RLP_BYTES_PER_CHANNEL_BEDROCK
const batch = (type: number, ...content: number[]) => Uint8Array.of(type, ...content)
const stream = (...payloads: Uint8Array[]) => concatBytes(...payloads.map(encodeRlpBytes))

describe('readBatchPayloads', () => {
  it('default: decompressed stream = sequence of RLP byte strings, each batch_version ++ content', () => {
    const payloads = [batch(0, 1, 2, 3), batch(1, ...new Array(100).fill(7)), batch(0)]
    expect(readBatchPayloads(stream(...payloads), LIMIT)).toEqual({ payloads })
  })

  it('default: golden zlib channel (kona batch reader vector) holds one span batch', () => {
    const channel = fromHex(`0x${readFileSync(fixture('batches/batch.hex'), 'utf8').trim()}`)
    const { data } = decompressChannel(channel, { maxOutputBytes: LIMIT, allowBrotli: false })
    const { payloads, error } = readBatchPayloads(data, LIMIT)
    expect(error).toBeUndefined()
    expect(payloads).toHaveLength(1)
    expect(payloads[0].length).toBe(1_409_459)
    expect(payloads[0][0]).toBe(1)
  })

  it('behavior: the wire format is a concatenation of RLP strings, not one RLP list (spec pseudo-code is misleading)', () => {
    const list = encodeRlpList([encodeRlpBytes(batch(0, 1)), encodeRlpBytes(batch(0, 2))])
    const { payloads, error } = readBatchPayloads(concatBytes(encodeRlpBytes(batch(0, 9)), list), LIMIT)
    expect(payloads).toEqual([batch(0, 9)])
    expect(error?.code).toBe('rlp-expected-string')
  })

  it('behavior: a single byte below 0x80 is its own string (a 1-byte batch, left for the batch decoder to reject)', () => {
    expect(readBatchPayloads(Uint8Array.of(0x00, 0x01), LIMIT)).toEqual({ payloads: [batch(0), batch(1)] })
  })

  it('behavior: limit — reading beyond MAX_RLP_BYTES_PER_CHANNEL fails; batches fully decodable within the limit are kept', () => {
    const a = batch(0, ...new Array(60).fill(1)) // 61 bytes → 2-byte header, 63 on the wire
    const b = batch(0, ...new Array(10).fill(2)) // 11 bytes → 12 on the wire
    const data = stream(a, b)
    expect(data.length).toBe(75)
    // Ends exactly at the limit: read, then a clean end (geth turns the top-level ErrValueTooLarge into io.EOF).
    expect(readBatchPayloads(data, 75)).toEqual({ payloads: [a, b] })
    expect(readBatchPayloads(data, 63)).toEqual({ payloads: [a] })
    // The limit counts header bytes: one byte short and the second item does not fit.
    const short = readBatchPayloads(data, 74)
    expect(short.payloads).toEqual([a])
    expect(short.error?.code).toBe('rlp-value-too-large')
    expect(readBatchPayloads(data, 62).error?.code).toBe('rlp-value-too-large')
    expect(readBatchPayloads(data, 0)).toEqual({ payloads: [] })
  })

  it('behavior: any decode error / EOF → stop reading this channel (remaining data dropped)', () => {
    const after = encodeRlpBytes(batch(0, 5))
    const cases: [Uint8Array, string][] = [
      [Uint8Array.of(0x88, 0x00, 0x01), 'rlp-truncated'], // string runs past the data
      [Uint8Array.of(0xb9, 0x01), 'rlp-truncated'], // size bytes run past the data
      [Uint8Array.of(0x81, 0x05), 'rlp-non-canonical-size'], // single byte < 0x80 with a header
      [Uint8Array.of(0xb8, 0x05, 1, 2, 3, 4, 5), 'rlp-non-canonical-size'], // long form for a short string
      [Uint8Array.of(0xb9, 0x00, 0x40), 'rlp-non-canonical-size'], // size with a leading zero
      [Uint8Array.of(0xc1, 0x00), 'rlp-expected-string'],
    ]
    for (const [bad, code] of cases) {
      const { payloads, error } = readBatchPayloads(concatBytes(encodeRlpBytes(batch(1, 4)), bad, after), LIMIT)
      expect(payloads).toEqual([batch(1, 4)])
      expect(error).toBeInstanceOf(DecodeError)
      expect(error?.code).toBe(code)
    }
  })

  it('error: an empty string ends the channel (op-node decodeTyped: "batch too short")', () => {
    const data = concatBytes(stream(batch(0, 1)), Uint8Array.of(0x80), stream(batch(0, 2)))
    const { payloads, error } = readBatchPayloads(data, LIMIT)
    expect(payloads).toEqual([batch(0, 1)])
    expect(error?.code).toBe('batch-too-short')
  })

  it('error: maxRlpBytes must be a non-negative integer', () => {
    for (const limit of [-1, 1.5, Number.NaN]) {
      expect(() => readBatchPayloads(new Uint8Array(1), limit)).toThrow(RangeError)
    }
  })

  it('behavior: random byte strings never throw and keep only whole items', () => {
    const rand = prng(17)
    for (let i = 0; i < 3000; i++) {
      const data = randomBytes(rand, Math.floor(rand() * 80))
      const { payloads, error } = readBatchPayloads(data, Math.floor(rand() * 100))
      if (error !== undefined) expect(error).toBeInstanceOf(DecodeError)
      for (const p of payloads) expect(p.length).toBeGreaterThan(0)
    }
  })

  it('behavior: random payloads round-trip through RLP strings (and through compression)', () => {
    const rand = prng(23)
    for (let i = 0; i < 200; i++) {
      const payloads = Array.from({ length: Math.floor(rand() * 8) }, () => {
        const n = [1, 2, 55, 56, 57, 300, 70_000][Math.floor(rand() * 7)]
        const p = randomBytes(rand, n)
        p[0] = Math.floor(rand() * 2)
        return p
      })
      const data = stream(...payloads)
      const read = readBatchPayloads(data, LIMIT)
      expect(read.error).toBeUndefined()
      expect(read.payloads).toHaveLength(payloads.length)
      read.payloads.forEach((p, k) => expect(bytesEqual(p, payloads[k])).toBe(true))
      if (i % 20 === 0) {
        const algo = i % 40 === 0 ? 'zlib' : 'brotli'
        const params = { maxOutputBytes: LIMIT, allowBrotli: true }
        const { data: out } = decompressChannel(compressChannel(data, algo), params)
        expect(readBatchPayloads(out, LIMIT).payloads).toEqual(read.payloads)
      }
    }
  })

  it('behavior: payloads are views of the input', () => {
    const data = fromHex('0x82000a')
    const { payloads } = readBatchPayloads(data, LIMIT)
    expect(payloads[0].buffer).toBe(data.buffer)
  })
})
