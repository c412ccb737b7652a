/**
 * PayloadAttributes → Engine API JSON per fork (PROTOCOL.md §2.9.6, §3): op-node's `omitempty` shapes, V1 before
 * Canyon, V2 before Ecotone, V3 after, eip1559Params from Holocene, minBaseFee (a JSON number) from Jovian.
 */
import { describe, expect, it } from 'vitest'
import type { Hex } from '../../../shared/bytes.ts'
import type { RollupConfig } from '../../../shared/config/rollup-config.ts'
import type { PayloadAttributes } from '../../../shared/deriver/types.ts'
import { AttributesJsonError, payloadAttributesToJson } from '../../../shared/engine/attributes-json.ts'

const config: Pick<RollupConfig, 'forks'> = {
  forks: { regolith: 0, canyon: 100, delta: 100, ecotone: 200, fjord: 200, granite: 200, holocene: 300, isthmus: 400, jovian: 500 },
}
const RANDAO = `0x${'0a'.repeat(32)}` as Hex
const FEE_VAULT = '0x4200000000000000000000000000000000000011' as Hex
const ROOT = `0x${'0b'.repeat(32)}` as Hex
const TX = '0x7e01' as Hex

/** Attributes with exactly the fields of their fork. */
function attrs(t: number, over: Partial<PayloadAttributes> = {}): PayloadAttributes {
  const a: PayloadAttributes = { timestamp: t, prevRandao: RANDAO, suggestedFeeRecipient: FEE_VAULT, transactions: [TX], noTxPool: true, gasLimit: 30_000_000n }
  if (t >= 100) a.withdrawals = []
  if (t >= 200) a.parentBeaconBlockRoot = ROOT
  if (t >= 300) a.eip1559Params = '0x000000fa00000006'
  if (t >= 500) a.minBaseFee = 1_000_000n
  return { ...a, ...over }
}

const common = { prevRandao: RANDAO, suggestedFeeRecipient: FEE_VAULT, transactions: [TX], noTxPool: true, gasLimit: '0x1c9c380' }

const codeOf = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    return e instanceof AttributesJsonError ? e.code : `not an AttributesJsonError: ${String(e)}`
  }
  return undefined
}

describe('payloadAttributesToJson', () => {
  it('default (Bedrock): V1 shape, no withdrawals or beacon root', () => {
    expect(payloadAttributesToJson(config, attrs(50))).toStrictEqual({ timestamp: '0x32', ...common })
  })

  it('default (Canyon): V2 adds withdrawals: []', () => {
    expect(payloadAttributesToJson(config, attrs(150))).toStrictEqual({ timestamp: '0x96', ...common, withdrawals: [] })
  })

  it('default (Ecotone): V3 adds parentBeaconBlockRoot', () => {
    expect(payloadAttributesToJson(config, attrs(250))).toStrictEqual({ timestamp: '0xfa', ...common, withdrawals: [], parentBeaconBlockRoot: ROOT })
  })

  it('default (Holocene/Isthmus): eip1559Params (8 bytes), all-zero allowed', () => {
    expect(payloadAttributesToJson(config, attrs(450, { eip1559Params: '0x0000000000000000' }))).toStrictEqual({
      timestamp: '0x1c2',
      ...common,
      withdrawals: [],
      parentBeaconBlockRoot: ROOT,
      eip1559Params: '0x0000000000000000',
    })
  })

  it('default (Jovian): minBaseFee as a bigint the client writes as a bare JSON number', () => {
    const json = payloadAttributesToJson(config, attrs(550))
    expect(json).toStrictEqual({
      timestamp: '0x226',
      ...common,
      withdrawals: [],
      parentBeaconBlockRoot: ROOT,
      eip1559Params: '0x000000fa00000006',
      minBaseFee: 1_000_000n,
    })
  })

  it('behavior: keys in op-node struct order', () => {
    expect(Object.keys(payloadAttributesToJson(config, attrs(550)))).toEqual([
      'timestamp', 'prevRandao', 'suggestedFeeRecipient', 'withdrawals', 'parentBeaconBlockRoot',
      'transactions', 'noTxPool', 'gasLimit', 'eip1559Params', 'minBaseFee',
    ])
  })

  it('behavior: empty transactions and noTxPool=false are omitted (omitempty)', () => {
    const json = payloadAttributesToJson(config, attrs(250, { transactions: [], noTxPool: false }))
    expect(json).not.toHaveProperty('transactions')
    expect(json).not.toHaveProperty('noTxPool')
    expect(json.gasLimit).toBe('0x1c9c380')
  })

  it('behavior: the fork is read at the attributes timestamp (activation second included)', () => {
    expect(payloadAttributesToJson(config, attrs(99))).not.toHaveProperty('withdrawals')
    expect(payloadAttributesToJson(config, attrs(100))).toHaveProperty('withdrawals', [])
    expect(payloadAttributesToJson(config, attrs(500))).toHaveProperty('minBaseFee', 1_000_000n)
  })

  it('error: fork-gated fields missing inside their fork', () => {
    expect(codeOf(() => payloadAttributesToJson(config, attrs(150, { withdrawals: undefined })))).toBe('missing-withdrawals')
    expect(codeOf(() => payloadAttributesToJson(config, attrs(250, { parentBeaconBlockRoot: undefined })))).toBe('missing-parent-beacon-block-root')
    expect(codeOf(() => payloadAttributesToJson(config, attrs(350, { eip1559Params: undefined })))).toBe('missing-eip1559-params')
    expect(codeOf(() => payloadAttributesToJson(config, attrs(550, { minBaseFee: undefined })))).toBe('missing-min-base-fee')
  })

  it('error: fork-gated fields present before their fork', () => {
    expect(codeOf(() => payloadAttributesToJson(config, attrs(50, { withdrawals: [] })))).toBe('unexpected-withdrawals')
    expect(codeOf(() => payloadAttributesToJson(config, attrs(150, { parentBeaconBlockRoot: ROOT })))).toBe('unexpected-parent-beacon-block-root')
    expect(codeOf(() => payloadAttributesToJson(config, attrs(250, { eip1559Params: '0x0000000000000000' })))).toBe('unexpected-eip1559-params')
    expect(codeOf(() => payloadAttributesToJson(config, attrs(450, { minBaseFee: 0n })))).toBe('unexpected-min-base-fee')
  })

  it('error: malformed values are critical', () => {
    expect(codeOf(() => payloadAttributesToJson(config, attrs(350, { eip1559Params: '0x00' })))).toBe('bad-eip1559-params')
    expect(codeOf(() => payloadAttributesToJson(config, attrs(550, { minBaseFee: 1n << 64n })))).toBe('bad-min-base-fee')
    expect(codeOf(() => payloadAttributesToJson(config, { ...attrs(150), withdrawals: [{}] as unknown as [] }))).toBe('unexpected-withdrawals')
    const e = (() => {
      try {
        payloadAttributesToJson(config, attrs(150, { withdrawals: undefined }))
      } catch (x) {
        return x as AttributesJsonError
      }
    })()
    expect(e?.severity).toBe('critical')
  })
})
