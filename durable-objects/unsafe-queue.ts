/**
 * The unsafe chain from gossip (PROTOCOL.md §5 "Branch selection", §3 "EL sync"; op-node `engine/engine_controller.go`
 * `InsertUnsafePayload` and the unsafe-payload queue of `engine_queue.go`): validated payloads wait in a bounded,
 * ordered SQLite queue and are inserted in order with newPayload + FCU (head only). A payload at or below the safe
 * head is dropped; one that does not build on the unsafe head is dropped ("first block wins until L1 says
 * otherwise": derivation later consolidates or reorgs). A gap larger than {@link EL_SYNC_GAP} makes the engine sync
 * to the newest head itself (EL sync) instead of stalling, since a relay delivers no missing blocks on request.
 */
import { toHex, type Hex } from '../shared/bytes.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import type { ExecutionPayload } from '../shared/codec/ssz-payload.ts'
import { systemConfigFromL2Block } from '../shared/deriver/block-system-config.ts'
import type { L2BlockRef } from '../shared/deriver/types.ts'
import { DecodeError } from '../shared/errors.ts'
import { decodeGossipMessage, type GossipVersion } from '../shared/p2p/gossip-envelope.ts'
import { heads } from './derivation-control.ts'
import { forkchoiceOf, type EngineApi } from './engine-driver.ts'
import type { NodeState } from './node-state.ts'

/** Most payloads kept waiting; past it the farthest-ahead ones are dropped (they are the least useful). */
export const MAX_QUEUED_PAYLOADS = 1024
/** A gap (newest queued − unsafe head) above this starts EL sync to the newest payload. */
export const EL_SYNC_GAP = 64

export type QueuedPayload = { hash: Hex; number: number; parentHash: Hex; timestamp: number; version: GossipVersion; message: Uint8Array }

export type ProcessReport = {
  inserted: number
  dropped: { reason: UnsafeDropReason; number: number }[]
  elSync?: { target: number; status: string }
  waiting?: string
}

export type UnsafeDropReason = 'at-or-below-safe' | 'not-on-unsafe-chain' | 'engine-invalid' | 'undecodable' | 'queue-full'

/** Add a validated payload (the raw gossip message, re-decoded when it is inserted). Duplicates are absorbed. */
export function enqueueUnsafe(state: NodeState, p: QueuedPayload): { queued: boolean; reason?: 'duplicate' | 'at-or-below-safe' | 'queue-full' } {
  const safe = state.head('safe')
  if (safe && p.number <= safe.number) return { queued: false, reason: 'at-or-below-safe' }
  if (!state.queueUnsafePayload(p)) return { queued: false, reason: 'duplicate' }
  const dropped = state.trimUnsafeQueue(MAX_QUEUED_PAYLOADS)
  if (dropped.some((d) => d === p.hash)) return { queued: false, reason: 'queue-full' }
  return { queued: true }
}

/** Insert what can be inserted now, in order, inside the engine task queue. Never throws on payload contents. */
export async function processUnsafeQueue(config: RollupConfig, state: NodeState, engine: EngineApi, now: number): Promise<ProcessReport> {
  const report: ProcessReport = { inserted: 0, dropped: [] }
  const drop = (reason: UnsafeDropReason, p: { hash: Hex; number: number }) => {
    state.removeUnsafePayload(p.hash)
    report.dropped.push({ reason, number: p.number })
    state.event('unsafe-dropped', { reason, number: p.number, hash: p.hash }, now)
  }
  for (;;) {
    const h = heads(state)
    if (!h) {
      report.waiting = 'the node has no heads yet'
      return report
    }
    for (const p of state.unsafePayloadsUpTo(h.safe.number)) drop('at-or-below-safe', p)
    const target = state.meta('el_sync_target')
    if (target) {
      const done = await continueElSync(config, state, engine, JSON.parse(target) as L2BlockRef, now)
      report.elSync = done
      if (done.status !== 'VALID') return report
      continue
    }
    const next = state.nextUnsafePayload(h.unsafe.number + 1)
    if (next.length === 0) {
      const newest = state.newestUnsafePayload()
      if (newest && newest.number - h.unsafe.number > EL_SYNC_GAP) {
        report.elSync = await startElSync(config, state, engine, newest, now)
        if (report.elSync.status !== 'VALID') return report
        continue
      }
      for (const p of state.unsafePayloadsUpTo(h.unsafe.number)) drop('not-on-unsafe-chain', p)
      if (newest) report.waiting = `missing unsafe block ${h.unsafe.number + 1} (queued up to ${newest.number})`
      return report
    }
    const onChain = next.find((p) => p.parentHash === h.unsafe.hash)
    for (const p of next) if (p !== onChain) drop('not-on-unsafe-chain', p)
    if (!onChain) continue
    const decoded = decode(config, onChain)
    if (!decoded) {
      drop('undecodable', onChain)
      continue
    }
    const inserted = await engine.newPayload(decoded.payload, decoded.parentBeaconBlockRoot, decoded.payload.timestamp)
    if (inserted.status === 'INVALID' || inserted.status === 'INVALID_BLOCK_HASH') {
      drop('engine-invalid', onChain)
      continue
    }
    if (inserted.status !== 'VALID') {
      report.waiting = `engine answered ${inserted.status} to unsafe block ${onChain.number}`
      return report
    }
    const fc = await engine.forkchoiceUpdated(forkchoiceOf({ unsafe: decoded.ref, safe: h.safe, finalized: h.finalized }))
    if (fc.status !== 'VALID') {
      report.waiting = `engine answered ${fc.status} to the unsafe head update`
      return report
    }
    state.setHead('unsafe', decoded.ref)
    state.removeUnsafePayload(onChain.hash)
    report.inserted++
  }
}

/** The payload, its beacon root and its L2 block ref (L1 origin from the L1-info deposit), or null if unreadable. */
function decode(config: RollupConfig, p: QueuedPayload): { payload: ExecutionPayload; parentBeaconBlockRoot?: Uint8Array; ref: L2BlockRef } | null {
  let payload: ExecutionPayload
  let parentBeaconBlockRoot: Uint8Array | undefined
  try {
    const m = decodeGossipMessage(p.message, p.version)
    payload = m.payload
    parentBeaconBlockRoot = m.parentBeaconBlockRoot
  } catch {
    return null
  }
  const info = systemConfigFromL2Block(config, {
    number: payload.blockNumber,
    hash: toHex(payload.blockHash),
    parentHash: toHex(payload.parentHash),
    timestamp: payload.timestamp,
    gasLimit: payload.gasLimit,
    extraData: payload.extraData,
    transactions: payload.transactions,
  })
  if (info instanceof DecodeError) return null
  return { payload, ...(parentBeaconBlockRoot ? { parentBeaconBlockRoot } : {}), ref: info.ref }
}

/** EL sync: give the engine the newest payload and make it the head; the engine fetches the rest from its peers. */
async function startElSync(config: RollupConfig, state: NodeState, engine: EngineApi, newest: QueuedPayload, now: number): Promise<{ target: number; status: string }> {
  const decoded = decode(config, newest)
  if (!decoded) {
    state.removeUnsafePayload(newest.hash)
    state.event('unsafe-dropped', { reason: 'undecodable', number: newest.number, hash: newest.hash }, now)
    return { target: newest.number, status: 'undecodable' }
  }
  const inserted = await engine.newPayload(decoded.payload, decoded.parentBeaconBlockRoot, decoded.payload.timestamp)
  if (inserted.status === 'INVALID' || inserted.status === 'INVALID_BLOCK_HASH') {
    state.removeUnsafePayload(newest.hash)
    state.event('unsafe-dropped', { reason: 'engine-invalid', number: newest.number, hash: newest.hash }, now)
    return { target: newest.number, status: inserted.status }
  }
  state.setMeta('el_sync_target', JSON.stringify(decoded.ref))
  state.event('el-sync-started', { target: newest.number, hash: newest.hash, unsafe: state.head('unsafe')?.number ?? null }, now)
  return continueElSync(config, state, engine, decoded.ref, now)
}

/** Point the engine at the EL-sync target; once it answers VALID the target is the unsafe head. */
async function continueElSync(_config: RollupConfig, state: NodeState, engine: EngineApi, target: L2BlockRef, now: number): Promise<{ target: number; status: string }> {
  const h = heads(state)
  if (!h) return { target: target.number, status: 'no-heads' }
  if (target.number <= h.unsafe.number) {
    state.setMeta('el_sync_target', '')
    return { target: target.number, status: 'VALID' }
  }
  const fc = await engine.forkchoiceUpdated(forkchoiceOf({ unsafe: target, safe: h.safe, finalized: h.finalized }))
  if (fc.status !== 'VALID') return { target: target.number, status: fc.status }
  state.setHead('unsafe', target)
  state.setMeta('el_sync_target', '')
  for (const p of state.unsafePayloadsUpTo(target.number)) state.removeUnsafePayload(p.hash)
  state.event('el-sync-finished', { target: target.number, hash: target.hash }, now)
  return { target: target.number, status: 'VALID' }
}
