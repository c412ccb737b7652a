/**
 * What the pre-Holocene batch queue and the Holocene batch stage share (op-node `batch_stage.go` baseBatchStage,
 * `batch_queue.go`): the L1 block window, origin updates, span-batch expansion and forced empty batches.
 */
import { toHex, fromHex } from '../bytes.ts'
import type { SingularBatch } from '../codec/singular-batch.ts'
import type { SpanBatch } from '../codec/span-batch.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import type { L1BlockRef, L2BlockRef } from './types.ts'

/** A batch from the channel reader, with the L1 block it was read in. */
export type UpstreamBatch = { batch: { type: 'singular'; batch: SingularBatch } | { type: 'span'; batch: SpanBatch }; inclusion: L1BlockRef }

/** A dropped batch, for the trace: what it was and why it went. */
export type BatchDropped = { batchType: 'singular' | 'span'; timestamp: number; reason: import('./batch-validity.ts').BatchDropReason | 'past' }
export type BatchDropTrace = (entry: BatchDropped) => void

/** The trace entry for an upstream batch. */
export function dropped(b: UpstreamBatch['batch'], reason: BatchDropped['reason']): BatchDropped {
  return b.type === 'singular'
    ? { batchType: 'singular', timestamp: b.batch.timestamp, reason }
    : { batchType: 'span', timestamp: Number(b.batch.blocks[0]?.timestamp ?? 0n), reason }
}

/** The stage before the batch stage: read the next batch of the current L1 origin, or flush the current channel. */
export type BatchUpstream = {
  next(): UpstreamBatch | 'eof'
  /** Holocene: drop the rest of the channel the last batch came from. */
  flushChannel(): void
}

/** The result of asking a batch stage for the next batch. */
export type NextBatchResult =
  | { kind: 'batch'; batch: SingularBatch; lastInSpan: boolean }
  /** Nothing more at this L1 origin: advance L1. */
  | { kind: 'eof' }
  /** Progress was made (a batch was read or dropped); ask again. */
  | { kind: 'not-enough-data' }
  | { kind: 'need-l2-block'; number: number }
  | { kind: 'reset'; reason: string }
  | { kind: 'critical'; reason: string }

export type BatchStageConfig = Pick<RollupConfig, 'forks' | 'blockTime' | 'seqWindowSize' | 'maxSequencerDrift'>

/** Serializable state common to both stages. */
export type BatchWindowState = {
  origin: L1BlockRef | null
  l1Blocks: L1BlockRef[]
  nextSpan: SingularBatch[]
}

/** `bq.origin.Number < parent.L1Origin.Number`. */
export function originBehind(state: BatchWindowState, parent: L2BlockRef): boolean {
  return state.origin !== null && state.origin.number < parent.l1Origin.number
}

/**
 * Follow the pipeline origin (`bq.origin = prev.Origin()`), appending it to the window unless it is behind the safe
 * head's origin (then the window is cleared: the startup case), and drop window blocks below the safe head's origin.
 */
export function updateOrigin(state: BatchWindowState, prevOrigin: L1BlockRef, parent: L2BlockRef, advanceEpoch: boolean): void {
  const behind = prevOrigin.number < parent.l1Origin.number
  if (state.origin === null || state.origin.hash !== prevOrigin.hash) {
    state.origin = prevOrigin
    if (!behind) state.l1Blocks.push(prevOrigin)
    else state.l1Blocks = []
  }
  if (advanceEpoch) advanceWindow(state, parent)
}

/** If the epoch advanced, drop window blocks before the safe head's origin (op-node "update bq.l1Blocks"). */
export function advanceWindow(state: BatchWindowState, parent: L2BlockRef): void {
  if (state.l1Blocks.length > 0 && parent.l1Origin.number > state.l1Blocks[0].number) {
    const i = state.l1Blocks.findIndex((b) => b.number === parent.l1Origin.number)
    if (i >= 0) state.l1Blocks = state.l1Blocks.slice(i)
  }
}

/**
 * The singular batches of an accepted span batch for blocks after the safe head (op-node `GetSingularBatches`).
 * Epoch hashes come from the window; validity checks made sure every origin is in it.
 */
export function expandSpanBatch(span: SpanBatch, l1Blocks: readonly L1BlockRef[], parent: L2BlockRef): SingularBatch[] | undefined {
  const out: SingularBatch[] = []
  for (const block of span.blocks) {
    if (block.timestamp <= BigInt(parent.timestamp)) continue
    const origin = l1Blocks.find((b) => BigInt(b.number) === block.l1OriginNumber)
    if (!origin) return undefined
    out.push({
      parentHash: new Uint8Array(32),
      epochNumber: origin.number,
      epochHash: fromHex(origin.hash),
      timestamp: Number(block.timestamp),
      transactions: block.transactions,
    })
  }
  return out
}

/** Pop the next expanded batch, linking it to the safe head (`popNextBatch`). */
export function popNextBatch(state: BatchWindowState, parent: L2BlockRef): SingularBatch {
  const next = state.nextSpan.shift() as SingularBatch
  return { ...next, parentHash: fromHex(parent.hash) }
}

/**
 * op-node `deriveNextEmptyBatch`: when the sequencing window of the current epoch has expired at the current origin,
 * produce empty batches of the epoch until the next epoch's time, then move the window to the next epoch
 * (PROTOCOL.md §2.8 "Empty batch generation", §9 item 16).
 */
export function deriveEmptyBatch(
  config: BatchStageConfig,
  state: BatchWindowState,
  parent: L2BlockRef,
  outOfData: boolean,
): SingularBatch | 'eof' {
  const epoch = state.l1Blocks[0]
  const origin = state.origin as L1BlockRef
  const expiryEpoch = epoch.number + config.seqWindowSize
  const forceEmptyBatches = (expiryEpoch === origin.number && outOfData) || expiryEpoch < origin.number
  const firstOfEpoch = epoch.number === parent.l1Origin.number + 1
  const nextTimestamp = parent.timestamp + config.blockTime
  if (!forceEmptyBatches) return 'eof'
  if (state.l1Blocks.length < 2) return 'eof'
  const nextEpoch = state.l1Blocks[1]
  // Fill with empty blocks of the epoch until the next origin's time; always give a new epoch at least one block.
  if (nextTimestamp < nextEpoch.timestamp || firstOfEpoch) {
    return { parentHash: fromHex(parent.hash), epochNumber: epoch.number, epochHash: fromHex(epoch.hash), timestamp: nextTimestamp, transactions: [] }
  }
  state.l1Blocks = state.l1Blocks.slice(1)
  return 'eof'
}

/** The window's epoch may be the safe head's origin or, after forced empty batches, one ahead; anything else resets. */
export function epochMismatch(state: BatchWindowState, parent: L2BlockRef): string | undefined {
  const epoch = state.l1Blocks[0]
  const same = parent.l1Origin.number === epoch.number && parent.l1Origin.hash === epoch.hash
  if (!same && parent.l1Origin.number !== epoch.number - 1) {
    return `buffered L1 epoch ${epoch.number} does not match safe head origin ${parent.l1Origin.number}`
  }
  return undefined
}

/** JSON form of a singular batch (checkpoints). */
export type SingularBatchJson = { parentHash: string; epochNumber: number; epochHash: string; timestamp: number; transactions: string[] }

export function singularToJson(b: SingularBatch): SingularBatchJson {
  return { parentHash: toHex(b.parentHash), epochNumber: b.epochNumber, epochHash: toHex(b.epochHash), timestamp: b.timestamp, transactions: b.transactions.map(toHex) }
}

export function singularFromJson(j: SingularBatchJson): SingularBatch {
  return { parentHash: fromHex(j.parentHash), epochNumber: j.epochNumber, epochHash: fromHex(j.epochHash), timestamp: j.timestamp, transactions: j.transactions.map(fromHex) }
}
