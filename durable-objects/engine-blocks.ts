/**
 * An engine block as derivation sees it: its L2 block ref (L1 origin and sequence number from the L1-info deposit,
 * op-node `PayloadToBlockRef`) and the system config it carries (op-node `PayloadToSystemConfig`).
 */
import { toHex } from '../shared/bytes.ts'
import { type BlockSystemConfig, systemConfigFromL2Block } from '../shared/deriver/block-system-config.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import type { EngineBlock } from '../shared/engine/engine-client.ts'
import { DecodeError } from '../shared/errors.ts'

export function engineBlockInfo(config: RollupConfig, b: EngineBlock): BlockSystemConfig | DecodeError {
  return systemConfigFromL2Block(config, {
    number: b.number,
    hash: b.hash.toLowerCase() as `0x${string}`,
    parentHash: toHex(b.parentHash),
    timestamp: b.timestamp,
    gasLimit: b.gasLimit,
    extraData: toHex(b.extraData),
    transactions: b.transactions,
  })
}

/** {@link engineBlockInfo} for blocks the node must understand; a block it cannot read is an error naming it. */
export function requireEngineBlockInfo(config: RollupConfig, b: EngineBlock | null, what: string): BlockSystemConfig {
  if (!b) throw new Error(`engine has no ${what} block`)
  const r = engineBlockInfo(config, b)
  if (r instanceof DecodeError) throw new Error(`engine block ${b.number} (${what}): ${r.code}`)
  return r
}
