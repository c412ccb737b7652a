/**
 * Singular batch validity (PROTOCOL.md §2.8 rules 1–11; https://specs.optimism.io/protocol/derivation.html#batch-queue,
 * https://specs.optimism.io/protocol/holocene/derivation.html#batch-queue). Mirrors op-node `checkSingularBatch`
 * (`op-node/rollup/derive/batches.go`), rule for rule and in the same order.
 */
import { maxSequencerDrift } from '../config/forks.ts'
import type { SingularBatch } from '../codec/singular-batch.ts'
import type { L1BlockRef, L2BlockRef } from './types.ts'
import {
  ACCEPT,
  type BatchCheckResult,
  type BatchValidityConfig,
  checkTransactions,
  drop,
  FUTURE,
  isNoTxActivationBlock,
  matchesHash,
  PAST,
  undecided,
} from './batch-validity.ts'

/**
 * Checks a singular batch against the safe head.
 *
 * @param l1Blocks buffered L1 blocks starting at the safe head's L1 origin (`epoch`); `l1Blocks[1]` is `next_epoch`.
 * @param inclusionBlock the L1 block in which the batch was fully read.
 * @param holocene whether Holocene is active at `inclusionBlock.timestamp` (op-node gates the future/past rules by
 *   the inclusion block, not the batch timestamp, so the first post-Holocene channel is judged by Holocene rules).
 * @example checkSingularBatch(config, [epoch, nextEpoch], safeHead, batch, inclusion, false) // { validity: 'accept' }
 */
export function checkSingularBatch(
  config: BatchValidityConfig,
  l1Blocks: readonly L1BlockRef[],
  safeHead: L2BlockRef,
  batch: SingularBatch,
  inclusionBlock: L1BlockRef,
  holocene: boolean,
): BatchCheckResult {
  if (l1Blocks.length === 0) return undecided('missing-l1-blocks')
  const epoch = l1Blocks[0]

  // Rules 1–2: pre-Holocene a gap is buffered (`future`) and an old batch dropped; Holocene drops the gap and marks
  // the old batch `past` so that the rest of its span batch / channel survives.
  const nextTimestamp = safeHead.timestamp + config.blockTime
  if (batch.timestamp > nextTimestamp) return holocene ? drop('future-timestamp') : FUTURE
  if (batch.timestamp < nextTimestamp) return holocene ? PAST : drop('past-timestamp')

  // Rule 3: with the right timestamp the batch must build on the safe head.
  if (!matchesHash(batch.parentHash, safeHead.hash)) return drop('parent-hash-mismatch')

  // Rule 4: included too late.
  if (batch.epochNumber + config.seqWindowSize < inclusionBlock.number) return drop('sequence-window-expired')

  // Rule 5: the batch's L1 origin is the epoch or the one after it.
  let batchOrigin = epoch
  if (batch.epochNumber < epoch.number) return drop('epoch-too-old')
  if (batch.epochNumber === epoch.number + 1) {
    // Without next_epoch an eager decision could diverge from a non-eager node: wait.
    if (l1Blocks.length < 2) return undecided('need-next-epoch')
    batchOrigin = l1Blocks[1]
  } else if (batch.epochNumber !== epoch.number) {
    return drop('epoch-too-far')
  }

  // Rule 6.
  if (!matchesHash(batch.epochHash, batchOrigin.hash)) return drop('epoch-hash-mismatch')

  // Rule 7.
  if (batch.timestamp < batchOrigin.timestamp) return drop('timestamp-before-origin')

  // Rule 10 (op-node checks it here, before the drift rule; the verdict is the same either way because both rules
  // drop non-empty batches and neither touches empty ones): gated by the L2 timestamp.
  if (isNoTxActivationBlock(config, batch.timestamp) && batch.transactions.length > 0) {
    return drop('activation-block-has-transactions')
  }

  // Rule 8: Fjord's 1800 s drift applies by the batch origin's time.
  const maxTime = batchOrigin.timestamp + maxSequencerDrift(config, batchOrigin.timestamp)
  if (batch.timestamp > maxTime) {
    if (batch.transactions.length > 0) return drop('sequencer-drift-exceeded')
    // An empty batch may exceed the drift to keep L2 time >= L1 time, but only while it could not have adopted the
    // next origin. Batches that advance the epoch are always allowed.
    if (epoch.number === batchOrigin.number) {
      if (l1Blocks.length < 2) return undecided('need-next-epoch')
      if (batch.timestamp >= l1Blocks[1].timestamp) return drop('sequencer-drift-next-origin-available')
    }
  }

  // Rule 9: by the batch timestamp.
  const txReason = checkTransactions(config, batch.timestamp, batch.transactions)
  if (txReason !== undefined) return drop(txReason)

  return ACCEPT
}
