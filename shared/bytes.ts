/**
 * Byte and hex helpers used across the protocol core. `Uint8Array` inside, `0x` hex only at JSON edges.
 * keccak is @noble/hashes (what viem uses underneath); hex is a table lookup here, so the long-lived relay that
 * imports this file does not load all of viem (about 30 MB of RSS).
 */
import { keccak_256 } from '@noble/hashes/sha3.js'

export type Hex = `0x${string}`

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Lowercase `0x` hex of bytes. */
export function toHex(bytes: Uint8Array): Hex {
  let out = '0x'
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]]
  return out as Hex
}

/** Bytes of a `0x` hex string (even length). Throws `TypeError` on malformed hex. */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !/^0x[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) {
    throw new TypeError(`not a 0x-prefixed even-length hex string: ${String(hex).slice(0, 40)}`)
  }
  const out = new Uint8Array((hex.length - 2) / 2)
  for (let i = 0, j = 2; i < out.length; i++, j += 2) out[i] = (nibble(hex.charCodeAt(j)) << 4) | nibble(hex.charCodeAt(j + 1))
  return out
}

/** The value of a hex digit's char code (the caller checked it is one). */
function nibble(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87
}

/** keccak256 over bytes, returning bytes. */
export function keccak(bytes: Uint8Array): Uint8Array {
  return keccak_256(bytes)
}

/** Concatenate byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Big-endian unsigned integer of `size` bytes. Throws RangeError if it does not fit. */
export function uintToBytes(value: bigint | number, size: number): Uint8Array {
  let v = BigInt(value)
  if (v < 0n) throw new RangeError('negative value')
  const out = new Uint8Array(size)
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  if (v !== 0n) throw new RangeError(`value does not fit in ${size} bytes`)
  return out
}

/** Big-endian unsigned integer from bytes. */
export function bytesToBigint(bytes: Uint8Array): bigint {
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  return v
}

/** 32-byte left-padded big-endian word. */
export function word(value: bigint | number): Uint8Array {
  return uintToBytes(value, 32)
}

/** Lowercase hex of a 20-byte address. */
export function addressHex(bytes: Uint8Array): Hex {
  return toHex(bytes)
}

/** 20 bytes of an address (any case). */
export function addressBytes(address: string): Uint8Array {
  const b = fromHex(address)
  if (b.length !== 20) throw new TypeError(`address must be 20 bytes: ${address}`)
  return b
}
