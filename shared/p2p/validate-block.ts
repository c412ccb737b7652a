/**
 * Gossip validation of an unsafe block as a pure function (PROTOCOL.md §5 "Validation";
 * https://specs.optimism.io/protocol/rollup-node-p2p.html#block-validation).
 *
 * The order is op-node's, which differs from the spec's (the signature comes right after decompression, §9.7):
 * ethereum-optimism/optimism@14b478d00839441b8b0494d24d89c95fae8dba8d:op-node/p2p/gossip.go `BuildBlocksValidator` and
 * `verifyBlockSignature`, plus optimism PR #17940 for Jovian (see payload-field-rules.ts).
 *
 * 1. snappy: declared length unreadable → REJECT `snappy-invalid`; > 10 MiB → REJECT `too-large`; < 66 → REJECT
 *    `too-small`; body does not decode to exactly that length → REJECT `snappy-invalid`.
 * 2. signature over the bytes after it: no signer configured (none, or the zero address) → IGNORE `no-signer`, checked
 *    before recovery as op-node does since it moved to `SignedP2PBlock.VerifySignature`; unrecoverable → REJECT
 *    `bad-signature`; another signer → REJECT `wrong-signer`.
 * 3. SSZ of the topic's layout (v3/v4: 32-byte parent beacon block root first) → REJECT `payload-malformed` (this also
 *    covers a block number or timestamp above 2^53 − 1, which op-node would reject one step later as too new).
 * 4. `timestamp < now − 60` → REJECT `timestamp-too-old`; `timestamp > now + 5` → REJECT `timestamp-too-new` (so
 *    both `now − 60` and `now + 5` are accepted).
 * 5. block hash recomputed from the payload (and the beacon root) → REJECT `block-hash-mismatch`.
 * 6. field rules per topic version → REJECT, see {@link payloadFieldViolation}.
 * 7. seen at this height: height full → REJECT `too-many-blocks-at-height`; hash already accepted → IGNORE
 *    `duplicate`; otherwise the block is recorded and ACCEPTed. Nothing before step 7 touches `seen`; the lookup
 *    itself marks the height recently used (golang-lru `Get`), and only an accepted block adds a hash.
 *
 * Like op-node, nothing checks that the topic version matches the fork at the payload's timestamp: a block decodes and
 * validates under the layout of the topic it arrived on.
 *
 * @example
 * const v = validateGossipBlock({ config, version: versionOfTopic(chainId, topic)!, data, now, signer, seen })
 * if (v.result === 'accept') forward(v.envelope)
 */
import { addressBytes, bytesEqual, type Hex, toHex } from '../bytes.ts'
import type { ExecutionPayload } from '../codec/ssz-payload.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import { DecodeError } from '../errors.ts'
import { payloadBlockHash } from '../protocol/block-header.ts'
import { decodeSignedPayload, type GossipMessage, type GossipVersion, splitGossipMessage } from './gossip-envelope.ts'
import { type PayloadFieldViolation, payloadFieldViolation } from './payload-field-rules.ts'
import type { SeenBlocks } from './seen-blocks.ts'
import { recoverSigner, signingHash } from './signing-hash.ts'

/** Drop reasons that make gossipsub IGNORE the message (no peer penalty). */
export type GossipIgnoreReason = 'no-signer' | 'duplicate'

/** Drop reasons that make gossipsub REJECT the message (the sender is penalized). */
export type GossipRejectReason =
  | 'snappy-invalid'
  | 'too-large'
  | 'too-small'
  | 'bad-signature'
  | 'wrong-signer'
  | 'payload-malformed'
  | 'timestamp-too-old'
  | 'timestamp-too-new'
  | 'block-hash-mismatch'
  | PayloadFieldViolation
  | 'too-many-blocks-at-height'

export type GossipDropReason = GossipIgnoreReason | GossipRejectReason

export type GossipValidation =
  | {
      result: 'accept'
      envelope: GossipMessage
      payload: ExecutionPayload
      blockHash: Hex
      blockNumber: number
      timestamp: number
    }
  | { result: 'ignore'; reason: GossipIgnoreReason }
  | { result: 'reject'; reason: GossipRejectReason }

export type ValidateGossipBlockParameters = {
  config: Pick<RollupConfig, 'l2ChainId' | 'forks'>
  /** The version of the topic the message arrived on. */
  version: GossipVersion
  /** The raw gossip message: snappy block format. */
  data: Uint8Array
  /** Unix seconds, rounded down (op-node: `time.Now().Unix()`). */
  now: number
  /** The current unsafe-block signer (SystemConfig); undefined or the zero address → IGNORE. */
  signer: Hex | undefined
  /** Per-height memory; written only when the block is accepted. */
  seen: SeenBlocks
}

/** `splitGossipMessage`'s error codes, in op-node's order: length header, > 10 MiB, < 66, body. */
const SNAPPY_DROPS = new Map<string, GossipRejectReason>([
  ['gossip-snappy-corrupt', 'snappy-invalid'],
  ['gossip-message-too-large', 'too-large'],
  ['gossip-message-too-short', 'too-small'],
])

/** op-node's window around `now` for a gossiped block's timestamp, in seconds. */
export const GOSSIP_MAX_AGE = 60
export const GOSSIP_MAX_FUTURE = 5

/**
 * Validates a gossiped block message as op-node does, in op-node's order.
 *
 * @throws TypeError only if `signer` is not a 20-byte hex address (a configuration error, not peer input).
 */
export function validateGossipBlock(input: ValidateGossipBlockParameters): GossipValidation {
  const { config, version, data, now, signer, seen } = input
  const reject = (reason: GossipRejectReason): GossipValidation => ({ result: 'reject', reason })

  let split: { signature: Uint8Array; signedPayloadBytes: Uint8Array }
  try {
    split = splitGossipMessage(data)
  } catch (e) {
    const reason = e instanceof DecodeError ? SNAPPY_DROPS.get(e.code) : undefined
    if (reason === undefined) throw e
    return reject(reason)
  }
  const { signature, signedPayloadBytes } = split

  const expected = signer === undefined ? undefined : addressBytes(signer)
  if (expected === undefined || expected.every((b) => b === 0)) return { result: 'ignore', reason: 'no-signer' }
  let author: Uint8Array
  try {
    author = recoverSigner(signature, signingHash(config.l2ChainId, signedPayloadBytes))
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e
    return reject('bad-signature')
  }
  if (!bytesEqual(author, expected)) return reject('wrong-signer')

  let envelope: GossipMessage
  try {
    envelope = decodeSignedPayload(signature, signedPayloadBytes, version)
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e
    return reject('payload-malformed')
  }
  const { payload, parentBeaconBlockRoot } = envelope

  if (payload.timestamp < now - GOSSIP_MAX_AGE) return reject('timestamp-too-old')
  if (payload.timestamp > now + GOSSIP_MAX_FUTURE) return reject('timestamp-too-new')

  if (!bytesEqual(payloadBlockHash(payload, parentBeaconBlockRoot), payload.blockHash)) {
    return reject('block-hash-mismatch')
  }

  const violation = payloadFieldViolation(config, version, payload, parentBeaconBlockRoot)
  if (violation !== undefined) return reject(violation)

  switch (seen.check(payload.blockNumber, payload.blockHash)) {
    case 'too-many':
      return reject('too-many-blocks-at-height')
    case 'duplicate':
      return { result: 'ignore', reason: 'duplicate' }
    case 'new':
      break
  }
  seen.markSeen(payload.blockNumber, payload.blockHash)
  return {
    result: 'accept',
    envelope,
    payload,
    blockHash: toHex(payload.blockHash),
    blockNumber: payload.blockNumber,
    timestamp: payload.timestamp,
  }
}
