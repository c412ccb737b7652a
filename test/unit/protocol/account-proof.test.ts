/**
 * EIP-1186 proofs as op-node checks them before trusting the L2ToL1MessagePasser's storage root (PROTOCOL.md §4;
 * op-service `eth/account_proof.go` `AccountResult.Verify`, go-ethereum `trie.VerifyProof`).
 *
 * Golden data: `anvil-account-proofs.json`, real `eth_getProof` answers from anvil 1.7.1 over a state of 400 funded
 * accounts plus the message passer with code, a nonce and 40 storage slots (branch, extension and leaf nodes; inclusion
 * and exclusion proofs), with the state root of the block they were taken at.
 */
import { toRlp } from 'viem'
import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, keccak, toHex } from '../../../shared/bytes.ts'
import { DecodeError } from '../../../shared/errors.ts'
import { type AccountProof, accountProofFromJson, verifyAccountProof } from '../../../shared/protocol/account-proof.ts'
import { verifyMptProof } from '../../../shared/protocol/mpt-proof.ts'
import { accountProof, EMPTY_ACCOUNT, stateRoot, type State } from '../../devnet/dev-engine/state-trie.ts'
import fixture from '../../fixtures/protocol/anvil-account-proofs.json' with { type: 'json' }

const STATE_ROOT = fromHex(fixture.block.stateRoot)
const passer = () => accountProofFromJson(fixture.proofs.messagePasser)

function codeOf(r: unknown): string {
  expect(r).toBeInstanceOf(DecodeError)
  return (r as DecodeError).code
}

/** Flip one byte of proof node `i` (past its RLP header, so the node still parses or fails as a node would). */
function tamperNode(p: AccountProof, i: number, at = 40): AccountProof {
  const nodes = p.accountProof.map((n) => n.slice())
  nodes[i][at] ^= 0x01
  return { ...p, accountProof: nodes }
}

describe('verifyAccountProof (anvil eth_getProof)', () => {
  it('default: the message passer proof verifies and yields its storage root', () => {
    const r = verifyAccountProof(passer(), STATE_ROOT)
    expect(r).not.toBeInstanceOf(DecodeError)
    if (r instanceof DecodeError) return
    expect(toHex(r.storageHash)).toBe(fixture.proofs.messagePasser.storageHash)
    expect(r.nonce).toBe(1n)
    expect(toHex(r.address)).toBe('0x4200000000000000000000000000000000000016')
  })

  it('behavior: storage entries are checked — a present slot, a 32-byte value, and an absent slot claiming 0', () => {
    const p = passer()
    expect(p.storageProof.map((e) => e.value)).toEqual([1n, BigInt(fixture.proofs.messagePasser.storageProof[1].value), 0n])
    expect(toHex(p.storageProof[2].key)).toBe(`0x${'00'.repeat(31)}07`)
    expect(verifyAccountProof(p, STATE_ROOT)).not.toBeInstanceOf(DecodeError)
    // The same slots without any storage entries (what op-node asks for: no keys) verify too.
    expect(verifyAccountProof({ ...p, storageProof: [] }, STATE_ROOT)).not.toBeInstanceOf(DecodeError)
  })

  it('behavior: an EOA proof through an extension node verifies', () => {
    const p = accountProofFromJson(fixture.proofs.eoa)
    expect(p.accountProof.some((n) => n.length < 40)).toBe(true) // a 35-byte extension node on the path
    const r = verifyAccountProof(p, STATE_ROOT)
    expect(r instanceof DecodeError ? r.code : toHex(r.codeHash)).toBe(toHex(keccak(new Uint8Array(0))))
  })

  it('error: an absent account (a valid exclusion proof) is rejected, as op-node rejects it', () => {
    const p = accountProofFromJson(fixture.proofs.absent)
    expect(verifyMptProof(STATE_ROOT, keccak(p.address), p.accountProof)).toBeNull()
    expect(codeOf(verifyAccountProof(p, STATE_ROOT))).toBe('account-mismatch')
  })

  it('error: a tampered node → its hash is no longer referenced → proof-node-missing', () => {
    for (let i = 0; i < passer().accountProof.length; i++) {
      expect(codeOf(verifyAccountProof(tamperNode(passer(), i), STATE_ROOT))).toBe('proof-node-missing')
    }
  })

  it('error: claimed fields that differ from the proven leaf → account-mismatch', () => {
    const p = passer()
    const otherRoot = fromHex(`0x${'11'.repeat(32)}`)
    // A lying storageHash is what this check exists for: the output root would commit to it.
    expect(codeOf(verifyAccountProof({ ...p, storageHash: otherRoot, storageProof: [] }, STATE_ROOT))).toBe('account-mismatch')
    expect(codeOf(verifyAccountProof({ ...p, nonce: 2n }, STATE_ROOT))).toBe('account-mismatch')
    expect(codeOf(verifyAccountProof({ ...p, balance: 1n }, STATE_ROOT))).toBe('account-mismatch')
    expect(codeOf(verifyAccountProof({ ...p, codeHash: otherRoot }, STATE_ROOT))).toBe('account-mismatch')
  })

  it('error: the proof of another account, or against another state root', () => {
    const eoa = accountProofFromJson(fixture.proofs.eoa)
    // The message passer's claims with the EOA's nodes: the walk leaves the proof or reaches the wrong leaf.
    expect(verifyAccountProof({ ...passer(), accountProof: eoa.accountProof }, STATE_ROOT)).toBeInstanceOf(DecodeError)
    expect(codeOf(verifyAccountProof(passer(), fromHex(`0x${'22'.repeat(32)}`)))).toBe('proof-node-missing')
  })

  it('error: a missing node, an empty proof', () => {
    const p = passer()
    expect(codeOf(verifyAccountProof({ ...p, accountProof: p.accountProof.slice(0, -1) }, STATE_ROOT))).toBe('proof-node-missing')
    expect(codeOf(verifyAccountProof({ ...p, accountProof: [] }, STATE_ROOT))).toBe('proof-node-missing')
  })

  it('error: storage values that do not match their proof → storage-value-mismatch', () => {
    const p = passer()
    const wrongValue = p.storageProof.map((e, i) => (i === 1 ? { ...e, value: e.value + 1n } : e))
    expect(codeOf(verifyAccountProof({ ...p, storageProof: wrongValue }, STATE_ROOT))).toBe('storage-value-mismatch')
    const absentNonZero = p.storageProof.map((e, i) => (i === 2 ? { ...e, value: 5n } : e))
    expect(codeOf(verifyAccountProof({ ...p, storageProof: absentNonZero }, STATE_ROOT))).toBe('storage-value-mismatch')
    const presentZero = p.storageProof.map((e, i) => (i === 0 ? { ...e, value: 0n } : e))
    expect(codeOf(verifyAccountProof({ ...p, storageProof: presentZero }, STATE_ROOT))).toBe('storage-value-mismatch')
    const tampered = p.storageProof.map((e, i) => (i === 1 ? { ...e, proof: [e.proof[0], ...e.proof.slice(2)] } : e))
    expect(codeOf(verifyAccountProof({ ...p, storageProof: tampered }, STATE_ROOT))).toBe('proof-node-missing')
  })
})

describe('verifyAccountProof (dev engine state trie)', () => {
  it('behavior: proofs of every account of a 64-account state verify; absent accounts are rejected', () => {
    const addr = (i: number) => toHex(keccak(Uint8Array.of(i, i >> 8)).slice(12))
    const state: State = new Map(
      Array.from({ length: 64 }, (_, i) => [addr(i), { ...EMPTY_ACCOUNT, nonce: BigInt(i), balance: 10n ** BigInt(i % 30) }] as const),
    )
    const root = stateRoot(state)
    for (const [address, account] of state) {
      const proof: AccountProof = { address: fromHex(address), ...account, storageHash: account.storageRoot, accountProof: accountProof(state, address), storageProof: [] }
      expect(verifyAccountProof(proof, root)).not.toBeInstanceOf(DecodeError)
    }
    const missing = addr(999)
    const proof: AccountProof = { address: fromHex(missing), ...EMPTY_ACCOUNT, storageHash: EMPTY_ACCOUNT.storageRoot, accountProof: accountProof(state, missing), storageProof: [] }
    expect(codeOf(verifyAccountProof(proof, root))).toBe('account-mismatch')
  })
})

describe('verifyMptProof', () => {
  // A hand-built trie over raw (unhashed) keys:
  //   root (branch) ─1→ leaf [2] "v", embedded inline (its RLP is < 32 bytes)          key 0x12
  //                 ─3→ extension [4] ─hash→ branch ─0→ leaf [a] (40 bytes of 7)      key 0x340a
  //                                                  ─5→ leaf [b] (40 bytes of 8)      key 0x345b
  const empty = new Uint8Array(0)
  const v = new TextEncoder().encode('v')
  const embedded = [Uint8Array.of(0x32), v] // odd leaf: flag 3, nibble 2
  const valueA = new Uint8Array(40).fill(7)
  const valueB = new Uint8Array(40).fill(8)
  const leafA = toRlp([Uint8Array.of(0x3a), valueA], 'bytes')
  const leafB = toRlp([Uint8Array.of(0x3b), valueB], 'bytes')
  const inner = toRlp(Array.from({ length: 17 }, (_, i) => (i === 0 ? keccak(leafA) : i === 5 ? keccak(leafB) : empty)), 'bytes')
  const extension = toRlp([Uint8Array.of(0x14), keccak(inner)], 'bytes') // odd extension: flag 1, nibble 4
  const root = toRlp(Array.from({ length: 17 }, (_, i) => (i === 1 ? embedded : i === 3 ? keccak(extension) : empty)), 'bytes')
  const proof = [root, extension, inner, leafA, leafB]
  const at = (key: number[], nodes: Uint8Array[] = proof) => verifyMptProof(keccak(root), Uint8Array.from(key), nodes)

  it('default: values behind an embedded leaf, an extension and a branch, whatever the node order', () => {
    expect(toRlp(embedded, 'bytes').length).toBeLessThan(32)
    expect(at([0x12])).toEqual(v)
    expect(at([0x34, 0x0a])).toEqual(valueA)
    expect(at([0x34, 0x5b], [leafB, inner, leafA, extension, root])).toEqual(valueB)
  })

  it('behavior: absent keys — an empty slot, a diverging leaf or extension, a longer key — are null, not errors', () => {
    expect(at([0x55])).toBeNull()
    expect(at([0x13])).toBeNull()
    expect(at([0x35, 0x00])).toBeNull()
    expect(at([0x34, 0x0c])).toBeNull()
    expect(at([0x12, 0x00])).toBeNull()
    // Absence needs no node past the point of divergence.
    expect(at([0x35, 0x00], [root, extension])).toBeNull()
  })

  it('error: a node the walk needs is missing, or the root is not in the proof', () => {
    const code = (fn: () => unknown) => {
      try {
        fn()
        return 'no error'
      } catch (e) {
        return (e as DecodeError).code
      }
    }
    expect(code(() => at([0x34, 0x0a], [root, extension, leafA]))).toBe('proof-node-missing')
    expect(code(() => verifyMptProof(keccak(root), Uint8Array.of(0x12), proof.slice(1)))).toBe('proof-node-missing')
    const tampered = extension.slice()
    tampered[5] ^= 1 // inside the hash it points to
    expect(code(() => at([0x34, 0x0a], [root, tampered, inner, leafA]))).toBe('proof-node-missing')
  })

  it('error: malformed nodes', () => {
    const bad = (node: Uint8Array, key = Uint8Array.of(0x12)) => {
      try {
        verifyMptProof(keccak(node), key, [node])
        return 'no error'
      } catch (e) {
        return (e as DecodeError).code
      }
    }
    expect(bad(toRlp([Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3)], 'bytes'))).toBe('proof-node-malformed') // 3 items
    expect(bad(toRlp(new Uint8Array(40), 'bytes'))).toBe('proof-node-malformed') // a string, not a list
    expect(bad(concatBytes(root, Uint8Array.of(0)))).toBe('proof-node-malformed') // trailing byte
    const refOf31 = toRlp(Array.from({ length: 17 }, (_, i) => (i === 1 ? new Uint8Array(31) : empty)), 'bytes')
    expect(bad(refOf31)).toBe('proof-node-malformed') // a reference is 0 or 32 bytes
    const bigEmbedded = toRlp(Array.from({ length: 17 }, (_, i) => (i === 1 ? [Uint8Array.of(0x32), new Uint8Array(40)] : empty)), 'bytes')
    expect(bad(bigEmbedded)).toBe('proof-node-malformed') // embedded nodes are < 32 bytes
    expect(bad(toRlp([Uint8Array.of(0x41), valueA], 'bytes'), Uint8Array.of(0x10))).toBe('proof-node-malformed') // flag 4
  })
})
