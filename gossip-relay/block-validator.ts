/**
 * The gossipsub topic validator of one block topic: `validateGossipBlock` (shared/p2p) mapped onto gossipsub's
 * ACCEPT / IGNORE / REJECT, so peer scoring sees what op-node's scoring sees (REJECT penalizes the sender, IGNORE
 * does not).
 *
 * Like op-node (`setupBlockTopic` builds one `BuildBlocksValidator`, and so one `blockHeightLRU`, per topic version),
 * each topic has its own {@link SeenBlocks}. The validator is synchronous: it never waits on the network, so a slow
 * Worker cannot slow gossip; accepted blocks are handed to `onAccept`, which only queues them. An exception inside
 * validation is a REJECT, as op-node's `guardGossipValidator` turns a panic into one.
 */
import { type Message, type TopicValidatorFn, TopicValidatorResult } from '@libp2p/gossipsub'
import type { Hex } from '../shared/bytes.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import type { GossipVersion } from '../shared/p2p/gossip-envelope.ts'
import type { SeenBlocks } from '../shared/p2p/seen-blocks.ts'
import { type GossipValidation, validateGossipBlock } from '../shared/p2p/validate-block.ts'
import type { Logger } from './log.ts'

export type AcceptedBlock = Extract<GossipValidation, { result: 'accept' }>

/** Validation outcomes since start: accepted, and drops by reason. */
export class ValidationCounts {
  accepted = 0
  readonly ignored: Record<string, number> = {}
  readonly rejected: Record<string, number> = {}

  record(v: GossipValidation | { result: 'reject'; reason: 'validator-error' }): void {
    switch (v.result) {
      case 'accept':
        this.accepted++
        return
      case 'ignore':
        this.ignored[v.reason] = (this.ignored[v.reason] ?? 0) + 1
        return
      case 'reject':
        this.rejected[v.reason] = (this.rejected[v.reason] ?? 0) + 1
        return
    }
  }

  toJSON(): { accepted: number; ignored: Record<string, number>; rejected: Record<string, number> } {
    return { accepted: this.accepted, ignored: { ...this.ignored }, rejected: { ...this.rejected } }
  }
}

export type BlockTopicValidatorParameters = {
  config: Pick<RollupConfig, 'l2ChainId' | 'forks'>
  version: GossipVersion
  topic: string
  seen: SeenBlocks
  /** The current unsafe-block signer (it can change at runtime, POST /signer). */
  signer: () => Hex | undefined
  /** Milliseconds. */
  now: () => number
  counts: ValidationCounts
  log: Logger
  /** Called synchronously for every ACCEPTed message; must not block. */
  onAccept: (message: Message, block: AcceptedBlock) => void
}

export function blockTopicValidator(p: BlockTopicValidatorParameters): TopicValidatorFn {
  return function validateBlockMessage(from, message) {
    let v: GossipValidation
    try {
      v = validateGossipBlock({
        config: p.config,
        version: p.version,
        data: message.data,
        now: Math.floor(p.now() / 1000),
        signer: p.signer(),
        seen: p.seen,
      })
    } catch (e) {
      p.counts.record({ result: 'reject', reason: 'validator-error' })
      p.log('validator-error', { topic: p.topic, peer: from.toString(), error: e as Error })
      return TopicValidatorResult.Reject
    }
    p.counts.record(v)
    switch (v.result) {
      case 'accept':
        p.log('block-accepted', { topic: p.topic, peer: from.toString(), number: v.blockNumber, hash: v.blockHash })
        p.onAccept(message, v)
        return TopicValidatorResult.Accept
      case 'ignore':
        p.log('block-ignored', { topic: p.topic, peer: from.toString(), reason: v.reason })
        return TopicValidatorResult.Ignore
      case 'reject':
        p.log('block-rejected', { topic: p.topic, peer: from.toString(), reason: v.reason })
        return TopicValidatorResult.Reject
    }
  }
}
