/**
 * The batch submitter's tick (DESIGN.md "batcher tick"; PROTOCOL.md §6.2; op-batcher `driver.go`,
 * `channel_manager.go`, op-service `txmgr`): stateless; the ledger lives in the RollupNode.
 *
 * One channel is in flight at a time, so frames and channels reach L1 in order (Holocene's strict ordering):
 * 1. with a channel in flight: follow its transactions — inclusion (receipt on the canonical chain), reorged out
 *    (rebroadcast), stuck (re-signed with the same nonce and bumped fees), failed or timed out, or its L2 blocks no
 *    longer canonical (abandon: the blocks go into a new channel); once every transaction is `confirmations` deep, or
 *    derivation has made its last block safe, the channel is done;
 * 2. otherwise: the unsafe blocks after the last submitted one (or the safe head) become a channel (span or
 *    singular batches, zlib or brotli), its frames become calldata or blob transactions, signed with the batcher
 *    key; the ledger records them before they are sent, so a tick that dies after sending loses nothing.
 */
import type { Hex } from '../shared/bytes.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import { channelTimeout } from '../shared/config/forks.ts'
import type { L2BlockRef } from '../shared/deriver/types.ts'
import type { BatcherChannel, BatcherTx, Submitted } from '../durable-objects/batcher-ledger.ts'
import type { BatcherSettings, BatchBlock, ChannelPlan, PlanChannelParameters } from './batcher-channel.ts'

export type BatcherState = {
  safe: L2BlockRef
  unsafe: L2BlockRef
  submitted: Submitted | null
  channel: BatcherChannel | null
  txs: BatcherTx[]
  /** The SystemConfig batcher as of the safe head, when the node knows it (else the genesis one is assumed). */
  batcherAddress?: Hex
}

/** What the tick needs from the RollupNode (its typed RPC stub). */
export type BatcherNode = {
  batcherState(): Promise<BatcherState | null>
  /** Canonical unsafe blocks `from..to` with their non-deposit transactions, linked by parent hash; null if the chain moved. */
  batchBlocks(from: number, to: number): Promise<BatchBlock[] | null>
  batcherOpenChannel(channel: BatcherChannel, txs: BatcherTx[]): Promise<void>
  batcherUpdateTx(index: number, tx: BatcherTx): Promise<void>
  batcherCloseChannel(confirmed: boolean, reason: string): Promise<void>
}

/** L1 JSON-RPC (the worker passes its upstream with failover) and the transaction signer. */
export type BatcherL1 = {
  call(method: string, params: unknown[]): Promise<unknown>
}

export type SignBatcherTx = { nonce: number; kind: 'calldata' | 'blobs'; parts: readonly Uint8Array[]; gas: bigint; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint; maxFeePerBlobGas?: bigint }

export type BatcherSigner = {
  address: Hex
  /** Sign one batcher transaction to the inbox: calldata (`parts[0]`) or blobs (each part is one blob's rollup data). */
  sign(tx: SignBatcherTx): Promise<{ raw: Hex; hash: Hex }>
}

export type BatcherTickReport =
  | { outcome: 'idle'; reason: string }
  | { outcome: 'opened'; channel: Hex; blocks: [number, number]; txs: number; da: 'calldata' | 'blobs'; bytes: number; compressionRatio: number }
  | { outcome: 'in-flight'; included: number; txs: number; bumped: number; rebroadcast: number }
  | { outcome: 'confirmed'; channel: Hex; lastBlock: number }
  | { outcome: 'abandoned'; channel: Hex; reason: string }

/** After this long unincluded, a transaction is re-signed with bumped fees (op-service txmgr `ResubmissionTimeout`). */
export const RESUBMISSION_TIMEOUT_MS = 48_000
/** Most L2 blocks in one channel. */
export const MAX_BLOCKS_PER_CHANNEL = 1000

export type BatcherTickParameters = {
  config: RollupConfig
  settings: BatcherSettings
  node: BatcherNode
  l1: BatcherL1
  signer: BatcherSigner
  plan: (p: PlanChannelParameters) => ChannelPlan
  randomChannelId: () => Uint8Array
  now: () => number
}

export async function batcherTick(p: BatcherTickParameters): Promise<BatcherTickReport> {
  const st = await p.node.batcherState()
  if (!st) return { outcome: 'idle', reason: 'the node has no heads yet' }
  if (st.channel) return followChannel(p, st, st.channel)
  return openChannel(p, st)
}

async function l1Head(l1: BatcherL1): Promise<{ number: number; hash: Hex; baseFeePerGas: bigint; timestamp: number }> {
  const b = (await l1.call('eth_getBlockByNumber', ['latest', false])) as { number: string; hash: Hex; baseFeePerGas?: string; timestamp: string }
  return { number: Number(BigInt(b.number)), hash: b.hash, baseFeePerGas: BigInt(b.baseFeePerGas ?? '0x0'), timestamp: Number(BigInt(b.timestamp)) }
}

async function followChannel(p: BatcherTickParameters, st: BatcherState, channel: BatcherChannel): Promise<BatcherTickReport> {
  // Derivation already made the channel's last block safe: it is on L1 for good enough.
  if (st.safe.number >= channel.lastBlock.number) {
    await p.node.batcherCloseChannel(true, 'derived')
    return { outcome: 'confirmed', channel: channel.id, lastBlock: channel.lastBlock.number }
  }
  // The L2 blocks the channel carries were replaced (an L1 reorg made the sequencer rebuild them): its batches
  // would be dropped by every verifier, so abandon it and batch the new chain.
  const [last] = (await p.node.batchBlocks(channel.lastBlock.number, channel.lastBlock.number)) ?? []
  if (!last || last.ref.hash !== channel.lastBlock.hash) {
    await p.node.batcherCloseChannel(false, 'its L2 blocks are no longer canonical')
    return { outcome: 'abandoned', channel: channel.id, reason: 'L2 blocks replaced' }
  }
  const head = await l1Head(p.l1)
  let included = 0
  let bumped = 0
  let rebroadcast = 0
  let firstInclusion: number | undefined
  // op-batcher `--max-pending-tx`: at most this many sent and not yet included; the rest wait, already signed.
  let pending = st.txs.filter((t) => t.status === 'sent').length
  for (const tx of st.txs) {
    if (tx.status === 'queued') {
      if (pending >= Math.max(1, p.settings.maxPendingTxs)) continue
      const next: BatcherTx = { ...tx, status: 'sent', sentAt: p.now() }
      await p.node.batcherUpdateTx(tx.index, next)
      await send(p.l1, (await p.signer.sign(signable(next))).raw)
      pending++
      continue
    }
    const receipt = (await p.l1.call('eth_getTransactionReceipt', [tx.hash])) as { status: string; blockNumber: string; blockHash: Hex } | null
    if (receipt) {
      if (receipt.status !== '0x1') {
        await p.node.batcherCloseChannel(false, `batcher tx ${tx.hash} failed on L1`)
        return { outcome: 'abandoned', channel: channel.id, reason: `tx ${tx.index} reverted` }
      }
      const at = { number: Number(BigInt(receipt.blockNumber)), hash: receipt.blockHash }
      if (tx.status !== 'included' || tx.includedIn?.hash !== at.hash) await p.node.batcherUpdateTx(tx.index, { ...tx, status: 'included', includedIn: at })
      if (tx.status === 'sent') pending--
      included++
      firstInclusion = Math.min(firstInclusion ?? at.number, at.number)
      continue
    }
    if (tx.status === 'included') {
      // Its block was reorged out: the signed transaction is still valid, send it again.
      await p.node.batcherUpdateTx(tx.index, { ...tx, status: 'sent', includedIn: null, sentAt: p.now() })
      await send(p.l1, (await p.signer.sign(signable(tx))).raw)
      rebroadcast++
      continue
    }
    if (p.now() - tx.sentAt >= RESUBMISSION_TIMEOUT_MS) {
      const { tx: next, raw } = await bump(p, tx, head.baseFeePerGas)
      await p.node.batcherUpdateTx(tx.index, next)
      await send(p.l1, raw)
      bumped++
    }
  }
  // A channel whose first frame landed more than a channel timeout ago and is still incomplete can no longer be
  // read: abandon it and resubmit its blocks (op-batcher `channel_manager.go` handleChannelTimeout).
  if (firstInclusion !== undefined && included < st.txs.length && head.number > firstInclusion + channelTimeout(p.config, head.timestamp)) {
    await p.node.batcherCloseChannel(false, 'channel timed out on L1')
    return { outcome: 'abandoned', channel: channel.id, reason: 'channel timeout' }
  }
  const deepest = Math.max(...st.txs.map((t) => t.includedIn?.number ?? Number.POSITIVE_INFINITY))
  if (included === st.txs.length && head.number - deepest + 1 >= Math.max(1, p.settings.confirmations)) {
    await p.node.batcherCloseChannel(true, 'confirmed on L1')
    return { outcome: 'confirmed', channel: channel.id, lastBlock: channel.lastBlock.number }
  }
  return { outcome: 'in-flight', included, txs: st.txs.length, bumped, rebroadcast }
}

async function openChannel(p: BatcherTickParameters, st: BatcherState): Promise<BatcherTickReport> {
  // Derivation reads only the SystemConfig batcher's transactions: anything else would be posted for nothing.
  const batcher = (st.batcherAddress ?? p.config.genesis.systemConfig.batcherAddress).toLowerCase()
  if (p.signer.address.toLowerCase() !== batcher) return { outcome: 'idle', reason: `BATCHER_KEY is ${p.signer.address}, but the SystemConfig batcher is ${batcher}` }
  // Start after the last confirmed channel if it is still on the canonical unsafe chain, else after the safe head.
  let after: { number: number; hash: Hex } = { number: st.safe.number, hash: st.safe.hash }
  if (st.submitted && st.submitted.number > st.safe.number && st.submitted.number <= st.unsafe.number) {
    const [b] = (await p.node.batchBlocks(st.submitted.number, st.submitted.number)) ?? []
    // Still ours only if the L2 block is canonical and the L1 block holding its batches was not reorged out.
    const l1 = st.submitted.l1
    const onL1 = l1 === null || ((await p.l1.call('eth_getBlockByNumber', [`0x${l1.number.toString(16)}`, false])) as { hash?: Hex } | null)?.hash === l1.hash
    if (b?.ref.hash === st.submitted.hash && onL1) after = { number: st.submitted.number, hash: st.submitted.hash }
  }
  const from = after.number + 1
  const to = Math.min(st.unsafe.number, from + MAX_BLOCKS_PER_CHANNEL - 1)
  if (from > to) return { outcome: 'idle', reason: 'no unsafe blocks to submit' }
  const blocks = await p.node.batchBlocks(from, to)
  if (!blocks || blocks.length === 0 || blocks[0].ref.parentHash !== after.hash) return { outcome: 'idle', reason: 'the unsafe chain moved; next tick' }
  const head = await l1Head(p.l1)
  const oldestOrigin = blocks[0].ref.l1Origin.number
  // op-batcher closes a channel at max-channel-duration (L1 blocks) or near the sequencing window; 0 = every tick.
  const margin = Math.max(1, Math.floor(p.config.seqWindowSize / 4))
  const mustSubmit = p.settings.maxChannelDuration === 0 || head.number - oldestOrigin >= p.settings.maxChannelDuration || head.number >= oldestOrigin + p.config.seqWindowSize - margin
  if (!mustSubmit) return { outcome: 'idle', reason: `channel open for ${head.number - oldestOrigin} of ${p.settings.maxChannelDuration} L1 blocks` }
  const blobBaseFee = p.settings.da === 'calldata' ? 0n : BigInt((await p.l1.call('eth_blobBaseFee', [])) as string)
  const id = p.randomChannelId()
  const plan = p.plan({ config: p.config, settings: p.settings, blocks, channelId: id, l1: { baseFee: head.baseFeePerGas, blobBaseFee, timestamp: head.timestamp } })
  const nonce = Number(BigInt((await p.l1.call('eth_getTransactionCount', [p.signer.address, 'pending'])) as string))
  const tip = BigInt((await p.l1.call('eth_maxPriorityFeePerGas', []).catch(() => '0x3b9aca00')) as string)
  const maxFeePerGas = 2n * head.baseFeePerGas + tip
  const maxFeePerBlobGas = plan.da === 'blobs' ? 2n * blobBaseFee + 1n : undefined
  const now = p.now()
  const txs: BatcherTx[] = []
  const raws: Hex[] = []
  for (const [i, t] of plan.txs.entries()) {
    const gas = t.kind === 'calldata' ? await estimateCalldataGas(p, t.parts[0]) : 21_000n
    const fields = { nonce: nonce + i, kind: t.kind, parts: t.parts, gas, maxFeePerGas, maxPriorityFeePerGas: tip, ...(maxFeePerBlobGas !== undefined ? { maxFeePerBlobGas } : {}) }
    const signed = await p.signer.sign(fields)
    raws.push(signed.raw)
    txs.push({
      hash: signed.hash,
      channelId: toHexId(id),
      index: i,
      nonce: nonce + i,
      kind: t.kind,
      parts: t.parts,
      gas: String(gas),
      maxFeePerGas: String(maxFeePerGas),
      maxPriorityFeePerGas: String(tip),
      maxFeePerBlobGas: maxFeePerBlobGas === undefined ? null : String(maxFeePerBlobGas),
      status: i < Math.max(1, p.settings.maxPendingTxs) ? 'sent' : 'queued',
      includedIn: null,
      sentAt: now,
    })
  }
  const last = blocks.at(-1)!.ref
  await p.node.batcherOpenChannel({ id: toHexId(id), firstBlock: from, lastBlock: { number: last.number, hash: last.hash }, txCount: txs.length, openedAt: now }, txs)
  for (const [i, raw] of raws.entries()) if (txs[i].status === 'sent') await send(p.l1, raw)
  return { outcome: 'opened', channel: toHexId(id), blocks: [from, last.number], txs: txs.length, da: plan.da, bytes: plan.compressedBytes, compressionRatio: plan.compressionRatio }
}

/** op-service txmgr: a replacement needs ≥ 10% more on both fees (geth's price bump), blob fee ×2 for blob txs. */
async function bump(p: BatcherTickParameters, tx: BatcherTx, baseFee: bigint): Promise<{ tx: BatcherTx; raw: Hex }> {
  const tip = (BigInt(tx.maxPriorityFeePerGas) * 110n) / 100n + 1n
  const maxFee = bigMax((BigInt(tx.maxFeePerGas) * 110n) / 100n + 1n, 2n * baseFee + tip)
  const blobFee = tx.maxFeePerBlobGas === null ? null : BigInt(tx.maxFeePerBlobGas) * 2n
  const next: BatcherTx = { ...tx, maxFeePerGas: String(maxFee), maxPriorityFeePerGas: String(tip), maxFeePerBlobGas: blobFee === null ? null : String(blobFee), sentAt: p.now() }
  const signed = await p.signer.sign(signable(next))
  return { tx: { ...next, hash: signed.hash }, raw: signed.raw }
}

function signable(tx: BatcherTx): SignBatcherTx {
  return {
    nonce: tx.nonce,
    kind: tx.kind,
    parts: tx.parts,
    gas: BigInt(tx.gas),
    maxFeePerGas: BigInt(tx.maxFeePerGas),
    maxPriorityFeePerGas: BigInt(tx.maxPriorityFeePerGas),
    ...(tx.maxFeePerBlobGas !== null ? { maxFeePerBlobGas: BigInt(tx.maxFeePerBlobGas) } : {}),
  }
}

async function estimateCalldataGas(p: BatcherTickParameters, data: Uint8Array): Promise<bigint> {
  const { toHex } = await import('../shared/bytes.ts')
  const est = BigInt((await p.l1.call('eth_estimateGas', [{ from: p.signer.address, to: p.config.batchInboxAddress, data: toHex(data) }])) as string)
  return (est * 12n) / 10n
}

async function send(l1: BatcherL1, raw: Hex): Promise<void> {
  try {
    await l1.call('eth_sendRawTransaction', [raw])
  } catch (e) {
    // Already in the pool or already mined: the receipt check of the next tick settles it.
    const m = e instanceof Error ? e.message.toLowerCase() : ''
    if (!/already known|nonce too low|known transaction|already imported/.test(m)) throw e
  }
}

function toHexId(id: Uint8Array): Hex {
  return `0x${Array.from(id, (b) => b.toString(16).padStart(2, '0')).join('')}` as Hex
}

function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}
