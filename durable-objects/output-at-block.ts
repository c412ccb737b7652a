/**
 * `optimism_outputAtBlock` as op-node answers it (PROTOCOL.md §4; op-node `node/api.go` `OutputAtBlock`, op-service
 * `sources/l2_client.go` `OutputV0AtBlock`, `eth/output.go` `OutputResponse`, `eth/account_proof.go`):
 *
 * 1. the canonical L2 block at `number` from the engine, and its `L2BlockRef` (L1 origin and sequence number from the
 *    L1-info deposit, op-node `PayloadToBlockRef`); no block → "not found";
 * 2. the L2ToL1MessagePasser storage root: from Isthmus (active at the block's timestamp) the header's
 *    `withdrawalsRoot`; before, `eth_getProof(0x4200…0016, [], blockHash)` with the account proof checked against the
 *    header's `stateRoot` (a pre-Isthmus header `withdrawalsRoot` is the empty-trie root and never used);
 * 3. output root v0 = keccak256(0³² ‖ stateRoot ‖ storageRoot ‖ blockHash), answered with the block ref, both roots and
 *    the sync status captured before the lookup (op-node `BlockRefWithStatus`).
 *
 * The engine is trusted for the header (op-node reads its engine with `trustRPC`), not for the storage root: that is
 * what the proof is for. Beyond op-node, the proof must be for the address asked (checked by the engine client).
 * Failures come back as values with op-node's wording, never as exceptions, except programming errors.
 */
import { fromHex, type Hex, toHex } from '../shared/bytes.ts'
import { isActive } from '../shared/config/forks.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import { type EngineBlock, type EngineClient, EngineError } from '../shared/engine/engine-client.ts'
import { DecodeError } from '../shared/errors.ts'
import { verifyAccountProof } from '../shared/protocol/account-proof.ts'
import { OUTPUT_VERSION_V0, outputRootV0 } from '../shared/protocol/output-root.ts'
import { engineBlockInfo } from './engine-blocks.ts'
import { type L2RefJson, l2RefJson, type syncStatusJson } from './sync-status.ts'

/** The L2ToL1MessagePasser predeploy (op-bindings `predeploys.L2ToL1MessagePasserAddr`). */
export const L2_TO_L1_MESSAGE_PASSER: Hex = '0x4200000000000000000000000000000000000016'

/** What this needs from the engine. */
export type OutputEngine = Pick<EngineClient, 'ethGetBlockByNumber' | 'ethGetProof'>

export type SyncStatusJson = ReturnType<typeof syncStatusJson>

/** op-service `eth.OutputResponse` JSON, fields in its order. */
export type OutputResponseJson = {
  version: Hex
  outputRoot: Hex
  blockRef: L2RefJson
  withdrawalStorageRoot: Hex
  stateRoot: Hex
  syncStatus: SyncStatusJson
}

export type OutputAtBlockFailure =
  | 'block-not-found'
  | 'bad-block'
  | 'missing-withdrawals-root'
  | 'proof-not-found'
  | 'invalid-proof'
  | 'engine-error'

export type OutputAtBlockResult =
  | { ok: true; output: OutputResponseJson }
  | { ok: false; reason: OutputAtBlockFailure; message: string }

/**
 * The output at L2 block `number` (any non-negative integer; numbers no block can have are "not found").
 *
 * @example
 * const r = await outputAtBlock(config, engine, 1234, status)
 * r.ok ? r.output.outputRoot : r.message // "failed to get L2 block ref with sync status: … not found"
 */
export async function outputAtBlock(
  config: RollupConfig,
  engine: OutputEngine,
  number: number,
  syncStatus: SyncStatusJson,
): Promise<OutputAtBlockResult> {
  const refFailure = (reason: OutputAtBlockFailure, why: string): OutputAtBlockResult => ({
    ok: false,
    reason,
    message: `failed to get L2 block ref with sync status: failed to determine L2BlockRef of height ${number}, ${why}`,
  })
  if (!Number.isSafeInteger(number) || number < 0) return refFailure('block-not-found', 'could not get payload: not found')
  let block: EngineBlock | null
  try {
    block = await engine.ethGetBlockByNumber(number)
  } catch (e) {
    if (e instanceof EngineError) return refFailure('engine-error', `could not get payload: ${e.shortMessage}`)
    throw e
  }
  if (block === null) return refFailure('block-not-found', 'could not get payload: not found')
  const info = engineBlockInfo(config, block)
  if (info instanceof DecodeError) return refFailure('bad-block', `${info.code}: ${info.message}`)
  const ref = info.ref

  const storage = await messagePasserStorageRoot(config, engine, block)
  if (!storage.ok) {
    return { ok: false, reason: storage.reason, message: `failed to get L2 output at block ${ref.hash}:${ref.number}: ${storage.message}` }
  }
  const stateRoot = block.header.stateRoot
  const outputRoot = outputRootV0({ stateRoot, withdrawalStorageRoot: storage.root, blockHash: fromHex(block.hash) })
  return {
    ok: true,
    output: {
      version: toHex(OUTPUT_VERSION_V0),
      outputRoot: toHex(outputRoot),
      blockRef: l2RefJson(ref),
      withdrawalStorageRoot: toHex(storage.root),
      stateRoot: toHex(stateRoot),
      syncStatus,
    },
  }
}

type StorageRoot = { ok: true; root: Uint8Array } | { ok: false; reason: OutputAtBlockFailure; message: string }

/** The message passer's storage root after `block`: the header from Isthmus, a checked proof before. */
async function messagePasserStorageRoot(config: RollupConfig, engine: OutputEngine, block: EngineBlock): Promise<StorageRoot> {
  if (isActive(config, 'isthmus', block.timestamp)) {
    const root = block.header.withdrawalsRoot
    return root === undefined
      ? { ok: false, reason: 'missing-withdrawals-root', message: 'L2 block is missing withdrawals root' }
      : { ok: true, root }
  }
  let proof: Awaited<ReturnType<OutputEngine['ethGetProof']>>
  try {
    proof = await engine.ethGetProof(L2_TO_L1_MESSAGE_PASSER, [], block.hash)
  } catch (e) {
    if (e instanceof EngineError) {
      return { ok: false, reason: 'engine-error', message: `failed to get contract proof at block ${block.hash}: ${e.shortMessage}` }
    }
    throw e
  }
  if (proof === null) return { ok: false, reason: 'proof-not-found', message: 'proof not found' }
  const stateRoot = block.header.stateRoot
  const account = verifyAccountProof(proof, stateRoot)
  if (account instanceof DecodeError) {
    return {
      ok: false,
      reason: 'invalid-proof',
      message: `invalid withdrawal root hash, state root was ${toHex(stateRoot)}: ${account.code}: ${account.message}`,
    }
  }
  return { ok: true, root: account.storageHash }
}
