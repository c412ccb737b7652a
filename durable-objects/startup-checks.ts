/**
 * Startup checks (DESIGN.md "Configuration"): the L1 chain id, the L1 genesis hash at the genesis number and the
 * engine's L2 chain id must be the config's; the node refuses to run otherwise, with the reason visible.
 */
import type { RollupConfig } from '../shared/config/rollup-config.ts'

export type ChainFacts = { l1ChainId: number; l1GenesisHash: string; l2ChainId: number }

/** Problems found, one line each (empty when everything matches). */
export function startupProblems(config: Pick<RollupConfig, 'l1ChainId' | 'l2ChainId' | 'genesis'>, facts: ChainFacts): string[] {
  const problems: string[] = []
  if (facts.l1ChainId !== config.l1ChainId) problems.push(`L1 RPC is chain ${facts.l1ChainId}, the config expects ${config.l1ChainId}`)
  if (facts.l1GenesisHash.toLowerCase() !== config.genesis.l1.hash.toLowerCase()) {
    problems.push(`L1 block ${config.genesis.l1.number} is ${facts.l1GenesisHash}, the config's genesis is ${config.genesis.l1.hash}`)
  }
  if (facts.l2ChainId !== config.l2ChainId) problems.push(`the engine is chain ${facts.l2ChainId}, the config expects ${config.l2ChainId}`)
  return problems
}
