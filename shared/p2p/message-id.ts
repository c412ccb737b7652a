/**
 * The gossipsub message id of a block message (PROTOCOL.md §5 "Message id", §9.5).
 *
 * Follows op-node, not the spec text (which omits the topic): ethereum-optimism/optimism@14b478d00839441b8b0494d24d89c95fae8dba8d:op-node/p2p/gossip.go
 * `BuildMsgIdFn` (unchanged since d317e96c2add4a4e7fae72d6637ad241457f16c7):
 *
 * `sha256(domain(4) ‖ uint64_le(len(topic)) ‖ topic ‖ data)[:20]`, where `domain = 01 00 00 00` and `data` is the
 * snappy-decoded message when its declared length is ≤ 10 MiB and it decodes, else `domain = 00 00 00 00` and `data` is
 * the raw message. No minimum size applies here (that is the validator's job), so a message that decodes to fewer than
 * 66 bytes still gets the "valid snappy" domain. The id must match op-node's byte for byte: IHAVE/IWANT exchange ids.
 *
 * @example
 * gossipMessageId('/optimism/10/3/blocks', data) // 20 bytes
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { DecodeError } from '../errors.ts'
import { decodeSnappyBlock, MAX_GOSSIP_SIZE } from './gossip-envelope.ts'

/** `MessageDomainValidSnappy`. */
export const MESSAGE_DOMAIN_VALID_SNAPPY = Uint8Array.of(1, 0, 0, 0)
/** `MessageDomainInvalidSnappy`. */
export const MESSAGE_DOMAIN_INVALID_SNAPPY = Uint8Array.of(0, 0, 0, 0)

/** The 20-byte message id op-node computes for `data` published on `topic`. */
export function gossipMessageId(topic: string, data: Uint8Array): Uint8Array {
  let domain = MESSAGE_DOMAIN_INVALID_SNAPPY
  let hashed = data
  try {
    hashed = decodeSnappyBlock(data, MAX_GOSSIP_SIZE)
    domain = MESSAGE_DOMAIN_VALID_SNAPPY
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e
  }
  // Go's len(topic) counts UTF-8 bytes.
  const topicBytes = new TextEncoder().encode(topic)
  const topicLength = new Uint8Array(8)
  new DataView(topicLength.buffer).setBigUint64(0, BigInt(topicBytes.length), true)
  const h = sha256.create()
  h.update(domain)
  h.update(topicLength)
  h.update(topicBytes)
  h.update(hashed)
  return h.digest().slice(0, 20)
}
