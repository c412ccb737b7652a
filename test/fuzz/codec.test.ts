/**
 * Fuzzing of the codecs that see L1 batcher data (issue #8): frames, channel compression (including decompression
 * bombs against the output cap), the channel reader, singular and span batches, and blobs. Seeds are real vectors
 * (test/fuzz/fixtures), mutated by the harness.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { constants, deflateSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { fromHex } from '../../shared/bytes.ts'
import { decodeBatch } from '../../shared/codec/batch.ts'
import { BLOB_SIZE, blobToData } from '../../shared/codec/blob.ts'
import { readBatchPayloads } from '../../shared/codec/channel-reader.ts'
import { compressChannel, decompressChannel } from '../../shared/codec/compression.ts'
import { encodeDataUnit, parseDataUnit } from '../../shared/codec/frame.ts'
import { encodeRlpBytes } from '../../shared/codec/rlp.ts'
import { deriveSpanBatch } from '../../shared/codec/span-batch.ts'
import { decodeExecutionPayload, encodeExecutionPayload, type PayloadVersion } from '../../shared/codec/ssz-payload.ts'
import { validPayload } from '../unit/p2p/gossip-block-fixtures.ts'
import { assertClean, fuzz, mutatedBytes, mutatedFixedSize, printReportsAfterAll } from './harness.ts'

const fixture = (name: string) => readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name))
const SPAN_CONTENT = new Uint8Array(fixture('raw_span_batch.bin'))
const SPAN_BATCH = Uint8Array.from([1, ...SPAN_CONTENT])
const BLOBS = ['blob1.txt', 'blob2.txt'].map((f) => fromHex(fixture(f).toString('utf8').trim()))
/** A channel's decompressed contents: one real span batch as an RLP string. */
const CHANNEL_BODY = encodeRlpBytes(SPAN_BATCH)
const ZLIB_CHANNEL = compressChannel(CHANNEL_BODY, 'zlib')
const BROTLI_CHANNEL = compressChannel(CHANNEL_BODY, 'brotli')
const CAP = 10_000_000

/** 64 MiB of zeros in ~64 KiB of zlib: far past the cap if the decoder did not stop. */
const ZLIB_BOMB = deflateSync(new Uint8Array(64 << 20), { level: 9, strategy: constants.Z_DEFAULT_STRATEGY })
const BROTLI_BOMB = compressChannel(new Uint8Array(64 << 20), 'brotli', 5)

printReportsAfterAll()

describe('fuzz: batcher data', () => {
  it('parseDataUnit: frames', async () => {
    const id = SPAN_CONTENT.subarray(0, 16)
    const seeds = [
      encodeDataUnit([{ channelId: id, frameNumber: 0, data: ZLIB_CHANNEL.subarray(0, 300), isLast: false }]),
      encodeDataUnit([
        { channelId: id, frameNumber: 1, data: ZLIB_CHANNEL.subarray(300, 400), isLast: false },
        { channelId: id, frameNumber: 2, data: ZLIB_CHANNEL.subarray(400), isLast: true },
      ]),
    ]
    assertClean(await fuzz({ name: 'frame.parseDataUnit', input: mutatedBytes(seeds), run: (b) => `accepted:${parseDataUnit(b).length > 0}` }))
  })

  it('decompressChannel: zlib and brotli, output never past the cap', async () => {
    const seeds = [ZLIB_CHANNEL, BROTLI_CHANNEL, ZLIB_BOMB.subarray(0, 4096), BROTLI_BOMB.subarray(0, 4096)]
    const input = fc.tuple(mutatedBytes(seeds), fc.integer({ min: 1, max: CAP }), fc.boolean())
    const report = await fuzz({
      name: 'compression.decompressChannel',
      input,
      run: ([data, maxOutputBytes, allowBrotli]) => {
        const r = decompressChannel(data, { maxOutputBytes, allowBrotli })
        if (r.data.length > maxOutputBytes) throw new Error(`output ${r.data.length} past the cap ${maxOutputBytes}`)
        return r.complete ? `${r.compression}:complete` : `${r.compression}:${r.error?.code ?? 'partial'}`
      },
    })
    assertClean(report)
  })

  it('readBatchPayloads: decompressed channels', async () => {
    const input = fc.tuple(mutatedBytes([CHANNEL_BODY, CHANNEL_BODY.subarray(0, 600)]), fc.nat({ max: 1 << 24 }))
    const report = await fuzz({
      name: 'channel-reader.readBatchPayloads',
      input,
      run: ([data, max]) => {
        const r = readBatchPayloads(data, max)
        return r.error ? r.error.code : 'accepted'
      },
    })
    assertClean(report)
  })

  it('decodeBatch + deriveSpanBatch: singular and span batches', async () => {
    const singular = fromHex(
      '0x00f87fa01111111111111111111111111111111111111111111111111111111111111111822710a02222222222222222222222222222222222222222222222222222222222222222843b9aca00d7941234567890123456789012345678901234567890808080',
    )
    const report = await fuzz({
      name: 'batch.decodeBatch+deriveSpanBatch',
      input: mutatedBytes([SPAN_BATCH, singular]),
      run: (b) => {
        const d = decodeBatch(b)
        if (d.type === 0) return 'singular'
        deriveSpanBatch(d.batch, { genesisL2Time: 1_686_068_903, blockTime: 2, l2ChainId: 10 })
        return 'span'
      },
    })
    assertClean(report)
  })

  it('blobToData: blobs', async () => {
    const report = await fuzz({
      name: 'blob.blobToData',
      input: mutatedFixedSize(BLOBS, BLOB_SIZE),
      run: (b) => `accepted:${blobToData(b).length > 0}`,
      runs: Math.max(200, Math.floor(Number(process.env.FUZZ_RUNS ?? 1_000) / 10)),
    })
    assertClean(report)
  })

  it('decodeExecutionPayload: SSZ payloads of each version', async () => {
    const versions: PayloadVersion[] = [1, 2, 3, 4]
    const seeds = versions.map((v) => encodeExecutionPayload(validPayload({ version: v }).payload, v))
    const report = await fuzz({
      name: 'ssz-payload.decodeExecutionPayload',
      input: fc.tuple(mutatedBytes(seeds), fc.constantFrom(...versions)),
      run: ([b, v]) => `accepted:v${decodeExecutionPayload(b, v).blockNumber >= 0 ? v : v}`,
    })
    assertClean(report)
  })
})
