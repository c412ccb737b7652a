import { describe, expect, it } from 'vitest'
import { toHex } from '../../../shared/bytes.ts'
import {
  executionPayloadEnvelopeFromJson,
  executionPayloadFromJson,
  executionPayloadToJson,
} from '../../../shared/codec/payload-json.ts'
import type { PayloadVersion } from '../../../shared/codec/ssz-payload.ts'
import { codeOf } from '../../support/decode-error.ts'
import { prng } from '../../support/random.ts'
import { randomPayload } from './random-payload.ts'

/**
 * op-alloy `test_serde_roundtrip_op_execution_payload_envelope`
 * (alloy-rs/op-alloy@a93a08a021e80db8133f5f7fdccbb5639bc68d45:crates/rpc-types-engine/src/envelope.rs): an Isthmus
 * `OpExecutionPayloadEnvelope` as the engine API returns it.
 */
const ENVELOPE = {
  executionPayload: {
    parentHash: '0xe927a1448525fb5d32cb50ee1408461a945ba6c39bd5cf5621407d500ecc8de9',
    feeRecipient: '0x0000000000000000000000000000000000000000',
    stateRoot: '0x10f8a0830000e8edef6d00cc727ff833f064b1950afd591ae41357f97e543119',
    receiptsRoot: '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421',
    logsBloom: `0x${'00'.repeat(256)}`,
    prevRandao: '0xe0d8b4521a7da1582a713244ffb6a86aa1726932087386e2dc7973f43fc6cb24',
    blockNumber: '0x1',
    gasLimit: '0x2ffbd2',
    gasUsed: '0x0',
    timestamp: '0x1235',
    extraData: '0xd883010d00846765746888676f312e32312e30856c696e7578',
    baseFeePerGas: '0x342770c0',
    blockHash: '0x44d0fa5f2f73a938ebb96a2a21679eb8dea3e7b7dd8fd9f35aa756dda8bf0a8a',
    transactions: [],
    withdrawals: [],
    blobGasUsed: '0x0',
    excessBlobGas: '0x0',
    withdrawalsRoot: '0x10f8a0830000e8edef6d00cc727ff833f064b1950afd591ae41357f97e543119',
  },
  parentBeaconBlockRoot: '0x9999999999999999999999999999999999999999999999999999999999999999',
}

describe('executionPayloadFromJson', () => {
  it('default', () => {
    const payload = executionPayloadFromJson(ENVELOPE.executionPayload)
    expect(payload.blockNumber).toBe(1)
    expect(payload.gasLimit).toBe(0x2ffbd2n)
    expect(payload.baseFeePerGas).toBe(0x342770c0n)
    expect(payload.withdrawals).toEqual([])
    expect(toHex(payload.withdrawalsRoot!)).toBe(ENVELOPE.executionPayload.withdrawalsRoot)
    expect(executionPayloadToJson(payload)).toEqual(ENVELOPE.executionPayload)
  })

  it('behavior: §3 envelope carries parentBeaconBlockRoot next to executionPayload', () => {
    const { payload, parentBeaconBlockRoot } = executionPayloadEnvelopeFromJson(ENVELOPE)
    expect(toHex(parentBeaconBlockRoot!)).toBe(ENVELOPE.parentBeaconBlockRoot)
    expect(payload.timestamp).toBe(0x1235)
    expect(executionPayloadEnvelopeFromJson({ ...ENVELOPE, parentBeaconBlockRoot: null }).parentBeaconBlockRoot).toBeUndefined()
  })

  it('behavior: §3 V1 has no withdrawals, V2 adds withdrawals, V3 blob gas fields, Isthmus withdrawalsRoot', () => {
    const { withdrawals, blobGasUsed, excessBlobGas, withdrawalsRoot, ...v1 } = ENVELOPE.executionPayload
    const p1 = executionPayloadFromJson(v1)
    expect([p1.withdrawals, p1.blobGasUsed, p1.excessBlobGas, p1.withdrawalsRoot]).toEqual([undefined, undefined, undefined, undefined])
    expect(Object.keys(executionPayloadToJson(p1))).toEqual(Object.keys(v1))
    const p3 = executionPayloadFromJson({ ...v1, withdrawals, blobGasUsed, excessBlobGas })
    expect([p3.blobGasUsed, p3.excessBlobGas, p3.withdrawalsRoot]).toEqual([0n, 0n, undefined])
  })

  it('behavior: withdrawal objects use index, validatorIndex, address, amount quantities', () => {
    const w = { index: '0x1170', validatorIndex: '0x38c2c', address: '0x8f0844fd51e31ff6bf5babe21dccf7328e19fd9f', amount: '0x66edfd65' }
    const p = executionPayloadFromJson({ ...ENVELOPE.executionPayload, withdrawals: [w] })
    expect(p.withdrawals![0].validatorIndex).toBe(0x38c2cn)
    expect(executionPayloadToJson(p).withdrawals).toEqual([w])
  })

  it('behavior: round trip of random payloads through JSON (seeded)', () => {
    const rand = prng(0x150)
    for (let i = 0; i < 40; i++) {
      const payload = randomPayload(rand, ((i % 4) + 1) as PayloadVersion)
      const json = JSON.parse(JSON.stringify(executionPayloadToJson(payload)))
      expect(executionPayloadFromJson(json)).toEqual(payload)
    }
  })

  it('error: not an object / missing field', () => {
    expect(codeOf(() => executionPayloadFromJson(null))).toBe('payload-json-not-object')
    expect(codeOf(() => executionPayloadFromJson([]))).toBe('payload-json-not-object')
    const { blockHash, ...noHash } = ENVELOPE.executionPayload
    expect(codeOf(() => executionPayloadFromJson(noHash))).toBe('payload-json-missing-field')
    expect(codeOf(() => executionPayloadEnvelopeFromJson({}))).toBe('payload-json-missing-field')
  })

  it('error: invalid fields (hash length, non-minimal or oversized quantities, extraData > 32 bytes, bad hex)', () => {
    const bad = (patch: Record<string, unknown>) => codeOf(() => executionPayloadFromJson({ ...ENVELOPE.executionPayload, ...patch }))
    expect(bad({ parentHash: '0x1234' })).toBe('payload-json-invalid-field')
    expect(bad({ feeRecipient: `0x${'00'.repeat(32)}` })).toBe('payload-json-invalid-field')
    expect(bad({ gasLimit: '0x01' })).toBe('payload-json-invalid-field')
    expect(bad({ gasLimit: '0x' })).toBe('payload-json-invalid-field')
    expect(bad({ gasLimit: 5 })).toBe('payload-json-invalid-field')
    expect(bad({ gasUsed: `0x1${'0'.repeat(16)}` })).toBe('payload-json-invalid-field')
    expect(bad({ timestamp: '0x20000000000000' })).toBe('payload-json-invalid-field')
    expect(bad({ extraData: `0x${'ab'.repeat(33)}` })).toBe('payload-json-invalid-field')
    expect(bad({ transactions: ['0xzz'] })).toBe('payload-json-invalid-field')
    expect(bad({ transactions: '0x' })).toBe('payload-json-invalid-field')
    expect(bad({ withdrawals: [{ index: '0x1' }] })).toBe('payload-json-missing-field')
  })
})

describe('executionPayloadToJson', () => {
  it('default', () => {
    const json = executionPayloadToJson(executionPayloadFromJson(ENVELOPE.executionPayload))
    expect(json.blockNumber).toBe('0x1')
    expect(json.gasUsed).toBe('0x0')
  })
})
