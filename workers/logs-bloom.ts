/**
 * The 2048-bit logs bloom of a block header (Yellow Paper §4.3.1, go-ethereum `types.Bloom`): each log's address and
 * topics set three bits each, taken from the low 11 bits of the first three byte pairs of their keccak256.
 * A bloom never misses a log that is there (no false negatives), so a returned log outside the bloom is proof of a
 * bad answer, and a bloom that may hold a watched log for which `eth_getLogs` returned nothing is worth a second
 * look at the receipts.
 */
import { keccak } from '../shared/bytes.ts'

/** The three bit positions (0..2047) an item sets. */
export function bloomBits(item: Uint8Array): [number, number, number] {
  const h = keccak(item)
  return [((h[0] << 8) | h[1]) & 2047, ((h[2] << 8) | h[3]) & 2047, ((h[4] << 8) | h[5]) & 2047]
}

/** Whether every bit of `bits` is set in the 256-byte `bloom`. */
export function bloomHas(bloom: Uint8Array, bits: readonly number[]): boolean {
  for (const bit of bits) {
    if ((bloom[255 - (bit >> 3)] & (1 << (bit & 7))) === 0) return false
  }
  return true
}

/** Set an item's bits in `bloom` (in place; for building test blocks). */
export function bloomAdd(bloom: Uint8Array, item: Uint8Array): Uint8Array {
  for (const bit of bloomBits(item)) bloom[255 - (bit >> 3)] |= 1 << (bit & 7)
  return bloom
}
