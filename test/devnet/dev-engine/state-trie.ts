/**
 * A tiny secure Merkle-Patricia state trie (keys = keccak(address)) with geth-style proofs, so the dev engine's state
 * root is a real trie root and `eth_getProof` answers verify against it (Yellow Paper appendix D; geth `trie.Prove`).
 *
 * The dev engine's state holds two accounts: the L2ToL1MessagePasser, whose storage root is the stand-in
 * message-passer root, and a "world" account whose storage root stands for everything else the EVM would have
 * changed. Sizes are tiny, so nodes are rebuilt on every call.
 */
import { toRlp } from 'viem'
import { concatBytes, fromHex, type Hex, keccak } from '../../../shared/bytes.ts'
import { uintToMinimalBytes } from '../../../shared/codec/rlp.ts'
import { EMPTY_TRIE_ROOT } from '../../../shared/protocol/trie-root.ts'

/** keccak256 of empty code. */
export const EMPTY_CODE_HASH = keccak(new Uint8Array(0))

export type Account = { nonce: bigint; balance: bigint; storageRoot: Uint8Array; codeHash: Uint8Array }

export const EMPTY_ACCOUNT: Account = { nonce: 0n, balance: 0n, storageRoot: EMPTY_TRIE_ROOT, codeHash: EMPTY_CODE_HASH }

/** A state of a handful of accounts, by lowercase address. */
export type State = ReadonlyMap<Hex, Account>

/** The state root of `state`. */
export function stateRoot(state: State): Uint8Array {
  const entries = leaves(state)
  if (entries.length === 0) return EMPTY_TRIE_ROOT.slice()
  return keccak(node(entries, 0))
}

/** `accountProof` for `address`: the encoded nodes from the root down its path (an exclusion proof if absent). */
export function accountProof(state: State, address: Hex): Uint8Array[] {
  const key = nibbles(keccak(fromHex(address)))
  let entries = leaves(state)
  const proof: Uint8Array[] = []
  let depth = 0
  while (entries.length > 0) {
    const enc = node(entries, depth)
    // Nodes shorter than 32 bytes live inside their parent, which is already in the proof; the root always counts.
    if (proof.length === 0 || enc.length >= 32) proof.push(enc)
    if (entries.length === 1) break
    const shared = sharedPrefix(entries, depth)
    if (shared > 0) {
      if (!startsWith(key, entries[0].key, depth, depth + shared)) break
      depth += shared
      continue
    }
    entries = entries.filter((e) => e.key[depth] === key[depth])
    depth += 1
  }
  return proof
}

/** RLP of an account as the trie stores it. */
export function encodeAccount(a: Account): Uint8Array {
  return toRlp([uintToMinimalBytes(a.nonce), uintToMinimalBytes(a.balance), a.storageRoot, a.codeHash], 'bytes')
}

type Leaf = { key: Uint8Array; value: Uint8Array }

function leaves(state: State): Leaf[] {
  const out = [...state].map(([address, account]) => ({
    key: nibbles(keccak(fromHex(address))),
    value: encodeAccount(account),
  }))
  return out.sort((a, b) => compare(a.key, b.key))
}

/** RLP of the node for sorted `entries`, all sharing their first `depth` nibbles. */
function node(entries: Leaf[], depth: number): Uint8Array {
  if (entries.length === 1) return toRlp([hexPrefix(entries[0].key.subarray(depth), true), entries[0].value], 'bytes')
  const shared = sharedPrefix(entries, depth)
  if (shared > 0) {
    const child = node(entries, depth + shared)
    return rlpList([rlpBytes(hexPrefix(entries[0].key.subarray(depth, depth + shared), false)), ref(child)])
  }
  const items: Uint8Array[] = []
  for (let n = 0; n < 16; n++) {
    const group = entries.filter((e) => e.key[depth] === n)
    items.push(group.length === 0 ? rlpBytes(new Uint8Array(0)) : ref(node(group, depth + 1)))
  }
  items.push(rlpBytes(new Uint8Array(0)))
  return rlpList(items)
}

function sharedPrefix(entries: Leaf[], depth: number): number {
  const first = entries[0].key
  const last = entries[entries.length - 1].key
  let n = 0
  while (depth + n < first.length && first[depth + n] === last[depth + n]) n++
  return n
}

function ref(child: Uint8Array): Uint8Array {
  return child.length < 32 ? child : rlpBytes(keccak(child))
}

function hexPrefix(path: Uint8Array, leaf: boolean): Uint8Array {
  const odd = path.length % 2
  const out = new Uint8Array(1 + (path.length >> 1))
  out[0] = ((leaf ? 2 : 0) + odd) << 4
  let i = 0
  if (odd) out[0] |= path[i++]
  for (let o = 1; o < out.length; o++, i += 2) out[o] = (path[i] << 4) | path[i + 1]
  return out
}

function rlpBytes(b: Uint8Array): Uint8Array {
  return toRlp(b, 'bytes')
}

/** RLP list of already-encoded items (viem would re-encode them). */
function rlpList(items: Uint8Array[]): Uint8Array {
  const body = concatBytes(...items)
  const len = uintToMinimalBytes(body.length)
  const head = body.length < 56 ? Uint8Array.of(0xc0 + body.length) : concatBytes(Uint8Array.of(0xf7 + len.length), len)
  return concatBytes(head, body)
}

function nibbles(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length * 2)
  bytes.forEach((b, i) => {
    out[2 * i] = b >> 4
    out[2 * i + 1] = b & 0x0f
  })
  return out
}

function startsWith(key: Uint8Array, other: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (key[i] !== other[i]) return false
  return true
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return 0
}
