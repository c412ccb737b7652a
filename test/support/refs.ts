import { type Hex, keccak, toHex } from '../../shared/bytes.ts'
import type { L1BlockRef } from '../../shared/deriver/types.ts'

/** keccak256 of a label's UTF-8 bytes, as hex: a distinct, readable stand-in hash. */
export const labelHash = (label: string): Hex => toHex(keccak(new TextEncoder().encode(label)))

/** An L1 block ref whose hash is 32 bytes of `number & 0xff` (parent: `number - 1`), 12 s per block by default. */
export const l1Ref = (number: number, timestamp = number * 12): L1BlockRef => ({
  hash: toHex(new Uint8Array(32).fill(number & 0xff)),
  number,
  parentHash: toHex(new Uint8Array(32).fill((number - 1) & 0xff)),
  timestamp,
})

/** A 16-byte channel id filled with the char code of `c`. */
export const channelId = (c: string) => new Uint8Array(16).fill(c.charCodeAt(0))

/** {@link channelId} as hex. */
export const channelIdHex = (c: string): Hex => toHex(channelId(c))
