import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { toRlp } from 'viem'
import { describe, expect, it } from 'vitest'
import { fromHex, keccak, toHex } from '../../../shared/bytes.ts'
import { EMPTY_TRIE_ROOT, orderedTrieRoot, withdrawalsTrieRoot } from '../../../shared/protocol/trie-root.ts'
import { FIXTURES } from '../../support/fixtures.ts'
import { prng, randomBytes } from '../../support/random.ts'

/**
 * An independent reference trie for cross-checking: insertion into explicit leaf / extension / branch objects (the
 * textbook algorithm), then hashing — unlike the implementation, which splits sorted key ranges.
 */
type Node =
  | { kind: 'leaf'; path: number[]; value: Uint8Array }
  | { kind: 'ext'; path: number[]; child: Node }
  | { kind: 'branch'; children: (Node | undefined)[]; value?: Uint8Array }

function insert(node: Node | undefined, path: number[], value: Uint8Array): Node {
  if (!node) return { kind: 'leaf', path, value }
  if (node.kind === 'branch') {
    if (path.length === 0) return { ...node, value }
    const children = node.children.slice()
    children[path[0]] = insert(children[path[0]], path.slice(1), value)
    return { ...node, children }
  }
  let i = 0
  while (i < node.path.length && i < path.length && node.path[i] === path[i]) i++
  if (node.kind === 'leaf' && i === node.path.length && i === path.length) return { ...node, value }
  if (node.kind === 'ext' && i === node.path.length) return { ...node, child: insert(node.child, path.slice(i), value) }
  const branch: Node = { kind: 'branch', children: new Array(16).fill(undefined) }
  const rest = node.path.slice(i)
  if (node.kind === 'leaf') {
    if (rest.length === 0) branch.value = node.value
    else branch.children[rest[0]] = { kind: 'leaf', path: rest.slice(1), value: node.value }
  } else {
    branch.children[rest[0]] = rest.length === 1 ? node.child : { kind: 'ext', path: rest.slice(1), child: node.child }
  }
  const merged = insert(branch, path.slice(i), value)
  return i === 0 ? merged : { kind: 'ext', path: path.slice(0, i), child: merged }
}

type Rlp = Uint8Array | Rlp[]
function structure(node: Node): Rlp {
  const hp = (path: number[], leaf: boolean) => {
    const flagged = path.length % 2 ? [(leaf ? 3 : 1), ...path] : [leaf ? 2 : 0, 0, ...path]
    return Uint8Array.from({ length: flagged.length / 2 }, (_, k) => (flagged[2 * k] << 4) | flagged[2 * k + 1])
  }
  const ref = (n: Node): Rlp => {
    const enc = toRlp(structure(n) as never, 'bytes')
    return enc.length < 32 ? structure(n) : keccak(enc)
  }
  if (node.kind === 'leaf') return [hp(node.path, true), node.value]
  if (node.kind === 'ext') return [hp(node.path, false), ref(node.child)]
  return [...node.children.map((c) => (c ? ref(c) : new Uint8Array(0))), node.value ?? new Uint8Array(0)]
}

function referenceRoot(values: Uint8Array[]): Uint8Array {
  let root: Node | undefined
  values.forEach((v, i) => {
    const hex = i.toString(16)
    const key = toRlp(i === 0 ? '0x' : `0x${hex.length % 2 ? '0' : ''}${hex}`, 'bytes')
    root = insert(root, [...key].flatMap((b) => [b >> 4, b & 15]), v)
  })
  return root ? keccak(toRlp(structure(root) as never, 'bytes')) : keccak(Uint8Array.of(0x80))
}

describe('orderedTrieRoot', () => {
  it('default', () => {
    expect(toHex(orderedTrieRoot([]))).toBe('0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421')
  })

  it('behavior: empty trie root constant = keccak256(rlp("")) (geth EmptyRootHash / EmptyTxsHash / EmptyWithdrawalsHash)', () => {
    expect(EMPTY_TRIE_ROOT).toEqual(keccak(Uint8Array.of(0x80)))
    expect(withdrawalsTrieRoot([])).toEqual(EMPTY_TRIE_ROOT)
  })

  it('behavior: keys are rlp(index) — matches an independent insertion-based trie, including > 128 and > 256 items', () => {
    const rand = prng(0x7a1e)
    for (const n of [1, 2, 3, 15, 16, 17, 127, 128, 129, 200, 256, 257, 300]) {
      // Values of varied sizes so nodes are both embedded (< 32 bytes) and hashed.
      const values = Array.from({ length: n }, () => randomBytes(rand, Math.floor(rand() * 40)))
      expect(toHex(orderedTrieRoot(values))).toBe(toHex(referenceRoot(values)))
    }
  })

  it('behavior: withdrawals root of a real Goerli block (16 withdrawals, op-service testdata)', () => {
    const block = JSON.parse(readFileSync(join(FIXTURES, 'l1-blocks/blocks/post-shanghai-success_data.json'), 'utf8'))
    const withdrawals = block.withdrawals.map((w: Record<string, string>) => ({
      index: BigInt(w.index),
      validatorIndex: BigInt(w.validatorIndex),
      address: fromHex(w.address),
      amount: BigInt(w.amount),
    }))
    expect(toHex(withdrawalsTrieRoot(withdrawals))).toBe(block.withdrawalsRoot)
  })
})
