/**
 * What the batcher put on L1, read back from anvil: every transaction from the batcher to the batch inbox with its
 * receipt (gas, blob gas, prices), its data units (calldata, or each blob's rollup data through the beacon API), and
 * the channels they carry, decompressed and decoded to the L2 blocks and user transactions each channel covers.
 */
import { fromHex, toHex, type Hex } from '../shared/bytes.ts'
import { decodeBatch } from '../shared/codec/batch.ts'
import { BLOB_SIZE, blobToData } from '../shared/codec/blob.ts'
import { readBatchPayloads } from '../shared/codec/channel-reader.ts'
import { decompressChannel } from '../shared/codec/compression.ts'
import { parseDataUnit, type Frame } from '../shared/codec/frame.ts'
import { maxRlpBytesPerChannel } from '../shared/config/forks.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import { anvilBeaconFetch } from '../test/devnet/batch-poster.ts'
import { rpc } from '../test/devnet/stack.ts'
import { createL1Source } from '../workers/l1-source.ts'

export type BatcherL1Tx = {
  hash: Hex
  l1Block: number
  kind: 'calldata' | 'blobs'
  gasUsed: bigint
  effectiveGasPrice: bigint
  blobGasUsed: bigint
  blobGasPrice: bigint
  /** Calldata length, or blobs × 131072. */
  postedBytes: number
  /** The data units (version byte + frames): calldata, or the rollup data decoded from each blob. */
  usefulBytes: number
  blobs: number
}

export type PostedChannel = {
  id: Hex
  txs: BatcherL1Tx[]
  /** Sum of the frames' data: the compressed channel. */
  compressedBytes: number
  /** The decompressed channel (the batches' RLP). */
  rawBytes: number
  compression: 'zlib' | 'brotli'
  /** L2 blocks the channel's batches cover, inclusive. */
  firstBlock: number
  lastBlock: number
  userTxs: number
}

/** Every batcher transaction in L1 blocks 1..latest, grouped into the complete channels they carry. */
export async function readPostedChannels(l1Url: string, config: RollupConfig, batcher: Hex): Promise<PostedChannel[]> {
  const l1 = createL1Source({ rpcUrls: [l1Url], beaconUrls: [l1Url], fetch: anvilBeaconFetch(), config, secondsPerSlot: 1, beaconBlockId: 'number', trustBlobs: true })
  const inbox = config.batchInboxAddress.toLowerCase()
  const channels = new Map<Hex, { frames: Frame[]; txs: BatcherL1Tx[]; l1Time: number }>()
  const head = Number(BigInt(await rpc(l1Url, 'eth_blockNumber')))
  for (let n = 1; n <= head; n++) {
    const block = await rpc(l1Url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, true])
    for (const tx of block.transactions as { hash: Hex; from: Hex; to: Hex | null; type: Hex; input: Hex; blobVersionedHashes?: Hex[] }[]) {
      if (tx.to?.toLowerCase() !== inbox || tx.from.toLowerCase() !== batcher.toLowerCase()) continue
      const r = await rpc(l1Url, 'eth_getTransactionReceipt', [tx.hash])
      const hashes = tx.blobVersionedHashes ?? []
      let units: Uint8Array[]
      if (hashes.length > 0) {
        const blobs = await l1.fetchBlobs({ number: n, hash: block.hash, timestamp: Number(BigInt(block.timestamp)) }, hashes)
        units = hashes.map((h) => blobToData(fromHex((blobs[h.toLowerCase()] ?? blobs[h]) as Hex)))
      } else units = [fromHex(tx.input)]
      const posted: BatcherL1Tx = {
        hash: tx.hash,
        l1Block: n,
        kind: hashes.length > 0 ? 'blobs' : 'calldata',
        gasUsed: BigInt(r.gasUsed),
        effectiveGasPrice: BigInt(r.effectiveGasPrice),
        blobGasUsed: BigInt(r.blobGasUsed ?? '0x0'),
        blobGasPrice: BigInt(r.blobGasPrice ?? '0x0'),
        postedBytes: hashes.length > 0 ? hashes.length * BLOB_SIZE : units[0].length,
        usefulBytes: units.reduce((s, u) => s + u.length, 0),
        blobs: hashes.length,
      }
      // This batcher puts one channel's frames in a transaction; the channel of its first frame owns its cost.
      const frames = units.flatMap((u) => parseDataUnit(u))
      const id = toHex(frames[0].channelId)
      const c = channels.get(id) ?? { frames: [], txs: [], l1Time: Number(BigInt(block.timestamp)) }
      c.frames.push(...frames)
      c.txs.push(posted)
      channels.set(id, c)
    }
  }
  const out: PostedChannel[] = []
  for (const [id, c] of channels) {
    const frames = [...c.frames].sort((a, b) => a.frameNumber - b.frameNumber)
    if (!frames.at(-1)?.isLast || frames.some((f, i) => f.frameNumber !== i)) continue
    const data = new Uint8Array(frames.reduce((s, f) => s + f.data.length, 0))
    frames.reduce((o, f) => (data.set(f.data, o), o + f.data.length), 0)
    const limit = maxRlpBytesPerChannel(config, c.l1Time)
    const d = decompressChannel(data, { maxOutputBytes: limit, allowBrotli: true })
    const covered = { first: Number.POSITIVE_INFINITY, last: -1, txs: 0 }
    const cover = (timestamp: number, count: number, txs: number) => {
      const first = (timestamp - config.genesis.l2Time) / config.blockTime + config.genesis.l2.number
      covered.first = Math.min(covered.first, first)
      covered.last = Math.max(covered.last, first + count - 1)
      covered.txs += txs
    }
    for (const payload of readBatchPayloads(d.data, limit).payloads) {
      const b = decodeBatch(payload)
      switch (b.type) {
        case 0:
          cover(b.batch.timestamp, 1, b.batch.transactions.length)
          break
        case 1:
          cover(config.genesis.l2Time + Number(b.batch.relTimestamp), b.batch.blockCount, b.batch.blockTxCounts.reduce((s, x) => s + x, 0))
          break
        default: {
          const never: never = b
          throw new Error(`unknown batch ${String(never)}`)
        }
      }
    }
    out.push({ id, txs: c.txs, compressedBytes: data.length, rawBytes: d.data.length, compression: d.compression, firstBlock: covered.first, lastBlock: covered.last, userTxs: covered.txs })
  }
  return out.sort((a, b) => a.firstBlock - b.firstBlock)
}
