import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../shared/bytes.ts'
import { BLOB_SIZE, blobToData, dataToBlob, MAX_BLOB_DATA_SIZE } from '../../../shared/codec/blob.ts'
import { codeOf } from '../../support/decode-error.ts'
import { prng, randomBytes } from '../../support/random.ts'

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/blobs')

type BlobVector = { name: string; source: string; input: { file: string }; expected: { decoded_hex: string } }
const vectors: BlobVector[] = JSON.parse(readFileSync(join(FIXTURES, 'vectors.json'), 'utf8'))

function loadBlob(file: string): Uint8Array {
  return fromHex(readFileSync(join(FIXTURES, file), 'utf8').trim())
}

describe('blobToData', () => {
  it('default', () => {
    const blob = loadBlob('blob1.txt')
    expect(new TextDecoder().decode(blobToData(blob))).toBe('this is a test of blob encoding/decoding')
  })

  for (const v of vectors) {
    it(`behavior: vector ${v.name} (${v.source.split(':')[0]})`, () => {
      const blob = loadBlob(v.input.file)
      const data = blobToData(blob)
      expect(toHex(data)).toBe(v.expected.decoded_hex)
      // Encoding is deterministic: the decoded bytes re-encode to the very same blob.
      expect(toHex(dataToBlob(data))).toBe(toHex(blob))
    })
  }

  it('behavior: §2.3 stream header is version byte 0 at blob[1] and uint24 big-endian length at blob[2..4]', () => {
    const blob = dataToBlob(new Uint8Array(70_000).fill(7))
    expect(blob[1]).toBe(0)
    expect((blob[2] << 16) | (blob[3] << 8) | blob[4]).toBe(70_000)
    expect(blobToData(blob)).toEqual(new Uint8Array(70_000).fill(7))
  })

  it('behavior: §2.3 round 0 carries 27 data bytes in element 0 after the 4-byte header', () => {
    const data = Uint8Array.from({ length: 27 }, (_, i) => i + 1)
    const blob = dataToBlob(data)
    expect(blob.subarray(5, 32)).toEqual(data)
    expect(blob.subarray(32).every((b) => b === 0)).toBe(true)
  })

  it('behavior: §2.3 each 127-byte chunk spreads bytes x,y,z over four 6-bit element heads', () => {
    // Stream bytes 31, 63, 95 (data bytes 27, 59, 91) are x, y, z of round 0.
    const data = new Uint8Array(123)
    data[27] = 0xff // x
    data[59] = 0xa5 // y
    data[91] = 0xc3 // z
    const blob = dataToBlob(data)
    expect(blob[0]).toBe(0x3f) // A = x & 0x3F
    expect(blob[32]).toBe((0xa5 & 0x0f) | ((0xff & 0xc0) >> 2)) // B
    expect(blob[64]).toBe(0xc3 & 0x3f) // C
    expect(blob[96]).toBe(((0xc3 & 0xc0) >> 2) | ((0xa5 & 0xf0) >> 4)) // D
    expect(blobToData(blob)).toEqual(data)
  })

  it('behavior: §2.3 maximum length 130,044 bytes decodes (1024 rounds)', () => {
    const data = randomBytes(prng(1), MAX_BLOB_DATA_SIZE)
    const blob = dataToBlob(data)
    expect(blobToData(blob)).toEqual(data)
  })

  it('behavior: §2.3 first byte of field element 0 is masked, not checked (op-node ToData)', () => {
    const blob = dataToBlob(new TextEncoder().encode('masked'))
    blob[0] |= 0b1100_0000
    expect(new TextDecoder().decode(blobToData(blob))).toBe('masked')
  })

  it('error: §2.3 version byte must be 0', () => {
    const blob = dataToBlob(new Uint8Array([1, 2, 3]))
    blob[1] = 1
    expect(codeOf(() => blobToData(blob))).toBe('blob-invalid-version')
  })

  it('error: §2.3 length above 130,044 is invalid', () => {
    const blob = new Uint8Array(BLOB_SIZE)
    blob[2] = 0x01
    blob[3] = 0xfb
    blob[4] = 0xfd // 130045
    expect(codeOf(() => blobToData(blob))).toBe('blob-invalid-length')
  })

  it('error: §2.3 top two bits of a field element (other than element 0) must be zero', () => {
    const blob = dataToBlob(new Uint8Array(10))
    blob[32] |= 0b1000_0000
    expect(codeOf(() => blobToData(blob))).toBe('blob-invalid-field-element')
    const late = dataToBlob(new Uint8Array(1000))
    late[32 * 8] |= 0b0100_0000 // element 8, round 2, still read because the data spans it
    expect(codeOf(() => blobToData(late))).toBe('blob-invalid-field-element')
  })

  it('error: §2.3 decoded bytes after the length must be zero', () => {
    const blob = dataToBlob(new Uint8Array([9, 9, 9]))
    blob[20] = 1 // inside element 0, past the 3 data bytes
    expect(codeOf(() => blobToData(blob))).toBe('blob-extraneous-data-field-element')
  })

  it('error: §2.3 blob bytes after the last decoded round must be zero', () => {
    const blob = dataToBlob(new Uint8Array([9, 9, 9]))
    blob[BLOB_SIZE - 1] = 1
    expect(codeOf(() => blobToData(blob))).toBe('blob-extraneous-data')
    // A bad high-bit in an element that is never read is extraneous data, not an invalid field element.
    const unread = dataToBlob(new Uint8Array([9]))
    unread[128] = 0b1100_0000
    expect(codeOf(() => blobToData(unread))).toBe('blob-extraneous-data')
  })

  it('error: blob must be 131072 bytes', () => {
    expect(codeOf(() => blobToData(new Uint8Array(BLOB_SIZE - 1)))).toBe('blob-wrong-size')
  })
})

describe('dataToBlob', () => {
  it('default', () => {
    expect(dataToBlob(new Uint8Array(0))).toEqual(new Uint8Array(BLOB_SIZE))
  })

  it('behavior: round trip of random data up to 130,044 bytes (seeded)', () => {
    const rand = prng(0x0b10b)
    const sizes = [1, 26, 27, 28, 123, 124, 127, 250, 251, 4096, 65_536, 130_043, 130_044]
    for (let i = 0; i < 12; i++) sizes.push(Math.floor(rand() * (MAX_BLOB_DATA_SIZE + 1)))
    for (const n of sizes) {
      const data = randomBytes(rand, n)
      const blob = dataToBlob(data)
      expect(blob.length).toBe(BLOB_SIZE)
      expect(blobToData(blob)).toEqual(data)
    }
  })

  it('error: 130,045 bytes do not fit', () => {
    expect(codeOf(() => dataToBlob(new Uint8Array(MAX_BLOB_DATA_SIZE + 1)))).toBe('blob-input-too-large')
  })
})
