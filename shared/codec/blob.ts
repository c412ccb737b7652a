/**
 * EIP-4844 blob ⇄ rollup data, the OP Stack "version 0" blob encoding (PROTOCOL.md §2.3;
 * https://specs.optimism.io/protocol/ecotone/derivation.html#blob-encoding; op-service `eth/blob.go`).
 *
 * A blob is 4096 field elements of 32 bytes. Only the low 254 bits of each element carry data: each round of four
 * elements holds 4 × 31 payload bytes plus three bytes split into four 6-bit chunks, one in the first byte of each
 * element. 1024 rounds × 127 bytes = 130,048 bytes, of which the first four are a header (version byte 0, uint24
 * big-endian length), leaving {@link MAX_BLOB_DATA_SIZE} = 130,044 bytes of data.
 *
 * @example
 * const data = blobToData(blob) // throws DecodeError<BlobErrorCode> when op-node would ignore the blob
 * dataToBlob(data)              // deterministic: reproduces `blob` byte for byte
 */
import { DecodeError } from '../errors.ts'

/** 4096 field elements × 32 bytes. */
export const BLOB_SIZE = 131_072
/** `(4*31+3)*1024 - 4` (op-service `MaxBlobDataSize`). */
export const MAX_BLOB_DATA_SIZE = 130_044
/** The only blob encoding version op-node decodes. */
export const BLOB_ENCODING_VERSION = 0

const ROUNDS = 1024
/** Offset of the version byte: byte 0 of field element 0 carries 6 bits of data, bytes 1..4 the header. */
const VERSION_OFFSET = 1

export type BlobErrorCode =
  | 'blob-wrong-size'
  | 'blob-invalid-version'
  | 'blob-invalid-length'
  | 'blob-invalid-field-element'
  | 'blob-extraneous-data-field-element'
  | 'blob-extraneous-data'
  | 'blob-input-too-large'

/**
 * Decodes a blob into rollup data exactly as op-service `Blob.ToData`.
 *
 * Checks, in op-node's order: version byte (blob[1]) is 0 (`blob-invalid-version`); the uint24 length in blob[2..4] is
 * at most 130,044 (`blob-invalid-length`); while decoding, the top two bits of the first byte of every field element
 * read are zero (`blob-invalid-field-element`) — except element 0, whose first byte op-node masks with 0x3F and never
 * checks (PROTOCOL.md §9 item 12; the spec text says "each"); decoded bytes past `length` are zero
 * (`blob-extraneous-data-field-element`); blob bytes after the last round read are zero (`blob-extraneous-data`).
 *
 * @throws DecodeError with a {@link BlobErrorCode}.
 */
export function blobToData(blob: Uint8Array): Uint8Array {
  if (!(blob instanceof Uint8Array) || blob.length !== BLOB_SIZE) {
    throw new DecodeError('blob-wrong-size', `blob must be ${BLOB_SIZE} bytes, got ${blob?.length}`)
  }
  if (blob[VERSION_OFFSET] !== BLOB_ENCODING_VERSION) {
    throw new DecodeError(
      'blob-invalid-version',
      `expected blob encoding version ${BLOB_ENCODING_VERSION}, got ${blob[VERSION_OFFSET]}`,
    )
  }
  const length = (blob[2] << 16) | (blob[3] << 8) | blob[4]
  if (length > MAX_BLOB_DATA_SIZE) {
    throw new DecodeError('blob-invalid-length', `blob data length ${length} exceeds ${MAX_BLOB_DATA_SIZE}`)
  }

  // Every round writes 127 bytes; 1024 rounds minus the 4 header bytes fit exactly in MAX_BLOB_DATA_SIZE.
  const out = new Uint8Array(MAX_BLOB_DATA_SIZE)
  const high = new Uint8Array(4)
  // Round 0: element 0 holds 27 data bytes after the header; its first byte is used unchecked.
  out.set(blob.subarray(5, 32), 0)
  high[0] = blob[0]
  let opos = 28
  let ipos = 32
  for (let j = 1; j < 4; j++) {
    high[j] = readFieldElement(blob, ipos, out, opos)
    opos += 32
    ipos += 32
  }
  opos = reassemble(high, out, opos)

  for (let round = 1; round < ROUNDS && opos < length; round++) {
    for (let j = 0; j < 4; j++) {
      high[j] = readFieldElement(blob, ipos, out, opos)
      opos += 32
      ipos += 32
    }
    opos = reassemble(high, out, opos)
  }

  for (let i = length; i < out.length; i++) {
    if (out[i] !== 0) {
      throw new DecodeError(
        'blob-extraneous-data-field-element',
        `non-zero decoded byte at ${i}, past the data length ${length}`,
      )
    }
  }
  for (let i = ipos; i < BLOB_SIZE; i++) {
    if (blob[i] !== 0) {
      throw new DecodeError('blob-extraneous-data', `non-zero blob byte at ${i}, after the encoded data`)
    }
  }
  return out.slice(0, length)
}

/**
 * Encodes rollup data into a blob exactly as op-service `Blob.FromData`: unused rounds and padding are zero, so the
 * output is a pure function of the input.
 *
 * @throws DecodeError `blob-input-too-large` when `data` exceeds {@link MAX_BLOB_DATA_SIZE} bytes.
 */
export function dataToBlob(data: Uint8Array): Uint8Array {
  if (data.length > MAX_BLOB_DATA_SIZE) {
    throw new DecodeError('blob-input-too-large', `${data.length} bytes do not fit in one blob (${MAX_BLOB_DATA_SIZE})`)
  }
  const blob = new Uint8Array(BLOB_SIZE)
  // The stream the rounds read from: 4-byte header then the data, zero beyond its end.
  const stream = new Uint8Array(4 + data.length)
  stream[0] = BLOB_ENCODING_VERSION
  stream[1] = (data.length >>> 16) & 0xff
  stream[2] = (data.length >>> 8) & 0xff
  stream[3] = data.length & 0xff
  stream.set(data, 4)

  let r = 0
  const read1 = (): number => (r < stream.length ? stream[r++] : 0)
  const read31 = (at: number): void => {
    const n = Math.max(0, Math.min(31, stream.length - r))
    blob.set(stream.subarray(r, r + n), at)
    r += n
  }

  let w = 0
  // Rounds continue while input remains. (op-node skips round 0 for empty data; the header is then all zero, so
  // encoding it gives the same all-zero blob.)
  for (let round = 0; round < ROUNDS && r < stream.length; round++) {
    read31(w + 1)
    const x = read1()
    blob[w] = x & 0b0011_1111
    read31(w + 33)
    const y = read1()
    blob[w + 32] = (y & 0b0000_1111) | ((x & 0b1100_0000) >> 2)
    read31(w + 65)
    const z = read1()
    blob[w + 64] = z & 0b0011_1111
    read31(w + 97)
    blob[w + 96] = ((z & 0b1100_0000) >> 2) | ((y & 0b1111_0000) >> 4)
    w += 128
  }
  return blob
}

/** Copies the 31 low bytes of the element at `ipos` to `out[opos..]` and returns its (checked) first byte. */
function readFieldElement(blob: Uint8Array, ipos: number, out: Uint8Array, opos: number): number {
  const first = blob[ipos]
  if ((first & 0b1100_0000) !== 0) {
    throw new DecodeError('blob-invalid-field-element', `field element ${ipos / 32} has its top two bits set`)
  }
  out.set(blob.subarray(ipos + 1, ipos + 32), opos)
  return first
}

/**
 * Rebuilds the three bytes spread over the four 6-bit chunks and puts them at the 32nd byte of the first three
 * 32-byte output groups of the round. Returns the output position of the next round (127 bytes per round).
 */
function reassemble(high: Uint8Array, out: Uint8Array, opos: number): number {
  const end = opos - 1
  const x = (high[0] & 0b0011_1111) | ((high[1] & 0b0011_0000) << 2)
  const y = (high[1] & 0b0000_1111) | ((high[3] & 0b0000_1111) << 4)
  const z = (high[2] & 0b0011_1111) | ((high[3] & 0b0011_0000) << 2)
  out[end - 32] = z
  out[end - 64] = y
  out[end - 96] = x
  return end
}
