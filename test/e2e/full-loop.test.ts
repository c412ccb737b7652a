/**
 * The full loop on one machine (issue #6): a sequencer node builds blocks and gossips them through its relay; its
 * batch submitter posts them to anvil; a verifier follows the tip through gossip and derives the safe chain from L1
 * only. The verifier's safe chain must be the sequencer's chain, hash for hash, and an L1 deposit must appear in both.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { toHex, type Hex } from '../../shared/bytes.ts'
import { depositFromLog } from '../../shared/protocol/deposit-log.ts'
import { encodeDepositTx } from '../../shared/protocol/deposit-tx.ts'
import { encodeRpcTransaction } from '../../shared/protocol/rpc-block-lists.ts'
import { depositCalldata } from '../devnet/l1-contracts.ts'
import { rpc, startFullLoop, until, type DevnetNode, type Stack } from '../devnet/stack.ts'
import { BATCHER_KEY, signedTx } from '../support/chain-harness.ts'

type Status = { unsafe_l2: { number: number; hash: Hex }; safe_l2: { number: number; hash: Hex; l1origin: { number: number } } }

let running: { stop(): Promise<void> }[] = []
afterEach(async () => {
  for (const r of running.reverse()) await r.stop()
  running = []
})

async function loop(batcher: Record<string, string>) {
  // A long sequencing window: nothing can become safe except through the batcher's batches.
  const l = await startFullLoop({ configure: (c) => ({ ...c, seqWindowSize: 600 }), sequencerEnv: batcher })
  running.push(l)
  return l
}

async function check({ verifier, sequencer }: { verifier: Stack; sequencer: DevnetNode }, da: 'blobs' | 'calldata') {
  const status = async (n: { rollupRpc: Stack['rollupRpc'] }) => (await n.rollupRpc('optimism_syncStatus')) as Status
  await until('the sequencer to build blocks', 60_000, async () => ((await status(sequencer)).unsafe_l2.number >= 5 ? true : undefined))
  // User transactions in the sequencer's pool: only batches can carry them to the verifier's safe chain.
  const userTxs = [1, 2, 3].map((k) => toHex(signedTx(verifier.config.l2ChainId, 500 + k)))
  for (const t of userTxs) sequencer.engine.sendRawTransaction(t)
  // A user deposit on L1.
  const [from] = (await rpc(verifier.l1Url, 'eth_accounts')) as Hex[]
  const txHash = await rpc(verifier.l1Url, 'eth_sendTransaction', [{ from, to: verifier.config.depositContractAddress, data: depositCalldata(from, '0x000000000000000000000000000000000000cafe', { mint: 3n, value: 0n, gas: 70_000n, isCreation: false, data: new Uint8Array([7, 7]) }), gas: '0x30000' }])
  const receipt = await until('the deposit receipt', 20_000, () => rpc(verifier.l1Url, 'eth_getTransactionReceipt', [txHash]).then((r) => r ?? undefined))
  const log = receipt.logs[0]
  const deposit = toHex(encodeDepositTx(depositFromLog({ address: log.address, topics: log.topics, data: log.data, blockHash: log.blockHash, logIndex: Number(BigInt(log.logIndex)) }, verifier.config.depositContractAddress)!))
  const depositL1 = Number(BigInt(receipt.blockNumber))
  const safe = await until('the verifier safe chain past the deposit', 150_000, async () => {
    const st = await status(verifier)
    return st.safe_l2.l1origin.number > depositL1 + 1 ? st : undefined
  })
  // Identical chains: every safe block of the verifier is the sequencer's block at that height.
  for (let n = 1; n <= safe.safe_l2.number; n++) expect(verifier.engine.block(n)?.hash, `block ${n}`).toBe(sequencer.engine.block(n)?.hash)
  const hasDeposit = async (e: Stack['engine']) => {
    for (let n = 1; n <= safe.safe_l2.number; n++) {
      const txs = (((await e.blockJson(n, true))?.transactions ?? []) as unknown[]).map((t, i) => toHex(encodeRpcTransaction(t, i)))
      if (txs.includes(deposit)) return n
    }
    return 0
  }
  const inVerifier = await hasDeposit(verifier.engine)
  expect(inVerifier).toBeGreaterThan(0)
  expect(await hasDeposit(sequencer.engine)).toBe(inVerifier)
  const all: Hex[] = []
  for (let n = 1; n <= safe.safe_l2.number; n++) all.push(...(((await verifier.engine.blockJson(n, true))?.transactions ?? []) as unknown[]).map((t, i) => toHex(encodeRpcTransaction(t, i))))
  for (const t of userTxs) expect(all, 'user transactions reached the verifier through L1').toContain(t)
  // The batcher's transactions on L1 are of the configured kind.
  const head = Number(BigInt(await rpc(verifier.l1Url, 'eth_blockNumber')))
  const kinds = new Set<string>()
  for (let n = 1; n <= head; n++) {
    const b = await rpc(verifier.l1Url, 'eth_getBlockByNumber', [`0x${n.toString(16)}`, true])
    for (const tx of b.transactions) if (tx.to?.toLowerCase() === verifier.config.batchInboxAddress.toLowerCase()) kinds.add(tx.type)
  }
  expect([...kinds]).toEqual([da === 'blobs' ? '0x3' : '0x2'])
  // The sequencer derives its own safe chain from L1 as well.
  const seqSafe = await until('the sequencer safe head', 60_000, async () => {
    const st = await status(sequencer)
    return st.safe_l2.number >= safe.safe_l2.number ? st : undefined
  })
  expect(sequencer.engine.block(safe.safe_l2.number)!.hash).toBe(safe.safe_l2.hash)
  expect(seqSafe.safe_l2.number).toBeGreaterThan(0)
}

describe('full loop: sequencer → relays → verifier, batcher → L1 → verifier (anvil, dev engines, wrangler dev)', () => {
  it('default: blobs, span batches, brotli', async () => {
    await check(await loop({ BATCHER_DA: 'blobs', BATCHER_BATCH_TYPE: 'span', BATCHER_COMPRESSION: 'brotli' }), 'blobs')
  }, 300_000)

  it('behavior: calldata, singular batches, zlib', async () => {
    await check(await loop({ BATCHER_DA: 'calldata', BATCHER_BATCH_TYPE: 'singular', BATCHER_COMPRESSION: 'zlib' }), 'calldata')
  }, 300_000)
})
