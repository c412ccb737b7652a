import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, keccak, toHex, word } from '../../../shared/bytes.ts'
import {
  afterForceIncludeSourceHash,
  l1InfoSourceHash,
  SOURCE_HASH_DOMAIN,
  upgradeSourceHash,
  userDepositSourceHash,
} from '../../../shared/protocol/source-hash.ts'
import vectors from '../../fixtures/protocol/vectors.json' with { type: 'json' }

type SourceHashInput = { domain: number; intent?: string; l1_block_hash?: string; seq_number?: number; l1_log_index?: number }

const sourceHashVectors = vectors.filter((v) => v.kind === 'deposit_source_hash')

function compute(input: SourceHashInput): Uint8Array {
  switch (input.domain) {
    case 0:
      return userDepositSourceHash(fromHex(input.l1_block_hash!), input.l1_log_index!)
    case 1:
      return l1InfoSourceHash(fromHex(input.l1_block_hash!), input.seq_number!)
    case 2:
      return upgradeSourceHash(input.intent!)
    case 3:
      return afterForceIncludeSourceHash(fromHex(input.l1_block_hash!), input.seq_number!)
    default:
      throw new Error(`unknown domain ${input.domain}`)
  }
}

describe('source hashes', () => {
  it('default: upstream vectors (op-node deposit_source_test.go, ecotone/fjord upgrade tests, viem)', () => {
    expect(sourceHashVectors).toHaveLength(15)
    for (const v of sourceHashVectors) {
      expect(toHex(compute(v.input as SourceHashInput)), v.name).toBe((v.expected as { source_hash: string }).source_hash)
    }
  })

  it('behavior: §2.9.2 user deposit = keccak256(bytes32(0) ++ keccak256(l1BlockHash ++ uint256(logIndex)))', () => {
    const h = fromHex(`0x${'ab'.repeat(32)}`)
    const expected = keccak(concatBytes(word(0), keccak(concatBytes(h, word(7)))))
    expect(userDepositSourceHash(h, 7)).toEqual(expected)
    expect(userDepositSourceHash(h, 7n)).toEqual(expected)
    // logIndex is the index in the whole block: a different index is a different deposit.
    expect(userDepositSourceHash(h, 8)).not.toEqual(expected)
  })

  it('behavior: §2.9.1 L1 info sourceHash = keccak256(uint256(1) ++ keccak256(l1BlockHash ++ uint256(seq_number)))', () => {
    const h = fromHex(`0x${'cd'.repeat(32)}`)
    expect(l1InfoSourceHash(h, 3)).toEqual(keccak(concatBytes(word(1), keccak(concatBytes(h, word(3))))))
  })

  it('behavior: §2.9.2 upgrade = keccak256(bytes32(2) ++ keccak256(utf8(intent)))', () => {
    const intent = 'Karst 0: ConditionalDeployer Deployment'
    expect(upgradeSourceHash(intent)).toEqual(keccak(concatBytes(word(2), keccak(new TextEncoder().encode(intent)))))
  })

  it('behavior: §2.9.2 domains 3 and 4 reserved by interop; the domains never collide for equal inputs', () => {
    expect(SOURCE_HASH_DOMAIN).toEqual({ userDeposit: 0, l1Info: 1, upgrade: 2, afterForceInclude: 3 })
    const h = fromHex(`0x${'11'.repeat(32)}`)
    const all = [userDepositSourceHash(h, 1), l1InfoSourceHash(h, 1), afterForceIncludeSourceHash(h, 1)].map(toHex)
    expect(new Set(all).size).toBe(3)
  })

  it('error: a block hash that is not 32 bytes', () => {
    expect(() => userDepositSourceHash(new Uint8Array(31), 0)).toThrow(RangeError)
  })
})
