/**
 * The sequencer's side of block gossip: sign a payload and produce the message to publish, with its topic
 * (PROTOCOL.md §5; op-node `p2p/gossip.go` `SignAndPublishL2Payload`: SSZ of the envelope — root first for v3/v4 —
 * signed with `SignBlockV1`, `signature ‖ signed bytes` snappy-encoded, published on the topic of the payload's
 * timestamp).
 *
 * @example
 * const { topic, data } = encodeGossipBlock({ config, privateKey, payload, parentBeaconBlockRoot })
 * relay.publish(topic, data)
 */
import type { ExecutionPayload } from '../codec/ssz-payload.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import { encodeGossipMessage, encodeSignedPayload, type GossipVersion } from './gossip-envelope.ts'
import { signEnvelope } from './signing-hash.ts'
import { blockTopic, gossipVersionAt } from './topics.ts'

export type EncodeGossipBlockParameters = {
  config: Pick<RollupConfig, 'l2ChainId' | 'forks'>
  /** The unsafe-block signer's 32-byte secp256k1 key. */
  privateKey: Uint8Array
  payload: ExecutionPayload
  /** Required from Ecotone (v3/v4 topics), absent before. */
  parentBeaconBlockRoot?: Uint8Array
  /** Defaults to the version of the payload's timestamp; set it only to build off-fork messages in tests. */
  version?: GossipVersion
}

export type EncodeGossipBlockReturnType = {
  version: GossipVersion
  topic: string
  /** The snappy-compressed message. */
  data: Uint8Array
  /** 65 bytes `r ‖ s ‖ v`. */
  signature: Uint8Array
}

/**
 * Signs `payload` for gossip and encodes the message.
 *
 * @throws RangeError if the payload lacks a field of its layout, or the beacon root is missing (v3/v4) or present
 *   (v1/v2).
 */
export function encodeGossipBlock(input: EncodeGossipBlockParameters): EncodeGossipBlockReturnType {
  const { config, privateKey, payload, parentBeaconBlockRoot } = input
  const version = input.version ?? gossipVersionAt(config, payload.timestamp)
  const signature = signEnvelope(privateKey, config.l2ChainId, encodeSignedPayload(payload, version, parentBeaconBlockRoot))
  const data = encodeGossipMessage({ signature, payload, parentBeaconBlockRoot }, version)
  return { version, topic: blockTopic(config.l2ChainId, version), data, signature }
}
