/**
 * JSON for deriver checkpoints: plain data where bytes become `{"$b":"0x…"}` and big integers `{"$n":"123"}`, so any
 * nested stage state round-trips exactly through `JSON.stringify` / `JSON.parse`.
 */
import { fromHex, toHex } from '../bytes.ts'

export function encodeCheckpointJson(value: unknown): string {
  return JSON.stringify(value, function replacer(this: unknown, key: string, v: unknown) {
    // JSON.stringify has already called toJSON on typed arrays' holders; read the raw value from the holder.
    const raw = (this as Record<string, unknown>)[key]
    if (raw instanceof Uint8Array) return { $b: toHex(raw) }
    if (typeof raw === 'bigint') return { $n: raw.toString(10) }
    return v
  })
}

export function decodeCheckpointJson<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>
      const keys = Object.keys(o)
      if (keys.length === 1 && typeof o.$b === 'string') return fromHex(o.$b)
      if (keys.length === 1 && typeof o.$n === 'string') return BigInt(o.$n)
    }
    return v
  }) as T
}
