/**
 * Offline compression of the blocks a run sealed, with the batcher's own channel planner (workers/batcher-channel.ts
 * `planChannel`: span batch RLP → zlib level 9 or brotli quality 10): once per channel the batcher actually posted
 * (same block ranges), and once as a single channel of every fed block (what a batcher that waits to fill a channel,
 * op-batcher's max-channel-duration, would compress); and the L1 gas such a single channel would cost.
 */
import { randomBytes } from 'node:crypto'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import { planChannel, type BatchBlock, type BatcherSettings } from '../workers/batcher-channel.ts'

export type Compressed = { rawBytes: number; zlibBytes: number; brotliBytes: number; channels: number; blocks: number; ms: { zlib: number; brotli: number } }

export function compressOffline(config: RollupConfig, blocks: readonly BatchBlock[], ranges: readonly { firstBlock: number; lastBlock: number }[]): Compressed {
  const byNumber = new Map(blocks.map((b) => [b.ref.number, b]))
  const out: Compressed = { rawBytes: 0, zlibBytes: 0, brotliBytes: 0, channels: 0, blocks: 0, ms: { zlib: 0, brotli: 0 } }
  for (const r of ranges) {
    const range: BatchBlock[] = []
    for (let n = r.firstBlock; n <= r.lastBlock; n++) range.push(byNumber.get(n)!)
    const l1 = { baseFee: 1n, blobBaseFee: 1n, timestamp: range.at(-1)!.ref.timestamp }
    for (const compression of ['zlib', 'brotli'] as const) {
      const settings: BatcherSettings = { da: 'calldata', batchType: 'span', compression, maxChannelDuration: 0, confirmations: 1, maxPendingTxs: 1 }
      const t = performance.now()
      const plan = planChannel({ config, settings, blocks: range, channelId: randomBytes(16), l1 })
      out.ms[compression] += performance.now() - t
      // Both algorithms compress the same RLP: count it once.
      if (compression === 'zlib') {
        out.rawBytes += plan.rawBytes
        out.zlibBytes += plan.compressedBytes
      } else out.brotliBytes += plan.compressedBytes
    }
    out.channels++
    out.blocks += range.length
  }
  return out
}

export type PlannedL1Cost = { txs: number; blobs: number; gas: bigint; blobGas: bigint }

/**
 * L1 gas of posting `blocks` as one channel the way the batcher would (planChannel's frames and transactions), on a
 * Prague L1: calldata pays max(standard, EIP-7623 floor) = 21000 + max(4·zero + 16·nonzero, 10·(zero + 4·nonzero));
 * a blob transaction 21000 execution gas (no calldata) and 131072 blob gas per blob.
 */
export function plannedL1Cost(config: RollupConfig, blocks: readonly BatchBlock[], da: 'calldata' | 'blobs', compression: 'zlib' | 'brotli'): PlannedL1Cost {
  const settings: BatcherSettings = { da, batchType: 'span', compression, maxChannelDuration: 0, confirmations: 1, maxPendingTxs: 1 }
  const plan = planChannel({ config, settings, blocks, channelId: randomBytes(16), l1: { baseFee: 1n, blobBaseFee: 1n, timestamp: blocks.at(-1)!.ref.timestamp } })
  const out: PlannedL1Cost = { txs: plan.txs.length, blobs: 0, gas: 0n, blobGas: 0n }
  for (const tx of plan.txs) {
    out.gas += 21_000n
    if (tx.kind === 'blobs') {
      out.blobs += tx.parts.length
      out.blobGas += 131_072n * BigInt(tx.parts.length)
      continue
    }
    const zero = BigInt(tx.parts[0].filter((b) => b === 0).length)
    const nonzero = BigInt(tx.parts[0].length) - zero
    const standard = 4n * zero + 16n * nonzero
    const floor = 10n * (zero + 4n * nonzero)
    out.gas += standard > floor ? standard : floor
  }
  return out
}
