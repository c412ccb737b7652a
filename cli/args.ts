/**
 * Reading CLI arguments: every argument is hex (`0x…`) or `@path` to a file holding hex (or, for JSON commands, JSON).
 */
import { readFileSync } from 'node:fs'
import { fromHex } from '../shared/bytes.ts'

/** A user mistake: printed as one line, exit code 1. */
export class UsageError extends Error {
  override name = 'UsageError'
}

function readArg(arg: string | undefined, what: string): string {
  if (arg === undefined || arg === '') throw new UsageError(`missing ${what}`)
  if (!arg.startsWith('@')) return arg
  const path = arg.slice(1)
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    throw new UsageError(`${what}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`)
  }
}

/** Bytes from `0x…` or `@file` holding hex (whitespace ignored). */
export function hexArg(arg: string | undefined, what: string): Uint8Array {
  const text = readArg(arg, what).replace(/\s+/g, '')
  const hex = text.startsWith('0x') || text.startsWith('0X') ? `0x${text.slice(2)}` : text
  if (!/^0x[0-9a-fA-F]*$/.test(hex)) throw new UsageError(`${what}: not 0x-prefixed hex`)
  if (hex.length % 2 !== 0) throw new UsageError(`${what}: hex has an odd number of digits`)
  return fromHex(hex.toLowerCase())
}

/** A JSON value from an inline JSON string or `@file`. */
export function jsonArg(arg: string | undefined, what: string): unknown {
  const text = readArg(arg, what)
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new UsageError(`${what}: not valid JSON (${(e as Error).message.split('\n')[0]})`)
  }
}

/** Split `--flag value` options from positional arguments. */
export function parseOptions(args: string[], flags: readonly string[]): { options: Record<string, string>; positional: string[] } {
  const options: Record<string, string> = {}
  const positional: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split('=', 2)
      if (!flags.includes(name)) throw new UsageError(`unknown option --${name}`)
      const value = inline ?? args[++i]
      if (value === undefined) throw new UsageError(`option --${name} needs a value`)
      options[name] = value
    } else positional.push(a)
  }
  return { options, positional }
}

/** A quantity given as 0x hex or a plain decimal number (logs and blocks come from many tools). */
export function quantity(v: unknown, what: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v)
  if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v)) return BigInt(v)
  if (typeof v === 'bigint' && v >= 0n) return v
  throw new UsageError(`${what}: expected a quantity (0x hex or a non-negative integer), got ${JSON.stringify(v)}`)
}
