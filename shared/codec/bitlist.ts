/**
 * Span-batch bitlists (PROTOCOL.md §2.7; https://specs.optimism.io/protocol/delta/span-batches.html#span-batch-format):
 * a list of L bits is the big-endian integer `Σ bit_i << i`, left-padded with zeros to `ceil(L/8)` bytes.
 * Bit 0 is the least significant bit of the last byte.
 *
 * In memory a bitlist is unpacked: a `Uint8Array` of length L holding 0 or 1 per element, so `bits[i]` is bit i.
 * Mirrors op-node `decodeSpanBatchBits` / `encodeSpanBatchBits` (`op-node/rollup/derive/span_batch_util.go`):
 * short input is an error (Go `io.ReadFull`; kona zero-pads instead — we follow op-node).
 */
import { DecodeError } from '../errors.ts'
import { MAX_SPAN_BATCH_ELEMENT_COUNT } from '../config/forks.ts'

export type BitlistErrorCode = 'bitlist-too-long' | 'bitlist-truncated' | 'bitlist-too-many-bits'

/** Number of bytes of a bitlist of `bitLength` bits. */
export function bitlistByteLength(bitLength: number): number {
  return Math.ceil(bitLength / 8)
}

/**
 * Reads a bitlist of `bitLength` bits at `offset`.
 *
 * @returns `[bits, nextOffset]` with `bits.length === bitLength`.
 * @throws DecodeError `bitlist-too-long` if `bitLength` exceeds MAX_SPAN_BATCH_ELEMENT_COUNT, `bitlist-truncated` if
 *   fewer than `ceil(bitLength/8)` bytes remain, `bitlist-too-many-bits` if the integer has more than `bitLength`
 *   significant bits.
 * @example readBitlist(new Uint8Array([0x05]), 0, 3) // [Uint8Array [1, 0, 1], 1]
 */
export function readBitlist(bytes: Uint8Array, offset: number, bitLength: number): [bits: Uint8Array, next: number] {
  if (!Number.isSafeInteger(bitLength) || bitLength < 0 || bitLength > MAX_SPAN_BATCH_ELEMENT_COUNT) {
    throw new DecodeError('bitlist-too-long', `bitlist of ${bitLength} bits exceeds ${MAX_SPAN_BATCH_ELEMENT_COUNT}`)
  }
  const byteLength = bitlistByteLength(bitLength)
  if (offset + byteLength > bytes.length) {
    throw new DecodeError(
      'bitlist-truncated',
      `bitlist of ${byteLength} bytes at ${offset} runs past the end (${bytes.length} bytes)`,
    )
  }
  const spare = byteLength * 8 - bitLength
  if (spare > 0 && bytes[offset] >> (8 - spare) !== 0) {
    throw new DecodeError('bitlist-too-many-bits', `bitlist at ${offset} has more than ${bitLength} bits`)
  }
  const bits = new Uint8Array(bitLength)
  const last = offset + byteLength - 1
  for (let i = 0; i < bitLength; i++) bits[i] = (bytes[last - (i >> 3)] >> (i & 7)) & 1
  return [bits, offset + byteLength]
}

/**
 * Encodes an unpacked bitlist (one 0/1 per element) into `ceil(bits.length/8)` bytes.
 *
 * @throws RangeError if an element is not 0 or 1.
 * @example encodeBitlist([1, 0, 1]) // Uint8Array [0x05]
 */
export function encodeBitlist(bits: ArrayLike<number>): Uint8Array {
  const byteLength = bitlistByteLength(bits.length)
  const out = new Uint8Array(byteLength)
  const last = byteLength - 1
  for (let i = 0; i < bits.length; i++) {
    const bit = bits[i]
    if (bit !== 0 && bit !== 1) throw new RangeError(`bitlist element ${i} is ${bit}, not 0 or 1`)
    if (bit === 1) out[last - (i >> 3)] |= 1 << (i & 7)
  }
  return out
}

/** Number of set bits. */
export function countBits(bits: ArrayLike<number>): number {
  let n = 0
  for (let i = 0; i < bits.length; i++) if (bits[i] === 1) n++
  return n
}
