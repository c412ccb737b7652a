/**
 * The fixture chain of op-node `batches_test.go` (`TestValidBatch`), shared by the singular and span batch validity
 * tests: L1 blocks l1A…l1F 7 s apart, L2 blocks on l1A / l1B, and a late l1B for drift cases. Fixed numbers in place
 * of op-node's random L1 block.
 */
import type { ForkTimes } from '../../shared/config/rollup-config.ts'
import type { BatchValidityConfig } from '../../shared/deriver/batch-validity.ts'
import type { L1BlockRef, L2BlockRef } from '../../shared/deriver/types.ts'
import { labelHash as hash } from './refs.ts'

/** op-node `defaultConf`: block time 2, sequencing window 4, max sequencer drift 6. */
export function batchConfig(forks: ForkTimes, over: Partial<BatchValidityConfig> = {}): BatchValidityConfig {
  return { blockTime: 2, seqWindowSize: 4, maxSequencerDrift: 6, forks, ...over }
}

export function l1After(parent: L1BlockRef, label: string, dt: number): L1BlockRef {
  return { hash: hash(label), number: parent.number + 1, parentHash: parent.hash, timestamp: parent.timestamp + dt }
}

export function l2After(parent: L2BlockRef, label: string, origin: L1BlockRef, seq: number): L2BlockRef {
  return {
    hash: hash(label),
    number: parent.number + 1,
    parentHash: parent.hash,
    timestamp: parent.timestamp + 2,
    l1Origin: { hash: origin.hash, number: origin.number },
    sequenceNumber: seq,
  }
}

export const l1A: L1BlockRef = { hash: hash('l1A'), number: 50, parentHash: hash('l1A parent'), timestamp: 20_000 }
export const l1B = l1After(l1A, 'l1B', 7)
export const l1C = l1After(l1B, 'l1C', 7)
export const l1D = l1After(l1C, 'l1D', 7)
export const l1E = l1After(l1D, 'l1E', 7)
export const l1F = l1After(l1E, 'l1F', 7)
export const l2A0: L2BlockRef = {
  hash: hash('l2A0'),
  number: 100,
  parentHash: hash('l2A0 parent'),
  timestamp: l1A.timestamp,
  l1Origin: { hash: l1A.hash, number: l1A.number },
  sequenceNumber: 0,
}
export const l2A1 = l2After(l2A0, 'l2A1', l1A, 1)
export const l2A2 = l2After(l2A1, 'l2A2', l1A, 2)
export const l2A3 = l2After(l2A2, 'l2A3', l1A, 3)
/** 8 s after l1A, 1 s after its origin l1B. */
export const l2B0 = l2After(l2A3, 'l2B0', l1B, 0)
export const l2B1 = l2After(l2B0, 'l2B1', l1B, 1)
export const l2B2 = l2After(l2B1, 'l2B2', l1B, 2)
/** 8 s after its origin: beyond the drift of 6. */
export const l2A4 = l2After(l2A3, 'l2A4', l1A, 4)
export const l1BLate: L1BlockRef = { ...l1After(l1A, 'l1BLate', 0), timestamp: l2A4.timestamp + 1 }
