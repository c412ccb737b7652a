import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { toRlp } from 'viem'
import { describe, expect, it } from 'vitest'
import { bytesEqual, concatBytes, fromHex } from '../../../shared/bytes.ts'
import { DecodeError } from '../../../shared/errors.ts'
import { type DecodedBatch, decodeBatch, encodeBatch } from '../../../shared/codec/batch.ts'
import type { RawSpanBatch } from '../../../shared/codec/span-batch.ts'
import { codeOf } from '../../support/decode-error.ts'
import { prng } from '../../support/random.ts'

const RAW = new Uint8Array(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/batches/raw_span_batch.bin')))
const SPAN = concatBytes(Uint8Array.of(0x01), RAW)
const SINGULAR = fromHex(`0x00f853a0${'11'.repeat(32)}8204d2a0${'22'.repeat(32)}846553f100c88202c084deadbeef`)

describe('decodeBatch', () => {
  it('default', () => {
    const singular = decodeBatch(SINGULAR)
    expect(singular.type).toBe(0)
    if (singular.type === 0) expect(singular.batch.epochNumber).toBe(1234)
    const span = decodeBatch(SPAN)
    expect(span.type).toBe(1)
    if (span.type === 1) expect(span.batch.blockCount).toBe(4)
  })

  it('behavior: §2.6 batch type 0 → singular; type 1 → span batch (raw; derive separately)', () => {
    expect(bytesEqual(encodeBatch(decodeBatch(SINGULAR)), SINGULAR)).toBe(true)
    expect(bytesEqual(encodeBatch(decodeBatch(SPAN)), SPAN)).toBe(true)
  })

  it('error: §2.7 version 2 (fee_recipients) is an unactivated proposal — do not implement', () => {
    expect(codeOf(() => decodeBatch(concatBytes(Uint8Array.of(0x02), RAW)))).toBe('unknown-batch-type')
  })

  it('error: any other batch type', () => {
    for (const type of [0x03, 0x7e, 0x80, 0xff]) {
      expect(codeOf(() => decodeBatch(concatBytes(Uint8Array.of(type), RAW)))).toBe('unknown-batch-type')
    }
  })

  it('error: empty batch ("batch too short")', () => {
    expect(codeOf(() => decodeBatch(new Uint8Array(0)))).toBe('empty-batch')
  })

  it('error: truncated at every byte offset throws DecodeError only', () => {
    for (const payload of [SINGULAR, SPAN]) {
      for (let i = 0; i < payload.length; i++) {
        expect(codeOf(() => decodeBatch(payload.subarray(0, i)))).toBeTypeOf('string')
      }
    }
  })
})

describe('encodeBatch', () => {
  it('behavior: round trip of random singular and span batches (seeded property test)', () => {
    const rand = prng(31337)
    const int = (n: number) => Math.floor(rand() * n)
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256))
    for (let i = 0; i < 200; i++) {
      let batch: DecodedBatch
      if (rand() < 0.5) {
        batch = {
          type: 0,
          batch: {
            parentHash: bytes(32),
            epochNumber: int(2 ** 40),
            epochHash: bytes(32),
            timestamp: int(2 ** 40),
            transactions: Array.from({ length: int(4) }, () => bytes(int(50))),
          },
        }
      } else {
        const blockCount = 1 + int(4)
        const blockTxCounts = Array.from({ length: blockCount }, () => int(3))
        const n = blockTxCounts.reduce((a, b) => a + b, 0)
        const datas = Array.from({ length: n }, () =>
          concatBytes(Uint8Array.of(1 + int(2)), toRlp([`0x${'ab'.repeat(int(40))}`], 'bytes')),
        )
        const raw: RawSpanBatch = {
          relTimestamp: BigInt(int(2 ** 31)),
          l1OriginNumber: BigInt(int(2 ** 31)),
          parentCheck: bytes(20),
          l1OriginCheck: bytes(20),
          blockCount,
          originBits: Uint8Array.from({ length: blockCount }, () => int(2)),
          blockTxCounts,
          txs: {
            contractCreationBits: new Uint8Array(n),
            yParityBits: Uint8Array.from({ length: n }, () => int(2)),
            sigs: Array.from({ length: n }, () => ({ r: bytes(32), s: bytes(32) })),
            tos: Array.from({ length: n }, () => bytes(20)),
            datas,
            nonces: Array.from({ length: n }, () => BigInt(int(2 ** 31))),
            gases: Array.from({ length: n }, () => BigInt(int(2 ** 31))),
            protectedBits: new Uint8Array(0),
          },
        }
        batch = { type: 1, batch: raw }
      }
      const enc = encodeBatch(batch)
      expect(enc[0]).toBe(batch.type)
      expect(decodeBatch(enc)).toEqual(batch)
    }
  })
})
