/**
 * Which topic a block given to `POST /publish` goes out on. With an `x-op-edge-topic` header it must be one of the
 * chain's four block topics. Without one, the topic is the one op-node publishes on (`publishRawSignedPayload`: the
 * block version of the payload's timestamp): the message is decoded under each layout, and the layout that both
 * decodes and matches `gossipVersionAt(payload.timestamp)` wins (the layout is needed to find the timestamp, so each
 * is tried).
 */
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import { DecodeError } from '../shared/errors.ts'
import { decodeGossipMessage, type GossipVersion } from '../shared/p2p/gossip-envelope.ts'
import { blockTopic, GOSSIP_VERSIONS, gossipVersionAt, versionOfTopic } from '../shared/p2p/topics.ts'

export type PublishTopic =
  | { ok: true; topic: string; version: GossipVersion }
  | { ok: false; reason: 'unknown-topic' | 'undecodable' }

export function publishTopic(
  config: Pick<RollupConfig, 'l2ChainId' | 'forks'>,
  data: Uint8Array,
  topicHeader: string | undefined,
): PublishTopic {
  if (topicHeader !== undefined) {
    const version = versionOfTopic(config.l2ChainId, topicHeader)
    return version === undefined ? { ok: false, reason: 'unknown-topic' } : { ok: true, topic: topicHeader, version }
  }
  for (const version of [...GOSSIP_VERSIONS].reverse()) {
    try {
      const { payload } = decodeGossipMessage(data, version)
      if (gossipVersionAt(config, payload.timestamp) === version) {
        return { ok: true, topic: blockTopic(config.l2ChainId, version), version }
      }
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e
    }
  }
  return { ok: false, reason: 'undecodable' }
}
