/**
 * Unsigned LEB128 varints with Go `encoding/binary` `Uvarint` semantics, as used by span batches
 * (PROTOCOL.md §2.7; https://specs.optimism.io/protocol/delta/span-batches.html#span-batch-format).
 *
 * Decoding follows Go exactly (op-node reads every span-batch varint with `binary.ReadUvarint`):
 * - at most 10 bytes (`binary.MaxVarintLen64`); a 10th byte above 1 or an 11th byte is an overflow (value ≥ 2^64);
 * - non-minimal encodings such as `0x80 0x00` are accepted (Go accepts them; kona's `unsigned_varint` crate does
 *   not — we follow op-node). Re-encoding such a value yields the minimal form.
 */
import { DecodeError } from '../errors.ts'

export type UvarintErrorCode = 'uvarint-truncated' | 'uvarint-overflow' | 'uvarint-exceeds-limit'

/** `binary.MaxVarintLen64`. */
export const MAX_UVARINT_LENGTH = 10

const MAX_UINT64 = (1n << 64n) - 1n

/**
 * Reads one uvarint at `offset`.
 *
 * @returns `[value, nextOffset]`; the value is a uint64 as bigint.
 * @throws DecodeError `uvarint-truncated` if the input ends inside the varint, `uvarint-overflow` if it does not fit
 *   in 64 bits.
 * @example readUvarint(new Uint8Array([0xac, 0x02]), 0) // [300n, 2]
 */
export function readUvarint(bytes: Uint8Array, offset: number): [value: bigint, next: number] {
  // Fast path: up to 4 bytes fit in 28 bits, exact in float arithmetic.
  let small = 0
  for (let i = 0; i < 4; i++) {
    const at = offset + i
    if (at >= bytes.length) throw new DecodeError('uvarint-truncated', `uvarint truncated at byte ${at}`)
    const b = bytes[at]
    if (b < 0x80) return [BigInt(small + b * 2 ** (7 * i)), at + 1]
    small += (b & 0x7f) * 2 ** (7 * i)
  }
  let value = BigInt(small)
  for (let i = 4; i < MAX_UVARINT_LENGTH; i++) {
    const at = offset + i
    if (at >= bytes.length) throw new DecodeError('uvarint-truncated', `uvarint truncated at byte ${at}`)
    const b = bytes[at]
    if (b < 0x80) {
      if (i === MAX_UVARINT_LENGTH - 1 && b > 1) {
        throw new DecodeError('uvarint-overflow', `uvarint at byte ${offset} overflows 64 bits`)
      }
      return [value | (BigInt(b) << BigInt(7 * i)), at + 1]
    }
    value |= BigInt(b & 0x7f) << BigInt(7 * i)
  }
  throw new DecodeError('uvarint-overflow', `uvarint at byte ${offset} is longer than ${MAX_UVARINT_LENGTH} bytes`)
}

/**
 * Reads one uvarint and returns it as a `number`, failing if it exceeds `max` (which must be a safe integer).
 *
 * @throws DecodeError `uvarint-exceeds-limit` when the value is above `max`, plus the codes of {@link readUvarint}.
 */
export function readUvarintNumber(bytes: Uint8Array, offset: number, max: number): [value: number, next: number] {
  const [value, next] = readUvarint(bytes, offset)
  if (value > BigInt(max)) {
    throw new DecodeError('uvarint-exceeds-limit', `uvarint ${value} at byte ${offset} exceeds ${max}`)
  }
  return [Number(value), next]
}

/**
 * Encodes a uint64 as a minimal uvarint (`binary.PutUvarint`).
 *
 * @throws RangeError if `value` is negative, not an integer or above 2^64 − 1.
 * @example encodeUvarint(300) // Uint8Array [0xac, 0x02]
 */
export function encodeUvarint(value: bigint | number): Uint8Array {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`uvarint value must be a safe integer: ${value}`)
  }
  let v = BigInt(value)
  if (v < 0n || v > MAX_UINT64) throw new RangeError(`uvarint value out of uint64 range: ${v}`)
  const out: number[] = []
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return Uint8Array.from(out)
}

