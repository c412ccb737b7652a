/**
 * The CLI's JSON conventions: bytes as lowercase 0x hex, integers that fit in 2^53 as numbers and larger ones as
 * decimal strings, flags as booleans.
 */
import { toHex } from '../shared/bytes.ts'

export function toJsonValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value)
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString(10)
  if (typeof value === 'string' && /^0x[0-9a-fA-F]*$/.test(value)) return value.toLowerCase()
  if (Array.isArray(value)) return value.map(toJsonValue)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonValue(v)
    return out
  }
  return value
}

export function stringify(value: unknown): string {
  return JSON.stringify(toJsonValue(value))
}
