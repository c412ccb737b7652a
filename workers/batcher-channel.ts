/**
 * One channel for the batcher tick: blocks → span batch (Delta+) or singular batches → compressed channel (zlib, or
 * brotli from Fjord) → frames sized for the DA → transaction payloads (PROTOCOL.md §6.2; op-batcher
 * `channel_builder.go`, op-node `channel_out.go` / `span_channel_out.go`). Pure: the channel id comes from the
 * caller.
 */
import { toRlp } from 'viem'
import { concatBytes, fromHex, type Hex } from '../shared/bytes.ts'
import { encodeBatch } from '../shared/codec/batch.ts'
import { MAX_BLOB_DATA_SIZE } from '../shared/codec/blob.ts'
import { compressChannel } from '../shared/codec/compression.ts'
import { encodeDataUnit, FRAME_FIXED_OVERHEAD, type Frame } from '../shared/codec/frame.ts'
import { toRawSpanBatch } from '../shared/codec/span-batch.ts'
import { isActive, maxRlpBytesPerChannel } from '../shared/config/forks.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import type { L2BlockRef } from '../shared/deriver/types.ts'

export type BatcherSettings = {
  da: 'calldata' | 'blobs' | 'auto'
  batchType: 'span' | 'singular'
  compression: 'zlib' | 'brotli'
  /** L1 blocks a channel may stay open (0: submit every tick). */
  maxChannelDuration: number
  /** L1 confirmations before a channel counts as submitted. */
  confirmations: number
  maxPendingTxs: number
}

/** An L2 block as the batcher reads it: its ref and its non-deposit transactions. */
export type BatchBlock = { ref: L2BlockRef; transactions: Uint8Array[] }

export type PlanChannelParameters = {
  config: RollupConfig
  settings: BatcherSettings
  blocks: readonly BatchBlock[]
  channelId: Uint8Array
  /** Current L1 fees and time (the DA choice and which forks apply). */
  l1: { baseFee: bigint; blobBaseFee: bigint; timestamp: number }
}

export type ChannelPlan = {
  da: 'calldata' | 'blobs'
  /** One entry per L1 transaction: a calldata data unit, or the rollup data of each blob. */
  txs: { kind: 'calldata' | 'blobs'; parts: Uint8Array[] }[]
  frames: Frame[]
  rawBytes: number
  compressedBytes: number
  compressionRatio: number
}

/** op-batcher `--max-l1-tx-size-bytes` default: a calldata data unit (version byte + frame) at most this big. */
export const MAX_CALLDATA_TX_SIZE = 120_000
/** Blobs per transaction (op-batcher `--target-num-frames` for blobs; ≤ the L1's per-tx limit). */
export const BLOBS_PER_TX = 6

/** op-batcher's `auto` DA (DynamicEthChannelConfig): the cheaper of calldata (16 gas per byte) and blob gas. */
export function chooseDa(settings: BatcherSettings, config: RollupConfig, l1: PlanChannelParameters['l1'], bytes: number): 'calldata' | 'blobs' {
  if (settings.da !== 'auto') return settings.da === 'blobs' && !isActive(config, 'ecotone', l1.timestamp) ? 'calldata' : settings.da
  if (!isActive(config, 'ecotone', l1.timestamp)) return 'calldata'
  const blobs = Math.max(1, Math.ceil(bytes / (MAX_BLOB_DATA_SIZE - 1 - FRAME_FIXED_OVERHEAD)))
  const calldataCost = BigInt(bytes) * 16n * l1.baseFee
  const blobCost = BigInt(blobs) * 131_072n * l1.blobBaseFee
  return blobCost < calldataCost ? 'blobs' : 'calldata'
}

export function planChannel(p: PlanChannelParameters): ChannelPlan {
  const { config, settings, blocks } = p
  const span = settings.batchType === 'span' && isActive(config, 'delta', p.l1.timestamp)
  const algo = settings.compression === 'brotli' && isActive(config, 'fjord', p.l1.timestamp) ? 'brotli' : 'zlib'
  const parts: Uint8Array[] = []
  if (span) {
    const raw = toRawSpanBatch(
      blocks.map((b) => ({ timestamp: b.ref.timestamp, l1OriginNumber: b.ref.l1Origin.number, transactions: b.transactions })),
      {
        genesisL2Time: config.genesis.l2Time,
        blockTime: config.blockTime,
        l2ChainId: config.l2ChainId,
        parentHash: fromHex(blocks[0].ref.parentHash),
        l1OriginHash: fromHex(blocks.at(-1)!.ref.l1Origin.hash),
        firstBlockSequenceNumber: blocks[0].ref.sequenceNumber,
      },
    )
    parts.push(fromHex(toRlp(encodeBatch({ type: 1, batch: raw }), 'hex') as Hex))
  } else {
    for (const b of blocks) {
      const batch = { parentHash: fromHex(b.ref.parentHash), epochNumber: b.ref.l1Origin.number, epochHash: fromHex(b.ref.l1Origin.hash), timestamp: b.ref.timestamp, transactions: b.transactions }
      parts.push(fromHex(toRlp(encodeBatch({ type: 0, batch }), 'hex') as Hex))
    }
  }
  const rlp = concatBytes(...parts)
  if (rlp.length > maxRlpBytesPerChannel(config, p.l1.timestamp)) throw new RangeError(`${blocks.length} blocks are ${rlp.length} RLP bytes, over the channel limit`)
  const channel = compressChannel(rlp, algo)
  const da = chooseDa(settings, config, p.l1, channel.length)
  // A data unit is the version byte plus frames; a frame is 23 bytes of header plus its data.
  const maxFrameData = (da === 'blobs' ? MAX_BLOB_DATA_SIZE : MAX_CALLDATA_TX_SIZE) - 1 - FRAME_FIXED_OVERHEAD
  const frames: Frame[] = []
  for (let i = 0, o = 0; o < channel.length || i === 0; i++, o += maxFrameData) {
    const data = channel.subarray(o, o + maxFrameData)
    frames.push({ channelId: p.channelId, frameNumber: i, data, isLast: o + maxFrameData >= channel.length })
  }
  if (frames.length > 0xffff) throw new RangeError('too many frames for one channel')
  const units = frames.map((f) => encodeDataUnit([f]))
  const txs =
    da === 'calldata'
      ? units.map((u) => ({ kind: 'calldata' as const, parts: [u] }))
      : Array.from({ length: Math.ceil(units.length / BLOBS_PER_TX) }, (_, k) => ({ kind: 'blobs' as const, parts: units.slice(k * BLOBS_PER_TX, (k + 1) * BLOBS_PER_TX) }))
  return { da, txs, frames, rawBytes: rlp.length, compressedBytes: channel.length, compressionRatio: channel.length / Math.max(1, rlp.length) }
}
