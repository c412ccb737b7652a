/**
 * The channel stage mux: frame queue → channel bank (before Holocene) or channel assembler (from Holocene), chosen
 * here and nowhere else by `isActive(config, 'holocene', origin.timestamp)` at the pipeline origin (PROTOCOL.md §1.1,
 * §2.4, §2.5; https://specs.optimism.io/protocol/holocene/derivation.html).
 *
 * Mirrors op-node `channel_mux.go` (`ChannelMux.Reset` picks the stage for the reset base, `Transform(Holocene)`
 * swaps it) together with `FrameQueue.Transform` and `DerivationPipeline.transformStages`: when the pipeline origin
 * moves from a pre-Holocene L1 block to a Holocene one, the frame queue and the channel bank are discarded and a
 * fresh assembler takes over, before any data of that block is read. Here the first call with a Holocene origin does
 * it ({@link ChannelStage}'s methods all take the origin). The first call after construction or {@link
 * ChannelStage.reset} only picks the stage, like op-node's `Reset`. An origin before Holocene while the assembler is
 * active (an L1 reorg back across the activation without a reset) brings back an empty bank, as kona's
 * `ChannelProvider::attempt_update` does.
 *
 * Feeding rhythm (op-node pulls lazily): call {@link ChannelStage.nextChannel} until it returns `undefined`, and only
 * then, when {@link ChannelStage.needsData} is true, add the next data unit of the current L1 block.
 */
import { toHex } from '../bytes.ts'
import type { Frame } from '../codec/frame.ts'
import { isActive } from '../config/forks.ts'
import { ChannelAssembler, type ChannelAssemblerSnapshot } from './channel-assembler.ts'
import { ChannelBank, type ChannelBankSnapshot } from './channel-bank.ts'
import type { ChannelStageConfig, ChannelTrace, ReadyChannel } from './channel-trace.ts'
import { FrameQueue, type FrameQueueSnapshot } from './frame-queue.ts'
import type { L1BlockRef } from './types.ts'

export type ChannelStageKind = 'none' | 'bank' | 'assembler'

export type ChannelStageSnapshot = {
  frameQueue: FrameQueueSnapshot
  active:
    | { kind: 'none' }
    | { kind: 'bank'; bank: ChannelBankSnapshot }
    | { kind: 'assembler'; assembler: ChannelAssemblerSnapshot }
}

type Active =
  | { kind: 'none' }
  | { kind: 'bank'; bank: ChannelBank }
  | { kind: 'assembler'; assembler: ChannelAssembler }

/**
 * Frames in, complete channels out, with the fork's rules.
 *
 * @example
 * const stage = new ChannelStage(cfg)
 * for (const unit of block.batcherData) {
 *   for (let ch = stage.nextChannel(origin, trace); ch; ch = stage.nextChannel(origin, trace)) decodeChannel(ch, …)
 *   stage.addDataUnit(unit, origin, trace)
 * }
 */
export class ChannelStage {
  readonly #config: ChannelStageConfig
  #frameQueue = new FrameQueue()
  #active: Active = { kind: 'none' }

  constructor(config: ChannelStageConfig) {
    this.#config = config
  }

  /** Which stage is active: `none` until the first call after construction or reset. */
  get kind(): ChannelStageKind {
    return this.#active.kind
  }

  /** True when the frame queue is empty, i.e. the next data unit may be added (op-node `NextFrame`). */
  needsData(): boolean {
    return this.#frameQueue.size === 0
  }

  /** Parses a batcher data unit into the frame queue (pruned from Holocene; a malformed unit is dropped whole). */
  addDataUnit(data: Uint8Array, origin: L1BlockRef, trace: ChannelTrace): void {
    this.#sync(origin, trace)
    this.#frameQueue.addDataUnit(data, origin, this.#active.kind === 'assembler', trace)
  }

  /** Queues one data unit's already parsed frames. */
  addFrames(frames: readonly Frame[], origin: L1BlockRef, trace: ChannelTrace): void {
    this.#sync(origin, trace)
    this.#frameQueue.addFrames(frames, origin, this.#active.kind === 'assembler', trace)
  }

  /** The next complete channel, or `undefined` when the queued frames complete none. */
  nextChannel(origin: L1BlockRef, trace: ChannelTrace): ReadyChannel | undefined {
    const active = this.#sync(origin, trace)
    const pull = () => this.#frameQueue.next()
    switch (active.kind) {
      case 'bank':
        return active.bank.next(origin, pull, trace)
      case 'assembler':
        return active.assembler.next(origin, pull, trace)
      default: {
        const never: never = active
        throw new Error(`unknown channel stage ${JSON.stringify(never)}`)
      }
    }
  }

  /**
   * Holocene fast channel invalidation: the batch stage drops the staging channel (op-node `ChannelMux.FlushChannel`
   * → `ChannelAssembler.FlushChannel`). Before Holocene nothing calls it (op-node's bank panics); here it is a no-op.
   */
  flushChannel(origin: L1BlockRef, trace: ChannelTrace): void {
    const active = this.#sync(origin, trace)
    if (active.kind === 'assembler') active.assembler.flush(origin, trace)
  }

  /** Pipeline reset: empties everything; the next call picks the stage for its origin (op-node `ChannelMux.Reset`). */
  reset(): void {
    this.#frameQueue.clear()
    this.#active = { kind: 'none' }
  }

  snapshot(): ChannelStageSnapshot {
    const frameQueue = this.#frameQueue.snapshot()
    const active = this.#active
    switch (active.kind) {
      case 'none':
        return { frameQueue, active: { kind: 'none' } }
      case 'bank':
        return { frameQueue, active: { kind: 'bank', bank: active.bank.snapshot() } }
      case 'assembler':
        return { frameQueue, active: { kind: 'assembler', assembler: active.assembler.snapshot() } }
      default: {
        const never: never = active
        throw new Error(`unknown channel stage ${JSON.stringify(never)}`)
      }
    }
  }

  /** @throws TypeError on malformed hex (a corrupt checkpoint, not L1 data). */
  static restore(snapshot: ChannelStageSnapshot, config: ChannelStageConfig): ChannelStage {
    const stage = new ChannelStage(config)
    stage.#frameQueue = FrameQueue.restore(snapshot.frameQueue)
    const active = snapshot.active
    switch (active.kind) {
      case 'none':
        break
      case 'bank':
        stage.#active = { kind: 'bank', bank: ChannelBank.restore(active.bank, config) }
        break
      case 'assembler':
        stage.#active = { kind: 'assembler', assembler: ChannelAssembler.restore(active.assembler, config) }
        break
      default: {
        const never: never = active
        throw new TypeError(`unknown channel stage in checkpoint: ${JSON.stringify(never)}`)
      }
    }
    return stage
  }

  /** The one place the fork is chosen; performs the Holocene activation flush. */
  #sync(origin: L1BlockRef, trace: ChannelTrace): Exclude<Active, { kind: 'none' }> {
    const holocene = isActive(this.#config, 'holocene', origin.timestamp)
    const active = this.#active
    switch (active.kind) {
      case 'none':
        break
      case 'bank':
        if (holocene) this.#activateHolocene(active.bank, origin, trace)
        break
      case 'assembler':
        if (!holocene) this.#active = { kind: 'none' }
        break
      default: {
        const never: never = active
        throw new Error(`unknown channel stage ${JSON.stringify(never)}`)
      }
    }
    if (this.#active.kind === 'none') {
      this.#active = holocene
        ? { kind: 'assembler', assembler: new ChannelAssembler(this.#config) }
        : { kind: 'bank', bank: new ChannelBank(this.#config) }
    }
    return this.#active as Exclude<Active, { kind: 'none' }>
  }

  /**
   * PROTOCOL.md §2.5: "on reaching the Holocene activation L1 block: discard all frames in frame queue, channels in
   * channel bank … then switch stage implementations" (op-node `FrameQueue.Transform`,
   * `ChannelMux.TransformHolocene`).
   */
  #activateHolocene(bank: ChannelBank, origin: L1BlockRef, trace: ChannelTrace): void {
    for (const frame of this.#frameQueue.clear()) {
      trace({
        stage: 'frame-queue',
        kind: 'frame-dropped',
        reason: 'holocene-activation',
        channelId: toHex(frame.channelId),
        frameNumber: frame.frameNumber,
        origin: origin.number,
      })
    }
    for (const channelId of bank.clear()) {
      trace({
        stage: 'channel-bank',
        kind: 'channel-dropped',
        reason: 'holocene-activation',
        channelId,
        origin: origin.number,
      })
    }
    this.#active = { kind: 'none' }
  }
}
