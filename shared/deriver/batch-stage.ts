/**
 * Holocene batch stage (PROTOCOL.md §2.8; https://specs.optimism.io/protocol/holocene/derivation.html#batch-queue;
 * op-node `batch_stage.go`): no buffering — each batch is accepted, dropped as past, or dropped with its channel
 * (fast channel invalidation); span batches are checked by prefix, then their singular batches one by one.
 */
import { checkSingularBatch } from './check-singular-batch.ts'
import { checkSpanBatch } from './check-span-batch.ts'
import type { L2BlockSource } from './batch-validity.ts'
import {

  type BatchDropTrace,
  type BatchStageConfig,
  dropped,
  type BatchUpstream,
  type BatchWindowState,
  deriveEmptyBatch,
  epochMismatch,
  expandSpanBatch,
  type NextBatchResult,
  originBehind,
  popNextBatch,
  type UpstreamBatch,
  updateOrigin,
} from './batch-base.ts'
import type { SingularBatch } from '../codec/singular-batch.ts'
import type { L1BlockRef, L2BlockRef } from './types.ts'

export type BatchStageState = BatchWindowState & { spanInclusion: L1BlockRef | null }


export class BatchStage {
  state: BatchStageState
  constructor(state?: BatchStageState) {
    this.state = state ?? { origin: null, l1Blocks: [], nextSpan: [], spanInclusion: null }
  }

  reset(base: L1BlockRef): void {
    this.state = { origin: base, l1Blocks: [base], nextSpan: [], spanInclusion: null }
  }

  next(config: BatchStageConfig, parent: L2BlockRef, prevOrigin: L1BlockRef, upstream: BatchUpstream, l2: L2BlockSource, onDrop: BatchDropTrace): NextBatchResult {
    const s = this.state
    // With Holocene the window can always advance: nothing is invalidated backwards.
    updateOrigin(s, prevOrigin, parent, true)
    // A channel read at or before the safe head's origin can only hold past batches: drain it.
    if (originBehind(s, parent) || parent.l1Origin.number === (s.origin as L1BlockRef).number) {
      return upstream.next() === 'eof' ? { kind: 'eof' } : { kind: 'not-enough-data' }
    }
    if (s.l1Blocks.length === 0) return { kind: 'critical', reason: 'cannot derive next batch: no origin was prepared' }
    const mismatch = epochMismatch(s, parent)
    if (mismatch) return { kind: 'reset', reason: mismatch }

    // The candidate is the next singular batch of the current span batch, if it continues the safe chain, else the
    // next batch from the channel (op-node `nextSingularBatchCandidate`); every candidate is checked below.
    let fromSpan: SingularBatch | undefined
    if (s.nextSpan.length > 0) {
      if (s.nextSpan[0].timestamp === parent.timestamp + config.blockTime) fromSpan = popNextBatch(s, parent)
      else s.nextSpan = []
    }
    const pulled = fromSpan ? { batch: { type: 'singular' as const, batch: fromSpan }, inclusion: s.spanInclusion as L1BlockRef } : upstream.next()
    if (pulled === 'eof') {
      const empty = deriveEmptyBatch(config, s, parent, true)
      return empty === 'eof' ? { kind: 'eof' } : { kind: 'batch', batch: empty, lastInSpan: true }
    }
    let candidate: SingularBatch
    if (fromSpan) {
      candidate = fromSpan
    } else if (pulled.batch.type === 'span') {
      const v = checkSpanBatch(config, s.l1Blocks, parent, pulled.batch.batch, pulled.inclusion, true, l2)
      switch (v.validity) {
        case 'accept':
          break
        case 'past':
          onDrop(dropped(pulled.batch, 'past'))
          return { kind: 'not-enough-data' }
        case 'drop':
          onDrop(dropped(pulled.batch, v.reason))
          upstream.flushChannel()
          return { kind: 'not-enough-data' }
        case 'undecided':
          // The span batch was read; op-node (batch_stage.go) asks again with the next batch. An unavailable L2
          // block is surfaced so the caller can supply it.
          if (v.needL2Block !== undefined) return { kind: 'need-l2-block', number: v.needL2Block }
          return { kind: 'not-enough-data' }
        case 'future':
          return { kind: 'critical', reason: 'batch stage: a Holocene check returned future' }
        default: {
          const never: never = v
          return never
        }
      }
      const expanded = expandSpanBatch(pulled.batch.batch, s.l1Blocks, parent)
      if (!expanded || expanded.length === 0) return { kind: 'critical', reason: 'accepted span batch has no blocks to expand' }
      s.nextSpan = expanded
      s.spanInclusion = pulled.inclusion
      candidate = popNextBatch(s, parent)
    } else {
      candidate = pulled.batch.batch
    }
    const v = checkSingularBatch(config, s.l1Blocks, parent, candidate, pulled.inclusion, true)
    switch (v.validity) {
      case 'accept':
        return { kind: 'batch', batch: candidate, lastInSpan: s.nextSpan.length === 0 }
      case 'past':
        onDrop(dropped({ type: 'singular', batch: candidate }, 'past'))
        return { kind: 'not-enough-data' }
      case 'drop':
        onDrop(dropped({ type: 'singular', batch: candidate }, v.reason))
        s.nextSpan = []
        upstream.flushChannel()
        return { kind: 'not-enough-data' }
      case 'undecided':
        return { kind: 'not-enough-data' }
      case 'future':
        return { kind: 'critical', reason: 'batch stage: a Holocene check returned future' }
      default: {
        const never: never = v
        return never
      }
    }
  }
}

