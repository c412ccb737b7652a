/**
 * The per-topic-version field rules a gossiped block must pass after its hash checks out (PROTOCOL.md §5
 * "Validation"), in op-node's order: ethereum-optimism/optimism@14b478d00839441b8b0494d24d89c95fae8dba8d:op-node/p2p/gossip.go
 * `BuildBlocksValidator`, with Jovian's change from optimism PR #17940 ("op-node: Fix gossip validation for Jovian
 * blocks": from `IsDAFootprintBlockLimit(payload.Timestamp)` = `IsJovian`, `blobGasUsed` carries the DA footprint and
 * may be non-zero; nil is still rejected).
 *
 * Several rules cannot fail for a message decoded by `decodeExecutionPayload`, because the SSZ layout of the topic
 * version decides which fields exist (v2+ always has a withdrawals list, v3+ always has blob fields and a beacon root,
 * v4 always has a withdrawals root, and older layouts never have them). op-node keeps them as guards, and so do we: the
 * rules take the decoded structure, so a message assembled any other way is held to the same checks.
 *
 * `withdrawals-root-unexpected` (v1–v3 with a withdrawals root) is listed in PROTOCOL.md §5 but absent from the op-node
 * source above; it is kept as a guard of the same kind and placed just before the v4 withdrawals-root rule.
 */
import type { ExecutionPayload } from '../codec/ssz-payload.ts'
import { isActive } from '../config/forks.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import type { GossipVersion } from './gossip-envelope.ts'

/** One reason per field rule, named after it. */
export type PayloadFieldViolation =
  | 'withdrawals-in-v1'
  | 'withdrawals-missing'
  | 'withdrawals-non-empty'
  | 'blob-gas-unexpected'
  | 'excess-blob-gas-unexpected'
  | 'blob-gas-used-missing'
  | 'blob-gas-used-non-zero'
  | 'excess-blob-gas-invalid'
  | 'parent-beacon-root-missing'
  | 'withdrawals-root-unexpected'
  | 'withdrawals-root-missing'

/**
 * The first field rule `payload` breaks on a topic of `version`, or undefined if it passes them all. Every violation
 * is a REJECT.
 */
export function payloadFieldViolation(
  config: Pick<RollupConfig, 'forks'>,
  version: GossipVersion,
  payload: ExecutionPayload,
  parentBeaconBlockRoot: Uint8Array | undefined,
): PayloadFieldViolation | undefined {
  const hasWithdrawals = version >= 2
  const hasBlobProperties = version >= 3
  const hasParentBeaconBlockRoot = version >= 3
  const hasWithdrawalsRoot = version >= 4

  if (!hasWithdrawals && payload.withdrawals !== undefined) return 'withdrawals-in-v1'
  if (hasWithdrawals && payload.withdrawals === undefined) return 'withdrawals-missing'
  if (hasWithdrawals && payload.withdrawals!.length !== 0) return 'withdrawals-non-empty'
  if (!hasBlobProperties && payload.blobGasUsed !== undefined) return 'blob-gas-unexpected'
  if (!hasBlobProperties && payload.excessBlobGas !== undefined) return 'excess-blob-gas-unexpected'
  if (hasBlobProperties) {
    if (payload.blobGasUsed === undefined) return 'blob-gas-used-missing'
    // Gated on the payload's own timestamp, not on the topic: Jovian blocks travel on v4.
    if (!isActive(config, 'jovian', payload.timestamp) && payload.blobGasUsed !== 0n) return 'blob-gas-used-non-zero'
    if (payload.excessBlobGas === undefined || payload.excessBlobGas !== 0n) return 'excess-blob-gas-invalid'
  }
  if (hasParentBeaconBlockRoot && parentBeaconBlockRoot === undefined) return 'parent-beacon-root-missing'
  if (!hasWithdrawalsRoot && payload.withdrawalsRoot !== undefined) return 'withdrawals-root-unexpected'
  if (hasWithdrawalsRoot && payload.withdrawalsRoot === undefined) return 'withdrawals-root-missing'
  return undefined
}
