/**
 * Sync start: from the engine's forkchoice, find a safe head consistent with the canonical L1 chain and the L1 block
 * derivation must restart from (PROTOCOL.md §2.11; https://specs.optimism.io/protocol/derivation.html#resetting-the-pipeline;
 * op-node `op-node/rollup/sync/start.go` FindL2Heads and `derive/pipeline.go` initialReset).
 *
 * No I/O of its own: the caller passes lookups (engine and L1 RPC). A lookup that fails throws; that is the caller's
 * temporary error. Inconsistencies that no retry fixes are returned as `critical`.
 */
import { channelTimeout } from '../config/forks.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import type { L1BlockRef, L2BlockRef } from './types.ts'

export type SyncStartLookups = {
  /** The engine's labelled heads; `safe` / `finalized` may be missing (fresh engine). */
  l2Heads(): Promise<{ unsafe: L2BlockRef; safe?: L2BlockRef; finalized?: L2BlockRef }>
  l2BlockByHash(hash: string): Promise<L2BlockRef>
  /** The canonical L1 block at `number`, or undefined when L1 has no such block yet (L2 ahead of our L1 view). */
  l1BlockByNumber(number: number): Promise<L1BlockRef | undefined>
}

export type SyncStartResult =
  | {
      kind: 'ok'
      unsafe: L2BlockRef
      safe: L2BlockRef
      finalized: L2BlockRef
      /** The L2 block whose L1 origin is the pipeline base (its SystemConfig seeds L1 traversal). */
      pipelineL2: L2BlockRef
    }
  | { kind: 'critical'; reason: string }

/** Refuse to reorg deeper than this many sequencing windows (op-node `MaxReorgSeqWindows`). */
export const MAX_REORG_SEQ_WINDOWS = 5

export async function findSyncStart(config: RollupConfig, l: SyncStartLookups): Promise<SyncStartResult> {
  const heads = await l.l2Heads()
  const genesisRef = await l.l2BlockByHash(config.genesis.l2.hash)
  const finalized = heads.finalized ?? genesisRef
  let safe = heads.safe ?? finalized
  let unsafe: L2BlockRef | null = heads.unsafe
  const prevUnsafe = heads.unsafe
  const lookback = config.seqWindowSize

  let n = heads.unsafe
  let l1Block: L1BlockRef | undefined
  let ahead = false
  let highest: L2BlockRef | null = null
  let ready = false
  for (;;) {
    if (l1Block === undefined || n.l1Origin.hash !== l1Block.hash) {
      l1Block = await l.l1BlockByNumber(n.l1Origin.number)
      ahead = l1Block === undefined
    }
    if (n.number === config.genesis.l2.number && n.hash !== config.genesis.l2.hash) {
      return { kind: 'critical', reason: `wrong L2 genesis hash ${n.hash} at block ${n.number}` }
    }
    if (n.number === config.genesis.l2.number && (n.l1Origin.hash !== config.genesis.l1.hash || n.l1Origin.number !== config.genesis.l1.number)) {
      return { kind: 'critical', reason: 'the L2 genesis block has the wrong L1 origin' }
    }
    if (ahead) {
      // Cannot tell yet whether the origin is canonical: keep the unsafe head, forget the candidate.
      highest = null
    } else if (l1Block && l1Block.hash === n.l1Origin.hash) {
      if (highest === null) highest = n
    } else {
      // The origin is neither ahead of L1 nor canonical: this block and its descendants are reorged out.
      unsafe = null
      highest = null
    }
    if (highest !== null && n.number <= safe.number && n.l1Origin.number + lookback < highest.l1Origin.number && n.sequenceNumber === 0) {
      ready = true
    }
    if (n.number === finalized.number) {
      safe = n
      break
    }
    const parent = await l.l2BlockByHash(n.parentHash)
    if (parent.l1Origin.hash !== n.l1Origin.hash || parent.l1Origin.number !== n.l1Origin.number) {
      if (parent.l1Origin.number + 1 !== n.l1Origin.number) {
        return { kind: 'critical', reason: `L2 block ${n.number}: parent origin ${parent.l1Origin.number} is not before origin ${n.l1Origin.number}` }
      }
      if (n.sequenceNumber !== 0) return { kind: 'critical', reason: `L2 block ${n.number}: origin changed but sequence number is ${n.sequenceNumber}` }
      if (l1Block && l1Block.hash === n.l1Origin.hash && l1Block.parentHash !== parent.l1Origin.hash) {
        return { kind: 'critical', reason: `L2 block ${parent.number} has an L1 origin that is not canonical` }
      }
    } else if (parent.sequenceNumber + 1 !== n.sequenceNumber) {
      return { kind: 'critical', reason: `L2 block ${n.number}: sequence number ${n.sequenceNumber} does not follow ${parent.sequenceNumber}` }
    }
    n = parent
    if (ready) {
      safe = n
      break
    }
    if (unsafe === null) {
      unsafe = n
      if (n.l1Origin.number + MAX_REORG_SEQ_WINDOWS * lookback < prevUnsafe.l1Origin.number) {
        return { kind: 'critical', reason: `reorg of the unsafe chain deeper than ${MAX_REORG_SEQ_WINDOWS} sequencing windows` }
      }
    }
  }

  // Pipeline base: walk back from the safe head until its origin is a channel timeout behind the safe head's origin
  // (initialReset), so channels that began before the safe head are read again.
  let pipelineL2 = safe
  const safeOrigin = await l.l1BlockByNumber(safe.l1Origin.number)
  const timeout = channelTimeout(config, safeOrigin?.timestamp ?? 0)
  for (;;) {
    const afterL2Genesis = pipelineL2.number > config.genesis.l2.number
    const afterL1Genesis = pipelineL2.l1Origin.number > config.genesis.l1.number
    const afterChannelTimeout = pipelineL2.l1Origin.number + timeout > safe.l1Origin.number
    if (!(afterL2Genesis && afterL1Genesis && afterChannelTimeout)) break
    pipelineL2 = await l.l2BlockByHash(pipelineL2.parentHash)
  }
  return { kind: 'ok', unsafe: unsafe ?? safe, safe, finalized, pipelineL2 }
}
