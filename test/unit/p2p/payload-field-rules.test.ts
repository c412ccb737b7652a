import { describe, expect, it } from 'vitest'
import type { ExecutionPayload } from '../../../shared/codec/ssz-payload.ts'
import { decodeGossipMessage, type GossipVersion } from '../../../shared/p2p/gossip-envelope.ts'
import { payloadFieldViolation } from '../../../shared/p2p/payload-field-rules.ts'
import { configWith, FORKS_AT_VERSION, signedBlock, validPayload } from './gossip-block-fixtures.ts'

// Each rule is exercised on the decoded structure. Rules marked "guard" cannot fail for a payload decoded from the wire
// (the SSZ layout of the topic decides which fields exist); the last test pins that.
const preJovian = configWith(FORKS_AT_VERSION[4])
const jovian = configWith()
const ROOT = new Uint8Array(32).fill(1)

/** `root: null` leaves the beacon root out (v3/v4). */
function check(version: GossipVersion, fields: Partial<ExecutionPayload>, root: Uint8Array | null = ROOT, config = preJovian) {
  const { payload } = validPayload({ version })
  const p = { ...payload, ...fields } as ExecutionPayload
  for (const [k, v] of Object.entries(fields)) if (v === undefined) delete (p as Record<string, unknown>)[k]
  return payloadFieldViolation(config, version, p, version >= 3 ? (root ?? undefined) : undefined)
}

const W = { index: 0n, validatorIndex: 0n, address: new Uint8Array(20), amount: 0n }

describe('payloadFieldViolation', () => {
  it('default: a valid payload of each version passes', () => {
    for (const v of [1, 2, 3, 4] as GossipVersion[]) expect(check(v, {})).toBeUndefined()
  })

  it('error: withdrawals-in-v1 (guard)', () => expect(check(1, { withdrawals: [] })).toBe('withdrawals-in-v1'))
  it('error: withdrawals-missing (guard)', () => expect(check(2, { withdrawals: undefined })).toBe('withdrawals-missing'))
  it('error: withdrawals-non-empty', () => expect(check(3, { withdrawals: [W] })).toBe('withdrawals-non-empty'))
  it('error: blob-gas-unexpected (guard)', () => expect(check(2, { blobGasUsed: 0n })).toBe('blob-gas-unexpected'))
  it('error: excess-blob-gas-unexpected (guard)', () =>
    expect(check(1, { excessBlobGas: 0n })).toBe('excess-blob-gas-unexpected'))
  it('error: blob-gas-used-missing (guard), also after Jovian', () => {
    expect(check(3, { blobGasUsed: undefined })).toBe('blob-gas-used-missing')
    expect(check(4, { blobGasUsed: undefined }, ROOT, jovian)).toBe('blob-gas-used-missing')
  })
  it('error: blob-gas-used-non-zero before Jovian, allowed from Jovian', () => {
    expect(check(3, { blobGasUsed: 1n })).toBe('blob-gas-used-non-zero')
    expect(check(4, { blobGasUsed: 1n }, ROOT, jovian)).toBeUndefined()
  })
  it('error: excess-blob-gas-invalid — missing (guard) or non-zero', () => {
    expect(check(3, { excessBlobGas: undefined })).toBe('excess-blob-gas-invalid')
    expect(check(4, { excessBlobGas: 7n }, ROOT, jovian)).toBe('excess-blob-gas-invalid')
  })
  it('error: parent-beacon-root-missing (guard)', () =>
    expect(check(3, {}, null)).toBe('parent-beacon-root-missing'))
  it('error: withdrawals-root-unexpected (guard)', () =>
    expect(check(3, { withdrawalsRoot: ROOT })).toBe('withdrawals-root-unexpected'))
  it('error: withdrawals-root-missing (guard)', () =>
    expect(check(4, { withdrawalsRoot: undefined })).toBe('withdrawals-root-missing'))

  it('behavior: op-node order — withdrawals, then blob fields, then the beacon root, then the withdrawals root', () => {
    expect(check(4, { withdrawals: [W], blobGasUsed: 1n, withdrawalsRoot: undefined }, null)).toBe(
      'withdrawals-non-empty',
    )
    expect(check(4, { blobGasUsed: 1n, excessBlobGas: 1n, withdrawalsRoot: undefined }, null)).toBe(
      'blob-gas-used-non-zero',
    )
    expect(check(4, { excessBlobGas: 1n, withdrawalsRoot: undefined }, null)).toBe('excess-blob-gas-invalid')
    expect(check(4, { withdrawalsRoot: undefined }, null)).toBe('parent-beacon-root-missing')
  })

  it('behavior: the guards hold for any decoded message — the layout fixes which fields exist', () => {
    for (const version of [1, 2, 3, 4] as GossipVersion[]) {
      const msg = decodeGossipMessage(signedBlock({ version }).data, version)
      expect(msg.payload.withdrawals !== undefined).toBe(version >= 2)
      expect(msg.payload.blobGasUsed !== undefined && msg.payload.excessBlobGas !== undefined).toBe(version >= 3)
      expect(msg.parentBeaconBlockRoot !== undefined).toBe(version >= 3)
      expect(msg.payload.withdrawalsRoot !== undefined).toBe(version >= 4)
    }
  })
})
