/**
 * Block gossip topics (PROTOCOL.md §5 "Topics & encoding"; https://specs.optimism.io/protocol/rollup-node-p2p.html#gossip-topics;
 * op-node `p2p/gossip.go` `BuildSubscriptionFilter`, `SingleChainGossip.BlockVersion`, op-service `eth.BlockVersion`).
 *
 * A {@link GossipVersion} is the block layout version **1..4** (v1 Bedrock, v2 Canyon, v3 Ecotone, v4 Isthmus and
 * later). The topic path carries `version − 1`: `/optimism/<chainId>/0/blocks` … `/optimism/<chainId>/3/blocks`.
 * Jovian and Karst add no topic: their blocks use v4 (`/3/blocks`).
 *
 * @example
 * blockTopic(10, gossipVersionAt(config, payload.timestamp)) // '/optimism/10/3/blocks' after Isthmus
 * versionOfTopic(10, '/optimism/10/2/blocks')                // 3
 */
import type { RollupConfig } from '../config/rollup-config.ts'
import { blocksTopic, type GossipVersion, topicVersionForTimestamp } from './gossip-envelope.ts'

export type { GossipVersion }

/** Every block topic version, oldest first (op-node subscribes to all four). */
export const GOSSIP_VERSIONS: readonly GossipVersion[] = [1, 2, 3, 4]

/** `/optimism/<chainId decimal>/<version − 1>/blocks`. */
export function blockTopic(chainId: bigint | number, version: GossipVersion): string {
  return blocksTopic(chainId, version)
}

/** The four block topics of a chain, v1 first: the subscription allow-list. */
export function blockTopics(chainId: bigint | number): string[] {
  return GOSSIP_VERSIONS.map((v) => blockTopic(chainId, v))
}

/**
 * The topic version a block with L2 timestamp `timestamp` is published on: v4 from Isthmus (incl. Jovian, Karst),
 * v3 from Ecotone (through Holocene), v2 from Canyon (through Delta), else v1.
 */
export function gossipVersionAt(config: Pick<RollupConfig, 'forks'>, timestamp: number): GossipVersion {
  return topicVersionForTimestamp(config, timestamp)
}

/** The version of `topic` if it is exactly one of this chain's four block topics, else undefined. */
export function versionOfTopic(chainId: bigint | number, topic: string): GossipVersion | undefined {
  return GOSSIP_VERSIONS.find((v) => blockTopic(chainId, v) === topic)
}
