/**
 * A strict, allocation-free RLP reader with go-ethereum `rlp` decoding rules, and the few encoding helpers the batch
 * codecs need on top of viem's `toRlp`.
 *
 * Why not viem `fromRlp`: it does reject non-canonical sizes (checked with viem 2.57), but it returns an untyped tree of
 * byte strings, so an integer with a leading zero byte (`ErrCanonInt` in geth) looks like any other string; it gives no
 * offsets, which the span-batch codecs need to splice validated sub-items byte for byte; it has no per-item size cap
 * like geth's stream input limit; and it throws viem errors rather than `DecodeError`.
 *
 * op-node decodes batches with geth's `rlp` package, which rejects (`rlp/decode.go`):
 * - a single byte below 0x80 wrapped in a string header, long-form sizes below 56, sizes with a leading zero byte
 *   (`ErrCanonSize`);
 * - integers with a leading zero byte, including the single byte 0x00 (`ErrCanonInt`), or wider than the field
 *   (`errUintOverflow`);
 * - a list where a string is expected and vice versa, fixed-size byte arrays of the wrong length, lists with too few
 *   or too many elements for the struct, items larger than their enclosing list.
 *
 * The reader walks only the shape the caller asks for, so nesting depth is bounded by the caller's schema.
 * Every failure is a `DecodeError` with an {@link RlpErrorCode}.
 */

import { DecodeError } from '../errors.ts'

export type RlpErrorCode =
  | 'rlp-truncated'
  | 'rlp-value-too-large'
  | 'rlp-non-canonical-size'
  | 'rlp-non-canonical-int'
  | 'rlp-int-overflow'
  | 'rlp-expected-string'
  | 'rlp-expected-list'
  | 'rlp-wrong-size'
  | 'rlp-too-few-elements'
  | 'rlp-too-many-elements'

/** One item's header: payload is `bytes[start, end)`, the whole item is `bytes[offset, end)`. */
export type RlpHeader = {
  list: boolean
  /** Offset of the item's first (header) byte. */
  offset: number
  /** Payload start. */
  start: number
  /** Payload end (exclusive); also the end of the whole item. */
  end: number
  /** True for a single byte below 0x80 that is its own encoding (geth `Byte` kind). */
  single: boolean
}

/**
 * Reads the header of the item at `offset`, which must end at or before `limit`.
 *
 * @param maxItemLength optional cap on the whole item (header + payload), like a geth `rlp.Stream` input limit:
 *   a longer item fails with `rlp-value-too-large` (`ErrValueTooLarge`) before the truncation check.
 * @throws DecodeError `rlp-truncated`, `rlp-non-canonical-size`, `rlp-value-too-large`.
 */
export function readRlpHeader(
  bytes: Uint8Array,
  offset: number,
  limit: number = bytes.length,
  maxItemLength: number = Number.POSITIVE_INFINITY,
): RlpHeader {
  if (offset >= limit) throw new DecodeError('rlp-truncated', `RLP item expected at ${offset}, input ends at ${limit}`)
  const b = bytes[offset]
  if (b < 0x80) return { list: false, offset, start: offset, end: offset + 1, single: true }
  let list: boolean
  let start: number
  let size: number
  if (b < 0xb8 || (b >= 0xc0 && b < 0xf8)) {
    list = b >= 0xc0
    size = b - (list ? 0xc0 : 0x80)
    start = offset + 1
  } else {
    list = b >= 0xf8
    const sizeLength = b - (list ? 0xf7 : 0xb7)
    start = offset + 1 + sizeLength
    if (start > limit) throw new DecodeError('rlp-truncated', `RLP size at ${offset} runs past ${limit}`)
    if (bytes[offset + 1] === 0) {
      throw new DecodeError('rlp-non-canonical-size', `RLP size at ${offset} has a leading zero byte`)
    }
    size = 0
    // Up to 8 size bytes; above 2^53 the float is inexact but still far beyond any real limit, which is all we test.
    for (let i = 1; i <= sizeLength; i++) size = size * 256 + bytes[offset + i]
    if (size < 56) throw new DecodeError('rlp-non-canonical-size', `RLP size ${size} at ${offset} should be short`)
  }
  if (start - offset + size > maxItemLength) {
    throw new DecodeError('rlp-value-too-large', `RLP item at ${offset} of ${size} bytes exceeds ${maxItemLength}`)
  }
  if (size > limit - start) {
    throw new DecodeError('rlp-truncated', `RLP item at ${offset} of ${size} bytes runs past ${limit}`)
  }
  return { list, offset, start, end: start + size, single: false }
}

/**
 * Cursor over the items of one RLP list payload (or of a whole input, for a top-level sequence).
 *
 * @example
 * const r = new RlpReader(bytes).list()
 * const hash = r.fixedBytes(32)
 * const n = r.uint64()
 * r.finish()
 */
export class RlpReader {
  readonly bytes: Uint8Array
  readonly end: number
  offset: number

  constructor(bytes: Uint8Array, start = 0, end: number = bytes.length) {
    this.bytes = bytes
    this.offset = start
    this.end = end
  }

  /** True when every item of this list has been read. */
  atEnd(): boolean {
    return this.offset >= this.end
  }

  /** Reads the next item's header and moves past the whole item. */
  next(): RlpHeader {
    if (this.atEnd()) throw new DecodeError('rlp-too-few-elements', `RLP list ending at ${this.end} is too short`)
    const h = readRlpHeader(this.bytes, this.offset, this.end)
    this.offset = h.end
    return h
  }

  /** The next item, header included, without validating its contents. */
  raw(): Uint8Array {
    const h = this.next()
    return this.bytes.subarray(h.offset, h.end)
  }

  /** The next item, which must be a list; returns a reader over its elements. */
  list(): RlpReader {
    const h = this.next()
    if (!h.list) throw new DecodeError('rlp-expected-list', `RLP list expected at ${h.offset}`)
    return new RlpReader(this.bytes, h.start, h.end)
  }

  /** The next item, which must be a byte string (geth `Stream.Bytes`). */
  bytesValue(): Uint8Array {
    return this.checkString(this.next())
  }

  /** Like {@link bytesValue} but with the header, for byte-exact re-encoding. */
  rawBytes(): Uint8Array {
    const h = this.next()
    this.checkString(h)
    return this.bytes.subarray(h.offset, h.end)
  }

  /** The next item as a byte string of exactly `size` bytes (geth byte arrays: `common.Address`, `common.Hash`). */
  fixedBytes(size: number): Uint8Array {
    const value = this.bytesValue()
    if (value.length !== size) {
      throw new DecodeError('rlp-wrong-size', `RLP string of ${value.length} bytes where ${size} are expected`)
    }
    return value
  }

  /**
   * The next item as a canonical unsigned integer of at most `maxBytes` bytes, returned as its minimal big-endian
   * bytes (empty for zero).
   */
  uintBytes(maxBytes: number = Number.POSITIVE_INFINITY): Uint8Array {
    const h = this.next()
    const value = this.checkString(h)
    if (value.length > 0 && value[0] === 0) {
      throw new DecodeError('rlp-non-canonical-int', `RLP integer at ${h.offset} has a leading zero byte`)
    }
    if (value.length > maxBytes) {
      throw new DecodeError('rlp-int-overflow', `RLP integer at ${h.offset} is wider than ${maxBytes} bytes`)
    }
    return value
  }

  /** Like {@link uintBytes} but returns the whole item, header included. */
  rawUint(maxBytes: number = Number.POSITIVE_INFINITY): Uint8Array {
    const start = this.offset
    this.uintBytes(maxBytes)
    return this.bytes.subarray(start, this.offset)
  }

  /** The next item as a canonical uint64. */
  uint64(): bigint {
    let v = 0n
    for (const b of this.uintBytes(8)) v = (v << 8n) | BigInt(b)
    return v
  }

  /** Fails unless every element of this list has been read (geth `ListEnd`: "input list has too many elements"). */
  finish(): void {
    if (!this.atEnd()) {
      throw new DecodeError('rlp-too-many-elements', `RLP list has extra elements from ${this.offset} to ${this.end}`)
    }
  }

  private checkString(h: RlpHeader): Uint8Array {
    if (h.list) throw new DecodeError('rlp-expected-string', `RLP string expected at ${h.offset}`)
    const value = this.bytes.subarray(h.start, h.end)
    if (!h.single && value.length === 1 && value[0] < 0x80) {
      throw new DecodeError('rlp-non-canonical-size', `RLP single byte at ${h.offset} has a string header`)
    }
    return value
  }
}

/** Minimal big-endian bytes of a non-negative integer (empty for zero), i.e. the RLP integer payload. */
export function uintToMinimalBytes(value: bigint | number): Uint8Array {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    // Fast path for sizes, nonces and gas (hot in span-batch re-encoding).
    let n = 0
    for (let v = value; v > 0; v = Math.floor(v / 256)) n++
    const out = new Uint8Array(n)
    for (let i = n - 1, v = value; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v % 256
    return out
  }
  let v = BigInt(value)
  if (v < 0n) throw new RangeError(`negative integer: ${v}`)
  if (v <= BigInt(Number.MAX_SAFE_INTEGER)) return uintToMinimalBytes(Number(v))
  const out: number[] = []
  while (v > 0n) {
    out.push(Number(v & 0xffn))
    v >>= 8n
  }
  return Uint8Array.from(out.reverse())
}

/** Minimal bytes of a big-endian unsigned integer given as bytes (strips leading zeros). */
export function trimLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0
  while (i < bytes.length && bytes[i] === 0) i++
  return bytes.subarray(i)
}

function header(short: number, long: number, size: number): Uint8Array {
  if (size < 56) return Uint8Array.of(short + size)
  const sizeBytes = uintToMinimalBytes(size)
  const out = new Uint8Array(1 + sizeBytes.length)
  out[0] = long + sizeBytes.length
  out.set(sizeBytes, 1)
  return out
}

/** RLP encoding of a byte string (same bytes as viem `toRlp(bytes, 'bytes')`, without its hex round trips). */
export function encodeRlpBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 1 && bytes[0] < 0x80) return bytes.slice()
  const h = header(0x80, 0xb7, bytes.length)
  const out = new Uint8Array(h.length + bytes.length)
  out.set(h)
  out.set(bytes, h.length)
  return out
}

/** RLP encoding of an unsigned integer. */
export function encodeRlpUint(value: bigint | number): Uint8Array {
  return encodeRlpBytes(uintToMinimalBytes(value))
}

/**
 * RLP list of already-encoded items. viem's `toRlp` only takes raw leaves, but the span-batch codecs splice validated
 * sub-items (access lists, authorization lists) byte for byte, so they need a list builder over encoded items.
 */
export function encodeRlpList(encodedItems: readonly Uint8Array[], typePrefix?: number): Uint8Array {
  let size = 0
  for (const item of encodedItems) size += item.length
  const h = header(0xc0, 0xf7, size)
  // An EIP-2718 type byte, when given, goes in front of the list in the same allocation.
  const p = typePrefix === undefined ? 0 : 1
  const out = new Uint8Array(p + h.length + size)
  if (p) out[0] = typePrefix as number
  out.set(h, p)
  let o = p + h.length
  for (const item of encodedItems) {
    out.set(item, o)
    o += item.length
  }
  return out
}

/** RLP encoding of a big-endian unsigned integer given as bytes, leading zeros stripped, in one allocation. */
export function encodeRlpUintBytes(bytes: Uint8Array): Uint8Array {
  let i = 0
  while (i < bytes.length && bytes[i] === 0) i++
  const n = bytes.length - i
  if (n === 1 && bytes[i] < 0x80) return Uint8Array.of(bytes[i])
  if (n < 56) {
    const out = new Uint8Array(1 + n)
    out[0] = 0x80 + n
    for (let k = 0; k < n; k++) out[1 + k] = bytes[i + k]
    return out
  }
  return encodeRlpBytes(bytes.subarray(i))
}
