/**
 * Byte and hex helpers used across the protocol core. `Uint8Array` inside, `0x` hex only at JSON edges.
 * Thin wrappers over viem where it already does the job.
 */
import { bytesToHex as viemBytesToHex, hexToBytes as viemHexToBytes, isHex, keccak256 as viemKeccak } from 'viem'

export type Hex = `0x${string}`

/** Lowercase `0x` hex of bytes. */
export function toHex(bytes: Uint8Array): Hex {
  return viemBytesToHex(bytes)
}

/** Bytes of a `0x` hex string (even length). Throws `TypeError` on malformed hex. */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !isHex(hex, { strict: true }) || hex.length % 2 !== 0) {
    throw new TypeError(`not a 0x-prefixed even-length hex string: ${String(hex).slice(0, 40)}`)
  }
  return viemHexToBytes(hex as Hex)
}

/** keccak256 over bytes, returning bytes. */
export function keccak(bytes: Uint8Array): Uint8Array {
  return viemKeccak(bytes, 'bytes')
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
