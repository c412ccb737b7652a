/**
 * The devnet batch poster against a real anvil (no worker): calldata and blob batches are posted from the batcher
 * account, then read back through the L1 source the derive tick uses, and what the deriver would see — calldata data
 * units, blobs decoded with shared/codec/blob.ts — must be exactly the poster's frames, which reassemble into the
 * channel of the posted blocks.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { concatBytes, fromHex, type Hex, toHex } from '../../shared/bytes.ts'
import { decodeBatch } from '../../shared/codec/batch.ts'
import { blobToData } from '../../shared/codec/blob.ts'
import { readBatchPayloads } from '../../shared/codec/channel-reader.ts'
import { decompressChannel } from '../../shared/codec/compression.ts'
import { type Frame, parseDataUnit } from '../../shared/codec/frame.ts'
import { devnetConfig } from '../../shared/config/chains.ts'
import type { RollupConfig } from '../../shared/config/rollup-config.ts'
import type { L1Input } from '../../shared/deriver/types.ts'
import { createL1Source } from '../../workers/l1-source.ts'
import { anvilBeaconFetch, type BatchedBlock, batcherTxData, channelOf, postBatches, type PostBatchesOptions } from '../devnet/batch-poster.ts'
import { freePort, rpc, until } from '../devnet/stack.ts'
import { BATCHER, h, signedTx } from '../support/chain-harness.ts'

let anvil: ChildProcess | undefined
let l1Url = ''
let config: RollupConfig

beforeAll(async () => {
  const port = await freePort()
  l1Url = `http://127.0.0.1:${port}`
  // No --block-time: automine, every tx in its own block (blob txs then land one per block).
  anvil = spawn(join(import.meta.dirname, '../../node_modules/.bin/anvil'), ['--host', '127.0.0.1', '--port', String(port), '--silent'], { stdio: 'ignore' })
  const genesis = await until('anvil', 30_000, () => rpc(l1Url, 'eth_getBlockByNumber', ['0x0', false]))
  config = devnetConfig({ l1: { hash: genesis.hash, number: 0 }, l2: { hash: h('l2-0'), number: 0 }, l2Time: Number(BigInt(genesis.timestamp)) })
})

afterAll(async () => {
  if (anvil && anvil.exitCode === null) {
    anvil.kill('SIGTERM')
    await new Promise((r) => anvil!.once('exit', r))
  }
})

function l2Blocks(count: number, txsPerBlock: number): BatchedBlock[] {
  return Array.from({ length: count }, (_, i) => ({
    parentHash: h(`l2-${i}`),
    timestamp: config.genesis.l2Time + 2 * (i + 1),
    l1Origin: { number: 0, hash: config.genesis.l1.hash },
    sequenceNumber: i + 1,
    transactions: Array.from({ length: txsPerBlock }, (_, k) => signedTx(config.l2ChainId, 1 + i * txsPerBlock + k)),
  }))
}

/** Frames the deriver would read from the batcher's inbox txs, in block and tx order (blobs in blob order). */
function framesSeen(inputs: readonly L1Input[]): { frames: Frame[]; blobs: number; calldata: number } {
  const frames: Frame[] = []
  let blobs = 0
  let calldata = 0
  for (const input of inputs) {
    for (const tx of input.transactions) {
      if (tx.to?.toLowerCase() !== config.batchInboxAddress || tx.from.toLowerCase() !== BATCHER) continue
      if (tx.blobVersionedHashes && tx.blobVersionedHashes.length > 0) {
        for (const hash of tx.blobVersionedHashes) {
          frames.push(...parseDataUnit(blobToData(fromHex(input.blobs![hash.toLowerCase()]))))
          blobs++
        }
      } else {
        frames.push(...parseDataUnit(fromHex(tx.input)))
        calldata++
      }
    }
  }
  return { frames, blobs, calldata }
}

async function postAndReadBack(blocks: BatchedBlock[], opts: PostBatchesOptions) {
  const { txHashes, l1Blocks } = await postBatches(l1Url, config, blocks, opts)
  const metrics: string[] = []
  const l1 = createL1Source({ rpcUrls: [l1Url], beaconUrls: [l1Url], fetch: anvilBeaconFetch(), config, secondsPerSlot: 1, beaconBlockId: 'number', metrics: (m) => metrics.push(m.method) })
  const inputs = await l1.fetchRange(Math.min(...l1Blocks), Math.max(...l1Blocks))
  const expected = batcherTxData(channelOf(config, blocks, opts.kind, opts.algo), opts.channelId!, opts)
  return { txHashes, l1Blocks, inputs, expected, seen: framesSeen(inputs), metrics }
}

function channelBatches(frames: readonly Frame[]) {
  const { data } = decompressChannel(concatBytes(...frames.map((f) => f.data)), { maxOutputBytes: 1e8, allowBrotli: true })
  return readBatchPayloads(data, 1e8).payloads.map(decodeBatch)
}

describe('postBatches on anvil, read back through createL1Source', () => {
  it('behavior: calldata — every data unit the deriver sees is one frame of the channel, in order', async () => {
    const blocks = l2Blocks(6, 3)
    const opts: PostBatchesOptions = { kind: 'singular', algo: 'zlib', da: 'calldata', channelId: new Uint8Array(16).fill(1), maxFrameSize: 500 }
    const { txHashes, l1Blocks, seen, expected, metrics } = await postAndReadBack(blocks, opts)
    expect(txHashes.length).toBeGreaterThan(1)
    expect(l1Blocks).toHaveLength(txHashes.length)
    expect(seen.calldata).toBe(txHashes.length)
    expect(seen.frames).toEqual(expected.frames)
    expect(seen.frames.at(-1)!.isLast).toBe(true)
    const batches = channelBatches(seen.frames)
    expect(batches.map((b) => (b.type === 0 ? b.batch.transactions.map(toHex) : []))).toEqual(blocks.map((b) => b.transactions.map(toHex)))
    expect(metrics).not.toContain('blobs')
  })

  it('behavior: blobs — several blobs per tx, each decoding to exactly one frame of the channel', async () => {
    const blocks = l2Blocks(4, 3)
    // Seven frames: a tx of six blobs, then one of one (each blob costs ~0.7 s of pure-JS KZG proof).
    const maxFrameSize = Math.ceil(channelOf(config, blocks, 'span', 'brotli').length / 7)
    const opts: PostBatchesOptions = { kind: 'span', algo: 'brotli', da: 'blobs', channelId: new Uint8Array(16).fill(2), maxFrameSize }
    const { txHashes, inputs, seen, expected, metrics } = await postAndReadBack(blocks, opts)
    const n = expected.frames.length
    expect(n).toBe(7)
    const perTx = [6, 1]
    expect(txHashes).toHaveLength(perTx.length)
    const blobTxs = inputs.flatMap((i) => i.transactions.filter((t) => t.type === 3))
    expect(blobTxs.map((t) => t.blobVersionedHashes!.length)).toEqual(perTx)
    expect(blobTxs.every((t) => t.input === '0x')).toBe(true)
    expect(seen.blobs).toBe(expected.frames.length)
    expect(seen.frames).toEqual(expected.frames)
    expect(metrics.filter((m) => m === 'blobs')).toHaveLength(perTx.length) // automine: one block, one beacon GET per tx
    const [batch] = channelBatches(seen.frames)
    expect(batch.type).toBe(1)
  })

  it('anvil quirk: repeated versioned_hashes keys answer one blob (drop anvilBeaconFetch once this fails)', async () => {
    const { txHashes, l1Blocks } = await postBatches(l1Url, config, l2Blocks(1, 2), { kind: 'span', algo: 'zlib', da: 'blobs', maxFrameSize: 100, blobsPerTx: 2 })
    const tx = await rpc(l1Url, 'eth_getTransactionByHash', [txHashes[0]])
    const hashes = tx.blobVersionedHashes as Hex[]
    expect(hashes.length).toBeGreaterThan(1)
    const count = async (query: string) => ((await (await fetch(`${l1Url}/eth/v1/beacon/blobs/${l1Blocks[0]}?${query}`)).json()) as { data: unknown[] }).data.length
    expect(await count(hashes.map((x) => `versioned_hashes=${x}`).join('&'))).toBe(1)
    expect(await count(`versioned_hashes=${hashes.join(',')}`)).toBe(hashes.length)
  })

  it('behavior: receipts are awaited — txs are mined with status 1 before postBatches returns', async () => {
    const { txHashes } = await postBatches(l1Url, config, l2Blocks(1, 1), { kind: 'span', algo: 'zlib', da: 'calldata' })
    const receipt = await rpc(l1Url, 'eth_getTransactionReceipt', [txHashes[0] as Hex])
    expect(receipt.status).toBe('0x1')
    expect(receipt.from).toBe(BATCHER)
  })
})
