/**
 * The per-height memory of gossiped blocks (PROTOCOL.md §5 "Validation", last three rules).
 *
 * Mirrors op-node's `blockHeightLRU` (a hashicorp golang-lru of 1000 heights) and `seenBlocks` (the hashes accepted at
 * one height), ethereum-optimism/optimism@14b478d00839441b8b0494d24d89c95fae8dba8d:op-node/p2p/gossip.go
 * `BuildBlocksValidator`:
 *
 * ```go
 * if count, hasSeen := seen.hasSeen(payload.BlockHash); count > 5 { REJECT } else if hasSeen { IGNORE }
 * seen.markSeen(payload.BlockHash); ACCEPT
 * ```
 *
 * Two consequences worth knowing: the bound is on hashes *already* accepted, so six distinct blocks are accepted at a
 * height and the seventh is rejected; and the count is tested before membership, so once six are recorded even a
 * repeat of one of them is rejected rather than ignored. The lookup is golang-lru `Get`, which makes the height the most
 * recently used one even when the message is then dropped; only an accepted block adds a hash (and, for a new height,
 * the height itself).
 *
 * Deterministic and I/O-free; {@link SeenBlocks.snapshot} / {@link SeenBlocks.restore} let a host persist it.
 *
 * @example
 * const seen = new SeenBlocks()
 * if (seen.check(n, hash) === 'new') seen.markSeen(n, hash)
 */
import { type Hex, toHex } from '../bytes.ts'

/** Outcome of looking a block up: not seen, already accepted, or its height is full. */
export type SeenCheck = 'new' | 'duplicate' | 'too-many'

/** op-node's LRU size in heights. */
export const SEEN_BLOCK_HEIGHTS = 1000
/** op-node's `count > 5`: a height that already holds this many hashes rejects any further block. */
export const MAX_BLOCKS_PER_HEIGHT = 6

export type SeenBlocksOptions = { maxHeights?: number; maxPerHeight?: number }

/** Serializable state, least recently used height first. */
export type SeenBlocksSnapshot = { height: number; hashes: Hex[] }[]

export class SeenBlocks {
  readonly maxHeights: number
  readonly maxPerHeight: number
  /** Insertion order is recency order: the first key is the least recently used height. */
  readonly #heights = new Map<number, Hex[]>()

  constructor(options: SeenBlocksOptions = {}) {
    this.maxHeights = options.maxHeights ?? SEEN_BLOCK_HEIGHTS
    this.maxPerHeight = options.maxPerHeight ?? MAX_BLOCKS_PER_HEIGHT
    if (!(this.maxHeights >= 1) || !(this.maxPerHeight >= 1)) throw new RangeError('SeenBlocks bounds must be ≥ 1')
  }

  /** Number of heights remembered. */
  get size(): number {
    return this.#heights.size
  }

  /**
   * Looks a block up as op-node does: `too-many` if its height already holds {@link maxPerHeight} hashes (checked
   * first), `duplicate` if the hash was accepted before, else `new`. Marks the height most recently used, adds nothing.
   */
  check(blockNumber: number, blockHash: Uint8Array | Hex): SeenCheck {
    const hashes = this.#touch(blockNumber)
    if (hashes === undefined) return 'new'
    if (hashes.length >= this.maxPerHeight) return 'too-many'
    return hashes.includes(normalize(blockHash)) ? 'duplicate' : 'new'
  }

  /** Records an accepted block; a new height evicts the least recently used one beyond {@link maxHeights}. */
  markSeen(blockNumber: number, blockHash: Uint8Array | Hex): void {
    const hash = normalize(blockHash)
    const hashes = this.#touch(blockNumber)
    if (hashes !== undefined) {
      if (!hashes.includes(hash)) hashes.push(hash)
      return
    }
    this.#heights.set(blockNumber, [hash])
    if (this.#heights.size > this.maxHeights) {
      const oldest = this.#heights.keys().next().value as number
      this.#heights.delete(oldest)
    }
  }

  /** The hashes accepted at a height, in acceptance order, without touching recency. */
  hashesAt(blockNumber: number): readonly Hex[] {
    return this.#heights.get(blockNumber) ?? []
  }

  snapshot(): SeenBlocksSnapshot {
    return [...this.#heights].map(([height, hashes]) => ({ height, hashes: [...hashes] }))
  }

  static restore(snapshot: SeenBlocksSnapshot, options: SeenBlocksOptions = {}): SeenBlocks {
    const seen = new SeenBlocks(options)
    for (const { height, hashes } of snapshot) for (const h of hashes) seen.markSeen(height, h)
    return seen
  }

  /** golang-lru `Get`: the entry, moved to most recently used. */
  #touch(blockNumber: number): Hex[] | undefined {
    const hashes = this.#heights.get(blockNumber)
    if (hashes !== undefined) {
      this.#heights.delete(blockNumber)
      this.#heights.set(blockNumber, hashes)
    }
    return hashes
  }
}

function normalize(hash: Uint8Array | Hex): Hex {
  return typeof hash === 'string' ? (hash.toLowerCase() as Hex) : toHex(hash)
}
