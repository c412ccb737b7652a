/**
 * The RollupNode's side of the derive tick (`workers/derive-tick.ts`): hand out the cursor, apply one derived block
 * with the checkpoint that follows it, save the cursor — all under optimistic versions, so a stale or duplicated tick
 * changes nothing. Heads move only after the engine answered VALID (the engine driver).
 */
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import type { DeriverStep } from '../shared/deriver/deriver.ts'
import type { L2BlockRef } from '../shared/deriver/types.ts'
import { isActive } from '../shared/config/forks.ts'
import type { ApplyDerivedResult, TickCursor } from '../workers/derive-tick.ts'
import { applyDerivedAttributes, forkchoiceOf, type EngineApi, type ForkchoiceState, type Heads } from './engine-driver.ts'
import type { NodeState } from './node-state.ts'

export function heads(state: NodeState): Heads | null {
  const safe = state.head('safe')
  const unsafe = state.head('unsafe')
  const finalized = state.head('finalized')
  if (!safe || !unsafe || !finalized) return null
  return { unsafe, safe, finalized, pendingSafe: state.head('pending_safe') ?? safe }
}

export function deriveCursor(state: NodeState): TickCursor {
  const h = heads(state)
  const cursor = state.cursor()
  if (!h || !cursor) return { kind: 'not-initialized', reason: 'the node has no heads yet (sync start has not run)' }
  const start = state.meta('start_system_config')
  return {
    kind: 'ready',
    version: cursor.version,
    safe: h.pendingSafe,
    checkpoint: cursor.checkpoint,
    nextL1: cursor.nextL1,
    ...(start && !cursor.checkpoint ? { start: JSON.parse(start, (_k, v) => (typeof v === 'string' && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v)) } : {}),
  }
}

export function saveCursor(state: NodeState, version: number, checkpoint: string, nextL1: number, now: number): { ok: true; version: number } | { ok: false; reason: 'stale' } {
  const cursor = state.cursor()
  if (!cursor || cursor.version !== version) {
    state.event('stale-cursor', { version, current: cursor?.version ?? null }, now)
    return { ok: false, reason: 'stale' }
  }
  return { ok: true, version: state.setCursor(checkpoint, nextL1, now) }
}

/**
 * Apply one derived block. The cursor must still be the one the tick started from, and the block must extend the
 * pending safe head; the engine work then runs in the caller's task queue.
 */
export async function applyDerived(
  config: RollupConfig,
  state: NodeState,
  engine: EngineApi,
  version: number,
  step: Extract<DeriverStep, { kind: 'attributes' }>,
  checkpoint: string,
  nextL1: number,
  now: number,
): Promise<ApplyDerivedResult> {
  const cursor = state.cursor()
  const h = heads(state)
  if (!cursor || !h || cursor.version !== version) return { kind: 'stale' }
  if (step.number !== h.pendingSafe.number + 1) return { kind: 'stale' }
  // Before Holocene the safe head moves only at span ends; from Holocene every derived block is safe.
  const promoteSafe = step.lastInSpan || isActive(config, 'holocene', step.derivedFrom.timestamp)
  const r = await applyDerivedAttributes(engine, h, { attributes: step.attributes, number: step.number, l1Origin: step.l1Origin, sequenceNumber: step.sequenceNumber, promoteSafe })
  // The engine call awaited: another request may have moved the cursor meanwhile (the input gate was open).
  if (state.cursor()?.version !== version) return { kind: 'stale' }
  switch (r.kind) {
    case 'built':
    case 'consolidated': {
      const next = r.heads
      state.setHead('unsafe', next.unsafe)
      state.setHead('pending_safe', next.pendingSafe)
      if (next.safe.hash !== h.safe.hash) {
        state.setHead('safe', next.safe)
        state.recordSafeHead(step.derivedFrom, next.safe)
        state.recordFinalityCandidate(step.derivedFrom, next.safe)
      }
      const v = state.setCursor(checkpoint, nextL1, now)
      state.event(r.kind === 'built' ? 'attributes-built' : 'consolidated', { number: step.number, hash: next.pendingSafe.hash, l1: step.derivedFrom.number }, now)
      return { kind: 'applied', version: v, safe: next.pendingSafe }
    }
    case 'invalid': {
      state.event('attributes-invalid', { number: step.number, reason: r.reason, depositOnly: step.depositOnly }, now)
      return { kind: 'invalid', version, reason: r.reason }
    }
    case 'retry':
      state.event('engine-error', { number: step.number, reason: r.reason }, now)
      return { kind: 'retry', reason: r.reason }
    default: {
      const never: never = r
      return never
    }
  }
}

/** Anchor the node at a safe head (after sync start) and clear derivation state so the next tick starts from `nextL1`. */
export function anchor(state: NodeState, h: { unsafe: L2BlockRef; safe: L2BlockRef; finalized: L2BlockRef }, nextL1: number, start: unknown, now: number): number {
  state.setHead('unsafe', h.unsafe)
  state.setHead('safe', h.safe)
  state.setHead('pending_safe', h.safe)
  state.setHead('finalized', h.finalized)
  state.setMeta('start_system_config', JSON.stringify(start, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)))
  state.clearFinality()
  // op-node `SafeHeadReset`: what was recorded past the new safe head was derived from data that is being re-derived.
  state.truncateSafeHeadDbAfterL2(h.safe.number)
  state.event('heads-initialized', { unsafe: h.unsafe.number, safe: h.safe.number, finalized: h.finalized.number, nextL1 }, now)
  return state.setCursor(null, nextL1, now)
}

/**
 * Finality (PROTOCOL.md §2.10; op-node `finality/finalizer.go`): the highest safe L2 block derived from an L1 block at
 * or below the finalized L1 block becomes finalized, after checking that L1 block is still canonical; one FCU records
 * it in the engine.
 */
export async function finalize(
  state: NodeState,
  engine: EngineApi,
  l1Finalized: { number: number; hash: string },
  canonicalHash: (l1Number: number) => Promise<string | undefined>,
  now: number,
): Promise<{ finalized: number } | { unchanged: true; reason: string }> {
  const h = heads(state)
  if (!h) return { unchanged: true, reason: 'not initialized' }
  const candidate = state.finalityCandidate(l1Finalized.number)
  if (!candidate || candidate.l2.number <= h.finalized.number) return { unchanged: true, reason: 'nothing new to finalize' }
  if ((await canonicalHash(candidate.l1.number))?.toLowerCase() !== candidate.l1.hash.toLowerCase()) {
    state.event('l1-reorg', { finalityCandidate: candidate.l1.number }, now)
    return { unchanged: true, reason: `L1 block ${candidate.l1.number} of the candidate is no longer canonical` }
  }
  const r = await engine.forkchoiceUpdated({ headBlockHash: h.unsafe.hash, safeBlockHash: h.safe.hash, finalizedBlockHash: candidate.l2.hash })
  if (r.status !== 'VALID') return { unchanged: true, reason: `engine answered ${r.status}` }
  state.setHead('finalized', candidate.l2)
  state.event('finalized-advanced', { number: candidate.l2.number, l1: candidate.l1.number }, now)
  return { finalized: candidate.l2.number }
}

/**
 * The coalesced forkchoice update (DESIGN.md "Heads move only after the engine answers VALID. Safe and finalized
 * forkchoice updates are coalesced"): derived blocks move the node's heads without an FCU each; this one call records
 * them in the engine, at the end of a tick, from the object's alarm if a tick died, and before anything that reads the
 * engine's labels. `sent` is the last state the engine accepted (VALID), so a repeated call costs nothing.
 */
export async function commitForkchoice(
  state: NodeState,
  engine: Pick<EngineApi, 'forkchoiceUpdated'>,
  sent: ForkchoiceState | null,
): Promise<{ kind: 'unchanged' } | { kind: 'committed'; state: ForkchoiceState } | { kind: 'refused'; status: string }> {
  const h = heads(state)
  if (!h) return { kind: 'unchanged' }
  const want = forkchoiceOf(h)
  if (sent && sent.headBlockHash === want.headBlockHash && sent.safeBlockHash === want.safeBlockHash && sent.finalizedBlockHash === want.finalizedBlockHash) {
    return { kind: 'unchanged' }
  }
  const r = await engine.forkchoiceUpdated(want)
  if (r.status !== 'VALID') return { kind: 'refused', status: r.status }
  return { kind: 'committed', state: want }
}
