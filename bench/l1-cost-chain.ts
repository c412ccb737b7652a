/**
 * The L1 chain the L1-cost benchmark reads: `l1Blocks` blocks mined back to back on anvil (automine off, `evm_mine`,
 * timestamps `l1Interval` s apart), each with filler transactions, portal deposits in some, and batches in some —
 * calldata (singular and span, zlib and brotli, one or several frames) and blobs (several per tx).
 *
 * The batches carry a real L2 chain: this file plays the sequencer, building each L2 block from the same payload
 * attributes the verifier will derive (L1-info deposit, user deposits, the batch's transactions) with the development
 * engine's own block builder, so the parent hashes in the batches are the ones the verifier's engine computes and the
 * worker can derive every posted block.
 */
import { type Hex, toHex } from '../shared/bytes.ts'
import type { RollupConfig, SystemConfig } from '../shared/config/rollup-config.ts'
import { buildAttributes } from '../shared/deriver/attributes-builder.ts'
import type { L1Input, L2BlockRef } from '../shared/deriver/types.ts'
import { createL1Source } from '../workers/l1-source.ts'
import { anvilBeaconFetch, type BatchedBlock, type PostBatchesOptions, sendBatches, waitForBatchReceipts } from '../test/devnet/batch-poster.ts'
import { buildBlock, type DevBlock, genesisBlock } from '../test/devnet/dev-engine/block-builder.ts'
import { depositCalldata } from '../test/devnet/l1-contracts.ts'
import { rpc } from '../test/devnet/stack.ts'
import { signedTx } from '../test/support/chain-harness.ts'

export type ChainPlan = {
  l1Blocks: number
  /** Seconds between L1 blocks (L2 block time is the config's). */
  l1Interval: number
  /** Post the unposted L2 blocks every this many L1 blocks (and in the last one). */
  postEvery: number
  depositEvery: number
  fillerPerBlock: number
  l2TxsPerBlock: number
}

export const DEFAULT_PLAN: ChainPlan = { l1Blocks: 200, l1Interval: 12, postEvery: 10, depositEvery: 7, fillerPerBlock: 4, l2TxsPerBlock: 2 }

/** The batch formats, in rotation. */
const POSTINGS: readonly PostBatchesOptions[] = [
  { kind: 'singular', algo: 'zlib', da: 'calldata' },
  { kind: 'span', algo: 'brotli', da: 'calldata', maxFrameSize: 4_000 },
  { kind: 'span', algo: 'zlib', da: 'calldata' },
  // Two or three blobs in one tx: small frames, because pure-JS KZG proofs cost ~0.7 s per blob.
  { kind: 'span', algo: 'brotli', da: 'blobs', maxFrameSize: 6_000 },
]

export type Posting = { l1Block: number; opts: PostBatchesOptions; l2Blocks: number; txs: number; frames: number; frameBytes: number }

export type BuiltChain = {
  /** The L1 range of the chain (block 1 to the head). */
  from: number
  to: number
  depositBlocks: number[]
  postings: Posting[]
  /** L1 blocks whose batcher txs carry blobs. */
  blobBlocks: number[]
  /** The last L2 block posted: what a verifier's safe head reaches. */
  lastPostedL2: number
  l1Txs: number
  ms: number
}

type Sequencer = { block: DevBlock; ref: L2BlockRef; systemConfig: SystemConfig }

const ETH = 10n ** 18n

export async function buildChain(l1Url: string, config: RollupConfig, plan: ChainPlan = DEFAULT_PLAN): Promise<BuiltChain> {
  const started = Date.now()
  // The sequencer's own L1 view (not counted): headers and portal logs, blobs trusted.
  const l1 = createL1Source({ rpcUrls: [l1Url], beaconUrls: [l1Url], fetch: anvilBeaconFetch(), config, secondsPerSlot: 1, beaconBlockId: 'number', trustBlobs: true })
  const inputs = new Map<number, L1Input>()
  const genesis = genesisBlock(config)
  if (genesis.hash !== config.genesis.l2.hash) throw new Error(`sequencer genesis ${genesis.hash} differs from the engine's ${config.genesis.l2.hash}`)
  inputs.set(0, (await l1.fetchRange(0, 0))[0])
  if (inputs.get(0)!.header.hash !== config.genesis.l1.hash) throw new Error('L1 block 0 is not the rollup genesis')
  let seq: Sequencer = {
    block: genesis,
    ref: { hash: genesis.hash, number: 0, parentHash: toHex(genesis.payload.parentHash), timestamp: config.genesis.l2Time, l1Origin: config.genesis.l1, sequenceNumber: 0 },
    systemConfig: config.genesis.systemConfig,
  }
  const unposted: { number: number; batched: BatchedBlock }[] = []
  const postings: Posting[] = []
  const depositBlocks: number[] = []
  let lastPostedL2 = 0
  let l1Txs = 0
  let seed = 1

  const [depositor, filler] = (await rpc(l1Url, 'eth_accounts')) as Hex[]
  await rpc(l1Url, 'evm_setAutomine', [false])
  await rpc(l1Url, 'anvil_setBlockTimestampInterval', [plan.l1Interval])
  try {
    for (let n = 1; n <= plan.l1Blocks; n++) {
      const sends: { method: string; params: unknown[] }[] = []
      for (let k = 0; k < plan.fillerPerBlock; k++) {
        const to = toHex(crypto.getRandomValues(new Uint8Array(20)))
        // Every other filler tx carries 300 bytes of calldata, like a contract call would.
        const data = k % 2 === 1 ? toHex(crypto.getRandomValues(new Uint8Array(300))) : '0x'
        sends.push({ method: 'eth_sendTransaction', params: [{ from: filler, to, value: '0x1', data, gas: '0x20000' }] })
      }
      if (n % plan.depositEvery === 0) {
        const data = depositCalldata(depositor, '0x000000000000000000000000000000000000beef', { mint: ETH, value: 0n, gas: 100_000n, isCreation: false, data: new Uint8Array([n & 0xff]) })
        sends.push({ method: 'eth_sendTransaction', params: [{ from: depositor, to: config.depositContractAddress, data, gas: '0x30000' }] })
        depositBlocks.push(n)
      }
      await rpcBatch(l1Url, sends)
      l1Txs += sends.length

      let batchTxs: Hex[] = []
      if ((n % plan.postEvery === 0 || n === plan.l1Blocks) && unposted.length > 0) {
        const opts = POSTINGS[postings.length % POSTINGS.length]
        const blocks = unposted.splice(0)
        const sent = await sendBatches(l1Url, config, blocks.map((b) => b.batched), opts)
        batchTxs = sent.txHashes
        postings.push({ l1Block: n, opts, l2Blocks: blocks.length, txs: batchTxs.length, frames: sent.frames.length, frameBytes: sent.frames.reduce((a, f) => a + f.data.length, 0) })
        lastPostedL2 = blocks.at(-1)!.number
        l1Txs += batchTxs.length
      }

      await rpc(l1Url, 'evm_mine')
      const mined = await waitForBatchReceipts(l1Url, batchTxs)
      if (mined.some((b) => b !== n)) throw new Error(`batcher txs of L1 block ${n} landed in ${mined.join(', ')}`)
      const [input] = await l1.fetchRange(n, n)
      inputs.set(n, input)
      if (n === plan.l1Blocks) break
      // Every L2 block older than this L1 block has its origin among the blocks seen so far.
      while (seq.ref.timestamp + config.blockTime < input.header.timestamp) {
        const txs = Array.from({ length: plan.l2TxsPerBlock }, () => signedTx(config.l2ChainId, seed++))
        seq = nextL2Block(config, seq, inputs, txs)
        const { parentHash, timestamp, l1Origin, sequenceNumber } = seq.ref
        unposted.push({ number: seq.ref.number, batched: { parentHash, timestamp, l1Origin, sequenceNumber, transactions: txs } })
      }
    }
  } finally {
    await rpc(l1Url, 'evm_setAutomine', [true])
  }
  return {
    from: 1,
    to: plan.l1Blocks,
    depositBlocks,
    postings,
    blobBlocks: postings.filter((p) => p.opts.da === 'blobs').map((p) => p.l1Block),
    lastPostedL2,
    l1Txs,
    ms: Date.now() - started,
  }
}

/** The sequencer's next block: origin advances when the next L1 block is old enough; attributes as derivation builds them. */
function nextL2Block(config: RollupConfig, s: Sequencer, inputs: ReadonlyMap<number, L1Input>, txs: readonly Uint8Array[]): Sequencer {
  const timestamp = s.ref.timestamp + config.blockTime
  const current = inputs.get(s.ref.l1Origin.number)!
  const next = inputs.get(s.ref.l1Origin.number + 1)
  const epoch = next !== undefined && next.header.timestamp <= timestamp ? next : current
  const r = buildAttributes(config, { parent: s.ref, parentSystemConfig: s.systemConfig, epoch: epoch.header, epochLogs: epoch.logs, timestamp, batchTransactions: txs, noTxPool: true })
  if (r.kind !== 'attributes') throw new Error(`sequencer: ${r.kind} ${r.reason}: ${r.message}`)
  const block = buildBlock(config, s.block, r.attributes)
  if ('rejected' in block) throw new Error(`sequencer: block ${s.ref.number + 1} rejected: ${block.reason}`)
  return {
    block,
    ref: { hash: block.hash, number: s.ref.number + 1, parentHash: s.ref.hash, timestamp, l1Origin: { number: epoch.header.number, hash: epoch.header.hash }, sequenceNumber: r.sequenceNumber },
    systemConfig: r.systemConfig,
  }
}

/** One JSON-RPC batch; throws on any error answer. */
async function rpcBatch(url: string, calls: readonly { method: string; params: unknown[] }[]): Promise<unknown[]> {
  if (calls.length === 0) return []
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(calls.map((c, id) => ({ jsonrpc: '2.0', id, ...c }))) })
  const answers = (await res.json()) as { id: number; result?: unknown; error?: { message: string } }[]
  for (const a of answers) if (a.error) throw new Error(`${calls[a.id].method}: ${a.error.message}`)
  return answers.sort((a, b) => a.id - b.id).map((a) => a.result)
}
