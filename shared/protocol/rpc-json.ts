/**
 * JSON-RPC field readers shared by the block header codec (header-hash.ts) and the block list encoders
 * (rpc-block-lists.ts): every failure is a DecodeError naming the field. Plus `uint`, the RLP integer payload.
 */
import { fromHex } from '../bytes.ts'
import { DecodeError } from '../errors.ts'
import type { L1BlockErrorCode } from './header-hash.ts'

export type Obj = Record<string, unknown>

export function fail(code: L1BlockErrorCode, message: string): never {
  throw new DecodeError(code, message)
}

export function object(value: unknown, what: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('header-json-invalid-field', `${what} is not a JSON object`)
  }
  return value as Obj
}

export function has(o: Obj, key: string): boolean {
  return o[key] !== undefined && o[key] !== null
}

function get(o: Obj, key: string): unknown {
  if (!has(o, key)) fail('header-json-missing-field', `missing ${key}`)
  return o[key]
}

export function array(o: Obj, key: string): unknown[] {
  const v = get(o, key)
  if (!Array.isArray(v)) fail('header-json-invalid-field', `${key} is not an array`)
  return v
}

export function hexBytes(value: unknown, key: string, size?: number): Uint8Array {
  if (typeof value !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(value)) {
    fail('header-json-invalid-field', `${key} is not 0x hex data`)
  }
  const b = fromHex(value)
  if (size !== undefined && b.length !== size) {
    fail('header-json-invalid-field', `${key} must be ${size} bytes, got ${b.length}`)
  }
  return b
}

export function bytes(o: Obj, key: string, size?: number): Uint8Array {
  return hexBytes(get(o, key), key, size)
}

export function hash(o: Obj, key: string): Uint8Array {
  return bytes(o, key, 32)
}

/** `0x` hex (leading zeros tolerated, at most 256 bits) or a non-negative safe-integer JSON number. */
export function quantityValue(value: unknown, key: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === 'string' && /^0x[0-9a-fA-F]{1,64}$/.test(value)) return BigInt(value)
  return fail('header-json-invalid-field', `${key} is not a quantity: ${String(value).slice(0, 80)}`)
}

export function quantity(o: Obj, key: string): bigint {
  return quantityValue(get(o, key), key)
}

export function safeQuantity(o: Obj, key: string): number {
  const v = quantity(o, key)
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail('header-json-invalid-field', `${key} ${v} exceeds 2^53 - 1`)
  return Number(v)
}

/** Minimal big-endian bytes of an unsigned integer (RLP integer payload; 0 → empty). */
export function uint(value: bigint | number): Uint8Array {
  let v = BigInt(value)
  const out: number[] = []
  while (v > 0n) {
    out.unshift(Number(v & 0xffn))
    v >>= 8n
  }
  return Uint8Array.from(out)
}
