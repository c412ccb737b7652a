import { describe, expect, it } from 'vitest'
import { toHex } from '../../../shared/bytes.ts'
import { blobToData, dataToBlob, MAX_BLOB_DATA_SIZE } from '../../../shared/codec/blob.ts'
import { parseDataUnit } from '../../../shared/codec/frame.ts'
import { Deriver } from '../../../shared/deriver/deriver.ts'
import type { L2BlockRef } from '../../../shared/deriver/types.ts'
import { BLOBS_PER_TX, chooseDa, MAX_CALLDATA_TX_SIZE, planChannel, type BatcherSettings } from '../../../workers/batcher-channel.ts'
import { genesisRef, l1Block, l1Inputs, makeConfig, planL2, signedTx } from '../../support/chain-harness.ts'
import { prng, randomBytes } from '../../support/random.ts'

const FORKS = { regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0, isthmus: 0 }
const config = makeConfig(FORKS)
const settings = (over: Partial<BatcherSettings> = {}): BatcherSettings => ({ da: 'calldata', batchType: 'span', compression: 'zlib', maxChannelDuration: 0, confirmations: 1, maxPendingTxs: 1, ...over })
const l1 = { baseFee: 10n ** 9n, blobBaseFee: 1n, timestamp: l1Block(110).timestamp }
const id = new Uint8Array(16).fill(3)

function blocks(count: number, txs: (n: number) => Uint8Array[]) {
  return planL2(config, count, txs).slice(1).map((p) => ({ ref: p.ref, transactions: p.transactions }))
}

/** Derive the posted calldata data units (all in L1 block 106) and return the derived blocks' user txs. */
function derive(units: Uint8Array[], count: number): string[][] {
  const d = Deriver.start(config, genesisRef(), config.genesis.systemConfig)
  for (const input of l1Inputs(config, 110, new Map([[106, units]]))) expect(d.addL1Input(input)).toEqual({ ok: true })
  const plan = planL2(config, count, () => [])
  let safe: L2BlockRef = genesisRef()
  const out: string[][] = []
  for (let i = 0; i < 10_000; i++) {
    const step = d.next(safe)
    if (step.kind !== 'attributes') return out
    out.push(step.attributes.transactions.slice(1))
    safe = plan[step.number].ref
  }
  return out
}

describe('planChannel', () => {
  for (const [batchType, compression] of [['span', 'zlib'], ['span', 'brotli'], ['singular', 'zlib'], ['singular', 'brotli']] as const) {
    it(`default: ${batchType} batches, ${compression}: calldata units the deriver reads back into the same blocks`, () => {
      const bs = blocks(12, (n) => [signedTx(config.l2ChainId, n), signedTx(config.l2ChainId, 100 + n)])
      const plan = planChannel({ config, settings: settings({ batchType, compression }), blocks: bs, channelId: id, l1 })
      expect(plan.da).toBe('calldata')
      expect(plan.txs.every((t) => t.kind === 'calldata' && t.parts.length === 1 && t.parts[0].length <= MAX_CALLDATA_TX_SIZE)).toBe(true)
      expect(plan.compressionRatio).toBeCloseTo(plan.compressedBytes / plan.rawBytes)
      const derived = derive(plan.txs.map((t) => t.parts[0]), 12)
      expect(derived).toEqual(bs.map((b) => b.transactions.map(toHex)))
    })
  }

  it('rule: frames fill the DA: every calldata unit but the last is exactly 120,000 bytes; frames are numbered in order', () => {
    const rand = prng(5)
    // Incompressible calldata: the channel is about as big as the transactions.
    const bs = blocks(3, () => [randomBytes(rand, 150_000)])
    const plan = planChannel({ config, settings: settings({ batchType: 'singular' }), blocks: bs, channelId: id, l1 })
    expect(plan.txs.length).toBeGreaterThan(3)
    for (const t of plan.txs.slice(0, -1)) expect(t.parts[0].length).toBe(MAX_CALLDATA_TX_SIZE)
    expect(plan.frames.map((f) => f.frameNumber)).toEqual(plan.frames.map((_, i) => i))
    expect(plan.frames.map((f) => f.isLast)).toEqual(plan.frames.map((_, i) => i === plan.frames.length - 1))
  })

  it('rule: blobs carry one frame each, at most the blob capacity, six blobs per transaction', () => {
    const rand = prng(6)
    const bs = blocks(2, () => [randomBytes(rand, 500_000)])
    const plan = planChannel({ config, settings: settings({ da: 'blobs', batchType: 'singular' }), blocks: bs, channelId: id, l1 })
    expect(plan.da).toBe('blobs')
    const parts = plan.txs.flatMap((t) => t.parts)
    expect(plan.txs.every((t) => t.parts.length <= BLOBS_PER_TX)).toBe(true)
    for (const part of parts.slice(0, -1)) expect(part.length).toBe(MAX_BLOB_DATA_SIZE)
    // Each blob holds exactly its data unit, which parses to one frame of the channel.
    parts.forEach((part, i) => {
      expect(blobToData(dataToBlob(part))).toEqual(part)
      const [frame] = parseDataUnit(part)
      expect(frame.frameNumber).toBe(i)
    })
  })

  it('behavior: auto DA picks the cheaper of calldata and blob gas; blobs only from Ecotone', () => {
    const s = settings({ da: 'auto' })
    expect(chooseDa(s, config, { baseFee: 30n * 10n ** 9n, blobBaseFee: 1n, timestamp: l1.timestamp }, 100_000)).toBe('blobs')
    expect(chooseDa(s, config, { baseFee: 1n, blobBaseFee: 10n ** 12n, timestamp: l1.timestamp }, 100_000)).toBe('calldata')
    const preEcotone = makeConfig({ regolith: 0, canyon: 0, delta: 0 })
    expect(chooseDa(settings({ da: 'blobs' }), preEcotone, l1, 100)).toBe('calldata')
  })
})
