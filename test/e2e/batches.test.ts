/**
 * End to end on real processes: batches posted to anvil's batch inbox, encoded with the project's codecs (singular
 * batches in a zlib channel as calldata, then a span batch in a brotli channel as blobs), become safe L2 blocks in the
 * verifier (wrangler dev + the development engine) with exactly the posted transactions. The sequencing window is
 * long, so nothing is derived until the batches arrive.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { toHex, type Hex } from '../../shared/bytes.ts'
import { encodeRpcTransaction } from '../../shared/protocol/rpc-block-lists.ts'
import { type BatchedBlock, postBatches } from '../devnet/batch-poster.ts'
import { startStack, until, type Stack } from '../devnet/stack.ts'
import { signedTx } from '../support/chain-harness.ts'

let stack: Stack | undefined
afterAll(async () => {
  await stack?.stop()
})

type Status = { safe_l2: { number: number; hash: Hex }; unsafe_l2: { number: number } }

describe('batches posted to L1 become safe L2 blocks (anvil + development engine + wrangler dev)', () => {
  it('default: calldata (singular, zlib) then blobs (span, brotli)', async () => {
    stack = await startStack({ l1BlockTime: 1, configure: (c) => ({ ...c, seqWindowSize: 600 }) })
    const s = stack
    const { config, engine } = s
    const status = async () => (await s.rollupRpc('optimism_syncStatus')) as Status
    const ticking = setInterval(() => s.tick().catch(() => {}), 1000)
    const block = (n: number, parentHash: Hex, txs: number): BatchedBlock => ({
      parentHash,
      timestamp: config.genesis.l2Time + n * config.blockTime,
      l1Origin: { number: 0, hash: config.genesis.l1.hash },
      sequenceNumber: n,
      transactions: Array.from({ length: txs }, (_, k) => signedTx(config.l2ChainId, 1000 * n + k)),
    })
    try {
      // Block 1 builds on the L2 genesis: singular batch, zlib, calldata.
      const b1 = block(1, engine.genesis.hash as Hex, 3)
      const first = await postBatches(s.l1Url, config, [b1], { kind: 'singular', algo: 'zlib', da: 'calldata' })
      expect(first.txHashes.length).toBeGreaterThan(0)
      await until('block 1 safe', 90_000, async () => ((await status()).safe_l2.number >= 1 ? true : undefined))
      const built1 = engine.block(1)!
      // Blocks 2..5 on top of what the verifier built: one span batch, brotli, in blobs.
      // A span batch carries only its first block's parent (checked against the safe head); the others follow from it.
      const rest = [2, 3, 4, 5].map((n) => block(n, n === 2 ? built1.hash : (`0x${'00'.repeat(32)}` as Hex), n))
      const second = await postBatches(s.l1Url, config, rest, { kind: 'span', algo: 'brotli', da: 'blobs' })
      expect(second.txHashes.length).toBeGreaterThan(0)
      const safe = await until('blocks 2..5 safe', 90_000, async () => {
        const st = await status()
        return st.safe_l2.number >= 5 ? st : undefined
      })
      expect(safe.unsafe_l2.number).toBeGreaterThanOrEqual(5)
      for (const b of [b1, ...rest]) {
        const n = b.sequenceNumber
        const json = (await engine.blockJson(n, true))!
        const txs = (json.transactions as unknown[]).map((t, i) => toHex(encodeRpcTransaction(t, i)))
        // [L1-info deposit, the batch's transactions in order]
        expect(txs.slice(1)).toEqual(b.transactions.map(toHex))
        expect(Number(BigInt((await engine.blockJson(n))!.timestamp as string))).toBe(b.timestamp)
      }
      expect(safe.safe_l2.hash).toBe(engine.block(5)!.hash)
    } finally {
      clearInterval(ticking)
    }
  }, 240_000)
})
