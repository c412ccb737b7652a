/**
 * The derive tick (DESIGN.md "workers/"): take the RollupNode's cursor, fetch the next L1 range, run the deriver until
 * it needs more input or the tick's budget is spent, and hand each derived block to the node with the checkpoint that
 * follows it. The node applies a block only if the cursor version it handed out is still current, so overlapping or
 * duplicated ticks are harmless.
 */
import type { RollupConfig, SystemConfig } from '../shared/config/rollup-config.ts'
import { Deriver, type DeriverStep } from '../shared/deriver/deriver.ts'
import type { L1BlockRef, L2BlockRef } from '../shared/deriver/types.ts'
import type { L1Source } from './l1-source.ts'

/** What the tick needs from the RollupNode (its typed RPC stub). */
export type DeriveNode = {
  deriveCursor(): Promise<TickCursor>
  applyDerived(version: number, step: Extract<DeriverStep, { kind: 'attributes' }>, checkpoint: string, nextL1: number): Promise<ApplyDerivedResult>
  saveCursor(version: number, checkpoint: string, nextL1: number): Promise<{ ok: true; version: number } | { ok: false; reason: 'stale' }>
  resetDerivation(version: number, reason: string): Promise<void>
  reportCritical(reason: string): Promise<void>
  reportL1Heads(heads: { head?: L1BlockRef; safe?: L1BlockRef; finalized?: L1BlockRef; current?: L1BlockRef }): Promise<void>
  /** Finalize what was derived from L1 blocks up to the finalized one. */
  finalizeUpTo(l1Finalized: L1BlockRef): Promise<unknown>
  /** Record the node's heads in the engine with one forkchoice update (derived blocks do not send one each). */
  commitForkchoice(): Promise<unknown>
  /** A safe L2 block with its non-deposit transactions (span-batch overlap checks), or null if unknown. */
  l2Block(number: number): Promise<{ ref: L2BlockRef; transactions: Uint8Array[] } | null>
}

export type TickCursor =
  | { kind: 'ready'; version: number; safe: L2BlockRef; checkpoint: string | null; nextL1: number; start?: { systemConfig: SystemConfig; traversalSystemConfig: SystemConfig } }
  | { kind: 'not-initialized'; reason: string }

export type ApplyDerivedResult =
  | { kind: 'applied'; version: number; safe: L2BlockRef }
  | { kind: 'invalid'; version: number; reason: string }
  | { kind: 'retry'; reason: string }
  | { kind: 'stale' }

export type TickBudget = { maxL1Blocks: number; maxBlocks: number; deadline: number }

export type TickReport = {
  outcome: 'caught-up' | 'budget' | 'stale' | 'reset' | 'critical' | 'retry' | 'not-initialized' | 'waiting-for-l1'
  l1From?: number
  l1To?: number
  derived: number
  reason?: string
}

export type DeriveTickParameters = {
  config: RollupConfig
  node: DeriveNode
  l1: Pick<L1Source, 'fetchRange' | 'head'>
  budget: TickBudget
  /** How far behind the L1 head derivation stays. */
  confirmations: number
  now: () => number
}

/**
 * Run one tick. Whatever way it ends, the heads it moved are recorded in the engine with one forkchoice update at the
 * end (coalesced: a catch-up of thousands of blocks costs one FCU, not one per block).
 */
export async function deriveTick(deps: DeriveTickParameters): Promise<TickReport> {
  const report = await deriveSteps(deps)
  if (report.derived > 0) await deps.node.commitForkchoice()
  return report
}

async function deriveSteps(deps: DeriveTickParameters): Promise<TickReport> {
  const { config, node, l1, budget } = deps
  const cursor = await node.deriveCursor()
  if (cursor.kind === 'not-initialized') return { outcome: 'not-initialized', derived: 0, reason: cursor.reason }
  let version = cursor.version
  let safe = cursor.safe
  const deriver = cursor.checkpoint
    ? Deriver.restore(config, cursor.checkpoint)
    : Deriver.start(config, safe, cursor.start?.systemConfig ?? config.genesis.systemConfig, cursor.start?.traversalSystemConfig)

  const head = await l1.head('latest')
  const last = Math.min(cursor.nextL1 + budget.maxL1Blocks - 1, head.number - deps.confirmations)
  await node.reportL1Heads({ head })
  // Finality first: it only depends on what earlier ticks derived (op-node polls L1 finalized on its own timer).
  const finalized = await l1.head('finalized').catch(() => undefined)
  if (finalized) await node.finalizeUpTo(finalized)
  let nextL1 = cursor.nextL1
  if (last >= nextL1) {
    const inputs = await l1.fetchRange(nextL1, last)
    for (const input of inputs) {
      const added = deriver.addL1Input(input)
      if (!added.ok) {
        await node.resetDerivation(version, added.reason)
        return { outcome: 'reset', derived: 0, l1From: cursor.nextL1, l1To: last, reason: added.reason }
      }
    }
    nextL1 = last + 1
  }

  let derived = 0
  const l2Cache = new Map<number, { ref: L2BlockRef; transactions: Uint8Array[] }>()
  const l2 = { blockAt: (n: number) => l2Cache.get(n) }
  for (;;) {
    if (derived >= budget.maxBlocks || deps.now() > budget.deadline) {
      const saved = await node.saveCursor(version, deriver.checkpoint(), nextL1)
      return { outcome: saved.ok ? 'budget' : 'stale', derived, l1From: cursor.nextL1, l1To: nextL1 - 1 }
    }
    let step = deriver.next(safe, l2)
    while (step.kind === 'attributes') {
      const applied = await node.applyDerived(version, step, deriver.checkpoint(), nextL1)
      if (applied.kind === 'applied') {
        version = applied.version
        safe = applied.safe
        derived++
        break
      }
      if (applied.kind === 'invalid') {
        version = applied.version
        step = deriver.reportInvalid()
        continue
      }
      if (applied.kind === 'stale') return { outcome: 'stale', derived, l1From: cursor.nextL1, l1To: nextL1 - 1 }
      return { outcome: 'retry', derived, reason: applied.reason, l1From: cursor.nextL1, l1To: nextL1 - 1 }
    }
    switch (step.kind) {
      case 'attributes':
        continue
      case 'need-l1-input':
      case 'idle': {
        const saved = await node.saveCursor(version, deriver.checkpoint(), nextL1)
        if (deriver.origin) await node.reportL1Heads({ current: deriver.origin })
        if (!saved.ok) return { outcome: 'stale', derived }
        return { outcome: last >= cursor.nextL1 ? 'caught-up' : 'waiting-for-l1', derived, l1From: cursor.nextL1, l1To: nextL1 - 1 }
      }
      case 'need-l2-block': {
        const block = l2Cache.has(step.number) ? null : await node.l2Block(step.number)
        if (!block) return { outcome: 'retry', derived, reason: `L2 block ${step.number} (span-batch overlap check) is not available` }
        l2Cache.set(step.number, block)
        continue
      }
      case 'reset':
        await node.resetDerivation(version, step.reason)
        return { outcome: 'reset', derived, reason: step.reason }
      case 'critical':
        await node.reportCritical(step.reason)
        return { outcome: 'critical', derived, reason: step.reason }
      default: {
        const never: never = step
        throw new Error(`unknown deriver step ${JSON.stringify(never)}`)
      }
    }
  }
}
