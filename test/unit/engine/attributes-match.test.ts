/**
 * Consolidation rules (PROTOCOL.md §2.10; op-node `attributes/engine_consolidate.go`): one test per rule, each with the
 * matching case and its mismatch.
 */
import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, type Hex, uintToBytes } from '../../../shared/bytes.ts'
import { chainByName } from '../../../shared/config/chains.ts'
import type { RollupConfig } from '../../../shared/config/rollup-config.ts'
import {
  type AttributesMatchResult,
  attributesMatchBlock,
  type MatchAttributes,
  type MatchBlock,
} from '../../../shared/engine/attributes-match.ts'
import { EMPTY_TRIE_ROOT } from '../../../shared/protocol/trie-root.ts'

// OP Mainnet's chain_op_config (Canyon denominator 250, elasticity 6) with compact fork times.
const config: Pick<RollupConfig, 'forks' | 'chainOpConfig'> = {
  chainOpConfig: chainByName('op-mainnet')!.chainOpConfig,
  forks: { regolith: 0, canyon: 100, delta: 100, ecotone: 200, fjord: 200, granite: 200, holocene: 300, isthmus: 400, jovian: 500 },
}
const ERA = { bedrock: 50, canyon: 150, ecotone: 250, holocene: 350, isthmus: 450, jovian: 550 } as const
const PARENT = `0x${'01'.repeat(32)}` as Hex
const RANDAO = `0x${'02'.repeat(32)}` as Hex
const BEACON = `0x${'03'.repeat(32)}` as Hex
const FEE_VAULT = '0x4200000000000000000000000000000000000011' as Hex
const TXS = ['0x7e0102', '0x02f8aabbcc'] as Hex[]
const MESSAGE_PASSER_ROOT = fromHex(`0x${'04'.repeat(32)}`)

const u32 = (v: number) => uintToBytes(v, 4)

/** Attributes with exactly the fields of their fork; eip1559Params (0,0) = "use Canyon constants". */
function attrs(t: number, over: Partial<MatchAttributes> = {}): MatchAttributes {
  const a: MatchAttributes = { timestamp: t, prevRandao: RANDAO, suggestedFeeRecipient: FEE_VAULT, transactions: TXS, noTxPool: true, gasLimit: 30_000_000n }
  if (t >= 100) a.withdrawals = []
  if (t >= 200) a.parentBeaconBlockRoot = BEACON
  if (t >= 300) a.eip1559Params = '0x0000000000000000'
  if (t >= 500) a.minBaseFee = 1_000_000_000n
  return { ...a, ...over }
}

/** The block an engine builds from `attrs(t)` (extraData with (0,0) → (250, 6)). */
function block(t: number, over: Partial<MatchBlock> = {}): MatchBlock {
  const b: MatchBlock = {
    parentHash: fromHex(PARENT),
    timestamp: t,
    prevRandao: fromHex(RANDAO),
    feeRecipient: fromHex(FEE_VAULT),
    gasLimit: 30_000_000n,
    extraData: new Uint8Array(0),
    transactions: TXS.map(fromHex),
  }
  if (t >= 100) b.withdrawals = []
  if (t >= 200) b.parentBeaconBlockRoot = fromHex(BEACON)
  if (t >= 300) b.extraData = concatBytes(Uint8Array.of(0), u32(250), u32(6))
  if (t >= 400) b.withdrawalsRoot = MESSAGE_PASSER_ROOT
  if (t >= 500) b.extraData = concatBytes(Uint8Array.of(1), u32(250), u32(6), uintToBytes(1_000_000_000n, 8))
  return { ...b, ...over }
}

const check = (a: MatchAttributes, b: MatchBlock, parent: Hex = PARENT) => attributesMatchBlock(config, a, b, parent)
const reason = (r: AttributesMatchResult) => (r.ok ? 'ok' : r.reason)

describe('attributesMatchBlock', () => {
  it('default: the block built from the attributes matches, in every era', () => {
    for (const t of Object.values(ERA)) expect(check(attrs(t), block(t)), `t=${t}`).toEqual({ ok: true })
  })

  it('behavior: hex case never matters (parent hash, randao, fee recipient)', () => {
    const a = attrs(ERA.jovian, { prevRandao: RANDAO.toUpperCase().replace('0X', '0x') as Hex, suggestedFeeRecipient: '0x4200000000000000000000000000000000000011' })
    expect(check(a, block(ERA.jovian), PARENT.toUpperCase().replace('0X', '0x') as Hex)).toEqual({ ok: true })
  })

  it('rule parent-hash: the block must build on the pending safe head', () => {
    const r = check(attrs(ERA.jovian), block(ERA.jovian), `0x${'ff'.repeat(32)}`)
    expect(r).toMatchObject({ ok: false, reason: 'parent-hash' })
  })

  it('rule timestamp', () => {
    expect(reason(check(attrs(ERA.jovian, { timestamp: ERA.jovian + 2 }), block(ERA.jovian)))).toBe('timestamp')
  })

  it('rule prev-randao', () => {
    expect(reason(check(attrs(ERA.jovian, { prevRandao: `0x${'09'.repeat(32)}` }), block(ERA.jovian)))).toBe('prev-randao')
  })

  it('rule transaction-count', () => {
    expect(reason(check(attrs(ERA.jovian, { transactions: [TXS[0]] }), block(ERA.jovian)))).toBe('transaction-count')
  })

  it('rule transaction: each transaction byte-equal, deposits included', () => {
    expect(reason(check(attrs(ERA.jovian, { transactions: ['0x7e0103', TXS[1]] }), block(ERA.jovian)))).toBe('transaction')
    const r = check(attrs(ERA.jovian, { transactions: [TXS[0], '0x02f8aabbcd'] }), block(ERA.jovian))
    expect(r).toMatchObject({ ok: false, reason: 'transaction', detail: 'transaction 1 differs' })
  })

  it('rule gas-limit-missing: attributes must carry a gas limit', () => {
    expect(reason(check(attrs(ERA.jovian, { gasLimit: undefined }), block(ERA.jovian)))).toBe('gas-limit-missing')
  })

  it('rule gas-limit', () => {
    expect(reason(check(attrs(ERA.jovian, { gasLimit: 30_000_001n }), block(ERA.jovian)))).toBe('gas-limit')
  })

  it('rule withdrawals-before-canyon: pre-Canyon attributes carry no withdrawals', () => {
    expect(reason(check(attrs(ERA.bedrock, { withdrawals: [] }), block(ERA.bedrock)))).toBe('withdrawals-before-canyon')
  })

  it('rule withdrawals-block: from Canyon the block has an empty list', () => {
    expect(reason(check(attrs(ERA.canyon), block(ERA.canyon, { withdrawals: undefined })))).toBe('withdrawals-block')
    expect(reason(check(attrs(ERA.canyon), block(ERA.canyon, { withdrawals: [{}] })))).toBe('withdrawals-block')
  })

  it('rule withdrawals-attributes: from Canyon the attributes have an empty list', () => {
    expect(reason(check(attrs(ERA.canyon, { withdrawals: undefined }), block(ERA.canyon)))).toBe('withdrawals-attributes')
    expect(reason(check(attrs(ERA.canyon, { withdrawals: [{}] }), block(ERA.canyon)))).toBe('withdrawals-attributes')
  })

  it('rule withdrawals-root-before-isthmus: absent or the empty-trie root', () => {
    expect(check(attrs(ERA.holocene), block(ERA.holocene, { withdrawalsRoot: EMPTY_TRIE_ROOT }))).toEqual({ ok: true })
    expect(reason(check(attrs(ERA.holocene), block(ERA.holocene, { withdrawalsRoot: MESSAGE_PASSER_ROOT })))).toBe('withdrawals-root-before-isthmus')
  })

  it('rule withdrawals-root-missing: from Isthmus the block carries the message-passer root', () => {
    expect(reason(check(attrs(ERA.isthmus), block(ERA.isthmus, { withdrawalsRoot: undefined })))).toBe('withdrawals-root-missing')
  })

  it('rule parent-beacon-root: both absent, or both present and equal', () => {
    expect(check(attrs(ERA.canyon), block(ERA.canyon))).toEqual({ ok: true })
    expect(reason(check(attrs(ERA.ecotone), block(ERA.ecotone, { parentBeaconBlockRoot: undefined })))).toBe('parent-beacon-root-missing')
    expect(reason(check(attrs(ERA.ecotone, { parentBeaconBlockRoot: undefined }), block(ERA.ecotone)))).toBe('parent-beacon-root-unexpected')
    expect(reason(check(attrs(ERA.ecotone, { parentBeaconBlockRoot: `0x${'05'.repeat(32)}` }), block(ERA.ecotone)))).toBe('parent-beacon-root')
  })

  it('rule fee-recipient', () => {
    expect(reason(check(attrs(ERA.jovian, { suggestedFeeRecipient: `0x${'de'.repeat(20)}` }), block(ERA.jovian)))).toBe('fee-recipient')
  })

  it('rule extra-data-unexpected: attributes without eip1559Params need empty extraData', () => {
    expect(reason(check(attrs(ERA.ecotone), block(ERA.ecotone, { extraData: Uint8Array.of(0) })))).toBe('extra-data-unexpected')
  })

  it('rule eip1559-params: (0,0) is read as the Canyon constants (250, 6); explicit params must equal the block', () => {
    const explicit = concatBytes(Uint8Array.of(0), u32(50), u32(2))
    expect(check(attrs(ERA.holocene, { eip1559Params: '0x0000003200000002' }), block(ERA.holocene, { extraData: explicit }))).toEqual({ ok: true })
    // The split PR #14179 closed: a gossiped block with foreign fee parameters.
    const r = check(attrs(ERA.holocene), block(ERA.holocene, { extraData: explicit }))
    expect(r).toMatchObject({ ok: false, reason: 'eip1559-params' })
    expect(r.ok ? '' : r.detail).toContain('translated from (0, 0)')
    expect(reason(check(attrs(ERA.holocene, { eip1559Params: '0x0000003200000003' }), block(ERA.holocene, { extraData: explicit })))).toBe('eip1559-params')
  })

  it('rule eip1559-params-invalid: denominator and elasticity are both zero or both non-zero', () => {
    expect(reason(check(attrs(ERA.holocene, { eip1559Params: '0x0000000000000006' }), block(ERA.holocene)))).toBe('eip1559-params-invalid')
    expect(reason(check(attrs(ERA.holocene, { eip1559Params: '0x000000fa00000000' }), block(ERA.holocene)))).toBe('eip1559-params-invalid')
    expect(reason(check(attrs(ERA.holocene, { eip1559Params: '0x00' }), block(ERA.holocene)))).toBe('eip1559-params-invalid')
  })

  it('rule extra-data-invalid: Holocene 9 bytes v0, Jovian 17 bytes v1, non-zero parameters', () => {
    const holocene = block(ERA.holocene).extraData
    expect(reason(check(attrs(ERA.holocene), block(ERA.holocene, { extraData: new Uint8Array(0) })))).toBe('extra-data-invalid')
    expect(reason(check(attrs(ERA.holocene), block(ERA.holocene, { extraData: concatBytes(Uint8Array.of(1), holocene.subarray(1)) })))).toBe('extra-data-invalid')
    expect(reason(check(attrs(ERA.holocene), block(ERA.holocene, { extraData: new Uint8Array(9) })))).toBe('extra-data-invalid')
    // A Jovian block with Holocene-format extraData.
    expect(reason(check(attrs(ERA.jovian), block(ERA.jovian, { extraData: holocene })))).toBe('extra-data-invalid')
  })

  it('rule min-base-fee: Jovian extraData carries the attributes minBaseFee', () => {
    expect(reason(check(attrs(ERA.jovian, { minBaseFee: 1n }), block(ERA.jovian)))).toBe('min-base-fee')
    expect(reason(check(attrs(ERA.jovian, { minBaseFee: undefined }), block(ERA.jovian)))).toBe('min-base-fee')
    expect(reason(check(attrs(ERA.isthmus, { minBaseFee: 0n }), block(ERA.isthmus)))).toBe('min-base-fee')
  })

  it('behavior: rules are checked in op-node order (parent hash before everything)', () => {
    const r = check(attrs(ERA.jovian, { timestamp: 1, gasLimit: undefined }), block(ERA.jovian), `0x${'ff'.repeat(32)}`)
    expect(reason(r)).toBe('parent-hash')
  })
})
