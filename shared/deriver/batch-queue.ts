/**
 * Pre-Holocene batch queue (PROTOCOL.md §2.8; https://specs.optimism.io/protocol/derivation.html#batch-queue;
 * op-node `batch_queue.go`): buffers batches in L1 inclusion order, accepts the first valid one for the safe head,
 * keeps future ones, and generates empty batches when the sequencing window expires.
 */
import { checkSingularBatch } from './check-singular-batch.ts'
import { checkSpanBatch } from './check-span-batch.ts'
import type { L2BlockSource } from './batch-validity.ts'
import {
  advanceWindow,
  type BatchDropTrace,
  type BatchStageConfig,
  dropped,
  type BatchUpstream,
  type BatchWindowState,
  deriveEmptyBatch,
  epochMismatch,
  expandSpanBatch,
  type NextBatchResult,
  popNextBatch,
  type UpstreamBatch,
  updateOrigin,
} from './batch-base.ts'
import type { L1BlockRef, L2BlockRef } from './types.ts'

export type BatchQueueState = BatchWindowState & { batches: UpstreamBatch[] }


export class BatchQueue {
  state: BatchQueueState
  constructor(state?: BatchQueueState) {
    this.state = state ?? { origin: null, l1Blocks: [], nextSpan: [], batches: [] }
  }

  /** Reset to a new base (op-node `Reset`): the window starts at the base block. */
  reset(base: L1BlockRef): void {
    this.state = { origin: base, l1Blocks: [base], nextSpan: [], batches: [] }
  }

  next(config: BatchStageConfig, parent: L2BlockRef, prevOrigin: L1BlockRef, upstream: BatchUpstream, l2: L2BlockSource, onDrop: BatchDropTrace): NextBatchResult {
    const s = this.state
    if (s.nextSpan.length > 0) {
      if (s.nextSpan[0].timestamp === parent.timestamp + config.blockTime) {
        const batch = popNextBatch(s, parent)
        return { kind: 'batch', batch, lastInSpan: s.nextSpan.length === 0 }
      }
      s.nextSpan = []
    }
    // Before Holocene the window advances only here, after the whole span batch was applied.
    advanceWindow(s, parent)
    const behind = prevOrigin.number < parent.l1Origin.number
    updateOrigin(s, prevOrigin, parent, false)

    let outOfData = false
    const pulled = upstream.next()
    if (pulled === 'eof') outOfData = true
    else if (!behind) this.add(config, pulled, parent, l2, onDrop)
    if (behind) return outOfData ? { kind: 'eof' } : { kind: 'not-enough-data' }

    const derived = this.deriveNext(config, parent, outOfData, l2, onDrop)
    if (derived.kind !== 'found') return derived.kind === 'eof' && !outOfData ? { kind: 'not-enough-data' } : derived
    if (derived.batch.batch.type === 'singular') return { kind: 'batch', batch: derived.batch.batch.batch, lastInSpan: true }
    const expanded = expandSpanBatch(derived.batch.batch.batch, s.l1Blocks, parent)
    if (!expanded || expanded.length === 0) return { kind: 'critical', reason: 'accepted span batch has no blocks to expand' }
    s.nextSpan = expanded
    const batch = popNextBatch(s, parent)
    return { kind: 'batch', batch, lastInSpan: s.nextSpan.length === 0 }
  }

  private add(config: BatchStageConfig, batch: UpstreamBatch, parent: L2BlockRef, l2: L2BlockSource, onDrop: BatchDropTrace): void {
    const v = check(config, this.state, parent, batch, l2)
    if (v.validity === 'drop') {
      onDrop(dropped(batch.batch, v.reason))
      return
    }
    this.state.batches.push(batch)
  }

  private deriveNext(
    config: BatchStageConfig,
    parent: L2BlockRef,
    outOfData: boolean,
    l2: L2BlockSource,
    onDrop: BatchDropTrace,
  ): { kind: 'found'; batch: UpstreamBatch } | NextBatchResult {
    const s = this.state
    if (s.l1Blocks.length === 0) return { kind: 'critical', reason: 'cannot derive next batch: no origin was prepared' }
    const mismatch = epochMismatch(s, parent)
    if (mismatch) return { kind: 'reset', reason: mismatch }
    const remaining: UpstreamBatch[] = []
    let found: UpstreamBatch | undefined
    for (let i = 0; i < s.batches.length; i++) {
      const batch = s.batches[i]
      const v = check(config, s, parent, batch, l2)
      switch (v.validity) {
        case 'future':
          remaining.push(batch)
          continue
        case 'drop':
          onDrop(dropped(batch.batch, v.reason))
          continue
        case 'accept':
          found = batch
          remaining.push(...s.batches.slice(i + 1))
          break
        case 'undecided':
          remaining.push(...s.batches.slice(i))
          s.batches = remaining
          if (v.needL2Block !== undefined) return { kind: 'need-l2-block', number: v.needL2Block }
          return { kind: 'eof' }
        case 'past':
          return { kind: 'critical', reason: 'batch queue: a pre-Holocene check returned past' }
        default: {
          const never: never = v
          return never
        }
      }
      break
    }
    s.batches = remaining
    if (found) return { kind: 'found', batch: found }
    const empty = deriveEmptyBatch(config, s, parent, outOfData)
    if (empty === 'eof') return { kind: 'eof' }
    return { kind: 'batch', batch: empty, lastInSpan: true }
  }
}

function check(config: BatchStageConfig, s: BatchWindowState, parent: L2BlockRef, b: UpstreamBatch, l2: L2BlockSource) {
  return b.batch.type === 'singular'
    ? checkSingularBatch(config, s.l1Blocks, parent, b.batch.batch, b.inclusion, false)
    : checkSpanBatch(config, s.l1Blocks, parent, b.batch.batch, b.inclusion, false, l2)
}

