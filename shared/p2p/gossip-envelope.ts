/**
 * Gossiped unsafe blocks: topic names and the message codec (PROTOCOL.md §5 "Topics & encoding";
 * https://specs.optimism.io/protocol/rollup-node-p2p.html#gossip-topics; op-node `p2p/gossip.go`
 * `BuildBlocksValidator`, `PublishL2Payload`).
 *
 * A message is the snappy **block** format (no framing) of `signature(65) ‖ [parentBeaconBlockRoot(32), v3/v4] ‖
 * SSZ payload`. Topics: `/optimism/<chainId>/0/blocks` (v1, pre-Canyon), `/1/` (v2, Canyon), `/2/` (v3, Ecotone),
 * `/3/` (v4, Isthmus and later, including Jovian and Karst).
 *
 * @example
 * const msg = decodeGossipMessage(data, topicVersionForTimestamp(config, t))
 * recoverSigner(msg.signature, signingHash(chainId, msg.signedPayloadBytes))
 */
import { compress, uncompress } from 'snappyjs'
import { isActive } from '../config/forks.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import {
  decodeExecutionPayload,
  type ExecutionPayload,
  encodeExecutionPayload,
  type SszPayloadErrorCode,
} from '../codec/ssz-payload.ts'
import { DecodeError } from '../errors.ts'

/** Gossip topic version = payload SSZ layout. */
export type GossipVersion = 1 | 2 | 3 | 4

export type GossipErrorCode =
  | SszPayloadErrorCode
  | 'gossip-snappy-corrupt'
  | 'gossip-message-too-large'
  | 'gossip-message-too-short'

/** `maxGossipSize`: cap on a message and on its decompressed size (10 MiB). */
export const MAX_GOSSIP_SIZE = 10 * (1 << 20)
/** `minGossipSize`: a signature and at least one byte to sign. */
export const MIN_GOSSIP_SIZE = 66

export type GossipMessage = {
  /** 65 bytes `r ‖ s ‖ v`. */
  signature: Uint8Array
  /** v3/v4 only. */
  parentBeaconBlockRoot?: Uint8Array
  payload: ExecutionPayload
  /** Everything after the signature: the bytes the signing hash commits to. */
  signedPayloadBytes: Uint8Array
}

/** `/optimism/<chainId>/<version − 1>/blocks`. */
export function blocksTopic(chainId: bigint | number, version: GossipVersion): string {
  return `/optimism/${BigInt(chainId).toString(10)}/${version - 1}/blocks`
}

/** The topic (and payload layout) for a block with L2 timestamp `t`: the newest of Isthmus, Ecotone, Canyon active. */
export function topicVersionForTimestamp(config: Pick<RollupConfig, 'forks'>, t: number): GossipVersion {
  if (isActive(config, 'isthmus', t)) return 4
  if (isActive(config, 'ecotone', t)) return 3
  if (isActive(config, 'canyon', t)) return 2
  return 1
}

/**
 * Decompresses a message and splits off the signature, without decoding the payload — op-node checks the signature
 * at this point, before SSZ (so a missing signer is IGNORE, not REJECT).
 *
 * @throws DecodeError `gossip-snappy-corrupt`, `gossip-message-too-large`, `gossip-message-too-short`.
 */
export function splitGossipMessage(
  data: Uint8Array,
  opts: { maxBytes?: number } = {},
): { signature: Uint8Array; signedPayloadBytes: Uint8Array } {
  const decoded = decodeSnappyBlock(data, opts.maxBytes ?? MAX_GOSSIP_SIZE, MIN_GOSSIP_SIZE)
  return { signature: decoded.slice(0, 65), signedPayloadBytes: decoded.subarray(65) }
}

/**
 * Decodes a gossip message for topic `version`: snappy (declared size ≤ `maxBytes`, default 10 MiB, and ≥ 66),
 * signature, parent beacon block root for v3/v4, then the SSZ payload of layout `version`.
 *
 * @throws DecodeError with a {@link GossipErrorCode}.
 */
export function decodeGossipMessage(
  data: Uint8Array,
  version: GossipVersion,
  opts: { maxBytes?: number } = {},
): GossipMessage {
  const { signature, signedPayloadBytes } = splitGossipMessage(data, opts)
  return decodeSignedPayload(signature, signedPayloadBytes, version)
}

/**
 * The second half of {@link decodeGossipMessage}, for a message already split by {@link splitGossipMessage} (the
 * validator checks the signature in between): the beacon root for v3/v4, then the SSZ payload of layout `version`.
 *
 * @throws DecodeError `gossip-message-too-short` (v3/v4 under 32 bytes) or an `SszPayloadErrorCode`.
 */
export function decodeSignedPayload(
  signature: Uint8Array,
  signedPayloadBytes: Uint8Array,
  version: GossipVersion,
): GossipMessage {
  if (version >= 3) {
    if (signedPayloadBytes.length < 32) {
      throw new DecodeError('gossip-message-too-short', 'v3+ message too short for the parent beacon block root')
    }
    return {
      signature,
      parentBeaconBlockRoot: signedPayloadBytes.slice(0, 32),
      payload: decodeExecutionPayload(signedPayloadBytes.subarray(32), version),
      signedPayloadBytes,
    }
  }
  return { signature, payload: decodeExecutionPayload(signedPayloadBytes, version), signedPayloadBytes }
}

/**
 * The bytes the sequencer signs: the SSZ payload of layout `version`, prefixed by the parent beacon block root for
 * v3/v4.
 *
 * @throws RangeError if the root is missing for v3/v4, present for v1/v2, or the payload lacks a field of the layout.
 */
export function encodeSignedPayload(
  payload: ExecutionPayload,
  version: GossipVersion,
  parentBeaconBlockRoot?: Uint8Array,
): Uint8Array {
  const ssz = encodeExecutionPayload(payload, version)
  if (version < 3) {
    if (parentBeaconBlockRoot !== undefined) throw new RangeError(`a v${version} message has no beacon block root`)
    return ssz
  }
  if (parentBeaconBlockRoot?.length !== 32) throw new RangeError(`a v${version} message needs a 32-byte beacon root`)
  const out = new Uint8Array(32 + ssz.length)
  out.set(parentBeaconBlockRoot, 0)
  out.set(ssz, 32)
  return out
}

/** Encodes a gossip message: snappy block format of `signature ‖ signed payload bytes`. */
export function encodeGossipMessage(
  message: { signature: Uint8Array; payload: ExecutionPayload; parentBeaconBlockRoot?: Uint8Array },
  version: GossipVersion,
): Uint8Array {
  if (message.signature.length !== 65) throw new RangeError('signature must be 65 bytes')
  const signed = encodeSignedPayload(message.payload, version, message.parentBeaconBlockRoot)
  const raw = new Uint8Array(65 + signed.length)
  raw.set(message.signature, 0)
  raw.set(signed, 65)
  return compress(raw)
}

/**
 * Snappy block decoding with golang/snappy's strictness (`snappy.DecodedLen` + `snappy.Decode`, which op-node uses).
 *
 * snappyjs alone is not enough on untrusted input: its varint reader turns lengths ≥ 2^31 negative, it never checks
 * that the output fills exactly the declared length, it reads copy offsets past the input end, and a literal length
 * with the top bit set goes negative and walks the input backwards (a CPU bomb). So the declared length is read and
 * bounded here first (before any allocation), then the tag stream is validated in one pass — literal and copy
 * bounds, `0 < offset ≤ produced`, total exactly the declared length — and only then handed to snappyjs.
 *
 * @throws DecodeError `gossip-snappy-corrupt`, `gossip-message-too-large` (declared length > maxBytes),
 *   `gossip-message-too-short` (declared length < minBytes).
 */
export function decodeSnappyBlock(data: Uint8Array, maxBytes: number, minBytes = 0): Uint8Array {
  // binary.Uvarint: at most 10 bytes, the 10th at most 1; snappy then requires the value to fit 32 bits.
  let length = 0
  let shift = 0
  let s = 0
  for (;;) {
    if (s >= data.length || s >= 10) throw new DecodeError('gossip-snappy-corrupt', 'bad snappy length header')
    const b = data[s++]
    if (s === 10 && b > 1) throw new DecodeError('gossip-snappy-corrupt', 'snappy length header overflows')
    length += (b & 0x7f) * 2 ** shift
    shift += 7
    if (b < 0x80) break
  }
  if (length > 0xffff_ffff) throw new DecodeError('gossip-snappy-corrupt', 'snappy length exceeds 32 bits')
  if (length > maxBytes) {
    throw new DecodeError('gossip-message-too-large', `decoded length ${length} exceeds ${maxBytes} (snappy bomb?)`)
  }
  if (length < minBytes) throw new DecodeError('gossip-message-too-short', `decoded length ${length} < ${minBytes}`)
  validateSnappyStream(data, s, length)
  // A plain Uint8Array view: snappyjs would answer a Node Buffer with a Buffer.
  return uncompress(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), length)
}

/** golang/snappy `decode` without the copying: returns normally iff Go would decode exactly `length` bytes. */
function validateSnappyStream(src: Uint8Array, start: number, length: number): void {
  const corrupt = (why: string): never => {
    throw new DecodeError('gossip-snappy-corrupt', `corrupt snappy block: ${why}`)
  }
  let s = start
  let d = 0
  while (s < src.length) {
    const tag = src[s]
    let len: number
    let offset: number
    switch (tag & 0x03) {
      case 0: {
        let x = tag >>> 2
        if (x >= 60) {
          const n = x - 59 // 1..4 length bytes
          if (s + 1 + n > src.length) corrupt('truncated literal length')
          x = 0
          for (let i = n; i >= 1; i--) x = x * 256 + src[s + i]
          s += 1 + n
        } else {
          s += 1
        }
        len = x + 1
        if (len > length - d || len > src.length - s) corrupt('literal out of bounds')
        d += len
        s += len
        continue
      }
      case 1:
        if (s + 2 > src.length) corrupt('truncated copy-1')
        len = 4 + ((tag >>> 2) & 0x07)
        offset = ((tag & 0xe0) << 3) | src[s + 1]
        s += 2
        break
      case 2:
        if (s + 3 > src.length) corrupt('truncated copy-2')
        len = 1 + (tag >>> 2)
        offset = src[s + 1] | (src[s + 2] << 8)
        s += 3
        break
      default:
        if (s + 5 > src.length) corrupt('truncated copy-4')
        len = 1 + (tag >>> 2)
        offset = src[s + 1] + src[s + 2] * 2 ** 8 + src[s + 3] * 2 ** 16 + src[s + 4] * 2 ** 24
        s += 5
    }
    if (offset <= 0 || d < offset || len > length - d) corrupt('bad copy offset or length')
    d += len
  }
  if (d !== length) corrupt(`produced ${d} bytes, header says ${length}`)
}
