import { readFileSync } from 'node:fs'
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import {
  brotliDecompressSync,
  constants,
  createBrotliCompress,
  deflateRawSync,
  deflateSync,
  inflateSync,
} from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { bytesEqual, concatBytes, fromHex } from '../../../shared/bytes.ts'
import { MAX_RLP_BYTES_PER_CHANNEL_BEDROCK } from '../../../shared/config/forks.ts'
import { DecodeError } from '../../../shared/errors.ts'
import {
  type CompressionErrorCode,
  compressChannel,
  decompressChannel,
} from '../../../shared/codec/compression.ts'
import { fixture } from '../../support/fixtures.ts'
import { prng } from '../../support/random.ts'

const FJORD = { maxOutputBytes: 100_000_000, allowBrotli: true }
const BEDROCK = { maxOutputBytes: MAX_RLP_BYTES_PER_CHANNEL_BEDROCK, allowBrotli: false }
const MiB = 1 << 20

/** Compressible but not trivial: runs of random words with random literals in between. */
function sampleData(rand: () => number, n: number): Uint8Array {
  const word = () => Uint8Array.from({ length: 4 + Math.floor(rand() * 12) }, () => rand() * 256)
  const words = Array.from({ length: 32 }, word)
  const out = new Uint8Array(n)
  let o = 0
  while (o < n) {
    if (rand() < 0.7) {
      const w = words[Math.floor(rand() * words.length)].subarray(0, n - o)
      out.set(w, o)
      o += w.length
    } else {
      out[o++] = Math.floor(rand() * 256)
    }
  }
  return out
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f()
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError)
    return (error as DecodeError).code
  }
  return undefined
}

function isPrefix(prefix: Uint8Array, of: Uint8Array): boolean {
  return prefix.length <= of.length && bytesEqual(prefix, of.subarray(0, prefix.length))
}

/** DEFLATE bit writer: fields LSB-first, Huffman codes MSB-first (RFC 1951 §3.1.1). */
function bitWriter() {
  const bytes: number[] = []
  let acc = 0
  let n = 0
  const put = (bit: number) => {
    acc |= bit << n++
    if (n === 8) {
      bytes.push(acc)
      acc = 0
      n = 0
    }
  }
  return {
    bits(value: number, count: number) {
      for (let i = 0; i < count; i++) put((value >> i) & 1)
    },
    code(value: number, count: number) {
      for (let i = count - 1; i >= 0; i--) put((value >> i) & 1)
    },
    bytes(): Uint8Array {
      return Uint8Array.from(n > 0 ? [...bytes, acc] : bytes)
    },
  }
}

/** Fixed-Huffman literal code for 0..143 (8 bits from 0x30). */
const fixedLiteral = (w: ReturnType<typeof bitWriter>, byte: number) => w.code(0x30 + byte, 8)

function adler32(data: Uint8Array): number {
  let a = 1
  let b = 0
  for (const x of data) {
    a = (a + x) % 65521
    b = (b + a) % 65521
  }
  return ((b << 16) | a) >>> 0
}

const be32 = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff)

/**
 * A level-9 zlib stream of `mib` MiB of zeros without materialising them: the first MiB as a sync-flushed raw block
 * run, each further MiB compressed against a 32 KiB all-zero dictionary (identical to the real history), then an
 * empty final block and the adler32 of n zeros (a = 1, b = n mod 65521).
 */
function zlibZeroBomb(mib: number): Uint8Array {
  const zero = new Uint8Array(MiB)
  const first = deflateRawSync(zero, { level: 9, finishFlush: constants.Z_SYNC_FLUSH })
  const dictionary = new Uint8Array(32768)
  const next = deflateRawSync(zero, { level: 9, finishFlush: constants.Z_SYNC_FLUSH, dictionary })
  const b = (mib * MiB) % 65521
  const trailer = concatBytes(Uint8Array.of(0x03, 0x00), be32(((b << 16) | 1) >>> 0))
  return concatBytes(Uint8Array.of(0x78, 0xda), first, ...Array(mib - 1).fill(next), trailer)
}

async function brotliZeroBomb(mib: number): Promise<Uint8Array> {
  const zero = new Uint8Array(MiB)
  async function* zeros() {
    for (let i = 0; i < mib; i++) yield zero
  }
  const br = createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } })
  return concatBytes(Uint8Array.of(0x01), await buffer(Readable.from(zeros()).pipe(br)))
}

/**
 * Reference zlib decoder (RFC 1950/1951) used only as a test oracle: returns every byte decoded before the first
 * error, following zlib's validity rules (`inflate.c`, `inftrees.c`), which node's decoder applies. Independent of
 * node, so it checks that the bounded decompressor reports exactly the bytes before the failure.
 */
function referenceInflate(input: Uint8Array): { out: Uint8Array; error?: string } {
  const out: number[] = []
  let pos = 0
  let bitBuf = 0
  let bitCnt = 0
  class Stop extends Error {}
  const need = (n: number): number => {
    while (bitCnt < n) {
      if (pos >= input.length) throw new Stop('eof')
      bitBuf |= input[pos++] << bitCnt
      bitCnt += 8
    }
    const v = bitBuf & ((1 << n) - 1)
    bitBuf >>>= n
    bitCnt -= n
    return v
  }
  type Huff = { count: number[]; symbol: number[]; empty: boolean }
  const build = (lengths: number[], kind: 'codes' | 'lens' | 'dists'): Huff => {
    const count = Array(16).fill(0)
    for (const l of lengths) count[l]++
    let max = 15
    while (max >= 1 && count[max] === 0) max--
    count[0] = 0
    if (max === 0) return { count, symbol: [], empty: true }
    let left = 1
    for (let len = 1; len <= 15; len++) {
      left = left * 2 - count[len]
      if (left < 0) throw new Stop(`over-subscribed ${kind}`)
    }
    if (left > 0 && (kind === 'codes' || max !== 1)) throw new Stop(`incomplete ${kind}`)
    const offs = [0, 0]
    for (let len = 1; len < 15; len++) offs[len + 1] = offs[len] + count[len]
    const symbol: number[] = []
    lengths.forEach((l, sym) => {
      if (l !== 0) symbol[offs[l]++] = sym
    })
    return { count, symbol, empty: false }
  }
  const decode = (h: Huff, what: string): number => {
    if (h.empty) {
      // zlib's table for "no codes": one bit, value 0, flagged invalid (ignored when decoding code lengths).
      need(1)
      if (what === 'code length') return 0
      throw new Stop(`invalid ${what} code`)
    }
    let code = 0
    let first = 0
    let index = 0
    for (let len = 1; len <= 15; len++) {
      code |= need(1)
      const count = h.count[len]
      if (code - count < first) return h.symbol[index + (code - first)]
      index += count
      first = (first + count) << 1
      code <<= 1
    }
    throw new Stop(`invalid ${what} code`)
  }
  const LBASE = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
  ]
  const LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
  const DBASE = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577,
  ]
  const DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
  const fixedLengths = [...Array(144).fill(8), ...Array(112).fill(9), ...Array(24).fill(7), ...Array(8).fill(8)]
  const fixedLens = build(fixedLengths, 'lens')
  const fixedDists = build(Array(32).fill(5), 'dists')
  const codes = (lencode: Huff, distcode: Huff) => {
    for (;;) {
      const sym = decode(lencode, 'literal/length')
      if (sym < 256) out.push(sym)
      else if (sym === 256) return
      else {
        if (sym > 285) throw new Stop('invalid literal/length code')
        const len = LBASE[sym - 257] + need(LEXT[sym - 257])
        const d = decode(distcode, 'distance')
        if (d > 29) throw new Stop('invalid distance code')
        const dist = DBASE[d] + need(DEXT[d])
        if (dist > out.length) throw new Stop('invalid distance too far back')
        for (let i = 0; i < len; i++) out.push(out[out.length - dist])
      }
    }
  }
  try {
    const cmf = need(8)
    const flg = need(8)
    if (((cmf << 8) | flg) % 31 !== 0) throw new Stop('incorrect header check')
    if ((cmf & 0x0f) !== 8) throw new Stop('unknown compression method')
    if ((cmf >> 4) + 8 > 15) throw new Stop('invalid window size')
    if (flg & 0x20) throw new Stop('missing dictionary')
    let last = 0
    while (!last) {
      last = need(1)
      const type = need(2)
      if (type === 0) {
        bitBuf = 0
        bitCnt = 0
        const len = need(16)
        if (need(16) !== (~len & 0xffff)) throw new Stop('invalid stored block lengths')
        for (let i = 0; i < len; i++) out.push(need(8))
      } else if (type === 1) {
        codes(fixedLens, fixedDists)
      } else if (type === 2) {
        const nlen = need(5) + 257
        const ndist = need(5) + 1
        const ncode = need(4) + 4
        if (nlen > 286 || ndist > 30) throw new Stop('too many length or distance symbols')
        const order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        const clens = Array(19).fill(0)
        for (let i = 0; i < ncode; i++) clens[order[i]] = need(3)
        const clcode = build(clens, 'codes')
        const lengths: number[] = []
        while (lengths.length < nlen + ndist) {
          const sym = decode(clcode, 'code length')
          if (sym < 16) {
            lengths.push(sym)
            continue
          }
          let value = 0
          let n: number
          if (sym === 16) {
            if (lengths.length === 0) throw new Stop('invalid bit length repeat')
            value = lengths[lengths.length - 1]
            n = 3 + need(2)
          } else if (sym === 17) n = 3 + need(3)
          else n = 11 + need(7)
          if (lengths.length + n > nlen + ndist) throw new Stop('invalid bit length repeat')
          for (let i = 0; i < n; i++) lengths.push(value)
        }
        if (lengths[256] === 0) throw new Stop('missing end-of-block')
        const lencode = build(lengths.slice(0, nlen), 'lens')
        const distcode = build(lengths.slice(nlen), 'dists')
        codes(lencode, distcode)
      } else {
        throw new Stop('invalid block type')
      }
    }
    bitBuf = 0
    bitCnt = 0
    const trailer = [need(8), need(8), need(8), need(8)]
    const bytes = Uint8Array.from(out)
    if (trailer.reduce((v, b) => v * 256 + b, 0) !== adler32(bytes)) throw new Stop('incorrect data check')
    return { out: bytes }
  } catch (error) {
    if (!(error instanceof Stop)) throw error
    return { out: Uint8Array.from(out), error: error.message }
  }
}

describe('decompressChannel', () => {
  const rand = prng(1)
  const sample = sampleData(rand, 300_000)

  it('default: zlib channel decompresses completely', () => {
    const result = decompressChannel(compressChannel(sample, 'zlib'), BEDROCK)
    expect(result.compression).toBe('zlib')
    expect(result.complete).toBe(true)
    expect(result.error).toBeUndefined()
    expect(bytesEqual(result.data, sample)).toBe(true)
  })

  it('default: golden zlib channel holding one span batch (kona batch reader vector)', () => {
    const channel = fromHex(`0x${readFileSync(fixture('batches/batch.hex'), 'utf8').trim()}`)
    const result = decompressChannel(channel, BEDROCK)
    expect(result).toMatchObject({ compression: 'zlib', complete: true })
    expect(result.data.length).toBe(1_409_463)
    // One RLP string: 0xba + 3-byte length (1,409,459), content starting with the span batch type 0x01.
    expect([...result.data.subarray(0, 5)]).toEqual([0xba, 0x15, 0x81, 0xb3, 0x01])
  })

  it('behavior: first byte b with b & 0x0F ∈ {8, 15} → zlib (RFC 1950)', () => {
    for (let b = 0; b < 256; b++) {
      if ((b & 0x0f) !== 8 && (b & 0x0f) !== 15) continue
      const result = decompressChannel(Uint8Array.of(b, 0x9c, 0x03, 0x00), BEDROCK)
      expect(result.compression).toBe('zlib')
    }
    // CM 15 passes op-node's sniff but not the zlib header check (Go's zlib.NewReader fails the same way): no data.
    const cm15 = decompressChannel(Uint8Array.of(0x7f, 0x9c, 0x03, 0x00), BEDROCK)
    expect(cm15).toMatchObject({ compression: 'zlib', complete: false, data: new Uint8Array(0) })
    expect(cm15.error?.code).toBe('compression-corrupt')
  })

  it('behavior: b == 0x01 → brotli (RFC 7932) of the remaining bytes, if Fjord is active', () => {
    const compressed = compressChannel(sample, 'brotli')
    expect(compressed[0]).toBe(0x01)
    const result = decompressChannel(compressed, FJORD)
    expect(result).toMatchObject({ compression: 'brotli', complete: true })
    expect(bytesEqual(result.data, sample)).toBe(true)
  })

  it('error: brotli before Fjord → invalid channel', () => {
    expect(codeOf(() => decompressChannel(compressChannel(sample, 'brotli'), BEDROCK))).toBe(
      'compression-brotli-before-fjord',
    )
  })

  it('error: any other first byte → invalid channel', () => {
    for (let b = 0; b < 256; b++) {
      if ((b & 0x0f) === 8 || (b & 0x0f) === 15 || b === 1) continue
      expect(codeOf(() => decompressChannel(Uint8Array.of(b, 0, 0, 0), FJORD))).toBe('compression-unknown')
    }
  })

  it('error: empty channel data → invalid channel', () => {
    expect(codeOf(() => decompressChannel(new Uint8Array(0), FJORD))).toBe('compression-empty')
  })

  it('error: maxOutputBytes must be a positive int32', () => {
    for (const maxOutputBytes of [0, -1, 1.5, 2 ** 31, Number.NaN]) {
      expect(() => decompressChannel(Uint8Array.of(0x78), { maxOutputBytes, allowBrotli: true })).toThrow(RangeError)
    }
  })

  it('behavior: the read limit truncates output to exactly the first maxOutputBytes bytes', () => {
    for (const algo of ['zlib', 'brotli'] as const) {
      const compressed = compressChannel(sample, algo)
      for (const cap of [1, 1000, 65_536, 65_537, 200_000, sample.length - 1]) {
        const result = decompressChannel(compressed, { maxOutputBytes: cap, allowBrotli: true })
        expect(result.complete).toBe(false)
        expect(result.error?.code).toBe('compression-output-limit')
        expect(bytesEqual(result.data, sample.subarray(0, cap))).toBe(true)
      }
      // A stream that ends exactly at the limit is complete.
      const exact = decompressChannel(compressed, { maxOutputBytes: sample.length, allowBrotli: true })
      expect(exact.complete).toBe(true)
      expect(bytesEqual(exact.data, sample)).toBe(true)
    }
  })

  describe('zip bombs: 1 GB of zeros against a 10,000,000-byte limit', () => {
    let zlibBomb: Uint8Array
    let brotliBomb: Uint8Array
    beforeAll(async () => {
      zlibBomb = zlibZeroBomb(1024)
      brotliBomb = await brotliZeroBomb(1024)
    })

    it('behavior: the bomb construction is a valid zlib stream of zeros (checked at 3 MiB)', () => {
      expect(bytesEqual(inflateSync(zlibZeroBomb(3)), new Uint8Array(3 * MiB))).toBe(true)
    })

    for (const algo of ['zlib', 'brotli'] as const) {
      it(`behavior: ${algo} bomb stops at the limit and memory stays bounded`, () => {
        const bomb = algo === 'zlib' ? zlibBomb : brotliBomb
        expect(bomb.length).toBeLessThan(2 * MiB)
        const before = process.memoryUsage()
        const result = decompressChannel(bomb, { maxOutputBytes: 10_000_000, allowBrotli: true })
        const after = process.memoryUsage()
        expect(result.compression).toBe(algo)
        expect(result.data.length).toBe(10_000_000)
        expect(result.data.every((b) => b === 0)).toBe(true)
        expect(result.complete).toBe(false)
        expect(result.error?.code).toBe('compression-output-limit')
        expect(after.rss - before.rss).toBeLessThan(50 * MiB)
        expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(50 * MiB)
      })
    }
  })

  it('behavior: a truncated stream yields everything decodable (Z_SYNC_FLUSH / BROTLI_OPERATION_FLUSH)', () => {
    const data = sample.subarray(0, 40_000)
    for (const algo of ['zlib', 'brotli'] as const) {
      const compressed = compressChannel(data, algo)
      let previous = 0
      for (let n = 1; n < compressed.length; n += 1 + Math.floor(compressed.length / 300)) {
        const prefix = compressed.subarray(0, n)
        const result = decompressChannel(prefix, FJORD)
        expect(result.complete).toBe(false)
        expect(result.error?.code).toBe('compression-truncated')
        expect(isPrefix(result.data, data)).toBe(true)
        expect(result.data.length).toBeGreaterThanOrEqual(previous)
        previous = result.data.length
        // Oracle: node's one-shot API with the same partial flush.
        const oracle =
          algo === 'zlib'
            ? inflateSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH })
            : brotliDecompressSync(prefix.subarray(1), { finishFlush: constants.BROTLI_OPERATION_FLUSH })
        expect(bytesEqual(result.data, oracle)).toBe(true)
      }
    }
  })

  it('behavior: zlib corruption at a block boundary returns everything before it', () => {
    const before = sample.subarray(0, 250_000)
    // Byte-aligned, non-final blocks for `before`, then a final block of reserved type 3 ("invalid block type").
    const raw = deflateRawSync(before, { finishFlush: constants.Z_FULL_FLUSH })
    const channel = concatBytes(Uint8Array.of(0x78, 0x9c), raw, Uint8Array.of(0x07, 0xaa, 0xbb))
    const result = decompressChannel(channel, BEDROCK)
    expect(result.complete).toBe(false)
    expect(result.error?.code).toBe('compression-corrupt')
    expect(bytesEqual(result.data, before)).toBe(true)
  })

  it('behavior: zlib corruption mid-byte keeps the symbols decoded before it (as Go compress/flate)', () => {
    const before = sample.subarray(0, 100_000)
    const w = bitWriter()
    w.bits(0, 1) // BFINAL
    w.bits(1, 2) // BTYPE = fixed Huffman
    fixedLiteral(w, 0x78)
    fixedLiteral(w, 0x79)
    w.code(0b0000001, 7) // length code 257 (length 3)
    w.code(30, 5) // distance code 30: invalid
    const raw = deflateRawSync(before, { finishFlush: constants.Z_FULL_FLUSH })
    const result = decompressChannel(concatBytes(Uint8Array.of(0x78, 0x9c), raw, w.bytes(), new Uint8Array(8)), BEDROCK)
    expect(result.error?.code).toBe('compression-corrupt')
    expect(bytesEqual(result.data, concatBytes(before, Uint8Array.of(0x78, 0x79)))).toBe(true)
  })

  it('behavior: a distance too far back keeps the bytes before it', () => {
    const w = bitWriter()
    w.bits(1, 1)
    w.bits(1, 2)
    fixedLiteral(w, 0x61)
    w.code(0b0000001, 7) // length 3
    w.code(1, 5) // distance 2, but only 1 byte of history
    w.code(0, 7) // end of block
    const result = decompressChannel(concatBytes(Uint8Array.of(0x78, 0x9c), w.bytes(), new Uint8Array(4)), BEDROCK)
    expect(result.error?.code).toBe('compression-corrupt')
    expect([...result.data]).toEqual([0x61])
  })

  it('behavior: a bad adler32 keeps all the data (Go returns it before ErrChecksum)', () => {
    const compressed = compressChannel(sample, 'zlib')
    compressed[compressed.length - 1] ^= 1
    const result = decompressChannel(compressed, BEDROCK)
    expect(result.error?.code).toBe('compression-corrupt')
    expect(bytesEqual(result.data, sample)).toBe(true)
  })

  it('behavior: bytes after the end of the zlib stream are ignored (Go reads no further)', () => {
    const channel = concatBytes(compressChannel(sample, 'zlib'), Uint8Array.of(1, 2, 3))
    const result = decompressChannel(channel, BEDROCK)
    expect(result.complete).toBe(true)
    expect(bytesEqual(result.data, sample)).toBe(true)
  })

  it('behavior: random corruption yields a prefix-consistent result and never throws', () => {
    const r = prng(99)
    const data = sample.subarray(0, 60_000)
    for (const algo of ['zlib', 'brotli'] as const) {
      const compressed = compressChannel(data, algo)
      for (let i = 0; i < 60; i++) {
        const bad = compressed.slice()
        const at = 2 + Math.floor(r() * (bad.length - 2))
        bad[at] ^= 1 << Math.floor(r() * 8)
        const result = decompressChannel(bad, FJORD)
        expect(result.data.length).toBeLessThanOrEqual(FJORD.maxOutputBytes)
        if (result.complete) continue // some flips only change literals
        expect(result.error).toBeInstanceOf(DecodeError)
        if (algo === 'zlib') {
          // Whatever decodes from the input before the flipped byte is unaffected.
          const clean = inflateSync(compressed.subarray(0, at), { finishFlush: constants.Z_SYNC_FLUSH })
          expect(isPrefix(clean, result.data)).toBe(true)
        }
      }
    }
  })

  it('behavior: corrupt or truncated zlib yields exactly the bytes decoded before the failure (reference decoder)', () => {
    const r = prng(2024)
    const strategies = [
      constants.Z_DEFAULT_STRATEGY,
      constants.Z_FILTERED,
      constants.Z_HUFFMAN_ONLY,
      constants.Z_RLE,
      constants.Z_FIXED,
    ]
    let failures = 0
    for (let i = 0; i < 200; i++) {
      const n = r() < 0.2 ? 100_000 + Math.floor(r() * 100_000) : Math.floor(r() * 20_000)
      const data = r() < 0.8 ? sampleData(r, n) : Uint8Array.from({ length: n }, () => r() * 256)
      const compressed = new Uint8Array(
        deflateSync(data, { level: Math.floor(r() * 10), strategy: strategies[Math.floor(r() * strategies.length)] }),
      )
      let mutated = compressed
      const kind = Math.floor(r() * 4)
      if (kind !== 3) {
        mutated = compressed.slice()
        for (let k = 0; k <= kind; k++) {
          const at = 1 + Math.floor(r() * (mutated.length - 1))
          if (r() < 0.7) mutated[at] ^= 1 << Math.floor(r() * 8)
          else mutated[at] = Math.floor(r() * 256)
        }
      }
      if (kind === 3 || r() < 0.2) mutated = mutated.subarray(0, 1 + Math.floor(r() * mutated.length))
      if ((mutated[0] & 0x0f) !== 8) continue
      const expected = referenceInflate(mutated)
      if (expected.error !== undefined) failures++
      const result = decompressChannel(mutated, FJORD)
      expect(result.complete).toBe(expected.error === undefined)
      expect(result.data.length).toBe(expected.out.length)
      expect(bytesEqual(result.data, expected.out)).toBe(true)
      const cap = 1 + Math.floor(r() * Math.max(1, expected.out.length))
      const capped = decompressChannel(mutated, { maxOutputBytes: cap, allowBrotli: false })
      expect(bytesEqual(capped.data, expected.out.subarray(0, cap))).toBe(true)
    }
    expect(failures).toBeGreaterThan(100)
  })

  it('behavior: random garbage never throws anything but DecodeError', () => {
    const r = prng(5)
    for (let i = 0; i < 500; i++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(r() * 200) }, () => r() * 256)
      bytes[0] = [0x78, 0x01, 0x08, 0x0f][i % 4]
      try {
        const result = decompressChannel(bytes, { maxOutputBytes: 10_000, allowBrotli: true })
        expect(result.data.length).toBeLessThanOrEqual(10_000)
        if (!result.complete) expect(result.error).toBeInstanceOf(DecodeError)
      } catch (error) {
        expect(error).toBeInstanceOf(DecodeError)
      }
    }
  })

  it('behavior: reads a channel given as a view into a larger buffer', () => {
    const compressed = compressChannel(sample, 'brotli')
    const backing = concatBytes(Uint8Array.of(0xee, 0xee, 0xee), compressed, Uint8Array.of(0xee))
    const view = backing.subarray(3, 3 + compressed.length)
    const result = decompressChannel(view, FJORD)
    expect(result.complete).toBe(true)
    expect(bytesEqual(result.data, sample)).toBe(true)
  })
})

describe('compressChannel', () => {
  it('default: zlib at level 9 (op-batcher zlib.BestCompression), brotli at quality 10 behind 0x01', () => {
    const data = sampleData(prng(3), 10_000)
    const zlib = compressChannel(data, 'zlib')
    expect([...zlib.subarray(0, 2)]).toEqual([0x78, 0xda])
    expect(bytesEqual(zlib, new Uint8Array(deflateSync(data, { level: 9 })))).toBe(true)
    const brotli = compressChannel(data, 'brotli')
    expect(brotli[0]).toBe(0x01)
    expect(bytesEqual(brotli, compressChannel(data, 'brotli', 10))).toBe(true)
  })

  it('error: levels outside zlib 0..9 / brotli 0..11', () => {
    expect(() => compressChannel(new Uint8Array(1), 'zlib', 10)).toThrow(RangeError)
    expect(() => compressChannel(new Uint8Array(1), 'zlib', -1)).toThrow(RangeError)
    expect(() => compressChannel(new Uint8Array(1), 'brotli', 12)).toThrow(RangeError)
  })

  it('behavior: random data round-trips through compressChannel / decompressChannel', () => {
    const r = prng(11)
    for (let i = 0; i < 60; i++) {
      const algo = i % 2 === 0 ? 'zlib' : 'brotli'
      const n = [0, 1, 100, 5000, 70_000][Math.floor(r() * 5)]
      const data = r() < 0.5 ? sampleData(r, n) : Uint8Array.from({ length: n }, () => r() * 256)
      const level = algo === 'zlib' ? Math.floor(r() * 10) : Math.floor(r() * 12)
      const result = decompressChannel(compressChannel(data, algo, level), FJORD)
      expect(result).toMatchObject({ compression: algo, complete: true })
      expect(bytesEqual(result.data, data)).toBe(true)
    }
  })
})

// Keep the error-code union exercised by the type checker.
const _codes: CompressionErrorCode[] = ['compression-output-limit', 'compression-truncated', 'compression-corrupt']
void _codes
