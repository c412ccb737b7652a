/**
 * Span batch validity (PROTOCOL.md §2.8; https://specs.optimism.io/protocol/delta/span-batches.html#batch-queue,
 * https://specs.optimism.io/protocol/holocene/derivation.html#span-batches). Mirrors op-node
 * `op-node/rollup/derive/batches.go`:
 *
 * - {@link checkSpanBatchPrefix} = `checkSpanBatchPrefix`;
 * - {@link checkSpanBatch} before Holocene = `checkSpanBatch`: prefix, full per-block checks, then overlap (all or
 *   nothing); from Holocene = `checkSpanBatchHolocene` (optimism PRs #22215 and #22489, specs PR #928): prefix, then
 *   overlap, plus the expansion checks op-node's `GetSingularBatches` makes right after (PR #18283). Each expanded
 *   singular batch then goes through `checkSingularBatch`, which is where Holocene applies the remaining rules.
 *
 * Derived span batches carry uint64 timestamps and L1 origins as bigint (they may be far beyond 2^53 in malformed
 * batches). Every prefix comparison is done in bigint, with Go's uint64 wrap where op-node adds, so out-of-range values
 * get op-node's verdict; past the prefix checks all values are bounded by buffered L1 blocks and the safe head.
 */
import { bytesEqual } from '../bytes.ts'
import { isActive, maxSequencerDrift } from '../config/forks.ts'
import type { SpanBatch } from '../codec/span-batch.ts'
import type { L1BlockRef, L2BlockRef } from './types.ts'
import {
  ACCEPT,
  type BatchCheckResult,
  type BatchValidityConfig,
  checkTransactions,
  drop,
  FUTURE,
  type L2BlockSource,
  matchesHash,
  PAST,
  undecided,
} from './batch-validity.ts'

const UINT64_MOD = 1n << 64n

/** {@link checkSpanBatchPrefix}'s verdict; on `accept`, `parent` is the safe block the span builds on. */
export type SpanBatchPrefixResult = BatchCheckResult & { parent?: L2BlockRef }

/**
 * The span batch prefix checks (Holocene's "span batch checks", also the first half of the Delta checks).
 *
 * @param l1Blocks buffered L1 blocks starting at the safe head's L1 origin.
 * @param holocene whether Holocene is active at `inclusionBlock.timestamp` (future → drop, no new blocks → past).
 * @param l2 the safe chain, for the parent of a span that overlaps it.
 */
export function checkSpanBatchPrefix(
  config: BatchValidityConfig,
  l1Blocks: readonly L1BlockRef[],
  safeHead: L2BlockRef,
  batch: SpanBatch,
  inclusionBlock: L1BlockRef,
  holocene: boolean,
  l2: L2BlockSource,
): SpanBatchPrefixResult {
  if (l1Blocks.length === 0) return undecided('missing-l1-blocks')
  // The codec never yields an empty span (op-node would panic on one); refuse it rather than index past the end.
  if (batch.blocks.length === 0) return drop('span-empty')
  const epoch = l1Blocks[0]
  const first = batch.blocks[0]
  const last = batch.blocks[batch.blocks.length - 1]
  const startEpoch = first.l1OriginNumber

  // Span batches need Delta at the batch origin's time (not the inclusion block's: the channel reader checks that).
  let batchOrigin = epoch
  if (startEpoch === BigInt(epoch.number) + 1n) {
    if (l1Blocks.length < 2) return undecided('need-next-epoch')
    batchOrigin = l1Blocks[1]
  }
  if (!isActive(config, 'delta', batchOrigin.timestamp)) return drop('span-before-delta')

  const nextTimestamp = BigInt(safeHead.timestamp + config.blockTime)
  if (first.timestamp > nextTimestamp) return holocene ? drop('future-timestamp') : FUTURE
  if (last.timestamp < nextTimestamp) return holocene ? PAST : drop('span-no-new-blocks')

  // The parent is the safe head, or for an overlapping span the safe block just before its first block.
  let parent = safeHead
  if (first.timestamp < nextTimestamp) {
    const safeTime = BigInt(safeHead.timestamp)
    if (first.timestamp > safeTime) return drop('span-misaligned-timestamp')
    const behind = safeTime - first.timestamp
    const blockTime = BigInt(config.blockTime)
    if (behind % blockTime !== 0n) return drop('span-not-overlapped-exactly')
    // Below block 0 op-node's uint64 wraps and its fetch fails: undecided, and no fetch can ever succeed.
    const parentNumber = BigInt(safeHead.number) - behind / blockTime - 1n
    if (parentNumber < 0n) return undecided('l2-block-unavailable')
    const found = l2.blockAt(Number(parentNumber))
    if (found === undefined) return undecided('need-l2-block', Number(parentNumber))
    parent = found.ref
  }
  if (!matchesHash(batch.parentCheck, parent.hash)) return drop('span-parent-check-mismatch')

  // Go adds in uint64, so a start epoch near 2^64 wraps here exactly as in op-node.
  if ((startEpoch + BigInt(config.seqWindowSize)) % UINT64_MOD < BigInt(inclusionBlock.number)) {
    return drop('sequence-window-expired')
  }
  if (startEpoch > BigInt(parent.l1Origin.number) + 1n) return drop('epoch-too-far')

  // l1_origin_check must match the canonical L1 block of the last block's origin.
  const endOrigin = l1Blocks.find((block) => BigInt(block.number) === last.l1OriginNumber)
  if (endOrigin === undefined) return undecided('need-origin-check-block')
  if (!matchesHash(batch.l1OriginCheck, endOrigin.hash)) return drop('span-origin-check-mismatch')

  if (startEpoch < BigInt(parent.l1Origin.number)) return drop('epoch-too-old')
  return { validity: 'accept', parent }
}

/**
 * All span batch checks. Before Holocene the verdict covers the whole span (all or nothing); from Holocene an
 * `accept` lets the blocks after the safe head be expanded into singular batches (epoch hashes from `l1Blocks`),
 * each still to be checked with `checkSingularBatch`.
 *
 * @returns `undecided` with `needL2Block` when a safe block for the overlap checks is not in `l2` yet.
 * @example checkSpanBatch(config, l1Blocks, safeHead, derived, inclusion, true, l2) // { validity: 'accept' }
 */
export function checkSpanBatch(
  config: BatchValidityConfig,
  l1Blocks: readonly L1BlockRef[],
  safeHead: L2BlockRef,
  batch: SpanBatch,
  inclusionBlock: L1BlockRef,
  holocene: boolean,
  l2: L2BlockSource,
): BatchCheckResult {
  const prefix = checkSpanBatchPrefix(config, l1Blocks, safeHead, batch, inclusionBlock, holocene, l2)
  if (prefix.validity !== 'accept' || prefix.parent === undefined) return withoutParent(prefix)
  const parent = prefix.parent
  if (!holocene) {
    const full = checkSpanBatchBlocks(config, l1Blocks, safeHead, batch, parent)
    if (full.validity !== 'accept') return full
    return checkSpanBatchOverlap(config, safeHead, batch, parent, l2)
  }
  const overlap = checkSpanBatchOverlap(config, safeHead, batch, parent, l2)
  if (overlap.validity !== 'accept') return overlap
  return checkSpanBatchExpansion(l1Blocks, safeHead, batch)
}

/**
 * The overlap checks (op-node `checkSpanBatchOverlap`): every span block at or before the safe head must equal the
 * safe block at its height in non-deposit transactions and L1 origin number. Pre-Holocene since Delta; from Holocene
 * too since optimism PR #22215 (a retroactive rule: specs PR #928), so an overlap describing another history is
 * dropped (with its channel) instead of splicing that history's tail onto the safe chain.
 */
export function checkSpanBatchOverlap(
  config: Pick<BatchValidityConfig, 'blockTime'>,
  safeHead: L2BlockRef,
  batch: SpanBatch,
  parent: L2BlockRef,
  l2: L2BlockSource,
): BatchCheckResult {
  if (batch.blocks[0].timestamp >= BigInt(safeHead.timestamp + config.blockTime)) return ACCEPT
  for (let i = 0; i < safeHead.number - parent.number; i++) {
    const number = parent.number + i + 1
    const safe = l2.blockAt(number)
    if (safe === undefined) return undecided('need-l2-block', number)
    const block = batch.blocks[i]
    // Unreachable after the prefix checks (the span reaches past the safe head); kept so a bad caller gets a drop.
    if (block === undefined) return drop('span-overlap-mismatch')
    if (safe.transactions.length !== block.transactions.length) return drop('span-overlap-mismatch')
    for (let j = 0; j < block.transactions.length; j++) {
      if (!bytesEqual(safe.transactions[j], block.transactions[j])) return drop('span-overlap-mismatch')
    }
    if (BigInt(safe.ref.l1Origin.number) !== block.l1OriginNumber) return drop('span-overlap-origin-mismatch')
  }
  return ACCEPT
}

/**
 * The Delta per-block checks for blocks after the safe head (op-node `checkSpanBatch` between prefix and overlap):
 * origin not before the safe head's (optimism PR #18283; kona #3059), origin buffered, timestamp not before its
 * origin, drift (Fjord by the origin's time; the empty-block exception needs the origin's successor), transactions.
 *
 * op-node does not apply the activation-block rule here (optimism issue #20625): this path only runs before
 * Holocene, and Jovian, Karst and Interop activate after it.
 */
function checkSpanBatchBlocks(
  config: BatchValidityConfig,
  l1Blocks: readonly L1BlockRef[],
  safeHead: L2BlockRef,
  batch: SpanBatch,
  parent: L2BlockRef,
): BatchCheckResult {
  const blocks = batch.blocks
  let originIndex = 0
  let originAdvanced = blocks[0].l1OriginNumber === BigInt(parent.l1Origin.number) + 1n
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]
    if (block.timestamp <= BigInt(safeHead.timestamp)) continue
    if (block.l1OriginNumber < BigInt(safeHead.l1Origin.number)) return drop('span-epoch-before-safe-head')
    const found = findL1Block(l1Blocks, originIndex, block.l1OriginNumber)
    if (found < 0) return drop('span-missing-l1-origin')
    originIndex = found
    const origin = l1Blocks[originIndex]
    if (i > 0) originAdvanced = block.l1OriginNumber > blocks[i - 1].l1OriginNumber

    // Bounded by next_timestamp + block_count × block_time after the prefix checks: a safe number.
    const timestamp = Number(block.timestamp)
    if (timestamp < origin.timestamp) return drop('timestamp-before-origin')
    if (timestamp > origin.timestamp + maxSequencerDrift(config, origin.timestamp)) {
      if (block.transactions.length > 0) return drop('sequencer-drift-exceeded')
      if (!originAdvanced) {
        if (originIndex + 1 >= l1Blocks.length) return undecided('need-next-epoch')
        if (timestamp >= l1Blocks[originIndex + 1].timestamp) return drop('sequencer-drift-next-origin-available')
      }
    }
    const txReason = checkTransactions(config, timestamp, block.transactions)
    if (txReason !== undefined) return drop(txReason)
  }
  return ACCEPT
}

/**
 * Holocene: the checks op-node's `GetSingularBatches` makes when expanding an accepted span, which it treats as an
 * invalid batch (drop and flush the channel) since optimism PR #18283 / specs PR #863: every block after the safe head
 * must have an origin at or after the safe head's and present in `l1Blocks`.
 */
function checkSpanBatchExpansion(
  l1Blocks: readonly L1BlockRef[],
  safeHead: L2BlockRef,
  batch: SpanBatch,
): BatchCheckResult {
  let originIndex = 0
  for (const block of batch.blocks) {
    if (block.timestamp <= BigInt(safeHead.timestamp)) continue
    if (block.l1OriginNumber < BigInt(safeHead.l1Origin.number)) return drop('span-epoch-before-safe-head')
    const found = findL1Block(l1Blocks, originIndex, block.l1OriginNumber)
    if (found < 0) return drop('span-missing-l1-origin')
    originIndex = found
  }
  return ACCEPT
}

/** Index of the L1 block numbered `number` at or after `from`, or −1 (origins only move forward within a span). */
function findL1Block(l1Blocks: readonly L1BlockRef[], from: number, number: bigint): number {
  for (let j = from; j < l1Blocks.length; j++) if (BigInt(l1Blocks[j].number) === number) return j
  return -1
}

function withoutParent(result: SpanBatchPrefixResult): BatchCheckResult {
  const { parent: _parent, ...rest } = result
  return rest as BatchCheckResult
}
