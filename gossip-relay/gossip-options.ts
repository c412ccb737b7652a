/**
 * Gossipsub configured as op-node configures go-libp2p-pubsub (PROTOCOL.md §5 "GossipSub"):
 * ethereum-optimism/optimism@14b478d00839441b8b0494d24d89c95fae8dba8d:op-node/p2p/gossip.go `NewGossipSub`,
 * `BuildGlobalGossipParams`, `BuildSubscriptionFilter` (same values at d317e96c2add4a4e7fae72d6637ad241457f16c7), and
 * `op-node/p2p/peer_params.go` `LightPeerScoreParams(blockTopics, blockTime)` / `NewPeerScoreThresholds` (op-node's
 * default `p2p.scoring=light`) in its current per-block-topic form; older op-node (e.g. optimism@48c949f2) scored
 * only the v1 topic, with mesh-delivery penalties that the newer form dropped.
 *
 * | op-node (go-libp2p-pubsub)                  | here (@libp2p/gossipsub 17)                                  |
 * |---------------------------------------------|--------------------------------------------------------------|
 * | `WithMessageSignaturePolicy(StrictNoSign)`, `WithNoAuthor()` | `globalSignaturePolicy: 'StrictNoSign'`      |
 * | `WithMessageIdFn(BuildMsgIdFn())`           | `msgIdFn` = `gossipMessageId` (snappy decoded *inside* it; no `dataTransform`, PLATFORM-NOTES §5) |
 * | D 8, Dlo 6, Dhi 12, Dlazy 6                 | same                                                         |
 * | heartbeat 500 ms, FanoutTTL 24 s            | same                                                         |
 * | HistoryLength 12, HistoryGossip 3           | `mcacheLength` 12, `mcacheGossip` 3                          |
 * | `WithSeenMessagesTTL(130 × 500 ms)` = 65 s  | `seenTTL` 65 000                                             |
 * | `WithMaxMessageSize(10 MiB)` (whole RPC)    | `maxInboundDataLength` 10 MiB + {@link RPC_FRAME_OVERHEAD}   |
 * | allow-list subscription filter              | `allowedTopics` = the chain's four block topics              |
 * | `WithPeerExchange(false)`                   | `doPX: false`                                                |
 * | `WithFloodPublish(p2p.gossip.mesh.floodpublish)`, default false | `floodPublish: false`                    |
 * | publishing with no topic peers succeeds     | `allowPublishToZeroTopicPeers: true`                         |
 *
 * Not reproducible in js gossipsub: the validate queue (256) / throttle (512), the outbound queue (256), the 30 s
 * deny-list, and the 3 s validator timeout (ours is synchronous and never waits on I/O, so it cannot time out).
 * Outbound RPCs are capped at 4 MiB by it-length-prefixed (PLATFORM-NOTES §5), which bounds what `/publish` can send.
 */
import type { GossipsubOpts } from '@libp2p/gossipsub'
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score'
import { MAX_GOSSIP_SIZE } from '../shared/p2p/gossip-envelope.ts'
import { gossipMessageId } from '../shared/p2p/message-id.ts'
import { blockTopics } from '../shared/p2p/topics.ts'

/** Room for the protobuf framing around a 10 MiB message (tags, lengths, the topic string) in one RPC frame. */
export const RPC_FRAME_OVERHEAD = 64 * 1024
/** it-length-prefixed's fixed outbound limit: an RPC (message + framing) above this is never sent. */
export const MAX_OUTBOUND_RPC = 4 * 1024 * 1024
/** The largest message `/publish` accepts, leaving room for the RPC framing under {@link MAX_OUTBOUND_RPC}. */
export const MAX_PUBLISH_SIZE = MAX_OUTBOUND_RPC - RPC_FRAME_OVERHEAD

export const GOSSIP_HEARTBEAT_MS = 500
export const SEEN_MESSAGES_TTL_MS = 130 * GOSSIP_HEARTBEAT_MS

/** The gossipsub options of a relay for chain `l2ChainId` with `blockTime`-second blocks. */
export function opNodeGossipOptions(l2ChainId: number, blockTime: number): Partial<GossipsubOpts> {
  const topics = blockTopics(l2ChainId)
  return {
    globalSignaturePolicy: 'StrictNoSign',
    msgIdFn: (msg) => gossipMessageId(msg.topic, msg.data),
    // Hex ids in logs and /status; the wire carries the 20 raw bytes either way.
    msgIdToStrFn: (id) => Buffer.from(id).toString('hex'),
    D: 8,
    Dlo: 6,
    Dhi: 12,
    Dlazy: 6,
    heartbeatInterval: GOSSIP_HEARTBEAT_MS,
    fanoutTTL: 24_000,
    mcacheLength: 12,
    mcacheGossip: 3,
    seenTTL: SEEN_MESSAGES_TTL_MS,
    maxInboundDataLength: MAX_GOSSIP_SIZE + RPC_FRAME_OVERHEAD,
    allowedTopics: topics,
    doPX: false,
    floodPublish: false,
    allowPublishToZeroTopicPeers: true,
    emitSelf: false,
    scoreParams: lightPeerScoreParams(topics, blockTime),
    scoreThresholds: peerScoreThresholds(),
  }
}

const DECAY_TO_ZERO = 0.01

/** go `ScoreDecay(duration, slot)`: the factor that takes a value to 1% after `duration / slot` decays. */
function scoreDecay(durationMs: number, slotMs: number): number {
  return DECAY_TO_ZERO ** (1 / Math.floor(durationMs / slotMs))
}

/**
 * op-node's light scoring: every block topic scored alike (time in mesh, first deliveries, invalid deliveries), no
 * mesh-delivery penalties, because the network moves from old topics to new ones and peers must not be penalized for
 * silence on a retired topic. A REJECTed message costs its sender −1000 × 0.1 = −100, below the graylist threshold.
 */
export function lightPeerScoreParams(topics: readonly string[], blockTime: number): Partial<PeerScoreParams> {
  const slot = (blockTime > 0 ? blockTime : 2) * 1000
  const epoch = 6 * slot
  // go-pubsub `ScoreParameterDecay(time.Hour)`: decay to 1% in 3600 one-second decay intervals.
  const hourDecay = DECAY_TO_ZERO ** (1 / 3600)
  const topic: Partial<TopicScoreParams> = {
    topicWeight: 0.1,
    timeInMeshWeight: 0.00027,
    timeInMeshQuantum: 1000,
    timeInMeshCap: 1,
    firstMessageDeliveriesWeight: 5,
    firstMessageDeliveriesDecay: hourDecay,
    firstMessageDeliveriesCap: 100,
    meshMessageDeliveriesWeight: 0,
    meshFailurePenaltyWeight: 0,
    invalidMessageDeliveriesWeight: -1000,
    invalidMessageDeliveriesDecay: hourDecay,
  }
  return {
    topics: Object.fromEntries(topics.map((t) => [t, topic as TopicScoreParams])),
    appSpecificScore: () => 0,
    appSpecificWeight: 1,
    IPColocationFactorWeight: -35,
    IPColocationFactorThreshold: 10,
    behaviourPenaltyWeight: -16,
    behaviourPenaltyThreshold: 6,
    behaviourPenaltyDecay: scoreDecay(10 * epoch, slot),
    decayInterval: slot,
    decayToZero: DECAY_TO_ZERO,
    retainScore: 100 * epoch,
  }
}

/** op-node `NewPeerScoreThresholds`. */
export function peerScoreThresholds(): Partial<PeerScoreThresholds> {
  return {
    gossipThreshold: -10,
    publishThreshold: -40,
    graylistThreshold: -40,
    acceptPXThreshold: 20,
    opportunisticGraftThreshold: 0.05,
  }
}
