import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { uncompress } from 'snappyjs'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../shared/bytes.ts'
import { DecodeError } from '../../../shared/errors.ts'
import {
  decodeExecutionPayload,
  encodeExecutionPayload,
  type ExecutionPayload,
  inferPayloadVersion,
  MAX_TRANSACTIONS_PER_PAYLOAD,
  type PayloadVersion,
  SSZ_PAYLOAD_FIXED_SIZE,
} from '../../../shared/codec/ssz-payload.ts'
import { codeOf } from '../../support/decode-error.ts'
import { prng } from '../../support/random.ts'
import { randomPayload } from './random-payload.ts'

type GossipVector = { name: string; input: { gossip_data: string }; expected: { payload_timestamp: number } }
const vectors: GossipVector[] = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/p2p/gossip-vectors.json'), 'utf8'),
)
const VERSIONS: PayloadVersion[] = [1, 2, 3, 4]

/** The SSZ payload inside op-alloy's gossip vector for `version` (after signature and, for v3/v4, the beacon root). */
function vectorSsz(version: PayloadVersion): Uint8Array {
  const raw = uncompress(fromHex(vectors[version - 1].input.gossip_data))
  return raw.subarray(version >= 3 ? 97 : 65)
}

function emptyPayload(version: PayloadVersion): ExecutionPayload {
  const payload = randomPayload(prng(version), version)
  return { ...payload, extraData: new Uint8Array(0), transactions: [], withdrawals: version >= 2 ? [] : undefined }
}

const setU32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(at, v, true)

describe('decodeExecutionPayload', () => {
  it('default', () => {
    const payload = decodeExecutionPayload(vectorSsz(1), 1)
    expect(payload.timestamp).toBe(1725271882)
    expect(payload.transactions).toEqual([])
    expect(toHex(payload.blockHash)).toBe('0xe60be0005b220117c32c0f3b394b346c2aa42cfa8157cd41f891aa0bec485a62')
    expect(payload.withdrawals).toBeUndefined()
  })

  for (const version of VERSIONS) {
    it(`behavior: op-alloy gossip vector v${version} payload decodes and re-encodes byte for byte`, () => {
      const ssz = vectorSsz(version)
      const payload = decodeExecutionPayload(ssz, version)
      expect(payload.timestamp).toBe(vectors[version - 1].expected.payload_timestamp)
      expect(toHex(encodeExecutionPayload(payload, version))).toBe(toHex(ssz))
    })
  }

  it('behavior: §5 fixed part is 508 / 512 / 528 / 560 bytes and the extraData offset points right after it', () => {
    expect(SSZ_PAYLOAD_FIXED_SIZE).toEqual({ 1: 508, 2: 512, 3: 528, 4: 560 })
    for (const version of VERSIONS) {
      const ssz = encodeExecutionPayload(emptyPayload(version), version)
      expect(ssz.length).toBe(SSZ_PAYLOAD_FIXED_SIZE[version])
      expect(new DataView(ssz.buffer).getUint32(436, true)).toBe(SSZ_PAYLOAD_FIXED_SIZE[version])
    }
  })

  it('behavior: §5 integers are little-endian (u64 number/gas/time at 404..435, u256 base fee at 440)', () => {
    const p = { ...emptyPayload(1), blockNumber: 0x0102, gasLimit: 0x0304n, gasUsed: 5n, timestamp: 6, baseFeePerGas: 0x0708n }
    const ssz = encodeExecutionPayload(p, 1)
    expect([ssz[404], ssz[405], ssz[412], ssz[413], ssz[420], ssz[428], ssz[440], ssz[441]]).toEqual([2, 1, 4, 3, 5, 6, 8, 7])
  })

  it('behavior: §5 v3 adds blobGasUsed and excessBlobGas, v4 adds withdrawalsRoot, in the fixed part', () => {
    const p = { ...emptyPayload(4), blobGasUsed: 7n, excessBlobGas: 9n }
    const ssz = encodeExecutionPayload(p, 4)
    expect(ssz[512]).toBe(7)
    expect(ssz[520]).toBe(9)
    expect(ssz.subarray(528, 560)).toEqual(p.withdrawalsRoot)
    const back = decodeExecutionPayload(ssz, 4)
    expect([back.blobGasUsed, back.excessBlobGas]).toEqual([7n, 9n])
  })

  it('behavior: round trip of random payloads, every layout (seeded)', () => {
    const rand = prng(0x55a)
    for (let i = 0; i < 50; i++) {
      const version = VERSIONS[i % 4]
      const payload = randomPayload(rand, version)
      const ssz = encodeExecutionPayload(payload, version)
      expect(decodeExecutionPayload(ssz, version)).toEqual(payload)
      expect(inferPayloadVersion(payload)).toBe(version)
    }
  })

  it('behavior: a first transaction offset of 0 means no transactions, as in op-node unmarshalTransactions', () => {
    const ssz = encodeExecutionPayload({ ...emptyPayload(1), transactions: [] }, 1)
    const withTail = new Uint8Array(ssz.length + 8)
    withTail.set(ssz)
    expect(decodeExecutionPayload(withTail, 1).transactions).toEqual([])
  })

  it('error: input shorter than the fixed part', () => {
    expect(codeOf(() => decodeExecutionPayload(new Uint8Array(527), 3))).toBe('ssz-payload-too-short')
  })

  it('error: extraData offset must equal the fixed size', () => {
    const ssz = encodeExecutionPayload(emptyPayload(2), 2)
    setU32(ssz, 436, 508)
    expect(codeOf(() => decodeExecutionPayload(ssz, 2))).toBe('ssz-payload-bad-extra-data-offset')
    // A v1 encoding read with the v2 layout fails the same check.
    expect(codeOf(() => decodeExecutionPayload(encodeExecutionPayload(emptyPayload(1), 1).slice(), 2))).toBe('ssz-payload-too-short')
  })

  it('error: transactions offset before the extraData offset', () => {
    const ssz = encodeExecutionPayload(emptyPayload(1), 1)
    setU32(ssz, 504, 507)
    expect(codeOf(() => decodeExecutionPayload(ssz, 1))).toBe('ssz-payload-bad-transactions-offset')
  })

  it('error: extraData longer than 32 bytes, or transactions offset beyond the input', () => {
    const ssz = encodeExecutionPayload({ ...emptyPayload(1), transactions: [new Uint8Array(40)] }, 1)
    setU32(ssz, 504, 508 + 33)
    expect(codeOf(() => decodeExecutionPayload(ssz, 1))).toBe('ssz-payload-extra-data-too-large')
    const short = encodeExecutionPayload({ ...emptyPayload(1), extraData: new Uint8Array(10) }, 1)
    expect(codeOf(() => decodeExecutionPayload(short.subarray(0, 512), 1))).toBe('ssz-payload-extra-data-too-large')
  })

  it('error: withdrawals offset before the transactions offset or beyond the input', () => {
    const ssz = encodeExecutionPayload({ ...emptyPayload(2), extraData: new Uint8Array(4), transactions: [new Uint8Array(3)] }, 2)
    setU32(ssz, 508, 515) // transactions start at 516
    expect(codeOf(() => decodeExecutionPayload(ssz, 2))).toBe('ssz-payload-bad-withdrawals-offset')
    setU32(ssz, 508, ssz.length + 1)
    expect(codeOf(() => decodeExecutionPayload(ssz, 2))).toBe('ssz-payload-bad-withdrawals-offset')
  })

  it('error: transaction offsets — multiple of 4, in bounds, non-decreasing', () => {
    const txs = [Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5)]
    const base = encodeExecutionPayload({ ...emptyPayload(1), transactions: txs }, 1)
    const mutate = (at: number, v: number) => {
      const b = base.slice()
      setU32(b, 508 + at, v)
      return codeOf(() => decodeExecutionPayload(b, 1))
    }
    expect(mutate(0, 6)).toBe('ssz-payload-bad-transaction-offset') // not a multiple of 4
    expect(mutate(0, 400)).toBe('ssz-payload-bad-transaction-offset') // beyond the section
    expect(mutate(4, 7)).toBe('ssz-payload-bad-transaction-offset') // before the previous offset (8)
    expect(mutate(4, 99)).toBe('ssz-payload-bad-transaction-offset') // beyond the section
    const tiny = encodeExecutionPayload(emptyPayload(1), 1)
    const three = new Uint8Array(tiny.length + 3)
    three.set(tiny)
    expect(codeOf(() => decodeExecutionPayload(three, 1))).toBe('ssz-payload-bad-transaction-offset')
  })

  it('error: more than 2^20 transactions', () => {
    const fixed = encodeExecutionPayload(emptyPayload(1), 1)
    const count = MAX_TRANSACTIONS_PER_PAYLOAD + 1
    const ssz = new Uint8Array(fixed.length + count * 4)
    ssz.set(fixed)
    setU32(ssz, fixed.length, count * 4)
    expect(codeOf(() => decodeExecutionPayload(ssz, 1))).toBe('ssz-payload-too-many-transactions')
  })

  it('error: withdrawals must be a multiple of 44 bytes and at most 16', () => {
    const ssz = encodeExecutionPayload(emptyPayload(2), 2)
    const odd = new Uint8Array(ssz.length + 43)
    odd.set(ssz)
    expect(codeOf(() => decodeExecutionPayload(odd, 2))).toBe('ssz-payload-bad-withdrawals-size')
    const many = new Uint8Array(ssz.length + 17 * 44)
    many.set(ssz)
    expect(codeOf(() => decodeExecutionPayload(many, 2))).toBe('ssz-payload-too-many-withdrawals')
  })

  it('error: block number or timestamp above 2^53 - 1', () => {
    const ssz = encodeExecutionPayload(emptyPayload(1), 1)
    new DataView(ssz.buffer).setBigUint64(428, 1n << 60n, true)
    expect(codeOf(() => decodeExecutionPayload(ssz, 1))).toBe('ssz-payload-number-too-large')
  })

  it('error: truncated random inputs only ever throw DecodeError', () => {
    const rand = prng(7)
    for (let i = 0; i < 200; i++) {
      const version = VERSIONS[i % 4]
      const ssz = encodeExecutionPayload(randomPayload(rand, version), version)
      const cut = ssz.subarray(0, Math.floor(rand() * ssz.length))
      const flipped = ssz.slice()
      flipped[Math.floor(rand() * ssz.length)] ^= 0xff
      for (const input of [cut, flipped]) {
        try {
          decodeExecutionPayload(input, version)
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError)
        }
      }
    }
  })
})

describe('encodeExecutionPayload', () => {
  it('default', () => {
    expect(encodeExecutionPayload(emptyPayload(1)).length).toBe(508)
  })

  it('error: refuses extraData over 32 bytes and missing fork fields', () => {
    expect(() => encodeExecutionPayload({ ...emptyPayload(1), extraData: new Uint8Array(33) })).toThrow(RangeError)
    expect(() => encodeExecutionPayload({ ...emptyPayload(2), withdrawals: undefined }, 2)).toThrow(RangeError)
    expect(() => encodeExecutionPayload({ ...emptyPayload(4), withdrawalsRoot: undefined }, 4)).toThrow(RangeError)
  })
})
