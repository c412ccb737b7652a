/**
 * A synthetic OP-Mainnet-sized channel for benchmarks: span batches of signed type-2 transactions whose calldata is
 * part random, part structured (so it compresses about as well as real L2 traffic), deterministic from a seed.
 */
import { toRlp } from 'viem'
import { serializeTransaction, type Hex } from 'viem'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { encodeBatch } from '../shared/codec/batch.ts'
import { compressChannel, type CompressionAlgo } from '../shared/codec/compression.ts'
import { toRawSpanBatch } from '../shared/codec/span-batch.ts'
import { fromHex, keccak, toHex } from '../shared/bytes.ts'
import { prng } from '../test/support/random.ts'

export type BenchChannel = { compressed: Uint8Array; decompressedLength: number; blocks: number; txs: number }

/** Build `blocks` L2 blocks of `txsPerBlock` txs each, as one span batch in one channel. */
export function buildChannel(opts: { blocks: number; txsPerBlock: number; algo: CompressionAlgo; seed?: number; l2ChainId?: number }): BenchChannel {
  const rand = prng(opts.seed ?? 1)
  const chainId = opts.l2ChainId ?? 10
  const keys = Array.from({ length: 32 }, (_, i) => keccak(new TextEncoder().encode(`bench-key-${i}`)))
  const contracts = Array.from({ length: 16 }, (_, i) => toHex(keccak(new TextEncoder().encode(`contract-${i}`)).slice(12)))
  const nonces = new Array(keys.length).fill(0)
  const blocks = []
  for (let b = 0; b < opts.blocks; b++) {
    const transactions: Uint8Array[] = []
    for (let t = 0; t < opts.txsPerBlock; t++) {
      const k = Math.floor(rand() * keys.length)
      // calldata: a selector, a few ABI words (addresses and small amounts, zero-padded), a random tail
      const words = 2 + Math.floor(rand() * 6)
      let data = '0x' + Math.floor(rand() * 2 ** 32).toString(16).padStart(8, '0')
      for (let w = 0; w < words; w++) {
        data += rand() < 0.5 ? contracts[Math.floor(rand() * contracts.length)].slice(2).padStart(64, '0') : Math.floor(rand() * 1e9).toString(16).padStart(64, '0')
      }
      const tail = 150 + Math.floor(rand() * 700)
      for (let i = 0; i < tail; i++) data += Math.floor(rand() * 256).toString(16).padStart(2, '0')
      const unsigned = {
        type: 'eip1559' as const,
        chainId,
        nonce: nonces[k]++,
        to: contracts[Math.floor(rand() * contracts.length)] as Hex,
        value: BigInt(Math.floor(rand() * 1e6)) * 10n ** 9n,
        gas: BigInt(21000 + Math.floor(rand() * 300000)),
        maxFeePerGas: 1_000_000n + BigInt(Math.floor(rand() * 1000)),
        maxPriorityFeePerGas: 1000n,
        data: data as Hex,
      }
      const hash = keccak(fromHex(serializeTransaction(unsigned)))
      const sig = secp256k1.sign(hash, keys[k], { prehash: false, format: 'recovered' })
      const r = toHex(sig.slice(1, 33))
      const s = toHex(sig.slice(33, 65))
      transactions.push(fromHex(serializeTransaction(unsigned, { r, s, yParity: sig[0] })))
    }
    blocks.push({ timestamp: 1_800_000_000 + 2 * b, l1OriginNumber: 20_000_000 + Math.floor(b / 6), transactions })
  }
  const raw = toRawSpanBatch(blocks, {
    genesisL2Time: 1686068903,
    blockTime: 2,
    l2ChainId: chainId,
    parentHash: new Uint8Array(32).fill(1),
    l1OriginHash: new Uint8Array(32).fill(2),
    firstBlockSequenceNumber: 0,
  })
  const payload = toRlp(encodeBatch({ type: 1, batch: raw }), 'bytes')
  return { compressed: compressChannel(payload, opts.algo), decompressedLength: payload.length, blocks: opts.blocks, txs: opts.blocks * opts.txsPerBlock }
}

