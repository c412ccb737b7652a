/**
 * Batch validity: the verdicts and typed reasons shared by the singular and span batch checks, plus the rules both
 * apply (PROTOCOL.md §2.8; https://specs.optimism.io/protocol/derivation.html#batch-queue,
 * https://specs.optimism.io/protocol/delta/span-batches.html#batch-queue,
 * https://specs.optimism.io/protocol/holocene/derivation.html#batch-queue).
 *
 * Mirrors op-node `op-node/rollup/derive/batches.go`. The checks themselves live in `check-singular-batch.ts` and
 * `check-span-batch.ts`; none of them throws: every verdict, including "this input is garbage", is a result value.
 */
import { toHex } from '../bytes.ts'
import { isActivationBlock, isActive } from '../config/forks.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import type { L2BlockRef } from './types.ts'

/**
 * op-node `BatchValidity`: `future` exists only before Holocene (buffer and retry), `past` only from Holocene
 * (drop silently, keep the channel).
 */
export type BatchValidity = 'drop' | 'accept' | 'undecided' | 'future' | 'past'

/** Why a batch was dropped: one literal per rule, so deriver trace entries are typed. */
export type BatchDropReason =
  // Timestamp against next_timestamp (rules 1–2).
  | 'future-timestamp' // Holocene: a gap is invalid instead of buffered
  | 'past-timestamp' // pre-Holocene: an old batch is invalid instead of `past`
  // Rules 3–8.
  | 'parent-hash-mismatch'
  | 'sequence-window-expired'
  | 'epoch-too-old'
  | 'epoch-too-far'
  | 'epoch-hash-mismatch'
  | 'timestamp-before-origin'
  | 'sequencer-drift-exceeded' // non-empty batch past origin.time + max_sequencer_drift
  | 'sequencer-drift-next-origin-available' // empty batch past the drift that could have adopted next_epoch
  // Rule 9: transaction list.
  | 'empty-transaction'
  | 'deposit-transaction'
  | 'set-code-before-isthmus'
  | 'post-exec-before-interop'
  // Rule 10: Jovian / Karst / Interop activation block.
  | 'activation-block-has-transactions'
  // Span batch prefix.
  | 'span-empty'
  | 'span-before-delta'
  | 'span-no-new-blocks' // pre-Holocene: every block at or before the safe head (Holocene: `past`)
  | 'span-misaligned-timestamp' // starts between the safe head and next_timestamp
  | 'span-not-overlapped-exactly' // overlap not a whole number of blocks
  | 'span-parent-check-mismatch'
  | 'span-origin-check-mismatch'
  // Span batch blocks after the safe head.
  | 'span-epoch-before-safe-head'
  | 'span-missing-l1-origin'
  // Span batch blocks overlapping the safe chain.
  | 'span-overlap-mismatch' // non-deposit transactions differ (count or bytes)
  | 'span-overlap-origin-mismatch'

/** What is missing when a check cannot decide yet. */
export type BatchUndecidedReason =
  | 'missing-l1-blocks' // no L1 block buffered at all
  | 'need-next-epoch' // the batch or the drift rule needs the L1 block after the epoch
  | 'need-origin-check-block' // the span's last L1 origin is not buffered yet
  | 'need-l2-block' // a safe L2 block for the overlap checks: see `needL2Block`
  | 'l2-block-unavailable' // the overlap parent would be below block 0, so no fetch can succeed

/**
 * A check's verdict. `reason` is set for `drop` and `undecided`; `needL2Block` names the safe L2 block the caller must
 * supply through {@link L2BlockSource} before asking again (the deriver's `need-l2-block`).
 */
export type BatchCheckResult =
  | { validity: 'accept'; reason?: undefined; needL2Block?: undefined }
  | { validity: 'future'; reason?: undefined; needL2Block?: undefined }
  | { validity: 'past'; reason?: undefined; needL2Block?: undefined }
  | { validity: 'drop'; reason: BatchDropReason; needL2Block?: undefined }
  | { validity: 'undecided'; reason: BatchUndecidedReason; needL2Block?: number }

/** The rollup config values batch validity reads. */
export type BatchValidityConfig = Pick<RollupConfig, 'forks' | 'blockTime' | 'seqWindowSize' | 'maxSequencerDrift'>

/** Safe-chain lookups for span batch overlap checks; `transactions` are the block's non-deposit transactions. */
export type L2BlockSource = {
  blockAt(number: number): { ref: L2BlockRef; transactions: Uint8Array[] } | undefined
}

// Shared verdicts without a reason; frozen because every check hands out the same object.
export const ACCEPT: BatchCheckResult = Object.freeze({ validity: 'accept' })
export const FUTURE: BatchCheckResult = Object.freeze({ validity: 'future' })
export const PAST: BatchCheckResult = Object.freeze({ validity: 'past' })

export function drop(reason: BatchDropReason): BatchCheckResult {
  return { validity: 'drop', reason }
}

export function undecided(reason: BatchUndecidedReason, needL2Block?: number): BatchCheckResult {
  return needL2Block === undefined ? { validity: 'undecided', reason } : { validity: 'undecided', reason, needL2Block }
}

const DEPOSIT_TX_TYPE = 0x7e
const SET_CODE_TX_TYPE = 0x04
/** Sequencer-defined metering PostExec transactions (`types.PostExecTxType`). */
const POST_EXEC_TX_TYPE = 0x7d

/**
 * Rule 9, the per-transaction checks (op-node `checkSequencerTxData`, shared by singular and span batches since
 * optimism PR #19150): empty → drop; deposit (0x7E) → drop; SetCode (0x04) before Isthmus at the block's timestamp →
 * drop; PostExec (0x7D) before its activation → drop (op-node gates it by `IsSDM`, an alias of `IsInterop`;
 * PROTOCOL.md §10). Other types are left to the engine, as op-node does (PROTOCOL.md §9 item 10).
 *
 * Not implemented: op-node's structural PostExec checks once Interop is active (experimental, not scheduled on any
 * supported chain).
 */
export function checkTransactions(
  config: Pick<RollupConfig, 'forks'>,
  timestamp: number,
  transactions: readonly Uint8Array[],
): BatchDropReason | undefined {
  const isthmus = isActive(config, 'isthmus', timestamp)
  const interop = isActive(config, 'interop', timestamp)
  for (const tx of transactions) {
    if (tx.length === 0) return 'empty-transaction'
    if (tx[0] === DEPOSIT_TX_TYPE) return 'deposit-transaction'
    if (tx[0] === SET_CODE_TX_TYPE && !isthmus) return 'set-code-before-isthmus'
    if (tx[0] === POST_EXEC_TX_TYPE && !interop) return 'post-exec-before-interop'
  }
  return undefined
}

/**
 * Rule 10: the activation blocks that must carry no sequencer transactions — Jovian
 * (https://specs.optimism.io/protocol/jovian/derivation.html#activation-block-rules), Karst and Interop
 * (op-node `checkSingularBatch`, optimism PRs #17984 and #19250; PROTOCOL.md §10). Gate: the L2 block timestamp.
 */
export function isNoTxActivationBlock(config: Pick<RollupConfig, 'forks' | 'blockTime'>, timestamp: number): boolean {
  return (
    isActivationBlock(config, 'jovian', timestamp) ||
    isActivationBlock(config, 'karst', timestamp) ||
    isActivationBlock(config, 'interop', timestamp)
  )
}

/** Whether `bytes` equals `hash` (0x hex of any case), or its first `bytes.length` bytes. */
export function matchesHash(bytes: Uint8Array, hash: string): boolean {
  return toHex(bytes) === hash.slice(0, 2 + 2 * bytes.length).toLowerCase()
}
