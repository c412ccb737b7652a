/**
 * The `opstack` ENR entry and the discovery filter built on it (PROTOCOL.md §5 "Identity & discovery";
 * https://specs.optimism.io/protocol/rollup-node-p2p.html#structure-of-the-enr).
 *
 * op-node: ethereum-optimism/optimism@d317e96c2add4a4e7fae72d6637ad241457f16c7:op-node/p2p/discovery.go
 * (`OpStackENRData`, `FilterEnodes`). Its `EncodeRLP` writes `rlp.Encode(w, uvarint(chainID) ++ uvarint(version))`, a
 * **byte string**, and the ENR stores that RLP item as the value of key `"opstack"`. An ENR decoder (geth's, or
 * `@chainsafe/enr`) hands back the content of that byte string, so the *value* seen by {@link decodeOpStackEnrValue}
 * is the raw `uvarint ++ uvarint` bytes; {@link encodeOpStackEnrEntry} gives the RLP item itself (what sits inside the
 * signed record). `DecodeRLP` reads the two varints with Go's `binary.ReadUvarint` and ignores trailing bytes ("future
 * entries may contain additional data, and will be tagged with a newer version"); we do the same.
 *
 * Pure: bytes in, values out.
 *
 * @example
 * encodeOpStackEnrValue({ chainId: 8453n, version: 0n }) // Uint8Array [0x85, 0x42, 0x00]
 * encodeOpStackEnrEntry({ chainId: 8453n, version: 0n }) // Uint8Array [0x83, 0x85, 0x42, 0x00]  (RLP byte string)
 * checkOpStackPeer(enr, 8453)                            // { accept: true, data: { chainId: 8453n, version: 0n } }
 */
import { encodeRlpBytes } from '../shared/codec/rlp.ts'

/** ENR key of the OP Stack entry. */
export const OPSTACK_ENR_KEY = 'opstack'

/** The only entry version op-node accepts. */
export const OPSTACK_ENR_VERSION = 0n

/** Decoded `opstack` entry: L2 chain id and entry version, both uint64. */
export type OpStackEnrData = { chainId: bigint; version: bigint }

/** Why an `opstack` value did not decode (Go's `binary.ReadUvarint` errors, plus a non-byte-string value). */
export type OpStackEnrDecodeError =
  | 'not-bytes' // the ENR value is an RLP list, not a byte string (geth: `s.Bytes()` fails)
  | 'chain-id-truncated' // EOF / unexpected EOF while reading the chain id varint
  | 'version-truncated' // EOF / unexpected EOF while reading the version varint
  | 'varint-overflow' // more than 64 bits

export type OpStackEnrDecodeResult =
  | { ok: true; data: OpStackEnrData }
  | { ok: false; error: OpStackEnrDecodeError }

/** Why a discovered record is not an OP Stack peer of our chain (op-node `FilterEnodes`, in its order). */
export type OpStackPeerRejection =
  | { reason: 'missing' } // no `opstack` entry: another network on the shared discv5 DHT
  | { reason: 'malformed'; error: OpStackEnrDecodeError }
  | { reason: 'chain-mismatch'; chainId: bigint }
  | { reason: 'version-mismatch'; version: bigint }

export type OpStackPeerVerdict = { accept: true; data: OpStackEnrData } | ({ accept: false } & OpStackPeerRejection)

/** What the filter needs of a record: its key/value map (an `@chainsafe/enr` `ENR` fits). */
export type EnrKeyValues = { readonly kvs: ReadonlyMap<string, unknown> }

const UINT64_MAX = (1n << 64n) - 1n

/** `uvarint(chainId) ++ uvarint(version)`: the content of the `opstack` byte string. */
export function encodeOpStackEnrValue(data: OpStackEnrData): Uint8Array {
  const a = uvarint(data.chainId, 'chainId')
  const b = uvarint(data.version, 'version')
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

/** The RLP item op-node's `OpStackENRData.EncodeRLP` writes: the value above as an RLP byte string. */
export function encodeOpStackEnrEntry(data: OpStackEnrData): Uint8Array {
  return encodeRlpBytes(encodeOpStackEnrValue(data))
}

/** Decode the `opstack` value (the byte-string content, as an ENR decoder returns it). Trailing bytes are ignored. */
export function decodeOpStackEnrValue(value: unknown): OpStackEnrDecodeResult {
  if (!(value instanceof Uint8Array)) return { ok: false, error: 'not-bytes' }
  const chainId = readUvarint(value, 0)
  if (!chainId.ok) return { ok: false, error: chainId.error === 'truncated' ? 'chain-id-truncated' : 'varint-overflow' }
  const version = readUvarint(value, chainId.next)
  if (!version.ok) return { ok: false, error: version.error === 'truncated' ? 'version-truncated' : 'varint-overflow' }
  return { ok: true, data: { chainId: chainId.value, version: version.value } }
}

/**
 * op-node's discovery filter: the record has an `opstack` entry that decodes, its chain id is ours and its version
 * is 0. Anything else is a typed rejection (never an exception).
 */
export function checkOpStackPeer(record: EnrKeyValues, chainId: bigint | number): OpStackPeerVerdict {
  if (!record.kvs.has(OPSTACK_ENR_KEY)) return { accept: false, reason: 'missing' }
  const decoded = decodeOpStackEnrValue(record.kvs.get(OPSTACK_ENR_KEY))
  if (!decoded.ok) return { accept: false, reason: 'malformed', error: decoded.error }
  if (decoded.data.chainId !== BigInt(chainId)) {
    return { accept: false, reason: 'chain-mismatch', chainId: decoded.data.chainId }
  }
  if (decoded.data.version !== OPSTACK_ENR_VERSION) {
    return { accept: false, reason: 'version-mismatch', version: decoded.data.version }
  }
  return { accept: true, data: decoded.data }
}

/** True when {@link checkOpStackPeer} accepts the record. */
export function isOpStackPeer(record: EnrKeyValues, chainId: bigint | number): boolean {
  return checkOpStackPeer(record, chainId).accept
}

function uvarint(x: bigint, name: string): Uint8Array {
  if (x < 0n || x > UINT64_MAX) throw new RangeError(`opstack ENR ${name} must be a uint64, got ${x}`)
  const out: number[] = []
  while (x >= 0x80n) {
    out.push(Number(x & 0x7fn) | 0x80)
    x >>= 7n
  }
  out.push(Number(x))
  return Uint8Array.from(out)
}

type UvarintRead = { ok: true; value: bigint; next: number } | { ok: false; error: 'truncated' | 'overflow' }

/** Go `encoding/binary.ReadUvarint`: at most 10 bytes, the 10th at most 1; non-minimal encodings are accepted. */
function readUvarint(bytes: Uint8Array, start: number): UvarintRead {
  const MAX_VARINT_LEN64 = 10
  let x = 0n
  let shift = 0n
  for (let i = 0; i < MAX_VARINT_LEN64; i++) {
    const at = start + i
    if (at >= bytes.length) return { ok: false, error: 'truncated' }
    const b = bytes[at]
    if (b < 0x80) {
      if (i === MAX_VARINT_LEN64 - 1 && b > 1) return { ok: false, error: 'overflow' }
      return { ok: true, value: x | (BigInt(b) << shift), next: at + 1 }
    }
    x |= BigInt(b & 0x7f) << shift
    shift += 7n
  }
  return { ok: false, error: 'overflow' }
}
