/**
 * The sequencer's L1 origin for the next L2 block (PROTOCOL.md §6.1; op-node `op-node/rollup/sequencing/
 * origin_selector.go` `FindL1Origin`, the `CurrentAndNextOrigin` version of 2024–2025).
 *
 * - The next L1 block (at confirmation depth) is taken as soon as the next L2 block's time reaches its timestamp.
 * - Otherwise the current origin is kept, unless the next L2 block would be past the max sequencer drift from it:
 *   then the next origin is required — if it is not available yet the sequencer waits; if its timestamp is still
 *   ahead of the next L2 block, the current origin is kept (and the block is built with no tx-pool transactions,
 *   {@link noTxPoolFor}).
 */
import { maxSequencerDrift } from '../config/forks.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import type { L1BlockRef, L2BlockRef } from '../deriver/types.ts'

export type SelectL1OriginParameters = {
  config: Pick<RollupConfig, 'blockTime' | 'forks' | 'maxSequencerDrift'>
  /** The unsafe head the next block builds on. */
  l2Head: L2BlockRef
  /** The head's L1 origin. */
  current: L1BlockRef
  /** The L1 block after `current` if it exists at the confirmation depth, else undefined. */
  next: L1BlockRef | undefined
}

export type SelectL1OriginReturnType = { kind: 'origin'; origin: L1BlockRef } | { kind: 'wait'; reason: string }

export function selectL1Origin(p: SelectL1OriginParameters): SelectL1OriginReturnType {
  const { config, l2Head, current, next } = p
  const nextL2Time = l2Head.timestamp + config.blockTime
  if (next !== undefined && next.parentHash.toLowerCase() !== current.hash.toLowerCase()) {
    return { kind: 'wait', reason: `L1 block ${next.number} does not extend the current origin ${current.number} (L1 reorg)` }
  }
  if (next !== undefined && nextL2Time >= next.timestamp) return { kind: 'origin', origin: next }
  const drift = maxSequencerDrift(config, current.timestamp)
  if (nextL2Time - current.timestamp <= drift) return { kind: 'origin', origin: current }
  if (next === undefined) {
    return { kind: 'wait', reason: `L2 time ${nextL2Time} is past the sequencer drift of origin ${current.number} and the next L1 block is not available` }
  }
  return { kind: 'origin', origin: nextL2Time < next.timestamp ? current : next }
}

/**
 * op-node `startBuildingBlock`: no tx-pool transactions once the block is past the max sequencer drift of its
 * origin (only deposits keep the chain moving). Upgrade activation blocks are forced to `noTxPool` by the attributes
 * builder.
 */
export function noTxPoolFor(config: Pick<RollupConfig, 'forks' | 'maxSequencerDrift'>, origin: Pick<L1BlockRef, 'timestamp'>, l2Time: number): boolean {
  return l2Time > origin.timestamp + maxSequencerDrift(config, origin.timestamp)
}
