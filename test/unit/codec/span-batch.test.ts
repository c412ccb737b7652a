import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inflateSync } from 'node:zlib'
import {
  type Hex,
  parseTransaction,
  recoverTransactionAddress,
  serializeTransaction,
  type TransactionSerializable,
  toRlp,
} from 'viem'
import { describe, expect, it } from 'vitest'
import { bytesEqual, concatBytes, fromHex, toHex } from '../../../shared/bytes.ts'
import { DecodeError } from '../../../shared/errors.ts'
import { readRlpHeader } from '../../../shared/codec/rlp.ts'
import { decodeBatch } from '../../../shared/codec/batch.ts'
import { encodeUvarint } from '../../../shared/codec/uvarint.ts'
import { encodeBitlist } from '../../../shared/codec/bitlist.ts'
import {
  decodeRawSpanBatch,
  deriveSpanBatch,
  encodeRawSpanBatch,
  type RawSpanBatch,
  spanBatchStartEpochNumber,
  toRawSpanBatch,
} from '../../../shared/codec/span-batch.ts'
import { codeOf } from '../../support/decode-error.ts'
import { prng } from '../../support/random.ts'

type Rand = ReturnType<typeof prng>
const int = (rand: Rand, n: number) => Math.floor(rand() * n)
const randBytes = (rand: Rand, n: number) => Uint8Array.from({ length: n }, () => int(rand, 256))
const randHex = (rand: Rand, n: number) => toHex(randBytes(rand, n))
/** A 32-byte signature word, sometimes with leading zero bytes to exercise integer trimming. */
const randWord = (rand: Rand): Hex => {
  const w = randBytes(rand, 32)
  w.fill(0, 0, rand() < 0.2 ? int(rand, 4) : 0)
  if (w.every((x) => x === 0)) w[31] = 1
  return toHex(w)
}

const fixture = (name: string) => join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/batches', name)
/** op-node pipeline span batch (kona `batch/testdata/raw_batch.hex`): prefix ++ payload, **no** 0x01 type byte. */
const RAW = new Uint8Array(readFileSync(fixture('raw_span_batch.bin')))

/** kona `testdata/batch.hex`: zlib channel holding one RLP string = 0x01 ++ span batch (OP Mainnet, June 2024). */
function batchHexPayload() {
  const hex = readFileSync(fixture('batch.hex'), 'utf8').trim()
  const inflated = new Uint8Array(inflateSync(Buffer.from(hex, 'hex')))
  const h = readRlpHeader(inflated, 0)
  return { inflated, header: h, payload: inflated.subarray(h.start, h.end) }
}

/** A minimal valid prefix + block count + per-block fields, for limit tests. */
function prefix(): Uint8Array {
  return concatBytes(encodeUvarint(0), encodeUvarint(0), new Uint8Array(40))
}

describe('decodeRawSpanBatch', () => {
  it('default: op-node pipeline vector decodes and re-encodes byte-identically', () => {
    const raw = decodeRawSpanBatch(RAW)
    expect(raw.relTimestamp).toBe(1639845645n)
    expect(raw.l1OriginNumber).toBe(16988980031808077784n)
    expect(toHex(raw.parentCheck)).toBe('0x01ddf682e2f8a6f10c2207e02322897e65317196')
    expect(toHex(raw.l1OriginCheck)).toBe('0x8527cdb6f601acf9b483817abd1da92790c92b19')
    expect(raw.blockCount).toBe(4)
    expect([...raw.originBits]).toEqual([0, 0, 1, 1])
    expect(raw.blockTxCounts).toEqual([8, 15, 15, 1])
    expect(raw.txs.datas).toHaveLength(39)
    expect(raw.txs.protectedBits).toHaveLength(20)
    expect(bytesEqual(encodeRawSpanBatch(raw), RAW)).toBe(true)
  })

  it('error: truncated at every byte offset of the vector throws DecodeError only', () => {
    for (let i = 0; i < RAW.length; i++) {
      expect(codeOf(() => decodeRawSpanBatch(RAW.subarray(0, i)))).toBeTypeOf('string')
    }
  })

  it('behavior: mutated vectors throw DecodeError only, from decode and derive (seeded fuzz)', () => {
    const rand = prng(99)
    for (let i = 0; i < 1500; i++) {
      const bytes = RAW.slice()
      for (let k = 0, n = 1 + int(rand, 4); k < n; k++) bytes[int(rand, bytes.length)] = int(rand, 256)
      const cut = rand() < 0.3 ? bytes.subarray(0, int(rand, bytes.length)) : bytes
      codeOf(() => deriveSpanBatch(decodeRawSpanBatch(cut), { genesisL2Time: 0, blockTime: 2, l2ChainId: 10 }))
    }
  })

  it('behavior: bytes after the last field are ignored (op-node never checks EOF)', () => {
    const raw = decodeRawSpanBatch(concatBytes(RAW, Uint8Array.of(1, 2, 3)))
    expect(bytesEqual(encodeRawSpanBatch(raw), RAW)).toBe(true)
  })

  it('error: §2.7 limits: block_count ∈ [1, 10,000,000]; each block_tx_count ≤ 10,000,000; Σ counts ≤ 10,000,000', () => {
    expect(codeOf(() => decodeRawSpanBatch(concatBytes(prefix(), encodeUvarint(0))))).toBe('span-batch-empty')
    expect(codeOf(() => decodeRawSpanBatch(concatBytes(prefix(), encodeUvarint(10_000_001))))).toBe(
      'span-batch-too-big',
    )
    // 10,000,000 passes the limit; the missing 1.25 MB of origin bits is what fails.
    expect(codeOf(() => decodeRawSpanBatch(concatBytes(prefix(), encodeUvarint(10_000_000))))).toBe(
      'bitlist-truncated',
    )
    const oneBlock = (count: number) =>
      concatBytes(prefix(), encodeUvarint(1), encodeBitlist([0]), encodeUvarint(count))
    expect(codeOf(() => decodeRawSpanBatch(oneBlock(10_000_001)))).toBe('span-batch-too-big')
    expect(codeOf(() => decodeRawSpanBatch(oneBlock(10_000_000)))).toBe('bitlist-truncated')
    const twoBlocks = concatBytes(
      prefix(),
      encodeUvarint(2),
      encodeBitlist([0, 0]),
      encodeUvarint(6_000_000),
      encodeUvarint(4_000_001),
    )
    expect(codeOf(() => decodeRawSpanBatch(twoBlocks))).toBe('span-batch-too-big')
  })

  it('behavior: §2.7 tx_datas element: first byte ≤ 0x7F is a type byte followed by an RLP list, else a legacy RLP list; RLP value size limited to 10,000,000', () => {
    const withData = (data: Uint8Array, legacy: boolean) =>
      concatBytes(
        prefix(),
        encodeUvarint(1),
        encodeBitlist([1]),
        encodeUvarint(1),
        encodeBitlist([1]), // contract creation: no `to`
        encodeBitlist([0]),
        new Uint8Array(64),
        data,
        encodeUvarint(0),
        encodeUvarint(21000),
        legacy ? encodeBitlist([0]) : new Uint8Array(0),
      )
    const list = toRlp(['0x01', '0x02', '0x'], 'bytes')
    expect(decodeRawSpanBatch(withData(list, true)).txs.datas[0]).toEqual(list)
    expect(decodeRawSpanBatch(withData(concatBytes(Uint8Array.of(0x7f), list), false)).txs.datas[0][0]).toBe(0x7f)
    expect(codeOf(() => decodeRawSpanBatch(withData(toRlp('0x0102', 'bytes'), true)))).toBe('rlp-expected-list')
    expect(codeOf(() => decodeRawSpanBatch(withData(Uint8Array.of(0x02, 0x82, 1, 2), false)))).toBe(
      'rlp-expected-list',
    )
    // A list item of exactly 10,000,000 bytes (header included) is accepted, one byte more is not.
    const big = (payload: number) => {
      const header = Uint8Array.of(0xfa, (payload >> 16) & 0xff, (payload >> 8) & 0xff, payload & 0xff)
      return concatBytes(header, new Uint8Array(payload).fill(0x01))
    }
    expect(decodeRawSpanBatch(withData(big(10_000_000 - 4), true)).txs.datas[0]).toHaveLength(10_000_000)
    expect(codeOf(() => decodeRawSpanBatch(withData(big(10_000_000 - 3), true)))).toBe('rlp-value-too-large')
  })

  it('behavior: §2.7 any other tx type → span batch invalid (op-node rejects it in recoverV, at derive time)', () => {
    const raw = decodeRawSpanBatch(RAW)
    const typed = raw.txs.datas.findIndex((d) => d[0] === 0x02)
    const bad: RawSpanBatch = {
      ...raw,
      txs: { ...raw.txs, datas: raw.txs.datas.map((d, i) => (i === typed ? Uint8Array.of(0x03, ...d.subarray(1)) : d)) },
    }
    const decoded = decodeRawSpanBatch(encodeRawSpanBatch(bad))
    expect(decoded.txs.datas[typed][0]).toBe(0x03)
    expect(codeOf(() => deriveSpanBatch(decoded, { genesisL2Time: 0, blockTime: 2, l2ChainId: 10 }))).toBe(
      'span-batch-tx-type',
    )
    // A 0x00 type byte is recorded as type 0 (legacy, so it owns a protected bit) and fails when decoded.
    const zero: RawSpanBatch = {
      ...raw,
      txs: {
        ...raw.txs,
        datas: raw.txs.datas.map((d, i) => (i === typed ? Uint8Array.of(0x00, ...d.subarray(1)) : d)),
        protectedBits: Uint8Array.from([...raw.txs.protectedBits, 0]),
      },
    }
    expect(decodeRawSpanBatch(encodeRawSpanBatch(zero)).txs.protectedBits).toHaveLength(21)
    expect(codeOf(() => deriveSpanBatch(zero, { genesisL2Time: 0, blockTime: 2, l2ChainId: 10 }))).toBe(
      'span-batch-tx-type',
    )
  })
})

describe('encodeRawSpanBatch', () => {
  it('error: inconsistent or out-of-limit batches', () => {
    const raw = decodeRawSpanBatch(RAW)
    expect(() => encodeRawSpanBatch({ ...raw, blockCount: 0, originBits: new Uint8Array(), blockTxCounts: [] })).toThrow(
      RangeError,
    )
    expect(() => encodeRawSpanBatch({ ...raw, blockTxCounts: [8, 15, 15, 2] })).toThrow(RangeError)
    expect(() => encodeRawSpanBatch({ ...raw, parentCheck: new Uint8Array(32) })).toThrow(RangeError)
    expect(() => encodeRawSpanBatch({ ...raw, txs: { ...raw.txs, tos: raw.txs.tos.slice(1) } })).toThrow(RangeError)
    expect(() => encodeRawSpanBatch({ ...raw, txs: { ...raw.txs, protectedBits: new Uint8Array(3) } })).toThrow(
      RangeError,
    )
  })

  it('behavior: round trip of random raw span batches, any type byte and uint64 nonces/gases (seeded property test)', () => {
    const rand = prng(2024)
    const uint64 = () => (BigInt(int(rand, 2 ** 32)) << BigInt(int(rand, 33))) & ((1n << 64n) - 1n)
    for (let iter = 0; iter < 200; iter++) {
      const blockCount = 1 + int(rand, 12)
      const blockTxCounts = Array.from({ length: blockCount }, () => int(rand, 5))
      const n = blockTxCounts.reduce((a, b) => a + b, 0)
      const datas = Array.from({ length: n }, () => {
        const body = toRlp(Array.from({ length: int(rand, 4) }, () => randHex(rand, int(rand, 70))), 'bytes')
        return rand() < 0.4 ? body : concatBytes(Uint8Array.of(int(rand, 0x80)), body)
      })
      const legacy = datas.filter((d) => d[0] > 0x7f || d[0] === 0).length
      const creation = Uint8Array.from({ length: n }, () => (rand() < 0.2 ? 1 : 0))
      const raw: RawSpanBatch = {
        relTimestamp: uint64(),
        l1OriginNumber: uint64(),
        parentCheck: randBytes(rand, 20),
        l1OriginCheck: randBytes(rand, 20),
        blockCount,
        originBits: Uint8Array.from({ length: blockCount }, () => int(rand, 2)),
        blockTxCounts,
        txs: {
          contractCreationBits: creation,
          yParityBits: Uint8Array.from({ length: n }, () => int(rand, 2)),
          sigs: Array.from({ length: n }, () => ({ r: randBytes(rand, 32), s: randBytes(rand, 32) })),
          tos: Array.from({ length: n - creation.reduce((a, b) => a + b, 0) }, () => randBytes(rand, 20)),
          datas,
          nonces: Array.from({ length: n }, uint64),
          gases: Array.from({ length: n }, uint64),
          protectedBits: Uint8Array.from({ length: legacy }, () => int(rand, 2)),
        },
      }
      const enc = encodeRawSpanBatch(raw)
      expect(decodeRawSpanBatch(enc)).toEqual(raw)
    }
  })
})

describe('deriveSpanBatch', () => {
  it('default: §2.7 derivation: block i timestamp = genesis.l2_time + rel_timestamp + i*block_time; L1 origins computed backwards from the last block', () => {
    const raw = decodeRawSpanBatch(RAW)
    const batch = deriveSpanBatch(raw, { genesisL2Time: 10, blockTime: 2, l2ChainId: 10 })
    expect(batch.blocks.map((b) => b.timestamp)).toEqual([1639845655n, 1639845657n, 1639845659n, 1639845661n])
    // origin_bits = [0, 0, 1, 1]: the last block is at l1_origin_num, each set bit i ≥ 1 steps back once.
    expect(batch.blocks.map((b) => b.l1OriginNumber)).toEqual([
      16988980031808077782n,
      16988980031808077782n,
      16988980031808077783n,
      16988980031808077784n,
    ])
    expect(spanBatchStartEpochNumber(raw)).toBe(16988980031808077782n)
    expect(batch.blocks.map((b) => b.transactions.length)).toEqual([8, 15, 15, 1])
    expect(batch.parentCheck).toEqual(raw.parentCheck)
    expect(batch.l1OriginCheck).toEqual(raw.l1OriginCheck)
  })

  it('behavior: derived txs are canonical: splitting them again reproduces the vector byte for byte', () => {
    const raw = decodeRawSpanBatch(RAW)
    for (const l2ChainId of [0, 10, 901, 2n ** 64n + 7n]) {
      const derived = deriveSpanBatch(raw, { genesisL2Time: 0, blockTime: 2, l2ChainId })
      const again = toRawSpanBatch(derived.blocks, {
        genesisL2Time: 0,
        blockTime: 2,
        l2ChainId,
        parentHash: raw.parentCheck,
        l1OriginHash: raw.l1OriginCheck,
        firstBlockSequenceNumber: raw.originBits[0] === 1 ? 0 : 1,
      })
      expect(bytesEqual(encodeRawSpanBatch(again), RAW)).toBe(true)
    }
  })

  it('behavior: uint64 arithmetic wraps like Go', () => {
    const raw = decodeRawSpanBatch(RAW)
    const wrapped = { ...raw, relTimestamp: 2n ** 64n - 3n, l1OriginNumber: 0n }
    const batch = deriveSpanBatch(wrapped, { genesisL2Time: 1, blockTime: 2, l2ChainId: 10 })
    expect(batch.blocks.map((b) => b.timestamp)).toEqual([2n ** 64n - 2n, 0n, 2n, 4n])
    expect(batch.blocks.map((b) => b.l1OriginNumber)).toEqual([2n ** 64n - 2n, 2n ** 64n - 2n, 2n ** 64n - 1n, 0n])
    expect(spanBatchStartEpochNumber(wrapped)).toBe(2n ** 64n - 2n)
  })

  it('behavior: §2.7 signature V: legacy protected → chainId*2+35+y_parity, unprotected → 27+y_parity, typed → y_parity; to = nil for creation; chainId = L2 chain id', async () => {
    const r = `0x${'00'.repeat(3)}${'ab'.repeat(29)}` as Hex
    const s = `0x${'cd'.repeat(32)}` as Hex
    const to = `0x${'77'.repeat(20)}` as Hex
    const txs = [
      serializeTransaction({ type: 'legacy', chainId: 10, nonce: 1, gasPrice: 7n, gas: 21000n, to, value: 1n }, { r, s, v: 28n }),
      serializeTransaction({ type: 'legacy', nonce: 2, gasPrice: 7n, gas: 53000n, data: '0x6001' }, { r, s, v: 27n }),
      serializeTransaction({ type: 'eip2930', chainId: 10, nonce: 3, gasPrice: 7n, gas: 30000n, to, accessList: [{ address: to, storageKeys: [`0x${'01'.repeat(32)}`] }] }, { r, s, yParity: 1 }),
      serializeTransaction({ type: 'eip1559', chainId: 10, nonce: 4, maxFeePerGas: 9n, maxPriorityFeePerGas: 1n, gas: 60000n, data: '0x60016002' }, { r, s, yParity: 0 }),
      serializeTransaction({ type: 'eip7702', chainId: 10, nonce: 5, maxFeePerGas: 9n, maxPriorityFeePerGas: 1n, gas: 90000n, to, authorizationList: [{ address: to, chainId: 10, nonce: 9, r, s, yParity: 1 }] }, { r, s, yParity: 1 }),
    ]
    const raw = toRawSpanBatch([{ timestamp: 100, l1OriginNumber: 5, transactions: txs.map(fromHex) }], {
      genesisL2Time: 0,
      blockTime: 2,
      l2ChainId: 10,
      parentHash: new Uint8Array(32),
      l1OriginHash: new Uint8Array(32),
      firstBlockSequenceNumber: 0,
    })
    expect([...raw.txs.contractCreationBits]).toEqual([0, 1, 0, 1, 0])
    expect([...raw.txs.yParityBits]).toEqual([1, 0, 1, 0, 1])
    expect([...raw.txs.protectedBits]).toEqual([1, 0])
    const [block] = deriveSpanBatch(decodeRawSpanBatch(encodeRawSpanBatch(raw)), {
      genesisL2Time: 0,
      blockTime: 2,
      l2ChainId: 10,
    }).blocks
    const parsed = block.transactions.map((t) => parseTransaction(toHex(t)))
    expect(parsed[0].v).toBe(10n * 2n + 35n + 1n)
    expect(parsed[1].v).toBe(27n)
    expect(parsed[1].to).toBeUndefined()
    expect(parsed.slice(2).map((p) => [p.chainId, p.yParity])).toEqual([
      [10, 1],
      [10, 0],
      [10, 1],
    ])
    expect(parsed[3].to).toBeUndefined()
    expect(block.transactions.map(toHex)).toEqual(txs)
    // With another chain id the typed txs carry it and the protected legacy V follows it.
    const other = deriveSpanBatch(raw, { genesisL2Time: 0, blockTime: 2, l2ChainId: 8453 }).blocks[0]
    expect(parseTransaction(toHex(other.transactions[0])).v).toBe(8453n * 2n + 35n + 1n)
    expect(parseTransaction(toHex(other.transactions[4])).chainId).toBe(8453)
    expect(await recoverTransactionAddress({ serializedTransaction: txs[3] as never })).toMatch(/^0x/)
  })

  it('error: a SetCode (type 4) tx marked as contract creation', () => {
    const to = `0x${'77'.repeat(20)}` as Hex
    const tx = serializeTransaction(
      { type: 'eip7702', chainId: 10, nonce: 0, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n, gas: 50000n, to, authorizationList: [] },
      { r: `0x${'11'.repeat(32)}`, s: `0x${'22'.repeat(32)}`, yParity: 0 },
    )
    const raw = toRawSpanBatch([{ timestamp: 2, l1OriginNumber: 1, transactions: [fromHex(tx)] }], {
      genesisL2Time: 0,
      blockTime: 2,
      l2ChainId: 10,
      parentHash: new Uint8Array(32),
      l1OriginHash: new Uint8Array(32),
      firstBlockSequenceNumber: 3,
    })
    const creation = { ...raw, txs: { ...raw.txs, contractCreationBits: Uint8Array.of(1), tos: [] } }
    expect(codeOf(() => deriveSpanBatch(creation, { genesisL2Time: 0, blockTime: 2, l2ChainId: 10 }))).toBe(
      'span-batch-tx-missing-to',
    )
  })

  it('error: malformed tx data element (geth rlp strictness at derive time)', () => {
    const raw = decodeRawSpanBatch(RAW)
    const legacy = raw.txs.datas.findIndex((d) => d[0] > 0x7f)
    const withData = (data: Uint8Array) => ({
      ...raw,
      txs: { ...raw.txs, datas: raw.txs.datas.map((d, i) => (i === legacy ? data : d)) },
    })
    const params = { genesisL2Time: 0, blockTime: 2, l2ChainId: 10 }
    expect(codeOf(() => deriveSpanBatch(withData(toRlp(['0x01', '0x02'], 'bytes')), params))).toBe(
      'rlp-too-few-elements',
    )
    expect(codeOf(() => deriveSpanBatch(withData(toRlp(['0x01', '0x02', '0x', '0x'], 'bytes')), params))).toBe(
      'rlp-too-many-elements',
    )
    expect(codeOf(() => deriveSpanBatch(withData(toRlp(['0x0001', '0x02', '0x'], 'bytes')), params))).toBe(
      'rlp-non-canonical-int',
    )
    expect(codeOf(() => deriveSpanBatch(withData(toRlp(['0x01', '0x02', ['0x']], 'bytes')), params))).toBe(
      'rlp-expected-string',
    )
    // Legacy / type 1 / type 2 amounts are unbounded big.Int in op-node: 33 bytes is accepted.
    expect(deriveSpanBatch(withData(toRlp([`0x01${'00'.repeat(32)}`, '0x02', '0x'], 'bytes')), params).blocks).toHaveLength(4)
  })
})

describe('toRawSpanBatch', () => {
  it('behavior: §2.7 rel_timestamp = span_start.timestamp − genesis.l2_time; l1_origin_num = L1 origin of the last block; parent_check = span_start.parent_hash[:20]; l1_origin_check = span_end.l1_origin.hash[:20]', () => {
    const parentHash = Uint8Array.from({ length: 32 }, (_, i) => i)
    const l1OriginHash = Uint8Array.from({ length: 32 }, (_, i) => 100 + i)
    const raw = toRawSpanBatch(
      [
        { timestamp: 1000, l1OriginNumber: 50, transactions: [Uint8Array.of(0x7e, 0xc0)] },
        { timestamp: 1002, l1OriginNumber: 51, transactions: [] },
        { timestamp: 1004, l1OriginNumber: 51, transactions: [] },
      ],
      { genesisL2Time: 400, blockTime: 2, l2ChainId: 10, parentHash, l1OriginHash, firstBlockSequenceNumber: 0 },
    )
    expect(raw.relTimestamp).toBe(600n)
    expect(raw.l1OriginNumber).toBe(51n)
    expect(raw.parentCheck).toEqual(parentHash.subarray(0, 20))
    expect(raw.l1OriginCheck).toEqual(l1OriginHash.subarray(0, 20))
    expect([...raw.originBits]).toEqual([1, 1, 0])
    expect(raw.blockTxCounts).toEqual([0, 0, 0]) // the deposit is left out
    expect(spanBatchStartEpochNumber(raw)).toBe(50n)
  })

  it('error: blocks a span batch cannot express', () => {
    const p = {
      genesisL2Time: 0,
      blockTime: 2,
      l2ChainId: 10,
      parentHash: new Uint8Array(32),
      l1OriginHash: new Uint8Array(32),
      firstBlockSequenceNumber: 1,
    }
    expect(() => toRawSpanBatch([], p)).toThrow(RangeError)
    const block = (timestamp: number, l1OriginNumber: number) => ({ timestamp, l1OriginNumber, transactions: [] })
    expect(() => toRawSpanBatch([block(2, 1), block(6, 1)], p)).toThrow(RangeError)
    expect(() => toRawSpanBatch([block(2, 1), block(4, 3)], p)).toThrow(RangeError)
    expect(() => toRawSpanBatch([block(2, 2), block(4, 1)], p)).toThrow(RangeError)
    const wrongChain = serializeTransaction(
      { type: 'eip1559', chainId: 11, nonce: 0, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n, gas: 21000n },
      { r: `0x${'11'.repeat(32)}`, s: `0x${'22'.repeat(32)}`, yParity: 0 },
    )
    expect(codeOf(() => toRawSpanBatch([{ timestamp: 2, l1OriginNumber: 1, transactions: [fromHex(wrongChain)] }], p))).toBe(
      'span-batch-tx-chain-id',
    )
    const blob = Uint8Array.of(0x03, 0xc0)
    expect(codeOf(() => toRawSpanBatch([{ timestamp: 2, l1OriginNumber: 1, transactions: [blob] }], p))).toBe(
      'span-batch-tx-type',
    )
  })

  it('behavior: round trip of random L2 blocks with legacy/1/2/4 txs, incl. Isthmus SetCode (seeded property test)', () => {
    const rand = prng(7702)
    for (let iter = 0; iter < 60; iter++) {
      const chainId = [1, 10, 8453, 11155420][int(rand, 4)]
      const blockTime = 1 + int(rand, 3)
      const genesisL2Time = int(rand, 1_000_000)
      const start = genesisL2Time + int(rand, 1_000_000)
      let origin = 1 + int(rand, 1_000_000)
      const blocks = Array.from({ length: 1 + int(rand, 6) }, (_, i) => {
        if (i > 0 && rand() < 0.4) origin++
        return {
          timestamp: start + i * blockTime,
          l1OriginNumber: origin,
          transactions: Array.from({ length: int(rand, 5) }, () => fromHex(randomTx(rand, chainId))),
        }
      })
      const params = {
        genesisL2Time,
        blockTime,
        l2ChainId: chainId,
        parentHash: randBytes(rand, 32),
        l1OriginHash: randBytes(rand, 32),
        firstBlockSequenceNumber: int(rand, 2),
      }
      const raw = toRawSpanBatch(blocks, params)
      const decoded = decodeRawSpanBatch(encodeRawSpanBatch(raw))
      expect(decoded).toEqual(raw)
      const derived = deriveSpanBatch(decoded, params)
      expect(derived.blocks).toEqual(
        blocks.map((b) => ({
          timestamp: BigInt(b.timestamp),
          l1OriginNumber: BigInt(b.l1OriginNumber),
          transactions: b.transactions,
        })),
      )
      expect(spanBatchStartEpochNumber(decoded)).toBe(BigInt(blocks[0].l1OriginNumber))
    }
  })
})

describe('batch.hex (kona channel fixture)', () => {
  it('default: one span batch fills the inflated channel; decode then re-encode is byte-identical', () => {
    const { inflated, header, payload } = batchHexPayload()
    // kona `test_batch_reader`: after one batch the reader's cursor is at the end of the decompressed data.
    expect(header.end).toBe(inflated.length)
    const decoded = decodeBatch(payload)
    if (decoded.type !== 1) throw new Error('expected a span batch')
    expect(payload[0]).toBe(0x01)
    expect(bytesEqual(encodeRawSpanBatch(decoded.batch), payload.subarray(1))).toBe(true)
    expect(decoded.batch.blockCount).toBe(143)
    expect(decoded.batch.txs.datas).toHaveLength(1766)
  })

  it('behavior: derives with kona batch_queue.rs test config (l2_chain_id 0 = RollupConfig::default(), block_time 100, genesis l2_time 0)', () => {
    const decoded = decodeBatch(batchHexPayload().payload)
    if (decoded.type !== 1) throw new Error('expected a span batch')
    const raw = decoded.batch
    const batch = deriveSpanBatch(raw, { genesisL2Time: 0, blockTime: 100, l2ChainId: 0 })
    expect(batch.blocks).toHaveLength(143)
    expect(batch.blocks.map((b) => b.timestamp)).toEqual(batch.blocks.map((_, i) => 32295734n + 100n * BigInt(i)))
    expect(batch.blocks[0].l1OriginNumber).toBe(20089746n)
    expect(batch.blocks.at(-1)?.l1OriginNumber).toBe(20089770n)
    expect(spanBatchStartEpochNumber(raw)).toBe(20089746n)
    expect(batch.blocks.slice(0, 3).map((b) => b.transactions.length)).toEqual([20, 10, 10])
    // kona `test_next_batch_missing_origin` decodes the first two blocks' txs as EIP-2718 envelopes and expects "span
    // batch has no new blocks after safe head" for a safe head at 1639845745: every block is older than that.
    expect(batch.blocks.every((b) => b.timestamp < 1639845745n)).toBe(true)
    const again = toRawSpanBatch(batch.blocks, {
      genesisL2Time: 0,
      blockTime: 100,
      l2ChainId: 0,
      parentHash: raw.parentCheck,
      l1OriginHash: raw.l1OriginCheck,
      firstBlockSequenceNumber: raw.originBits[0] === 1 ? 0 : 1,
    })
    expect(bytesEqual(encodeRawSpanBatch(again), encodeRawSpanBatch(raw))).toBe(true)
  })

  it('behavior: on its real chain (OP Mainnet: chain id 10, genesis l2_time 1686068903, block time 2) recovered senders have consecutive nonces', async () => {
    const decoded = decodeBatch(batchHexPayload().payload)
    if (decoded.type !== 1) throw new Error('expected a span batch')
    const consecutiveNonces = async (l2ChainId: number) => {
      const batch = deriveSpanBatch(decoded.batch, { genesisL2Time: 1686068903, blockTime: 2, l2ChainId })
      expect(batch.blocks[0].timestamp).toBe(1718364637n) // 2024-06-14T11:30:37Z, L2 block 121,382,930
      const nonces = new Map<string, bigint[]>()
      for (const tx of batch.blocks.flatMap((b) => b.transactions).slice(0, 150)) {
        const serializedTransaction = toHex(tx) as never
        const sender = await recoverTransactionAddress({ serializedTransaction })
        const list = nonces.get(sender) ?? []
        list.push(BigInt(parseTransaction(serializedTransaction).nonce ?? 0))
        nonces.set(sender, list)
      }
      let pairs = 0
      for (const list of nonces.values()) for (let i = 1; i < list.length; i++) if (list[i] === list[i - 1] + 1n) pairs++
      return pairs
    }
    // With the wrong chain id (or a wrong re-encoding) every signature recovers a random sender: no nonce pairs.
    expect(await consecutiveNonces(10)).toBe(29)
    expect(await consecutiveNonces(8453)).toBe(0)
  })
})

/** A random signed transaction serialized by viem (an independent encoder). */
function randomTx(rand: Rand, chainId: number): Hex {
  const address = () => randHex(rand, 20)
  const amount = () => (rand() < 0.2 ? 0n : BigInt(int(rand, 2 ** 30)) * BigInt(1 + int(rand, 2 ** 20)))
  const common = {
    nonce: int(rand, 2 ** 31),
    gas: BigInt(21000 + int(rand, 3_000_000)),
    value: amount(),
    data: rand() < 0.3 ? undefined : randHex(rand, int(rand, 120)),
  }
  const to = rand() < 0.15 ? undefined : address()
  const accessList = Array.from({ length: int(rand, 3) }, () => ({
    address: address(),
    storageKeys: Array.from({ length: int(rand, 3) }, () => randHex(rand, 32)),
  }))
  const fees = () => {
    const maxFeePerGas = amount()
    return { maxFeePerGas, maxPriorityFeePerGas: maxFeePerGas / BigInt(1 + int(rand, 4)) }
  }
  const sig = { r: randWord(rand), s: randWord(rand) }
  const yParity = int(rand, 2)
  let tx: TransactionSerializable
  switch (int(rand, 5)) {
    case 0:
      return serializeTransaction({ type: 'legacy', chainId, gasPrice: amount(), to, ...common }, { ...sig, v: BigInt(27 + yParity) })
    case 1:
      return serializeTransaction({ type: 'legacy', gasPrice: amount(), to, ...common }, { ...sig, v: BigInt(27 + yParity) })
    case 2:
      tx = { type: 'eip2930', chainId, gasPrice: amount(), to, accessList, ...common }
      break
    case 3:
      tx = { type: 'eip1559', chainId, ...fees(), to, accessList, ...common }
      break
    default: {
      const authorizationList = Array.from({ length: int(rand, 3) }, () => ({
        address: address(),
        chainId: rand() < 0.3 ? 0 : chainId,
        nonce: int(rand, 1000),
        r: randWord(rand),
        s: randWord(rand),
        yParity: int(rand, 2),
      }))
      tx = {
        type: 'eip7702',
        chainId,
        ...fees(),
        to: to ?? address(),
        accessList,
        authorizationList,
        ...common,
      }
    }
  }
  return serializeTransaction(tx, { ...sig, yParity })
}
