/**
 * `optimism_syncStatus` in op-node's JSON shape (`eth.SyncStatus`; PROTOCOL.md §4): snake_case keys, L1 refs as
 * `{hash, number, parentHash, timestamp}`, L2 refs with `l1origin` and `sequenceNumber`, zero refs when unknown.
 */
import type { L1BlockRef, L2BlockRef } from '../shared/deriver/types.ts'

const ZERO_HASH = `0x${'00'.repeat(32)}`

export type L1RefJson = { hash: string; number: number; parentHash: string; timestamp: number }
export type L2RefJson = L1RefJson & { l1origin: { hash: string; number: number }; sequenceNumber: number }

export function l1RefJson(ref: L1BlockRef | null): L1RefJson {
  return ref
    ? { hash: ref.hash, number: ref.number, parentHash: ref.parentHash, timestamp: ref.timestamp }
    : { hash: ZERO_HASH, number: 0, parentHash: ZERO_HASH, timestamp: 0 }
}

export function l2RefJson(ref: L2BlockRef | null): L2RefJson {
  return ref
    ? { hash: ref.hash, number: ref.number, parentHash: ref.parentHash, timestamp: ref.timestamp, l1origin: { hash: ref.l1Origin.hash, number: ref.l1Origin.number }, sequenceNumber: ref.sequenceNumber }
    : { ...l1RefJson(null), l1origin: { hash: ZERO_HASH, number: 0 }, sequenceNumber: 0 }
}

export type SyncStatusInput = {
  currentL1: L1BlockRef | null
  headL1: L1BlockRef | null
  safeL1: L1BlockRef | null
  finalizedL1: L1BlockRef | null
  unsafe: L2BlockRef | null
  safe: L2BlockRef | null
  finalized: L2BlockRef | null
  pendingSafe: L2BlockRef | null
}

export function syncStatusJson(s: SyncStatusInput) {
  return {
    current_l1: l1RefJson(s.currentL1),
    current_l1_finalized: l1RefJson(s.finalizedL1),
    head_l1: l1RefJson(s.headL1),
    safe_l1: l1RefJson(s.safeL1),
    finalized_l1: l1RefJson(s.finalizedL1),
    unsafe_l2: l2RefJson(s.unsafe),
    safe_l2: l2RefJson(s.safe),
    finalized_l2: l2RefJson(s.finalized),
    pending_safe_l2: l2RefJson(s.pendingSafe ?? s.safe),
    // Without interop, cross-unsafe is unsafe and local-safe is safe (op-node does the same).
    cross_unsafe_l2: l2RefJson(s.unsafe),
    local_safe_l2: l2RefJson(s.safe),
  }
}
