/**
 * Root of an ordered Merkle-Patricia trie — `keccak(rlp(root node))` of the trie mapping `rlp(i)` to `values[i]` —
 * as go-ethereum `types.DeriveSha` builds for transactions, receipts and withdrawals (Yellow Paper appendix D;
 * https://ethereum.org/en/developers/docs/data-structures-and-encoding/patricia-merkle-trie/).
 *
 * Small and allocation-light: keys are sorted once, then nodes are built bottom-up by splitting the sorted range on
 * the next nibble. A child node whose RLP is shorter than 32 bytes is embedded in its parent, otherwise referenced
 * by its keccak hash; the root is always hashed.
 *
 * @example orderedTrieRoot([]) // EMPTY_TRIE_ROOT
 */
import { encodeRlpBytes, encodeRlpList } from '../codec/rlp.ts'
import { fromHex, keccak } from '../bytes.ts'
import type { Withdrawal } from '../codec/ssz-payload.ts'

/** keccak256(rlp("")): root of an empty trie (geth `EmptyRootHash` = `EmptyTxsHash` = `EmptyWithdrawalsHash`). */
export const EMPTY_TRIE_ROOT = fromHex('0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421')

type Entry = { key: Uint8Array; value: Uint8Array }

/** Root hash of the trie `{ rlp(i): values[i] }`. Values are stored as-is (callers pass each item's encoding). */
export function orderedTrieRoot(values: readonly Uint8Array[]): Uint8Array {
  if (values.length === 0) return EMPTY_TRIE_ROOT.slice()
  const entries: Entry[] = values.map((value, i) => ({ key: toNibbles(rlpIndex(i)), value }))
  entries.sort((a, b) => compareNibbles(a.key, b.key))
  return keccak(buildNode(entries, 0, entries.length, 0))
}

/**
 * `withdrawalsRoot` of a list of EIP-4895 withdrawals: the ordered trie of `rlp([index, validatorIndex, address,
 * amount])` (geth `types.DeriveSha(types.Withdrawals)`). Empty list → {@link EMPTY_TRIE_ROOT}.
 */
export function withdrawalsTrieRoot(withdrawals: readonly Withdrawal[]): Uint8Array {
  return orderedTrieRoot(
    withdrawals.map((w) =>
      encodeRlpList([minimal(w.index), minimal(w.validatorIndex), w.address, minimal(w.amount)].map(encodeRlpBytes)),
    ),
  )
}

/** RLP of the node for `entries[lo, hi)`, all sharing their first `depth` nibbles. */
function buildNode(entries: Entry[], lo: number, hi: number, depth: number): Uint8Array {
  if (hi - lo === 1) {
    const e = entries[lo]
    return rlpList([rlpBytes(hexPrefix(e.key.subarray(depth), true)), rlpBytes(e.value)])
  }
  // Sorted range: the common prefix of the whole range is the common prefix of its first and last keys.
  const first = entries[lo].key
  const last = entries[hi - 1].key
  const limit = Math.min(first.length, last.length)
  let shared = 0
  while (depth + shared < limit && first[depth + shared] === last[depth + shared]) shared++
  if (shared > 0) {
    const child = buildNode(entries, lo, hi, depth + shared)
    return rlpList([rlpBytes(hexPrefix(first.subarray(depth, depth + shared), false)), childRef(child)])
  }
  // Branch: one slot per next nibble, plus a value for a key that ends exactly here.
  const items: Uint8Array[] = []
  let i = lo
  let value: Uint8Array = new Uint8Array(0)
  if (entries[i].key.length === depth) value = entries[i++].value
  for (let nibble = 0; nibble < 16; nibble++) {
    const start = i
    while (i < hi && entries[i].key[depth] === nibble) i++
    items.push(start === i ? rlpBytes(new Uint8Array(0)) : childRef(buildNode(entries, start, i, depth + 1)))
  }
  items.push(rlpBytes(value))
  return rlpList(items)
}

/** A child is embedded when its RLP is shorter than 32 bytes, otherwise referenced by hash. */
function childRef(node: Uint8Array): Uint8Array {
  return node.length < 32 ? node : rlpBytes(keccak(node))
}

/** Hex-prefix encoding of a nibble path with the leaf flag (Yellow Paper appendix C). */
function hexPrefix(nibbles: Uint8Array, leaf: boolean): Uint8Array {
  const odd = nibbles.length % 2
  const out = new Uint8Array(1 + (nibbles.length >> 1))
  out[0] = ((leaf ? 2 : 0) + odd) << 4
  let n = 0
  if (odd) out[0] |= nibbles[n++]
  for (let i = 1; i < out.length; i++, n += 2) out[i] = (nibbles[n] << 4) | nibbles[n + 1]
  return out
}

function rlpIndex(i: number): Uint8Array {
  return encodeRlpBytes(bigEndian(i))
}

function minimal(v: bigint): Uint8Array {
  const out: number[] = []
  for (let x = v; x > 0n; x >>= 8n) out.unshift(Number(x & 0xffn))
  return Uint8Array.from(out)
}

/** Minimal big-endian bytes of a non-negative safe integer (0 → empty). */
function bigEndian(n: number): Uint8Array {
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256)
  return Uint8Array.from(bytes)
}

function toNibbles(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length * 2)
  for (let i = 0; i < bytes.length; i++) {
    out[2 * i] = bytes[i] >> 4
    out[2 * i + 1] = bytes[i] & 0x0f
  }
  return out
}

function compareNibbles(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}

/** RLP string header + payload. */
function rlpBytes(b: Uint8Array): Uint8Array {
  if (b.length === 1 && b[0] < 0x80) return b
  return withHeader(0x80, b.length, [b])
}

/** RLP list of already-encoded items. */
function rlpList(items: Uint8Array[]): Uint8Array {
  let n = 0
  for (const it of items) n += it.length
  return withHeader(0xc0, n, items)
}

function withHeader(base: number, length: number, parts: Uint8Array[]): Uint8Array {
  const lenBytes = length < 56 ? new Uint8Array(0) : bigEndian(length)
  const head = length < 56 ? 1 : 1 + lenBytes.length
  const out = new Uint8Array(head + length)
  out[0] = length < 56 ? base + length : base + 55 + lenBytes.length
  out.set(lenBytes, 1)
  let o = head
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}
