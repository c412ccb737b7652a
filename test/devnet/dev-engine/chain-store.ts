/**
 * The dev engine's chain: every known block by hash, the canonical chain (ancestors of the head) by number, the
 * forkchoice, blocks found INVALID, and payloads whose parent is unknown (geth's "remote blocks" kept for sync).
 */
import { type Hex, toHex } from '../../../shared/bytes.ts'
import type { ExecutionPayload } from '../../../shared/codec/ssz-payload.ts'
import type { DevBlock } from './block-builder.ts'

export const ZERO_HASH: Hex = `0x${'00'.repeat(32)}`

/** A payload whose parent the engine does not have yet (newPayload answered SYNCING). */
export type RemotePayload = { payload: ExecutionPayload; parentBeaconBlockRoot?: Uint8Array }

/** Remembered INVALID verdicts: FCU to such a block, or newPayload of a descendant, is INVALID too. */
export type InvalidVerdict = { latestValidHash: Hex | null; reason: string }

export class ChainStore {
  readonly genesis: DevBlock
  head: DevBlock
  safe: DevBlock
  finalized: DevBlock
  readonly invalid = new Map<Hex, InvalidVerdict>()
  readonly remote = new Map<Hex, RemotePayload>()
  private readonly blocks = new Map<Hex, DevBlock>()
  /** canonical[n - genesis number] = hash of the canonical block at height n. */
  private canonical: Hex[] = []

  constructor(genesis: DevBlock) {
    this.genesis = genesis
    this.head = this.safe = this.finalized = genesis
    this.add(genesis)
    this.canonical = [genesis.hash]
  }

  get size(): number {
    return this.blocks.size
  }

  get(hash: Hex): DevBlock | undefined {
    return this.blocks.get(hash.toLowerCase() as Hex)
  }

  add(block: DevBlock): void {
    this.blocks.set(block.hash, block)
    this.remote.delete(block.hash)
  }

  parent(block: DevBlock): DevBlock | undefined {
    return block.payload.blockNumber === this.genesis.payload.blockNumber ? undefined : this.get(toHex(block.payload.parentHash))
  }

  /** The canonical block at `number`, if any. */
  byNumber(number: number): DevBlock | undefined {
    const hash = this.canonical[number - this.genesis.payload.blockNumber]
    return hash === undefined ? undefined : this.blocks.get(hash)
  }

  /** Whether `block` is `head` or one of its ancestors. */
  isAncestor(block: DevBlock, head: DevBlock): boolean {
    const n = block.payload.blockNumber
    let b: DevBlock | undefined = head
    // Walk back until the chain joins the canonical one (cheap when `head` is canonical already).
    while (b !== undefined && b.payload.blockNumber > n && this.byNumber(b.payload.blockNumber)?.hash !== b.hash) {
      b = this.parent(b)
    }
    if (b === undefined || b.payload.blockNumber < n) return false
    if (b.payload.blockNumber === n) return b.hash === block.hash
    return this.byNumber(n)?.hash === block.hash
  }

  /** Moves the forkchoice; `head` may be any known block (reorgs included), the others must be its ancestors. */
  setForkchoice(head: DevBlock, safe: DevBlock | undefined, finalized: DevBlock | undefined): void {
    const g = this.genesis.payload.blockNumber
    this.canonical.length = head.payload.blockNumber - g + 1
    for (let b: DevBlock | undefined = head; b !== undefined; b = this.parent(b)) {
      const i = b.payload.blockNumber - g
      if (this.canonical[i] === b.hash) break
      this.canonical[i] = b.hash
    }
    this.head = head
    if (safe !== undefined) this.safe = safe
    if (finalized !== undefined) this.finalized = finalized
  }
}
