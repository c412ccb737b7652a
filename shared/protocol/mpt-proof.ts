/**
 * Merkle-Patricia proof walk (Yellow Paper appendix D; EIP-1186), as go-ethereum `trie.VerifyProof` does it
 * (`trie/proof.go`, node decoding in `trie/node.go`), which op-node's `AccountResult.Verify` relies on.
 *
 * - The proof is a bag of RLP nodes; each is found by its keccak hash, starting from the root. Order and extra nodes do
 *   not matter.
 * - The key is walked nibble by nibble with a terminator (geth `keybytesToHex`), so a leaf matches only the whole key.
 * - A node reference is an empty string (no child), a 32-byte hash, or a node embedded in its parent (its RLP is
 *   shorter than 32 bytes). Anything else is malformed, as in geth `decodeRef`.
 * - Reaching an empty child or a short node whose key diverges proves the key absent: the result is `null`.
 *
 * Stricter than geth in one place: a compact-key flag nibble above 3 is malformed (geth would read it as a leaf). No
 * honest trie holds one.
 *
 * @example verifyMptProof(stateRoot, keccak(address), accountProof) // rlp(account) bytes, or null if absent
 */
import { type Hex, keccak, toHex } from '../bytes.ts'
import { readRlpHeader, RlpReader } from '../codec/rlp.ts'
import { DecodeError } from '../errors.ts'

export type MptProofErrorCode = 'proof-node-missing' | 'proof-node-malformed'

/** A decoded trie node or a reference to one (geth `node`: shortNode, fullNode, hashNode, valueNode, nil). */
type Ref =
  | { kind: 'empty' }
  | { kind: 'hash'; hash: Uint8Array }
  | { kind: 'value'; value: Uint8Array }
  | { kind: 'short'; key: number[]; val: Ref }
  | { kind: 'full'; children: Ref[] }

/** Terminator nibble ending every key (geth `keybytesToHex`). */
const TERMINATOR = 16

/**
 * The value stored at `path` in the trie with root hash `root`, proven by `proof`; `null` when the proof shows `path`
 * absent.
 *
 * @param path the trie key as bytes (secure tries: `keccak(address)` or `keccak(slot)`).
 * @throws DecodeError `proof-node-missing` when the walk needs a node the proof lacks (including a wrong root), or
 *   `proof-node-malformed` for a node that is not a valid trie node.
 */
export function verifyMptProof(root: Uint8Array, path: Uint8Array, proof: readonly Uint8Array[]): Uint8Array | null {
  const nodes = new Map<Hex, Uint8Array>()
  for (const node of proof) nodes.set(toHex(keccak(node)), node)
  let key = keyNibbles(path)
  let want = root
  // Every hash lookup moves to a distinct node of a finite proof, so at most proof.length lookups can succeed.
  for (let lookup = 0; lookup <= proof.length; lookup++) {
    const encoded = nodes.get(toHex(want))
    if (encoded === undefined) {
      throw new DecodeError('proof-node-missing', `proof node ${lookup} (hash ${toHex(want)}) missing`)
    }
    let ref: Ref = decodeNode(encoded, lookup)
    let next: Uint8Array | undefined
    while (next === undefined) {
      switch (ref.kind) {
        case 'empty':
          return null
        case 'value':
          return ref.value
        case 'hash':
          next = ref.hash
          break
        case 'short':
          if (key.length < ref.key.length || ref.key.some((n, i) => key[i] !== n)) return null
          key = key.slice(ref.key.length)
          ref = ref.val
          break
        case 'full':
          // A full node needs a nibble to branch on; the terminator picks the value slot.
          if (key.length === 0) throw new DecodeError('proof-node-malformed', `proof node ${lookup}: key ends inside a branch`)
          ref = ref.children[key[0]]
          key = key.slice(1)
          break
        default: {
          const never: never = ref
          throw new TypeError(`unknown node ${String(never)}`)
        }
      }
    }
    want = next
  }
  throw new DecodeError('proof-node-missing', `proof of ${proof.length} nodes ends before the key does`)
}

function keyNibbles(bytes: Uint8Array): number[] {
  const out: number[] = []
  for (const b of bytes) out.push(b >> 4, b & 0x0f)
  out.push(TERMINATOR)
  return out
}

/** A node as stored in the proof: a 2-item (short) or 17-item (full) list, nothing after it. */
function decodeNode(bytes: Uint8Array, index: number): Extract<Ref, { kind: 'short' | 'full' }> {
  try {
    const header = readRlpHeader(bytes, 0)
    if (header.end !== bytes.length) throw new DecodeError('proof-node-malformed', 'trailing bytes after the node')
    return decodeList(bytes, header.offset)
  } catch (e) {
    if (e instanceof DecodeError) throw new DecodeError('proof-node-malformed', `bad proof node ${index}: ${e.message}`)
    throw e
  }
}

/** The list item at `offset` as a short or full node (geth `decodeNode`). */
function decodeList(bytes: Uint8Array, offset: number): Extract<Ref, { kind: 'short' | 'full' }> {
  const header = readRlpHeader(bytes, offset)
  if (!header.list) throw new DecodeError('proof-node-malformed', 'a node must be an RLP list')
  let count = 0
  for (const r = new RlpReader(bytes, header.start, header.end); !r.atEnd(); r.next()) count++
  const items = new RlpReader(bytes, header.start, header.end)
  if (count === 2) {
    const key = compactToNibbles(items.bytesValue())
    if (key.at(-1) === TERMINATOR) return { kind: 'short', key, val: { kind: 'value', value: items.bytesValue() } }
    return { kind: 'short', key, val: decodeRef(items) }
  }
  if (count === 17) {
    const children: Ref[] = []
    for (let i = 0; i < 16; i++) children.push(decodeRef(items))
    const value = items.bytesValue()
    children.push(value.length > 0 ? { kind: 'value', value } : { kind: 'empty' })
    return { kind: 'full', children }
  }
  throw new DecodeError('proof-node-malformed', `a node has 2 or 17 items, not ${count}`)
}

/** A child reference (geth `decodeRef`). */
function decodeRef(items: RlpReader): Ref {
  const start = items.offset
  const header = items.next()
  if (header.list) {
    const size = header.end - start
    if (size >= 32) throw new DecodeError('proof-node-malformed', `oversized embedded node (${size} bytes, want < 32)`)
    return decodeList(items.bytes, start)
  }
  const value = items.bytes.subarray(header.start, header.end)
  if (header.single || (value.length !== 0 && value.length !== 32)) {
    throw new DecodeError('proof-node-malformed', `invalid reference of ${value.length} bytes (want 0 or 32)`)
  }
  return value.length === 0 ? { kind: 'empty' } : { kind: 'hash', hash: value }
}

/** Hex-prefix (compact) key → nibbles, with the terminator for a leaf (geth `compactToHex`). */
function compactToNibbles(compact: Uint8Array): number[] {
  if (compact.length === 0) throw new DecodeError('proof-node-malformed', 'empty compact key')
  const flag = compact[0] >> 4
  if (flag > 3) throw new DecodeError('proof-node-malformed', `compact key flag ${flag} (want 0 to 3)`)
  const nibbles: number[] = flag & 1 ? [compact[0] & 0x0f] : []
  for (const b of compact.subarray(1)) nibbles.push(b >> 4, b & 0x0f)
  if (flag >= 2) nibbles.push(TERMINATOR)
  return nibbles
}
