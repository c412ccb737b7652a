/**
 * Span-batch channel decode throughput vs bare inflate of the same bytes (issue #2).
 * Run: npm run bench
 */
import { inflateSync, brotliDecompressSync } from 'node:zlib'
import { decodeBatch } from '../shared/codec/batch.ts'
import { readBatchPayloads } from '../shared/codec/channel-reader.ts'
import { decompressChannel } from '../shared/codec/compression.ts'
import { deriveSpanBatch } from '../shared/codec/span-batch.ts'
import { buildChannel } from './channel-fixture.ts'

function time(fn: () => void, minMs = 1500): number {
  for (let i = 0; i < 3; i++) fn() // warm up
  let n = 0
  const start = performance.now()
  while (performance.now() - start < minMs) {
    fn()
    n++
  }
  return (performance.now() - start) / n
}

export function benchChannelDecode(): string[] {
  const lines: string[] = []
  for (const algo of ['zlib', 'brotli'] as const) {
    // ~200 txs in ~120 KB compressed: the size of an OP Mainnet calldata channel.
    const ch = buildChannel({ blocks: 10, txsPerBlock: 20, algo })
    const decode = () => {
      const { data } = decompressChannel(ch.compressed, { maxOutputBytes: 100_000_000, allowBrotli: true })
      const { payloads } = readBatchPayloads(data, 100_000_000)
      for (const p of payloads) {
        const b = decodeBatch(p)
        if (b.type === 1) deriveSpanBatch(b.batch, { genesisL2Time: 1686068903, blockTime: 2, l2ChainId: 10 })
      }
    }
    const bare = algo === 'zlib' ? () => inflateSync(ch.compressed) : () => brotliDecompressSync(ch.compressed.subarray(1))
    const tDecode = time(decode)
    const tBare = time(bare)
    lines.push(
      `${algo.padEnd(6)} channel ${(ch.compressed.length / 1024).toFixed(1)} KiB compressed / ${(ch.decompressedLength / 1024).toFixed(1)} KiB, ${ch.txs} txs: ` +
        `decode ${tDecode.toFixed(2)} ms = ${Math.round(ch.txs / (tDecode / 1000)).toLocaleString('en')} txs/s, ` +
        `${(ch.compressed.length / 1e6 / (tDecode / 1000)).toFixed(1)} MB/s compressed; bare ${algo === 'zlib' ? 'inflate' : 'brotli'} ${tBare.toFixed(2)} ms; ratio ${(tDecode / tBare).toFixed(2)}×`,
    )
  }
  return lines
}
