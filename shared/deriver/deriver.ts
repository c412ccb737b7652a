/**
 * The sans-IO deriver (DESIGN.md "The deriver"; PROTOCOL.md §2): L1 inputs in, payload attributes out, exactly as
 * op-node's pull pipeline derives them (`derivation_pipeline.go`): L1 traversal → retrieval → frame queue → channel
 * bank / assembler → channel reader → batch queue / batch stage → attributes. Its whole state is plain data and
 * round-trips through {@link Deriver.checkpoint} / {@link Deriver.restore}.
 *
 * The caller feeds L1 blocks with {@link Deriver.addL1Input} and calls {@link Deriver.next} with the current safe
 * head; after `attributes`, the next call must pass the block the engine built from them (or report it invalid).
 */
import type { Hex } from '../bytes.ts'
import { isActive } from '../config/forks.ts'
import type { RollupConfig, SystemConfig } from '../config/rollup-config.ts'
import { DecodeError } from '../errors.ts'
import { applyConfigUpdateLog, isConfigUpdateLog } from '../protocol/system-config.ts'
import { buildAttributes, depositOnlyAttributes } from './attributes-builder.ts'
import type { BatchDropReason, L2BlockSource } from './batch-validity.ts'
import type { BatchDropped, BatchUpstream, NextBatchResult } from './batch-base.ts'
import { BatchQueue, type BatchQueueState } from './batch-queue.ts'
import { BatchStage, type BatchStageState } from './batch-stage.ts'
import { systemConfigAfterBlock } from './block-system-config.ts'
import { decodeChannel, type ChannelBatch } from './channel-decoder.ts'
import { ChannelStage, type ChannelStageSnapshot } from './channel-stage.ts'
import type { ChannelTraceEntry } from './channel-trace.ts'
import { decodeCheckpointJson, encodeCheckpointJson } from './checkpoint-codec.ts'
import { retrieveDataUnits } from './l1-retrieval.ts'
import type { L1BlockInfo, L1BlockRef, L1Input, L1Log, L2BlockRef, PayloadAttributes } from './types.ts'

/** Every drop and decision the deriver makes, typed (never parse a message). */
export type DeriverTraceEntry =
  | ChannelTraceEntry
  | { stage: 'l1-retrieval'; kind: 'blob-skipped'; l1: number; txIndex: number; blobIndex?: number; detail: string }
  | { stage: 'batch'; kind: 'batch-dropped'; reason: BatchDropReason | 'past'; l1: number; batchType: 'singular' | 'span'; timestamp: number }
  | { stage: 'system-config'; kind: 'update-ignored'; l1: number; logIndex: number; reason: string }
  | { stage: 'attributes'; kind: 'config-update-ignored'; l1: number; logIndex: number; reason: string }
  | { stage: 'engine'; kind: 'attributes-invalid'; number: number; replacedWithDepositOnly: boolean }
  | { stage: 'traversal'; kind: 'l1-advanced'; l1: number }

export type DeriverStep =
  | {
      kind: 'attributes'
      attributes: PayloadAttributes
      /** The L2 block these attributes build. */
      number: number
      l1Origin: { hash: Hex; number: number }
      sequenceNumber: number
      /** The L1 block whose data completed the batch (for finality and the safe-head DB). */
      derivedFrom: L1BlockRef
      /** Pre-Holocene: the safe head advances only after the last block of a span batch. */
      lastInSpan: boolean
      depositOnly: boolean
    }
  | { kind: 'need-l1-input'; next: number | null }
  | { kind: 'need-l2-block'; number: number }
  | { kind: 'reset'; reason: string }
  | { kind: 'critical'; reason: string }
  /** Attributes are out and the engine has not built them yet (the safe head is still their parent). */
  | { kind: 'idle' }

export type AddL1InputResult = { ok: true } | { ok: false; kind: 'reset'; reason: string } | { ok: false; kind: 'invalid'; reason: string }

type Pending = Extract<DeriverStep, { kind: 'attributes' }> & { systemConfigAfter: SystemConfig; usedSystemConfig: SystemConfig }

type State = {
  version: 1
  safe: { ref: L2BlockRef; systemConfig: SystemConfig }
  pending: Pending | null
  /** Current traversal origin (null until the first L1 input). */
  origin: L1BlockRef | null
  traversalSystemConfig: SystemConfig
  /** Added but not yet traversed. */
  inputs: L1Input[]
  /** Headers and logs of traversed L1 blocks from the safe head's origin on (the attributes builder's epochs). */
  window: { header: L1BlockInfo; logs: L1Log[] }[]
  /** Data units of the current origin not yet handed to the frame queue. */
  dataUnits: Uint8Array[]
  channelStage: ChannelStageSnapshot
  reader: { batches: ChannelBatch[]; inclusion: L1BlockRef } | null
  batch: { kind: 'queue'; state: BatchQueueState } | { kind: 'stage'; state: BatchStageState }
  halted: string | null
}

/** Safety valve: `next` does at most this many pipeline steps per call (each step makes progress). */
const MAX_STEPS = 1_000_000

function refOf(h: L1BlockInfo): L1BlockRef {
  return { hash: h.hash, number: h.number, parentHash: h.parentHash, timestamp: h.timestamp }
}

export class Deriver {
  readonly config: RollupConfig
  #s: State
  #channel: ChannelStage
  #queue: BatchQueue | null = null
  #stage: BatchStage | null = null
  #trace: DeriverTraceEntry[] = []

  private constructor(config: RollupConfig, state: State) {
    this.config = config
    this.#s = state
    this.#channel = ChannelStage.restore(state.channelStage, config)
    if (state.batch.kind === 'queue') this.#queue = new BatchQueue(state.batch.state)
    else this.#stage = new BatchStage(state.batch.state)
  }

  /**
   * A deriver whose first L1 input will be its base (the pipeline origin; op-node resets to it).
   * `traversalSystemConfig` is the SystemConfig of the L2 block whose origin is the base (sync start's `pipelineL2`);
   * it defaults to the safe head's.
   */
  static start(config: RollupConfig, safeHead: L2BlockRef, systemConfig: SystemConfig, traversalSystemConfig: SystemConfig = systemConfig): Deriver {
    const fresh = new ChannelStage(config)
    return new Deriver(config, {
      version: 1,
      safe: { ref: safeHead, systemConfig },
      pending: null,
      origin: null,
      traversalSystemConfig,
      inputs: [],
      window: [],
      dataUnits: [],
      channelStage: fresh.snapshot(),
      reader: null,
      batch: { kind: 'queue', state: new BatchQueue().state },
      halted: null,
    })
  }

  /** Serializable state; `restore` gives a deriver that continues byte for byte. */
  checkpoint(): string {
    this.#sync()
    return encodeCheckpointJson(this.#s)
  }

  static restore(config: RollupConfig, checkpoint: string): Deriver {
    const state = decodeCheckpointJson<State>(checkpoint)
    if (state.version !== 1) throw new TypeError(`unknown deriver checkpoint version ${String(state.version)}`)
    return new Deriver(config, state)
  }

  /** Trace entries since the last call (drained). */
  takeTrace(): DeriverTraceEntry[] {
    const t = this.#trace
    this.#trace = []
    return t
  }

  /** The L1 block derivation has traversed up to (null before the first input). */
  get origin(): L1BlockRef | null {
    return this.#s.origin
  }

  /** Buffered L1 inputs not yet traversed. */
  get bufferedL1(): number {
    return this.#s.inputs.length
  }

  /**
   * Queue the next L1 block. It must extend the last one (number + 1 and parent hash); a mismatch is a reset signal
   * (an L1 reorg), returned, not thrown. Inputs missing a batcher blob are refused (fetch them and try again).
   */
  addL1Input(input: L1Input): AddL1InputResult {
    const last = this.#s.inputs.at(-1)?.header ?? this.#s.origin
    if (last) {
      if (input.header.number !== last.number + 1) {
        return { ok: false, kind: 'reset', reason: `L1 block ${input.header.number} does not follow ${last.number}` }
      }
      if (input.header.parentHash.toLowerCase() !== last.hash.toLowerCase()) {
        return { ok: false, kind: 'reset', reason: `L1 block ${input.header.number} parent ${input.header.parentHash} is not ${last.hash}` }
      }
    }
    this.#s.inputs.push(input)
    return { ok: true }
  }

  /** The engine rejected the pending attributes (INVALID): PROTOCOL.md §2.10. */
  reportInvalid(): DeriverStep {
    const p = this.#s.pending
    if (!p) return { kind: 'critical', reason: 'reportInvalid without pending attributes' }
    const holocene = isActive(this.config, 'holocene', p.derivedFrom.timestamp)
    if (holocene && !p.depositOnly) {
      // Holocene: replace with a deposit-only block and drop the rest of the span batch and channel.
      this.#trace.push({ stage: 'engine', kind: 'attributes-invalid', number: p.number, replacedWithDepositOnly: true })
      const attributes = depositOnlyAttributes(p.attributes)
      const after = systemConfigAfterBlock(this.config, attributes, p.usedSystemConfig)
      if (after instanceof DecodeError) return this.#halt(`${after.code}: ${after.message}`)
      const pending: Pending = { ...p, attributes, depositOnly: true, systemConfigAfter: after }
      this.#s.pending = pending
      if (this.#stage) this.#stage.state.nextSpan = []
      this.#upstream().flushChannel()
      const { systemConfigAfter: _a, usedSystemConfig: _u, ...step } = pending
      return step
    }
    this.#trace.push({ stage: 'engine', kind: 'attributes-invalid', number: p.number, replacedWithDepositOnly: false })
    if (p.depositOnly || p.attributes.transactions.every((t) => t.startsWith('0x7e'))) {
      return this.#halt('deposit-only attributes were rejected by the engine')
    }
    this.#s.pending = null
    return { kind: 'idle' }
  }

  /** Advance derivation for `safeHead`, the current safe L2 head. */
  next(safeHead: L2BlockRef, l2: L2BlockSource = { blockAt: () => undefined }): DeriverStep {
    const s = this.#s
    if (s.halted) return { kind: 'critical', reason: s.halted }
    if (s.pending) {
      if (safeHead.number === s.pending.number && safeHead.timestamp === s.pending.attributes.timestamp) {
        s.safe = { ref: safeHead, systemConfig: s.pending.systemConfigAfter }
        s.pending = null
        this.#pruneWindow()
      } else if (safeHead.hash === s.safe.ref.hash) {
        return { kind: 'idle' }
      } else {
        return { kind: 'reset', reason: `safe head ${safeHead.number} is neither the pending block ${s.pending.number} nor its parent` }
      }
    } else if (safeHead.hash !== s.safe.ref.hash) {
      return { kind: 'reset', reason: `safe head ${safeHead.number} ${safeHead.hash} is not the deriver's ${s.safe.ref.number} ${s.safe.ref.hash}` }
    }
    if (s.origin === null) {
      const first = s.inputs.shift()
      if (!first) return { kind: 'need-l1-input', next: null }
      const r = this.#enter(first, true)
      if (r) return r
    }
    for (let i = 0; i < MAX_STEPS; i++) {
      const r = this.#batchNext(safeHead, l2)
      switch (r.kind) {
        case 'batch': {
          const step = this.#attributes(r.batch, r.lastInSpan)
          if (step) return step
          continue
        }
        case 'not-enough-data':
          continue
        case 'eof': {
          const input = s.inputs.shift()
          if (!input) return { kind: 'need-l1-input', next: (s.origin as L1BlockRef).number + 1 }
          const e = this.#enter(input, false)
          if (e) return e
          continue
        }
        case 'need-l2-block':
          return r
        case 'reset':
          return r
        case 'critical':
          return this.#halt(r.reason)
        default: {
          const never: never = r
          return never
        }
      }
    }
    return { kind: 'critical', reason: 'deriver made no progress' }
  }

  #halt(reason: string): DeriverStep {
    this.#s.halted = reason
    return { kind: 'critical', reason }
  }

  #batchNext(parent: L2BlockRef, l2: L2BlockSource): NextBatchResult {
    const origin = this.#s.origin as L1BlockRef
    const onDrop = (e: BatchDropped) => this.#trace.push({ stage: 'batch', kind: 'batch-dropped', l1: origin.number, ...e })
    if (this.#queue) return this.#queue.next(this.config, parent, origin, this.#upstream(), l2, onDrop)
    return (this.#stage as BatchStage).next(this.config, parent, origin, this.#upstream(), l2, onDrop)
  }

  #upstream(): BatchUpstream {
    const s = this.#s
    const origin = s.origin as L1BlockRef
    const trace = (e: ChannelTraceEntry) => this.#trace.push(e)
    return {
      next: () => {
        for (;;) {
          if (s.reader && s.reader.batches.length > 0) {
            return { batch: s.reader.batches.shift() as ChannelBatch, inclusion: s.reader.inclusion }
          }
          s.reader = null
          const ch = this.#channel.nextChannel(origin, trace)
          if (ch) {
            s.reader = { batches: decodeChannel(ch, origin, this.config, trace).batches, inclusion: origin }
            continue
          }
          if (this.#channel.needsData() && s.dataUnits.length > 0) {
            this.#channel.addDataUnit(s.dataUnits.shift() as Uint8Array, origin, trace)
            continue
          }
          return 'eof'
        }
      },
      flushChannel: () => {
        s.reader = null
        this.#channel.flushChannel(origin, trace)
      },
    }
  }

  /** Traverse into `input`: it becomes the origin; its data units are queued. `base` = the first block (reset). */
  #enter(input: L1Input, base: boolean): DeriverStep | undefined {
    const s = this.#s
    const ref = refOf(input.header)
    if (!base) {
      const prev = s.origin as L1BlockRef
      if (ref.parentHash.toLowerCase() !== prev.hash.toLowerCase()) return { kind: 'reset', reason: `L1 reorg at ${ref.number}` }
      // op-node L1Traversal.AdvanceL1Block: the traversal's SystemConfig takes this block's updates first, so a
      // batcher change applies to this very block's batcher transactions.
      for (const log of input.logs) {
        if (!isConfigUpdateLog(log, this.config.l1SystemConfigAddress)) continue
        const r = applyConfigUpdateLog(s.traversalSystemConfig, log, { l1Time: ref.timestamp, config: this.config })
        if (r.status === 'applied') s.traversalSystemConfig = r.systemConfig
        else this.#trace.push({ stage: 'system-config', kind: 'update-ignored', l1: ref.number, logIndex: log.logIndex, reason: r.reason })
      }
    }
    const units = retrieveDataUnits(this.config, input, s.traversalSystemConfig.batcherAddress)
    if (units.kind === 'missing-blob') return { kind: 'reset', reason: `blob ${units.versionedHash} of L1 block ${ref.number} is missing` }
    for (const sk of units.skipped) {
      this.#trace.push({ stage: 'l1-retrieval', kind: 'blob-skipped', l1: ref.number, txIndex: sk.txIndex, blobIndex: sk.blobIndex, detail: sk.detail })
    }
    const wasHolocene = s.origin !== null && isActive(this.config, 'holocene', s.origin.timestamp)
    s.origin = ref
    s.dataUnits = units.units
    s.window.push({ header: input.header, logs: input.logs.filter((l) => this.#relevantLog(l)) })
    this.#pruneWindow()
    this.#trace.push({ stage: 'traversal', kind: 'l1-advanced', l1: ref.number })
    const holocene = isActive(this.config, 'holocene', ref.timestamp)
    if (base) {
      if (holocene) {
        this.#queue = null
        this.#stage = new BatchStage()
        this.#stage.reset(ref)
      } else {
        this.#stage = null
        this.#queue = new BatchQueue()
        this.#queue.reset(ref)
      }
    } else if (holocene && !wasHolocene && this.#queue) {
      // Holocene activation (op-node BatchMux.TransformHolocene): buffered batches are discarded, the window kept.
      const q = this.#queue.state
      this.#stage = new BatchStage({ origin: q.origin, l1Blocks: [...q.l1Blocks], nextSpan: [], spanInclusion: null })
      this.#queue = null
      s.reader = null
    }
    return undefined
  }

  #relevantLog(l: L1Log): boolean {
    const a = l.address.toLowerCase()
    return a === this.config.depositContractAddress.toLowerCase() || a === this.config.l1SystemConfigAddress.toLowerCase()
  }

  /** Keep window blocks from the safe head's origin on. */
  #pruneWindow(): void {
    const s = this.#s
    const min = s.safe.ref.l1Origin.number
    const i = s.window.findIndex((w) => w.header.number >= min)
    if (i > 0) s.window = s.window.slice(i)
  }

  #attributes(batch: { timestamp: number; epochNumber: number; epochHash: Uint8Array; transactions: Uint8Array[]; parentHash: Uint8Array }, lastInSpan: boolean): DeriverStep | undefined {
    const s = this.#s
    const parent = s.safe.ref
    const epochEntry = s.window.find((w) => w.header.number === batch.epochNumber)
    if (!epochEntry) return this.#halt(`L1 origin ${batch.epochNumber} of a valid batch is not in the window`)
    if (parent.timestamp + this.config.blockTime !== batch.timestamp) {
      return { kind: 'reset', reason: `valid batch has timestamp ${batch.timestamp}, expected ${parent.timestamp + this.config.blockTime}` }
    }
    const built = buildAttributes(this.config, {
      parent,
      parentSystemConfig: s.safe.systemConfig,
      epoch: epochEntry.header,
      epochLogs: epochEntry.logs,
      timestamp: batch.timestamp,
      batchTransactions: batch.transactions,
    })
    switch (built.kind) {
      case 'reset':
        return { kind: 'reset', reason: `${built.reason}: ${built.message}` }
      case 'critical':
        return this.#halt(`${built.reason}: ${built.message}`)
      case 'attributes':
        break
      default: {
        const never: never = built
        return never
      }
    }
    for (const u of built.configUpdates) {
      if (u.status === 'ignored') this.#trace.push({ stage: 'attributes', kind: 'config-update-ignored', l1: built.l1Origin.number, logIndex: u.logIndex, reason: u.reason })
    }
    const after = systemConfigAfterBlock(this.config, built.attributes, built.systemConfig)
    if (after instanceof DecodeError) return this.#halt(`${after.code}: ${after.message}`)
    const step: Pending = {
      kind: 'attributes',
      attributes: built.attributes,
      number: parent.number + 1,
      l1Origin: built.l1Origin,
      sequenceNumber: built.sequenceNumber,
      derivedFrom: s.origin as L1BlockRef,
      lastInSpan,
      depositOnly: false,
      usedSystemConfig: built.systemConfig,
      systemConfigAfter: after,
    }
    s.pending = step
    const { systemConfigAfter: _a, usedSystemConfig: _u, ...out } = step
    return out
  }

  #sync(): void {
    this.#s.channelStage = this.#channel.snapshot()
    this.#s.batch = this.#queue ? { kind: 'queue', state: this.#queue.state } : { kind: 'stage', state: (this.#stage as BatchStage).state }
  }
}
