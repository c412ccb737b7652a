/**
 * A synthetic L1 + L2 chain for deriver tests: an L1 hash chain, an L2 block plan (timestamps, origins, txs, hashes as
 * a stand-in engine would give them) and a batcher that posts the plan as channels of singular or span batches.
 */
import { keccak256, serializeTransaction, toRlp, type Hex } from 'viem'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { fromHex, toHex } from '../../shared/bytes.ts'
import { encodeBatch } from '../../shared/codec/batch.ts'
import { compressChannel, type CompressionAlgo } from '../../shared/codec/compression.ts'
import { encodeDataUnit, type Frame } from '../../shared/codec/frame.ts'
import { toRawSpanBatch } from '../../shared/codec/span-batch.ts'
import { devnetConfig } from '../../shared/config/chains.ts'
import type { ForkTimes, RollupConfig } from '../../shared/config/rollup-config.ts'
import type { L1BlockInfo, L1Input, L1Log, L2BlockRef } from '../../shared/deriver/types.ts'

export const BATCHER_KEY = fromHex('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a')
export const BATCHER = '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc' as Hex

export function h(label: string): Hex {
  return keccak256(new TextEncoder().encode(label))
}

export function makeConfig(forks: ForkTimes, overrides: Partial<RollupConfig> = {}): RollupConfig {
  const base = devnetConfig({ l1: { hash: h('l1-100'), number: 100 }, l2: { hash: h('l2-0'), number: 0 }, l2Time: L1_START_TIME })
  return { ...base, forks, ...overrides }
}

export const L1_START = 100
export const L1_START_TIME = 1_800_000_000
export const L1_BLOCK_TIME = 12

export function l1Block(n: number): L1BlockInfo {
  return {
    hash: h(`l1-${n}`),
    number: n,
    parentHash: h(`l1-${n - 1}`),
    timestamp: L1_START_TIME + (n - L1_START) * L1_BLOCK_TIME,
    baseFeePerGas: 1_000_000_000n + BigInt(n),
    mixHash: h(`mix-${n}`),
    excessBlobGas: 0n,
    parentBeaconBlockRoot: h(`beacon-${n}`),
  }
}

export type PlannedBlock = { ref: L2BlockRef; transactions: Uint8Array[] }

/** L2 blocks 1..count on top of L2 genesis (block 0, origin L1_START), 2 s apart, origin = latest L1 block in time. */
export function planL2(config: RollupConfig, count: number, txsPerBlock: (n: number) => Uint8Array[]): PlannedBlock[] {
  const out: PlannedBlock[] = [{ ref: genesisRef(), transactions: [] }]
  let origin = L1_START
  let seq = 0
  for (let n = 1; n <= count; n++) {
    const timestamp = L1_START_TIME + n * config.blockTime
    if (l1Block(origin + 1).timestamp <= timestamp) {
      origin++
      seq = 0
    } else seq++
    const o = l1Block(origin)
    const txs = n === 0 ? [] : txsPerBlock(n)
    out.push({ ref: { hash: h(`l2-${n}`), number: n, parentHash: h(`l2-${n - 1}`), timestamp, l1Origin: { hash: o.hash, number: o.number }, sequenceNumber: seq }, transactions: txs })
  }
  return out
}

export function genesisRef(): L2BlockRef {
  return { hash: h('l2-0'), number: 0, parentHash: h('l2-genesis-parent'), timestamp: L1_START_TIME, l1Origin: { hash: l1Block(L1_START).hash, number: L1_START }, sequenceNumber: 0 }
}

let txNonce = 0
/** A signed EIP-1559 L2 transaction (valid for span batches). */
export function signedTx(chainId: number, seed: number): Uint8Array {
  const unsigned = { type: 'eip1559' as const, chainId, nonce: txNonce++, to: h(`to-${seed}`).slice(0, 42) as Hex, value: BigInt(seed), gas: 21000n, maxFeePerGas: 2n, maxPriorityFeePerGas: 1n, data: toHex(new Uint8Array(seed % 40)) }
  const hash = fromHex(keccak256(serializeTransaction(unsigned)))
  const sig = secp256k1.sign(hash, BATCHER_KEY, { prehash: false, format: 'recovered' })
  return fromHex(serializeTransaction(unsigned, { r: toHex(sig.slice(1, 33)), s: toHex(sig.slice(33, 65)), yParity: sig[0] }))
}

/** Channel bytes (compressed) holding the given blocks as singular batches or one span batch. */
export function channelFor(config: RollupConfig, blocks: PlannedBlock[], kind: 'singular' | 'span', algo: CompressionAlgo = 'zlib'): Uint8Array {
  const parts: Uint8Array[] = []
  if (kind === 'singular') {
    for (const b of blocks) {
      parts.push(
        toRlp(encodeBatch({ type: 0, batch: { parentHash: fromHex(b.ref.parentHash), epochNumber: b.ref.l1Origin.number, epochHash: fromHex(b.ref.l1Origin.hash), timestamp: b.ref.timestamp, transactions: b.transactions } }), 'bytes'),
      )
    }
  } else {
    const raw = toRawSpanBatch(
      blocks.map((b) => ({ timestamp: b.ref.timestamp, l1OriginNumber: b.ref.l1Origin.number, transactions: b.transactions })),
      { genesisL2Time: config.genesis.l2Time, blockTime: config.blockTime, l2ChainId: config.l2ChainId, parentHash: fromHex(blocks[0].ref.parentHash), l1OriginHash: fromHex(blocks.at(-1)!.ref.l1Origin.hash), firstBlockSequenceNumber: blocks[0].ref.sequenceNumber },
    )
    parts.push(toRlp(encodeBatch({ type: 1, batch: raw }), 'bytes'))
  }
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    data.set(p, o)
    o += p.length
  }
  return compressChannel(data, algo)
}

/** Split a channel into frames of at most `size` bytes. */
export function framesOf(channel: Uint8Array, id: Uint8Array, size: number): Frame[] {
  const frames: Frame[] = []
  for (let i = 0; i === 0 || i * size < channel.length; i++) {
    frames.push({ channelId: id, frameNumber: i, data: channel.slice(i * size, (i + 1) * size), isLast: (i + 1) * size >= channel.length })
  }
  return frames
}

/** L1 inputs L1_START..last, with the given data units posted (as calldata txs from the batcher) in given blocks. */
export function l1Inputs(config: RollupConfig, last: number, posts: Map<number, Uint8Array[]>, logs: Map<number, L1Log[]> = new Map()): L1Input[] {
  const out: L1Input[] = []
  for (let n = L1_START; n <= last; n++) {
    const units = posts.get(n) ?? []
    out.push({
      header: l1Block(n),
      transactions: [
        { from: h('someone').slice(0, 42) as Hex, to: config.batchInboxAddress, type: 2, input: '0x00' },
        ...units.map((u) => ({ from: BATCHER, to: config.batchInboxAddress, type: 2, input: toHex(u) })),
      ],
      logs: logs.get(n) ?? [],
    })
  }
  return out
}

export function dataUnit(frames: Frame[]): Uint8Array {
  return encodeDataUnit(frames)
}
