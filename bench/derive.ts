/**
 * Derivation throughput (issue #3): L2 blocks per CPU-second through the whole deriver, against bare decompression +
 * span-batch decoding of the same channels, and the checkpoint size. Runs in Node and (via bench/worker) in workerd.
 */
import { decodeBatch } from '../shared/codec/batch.ts'
import { readBatchPayloads } from '../shared/codec/channel-reader.ts'
import { decompressChannel } from '../shared/codec/compression.ts'
import { deriveSpanBatch } from '../shared/codec/span-batch.ts'
import { Deriver } from '../shared/deriver/deriver.ts'
import { genesisRef } from '../test/support/chain-harness.ts'
import { buildDeriveFixture, type DeriveFixture } from './derive-fixture.ts'

export type DeriveBenchResult = {
  algo: string
  blocks: number
  txs: number
  compressedBytes: number
  deriveMs: number
  blocksPerSecond: number
  bareMs: number
  ratio: number
  maxCheckpointBytes: number
}

function deriveAll(f: DeriveFixture, checkpoints: boolean): { blocks: number; maxCheckpoint: number } {
  const d = Deriver.start(f.config, genesisRef(), f.config.genesis.systemConfig)
  let safe = genesisRef()
  let n = 0
  let maxCheckpoint = 0
  for (const input of f.inputs) {
    d.addL1Input(input)
    for (let s = d.next(safe); s.kind === 'attributes'; s = d.next(safe)) {
      safe = f.plan[s.number].ref
      n++
    }
    if (checkpoints) maxCheckpoint = Math.max(maxCheckpoint, d.checkpoint().length)
  }
  return { blocks: n, maxCheckpoint }
}

function bare(f: DeriveFixture): void {
  for (const ch of f.channels) {
    const { data } = decompressChannel(ch, { maxOutputBytes: 100_000_000, allowBrotli: true })
    for (const p of readBatchPayloads(data, 100_000_000).payloads) {
      const b = decodeBatch(p)
      if (b.type === 1) deriveSpanBatch(b.batch, { genesisL2Time: f.config.genesis.l2Time, blockTime: f.config.blockTime, l2ChainId: f.config.l2ChainId })
    }
  }
}

function time(fn: () => void, rounds: number): number {
  fn()
  const start = performance.now()
  for (let i = 0; i < rounds; i++) fn()
  return (performance.now() - start) / rounds
}

export function benchDerive(opts: { blocks?: number; rounds?: number } = {}): DeriveBenchResult[] {
  const out: DeriveBenchResult[] = []
  for (const algo of ['zlib', 'brotli'] as const) {
    const f = buildDeriveFixture({ blocks: opts.blocks ?? 600, txsPerBlock: 40, blocksPerChannel: 100, algo })
    const check = deriveAll(f, true)
    if (check.blocks !== f.blocks) throw new Error(`derived ${check.blocks} of ${f.blocks} blocks`)
    const rounds = opts.rounds ?? 3
    const deriveMs = time(() => deriveAll(f, false), rounds)
    const bareMs = time(() => bare(f), rounds)
    out.push({
      algo,
      blocks: f.blocks,
      txs: f.txs,
      compressedBytes: f.channels.reduce((n, c) => n + c.length, 0),
      deriveMs,
      blocksPerSecond: f.blocks / (deriveMs / 1000),
      bareMs,
      ratio: deriveMs / bareMs,
      maxCheckpointBytes: check.maxCheckpoint,
    })
  }
  return out
}

export function formatDerive(r: DeriveBenchResult): string {
  return `${r.algo.padEnd(6)} ${r.blocks} L2 blocks / ${r.txs} txs / ${(r.compressedBytes / 1024).toFixed(0)} KiB of channels: derive ${r.deriveMs.toFixed(1)} ms = ${Math.round(r.blocksPerSecond).toLocaleString('en')} blocks/s; bare decompress+span decode ${r.bareMs.toFixed(1)} ms; ratio ${r.ratio.toFixed(2)}×; max checkpoint ${(r.maxCheckpointBytes / 1024).toFixed(1)} KiB`
}
