/**
 * The batcher's transaction signer (viem, secp256k1): calldata or EIP-4844 blob transactions to the batch inbox,
 * blob commitments and proofs computed in the worker with the pure-JS KZG (workers/blob-commitment.ts). Signing is
 * deterministic, so re-signing the same fields gives the same transaction (rebroadcast after an L1 reorg).
 */
import { blobsToCommitments, blobsToProofs, commitmentsToVersionedHashes, keccak256, toBlobSidecars } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { type Hex, toHex } from '../shared/bytes.ts'
import { dataToBlob } from '../shared/codec/blob.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import type { BatcherSigner } from './batcher-tick.ts'
import { viemKzg } from './blob-commitment.ts'

export function createBatcherSigner(key: Hex, config: Pick<RollupConfig, 'l1ChainId' | 'batchInboxAddress'>): BatcherSigner {
  const account = privateKeyToAccount(key)
  return {
    address: account.address.toLowerCase() as Hex,
    async sign(tx) {
      const common = { chainId: config.l1ChainId, nonce: tx.nonce, to: config.batchInboxAddress, gas: tx.gas, maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas }
      let raw: Hex
      if (tx.kind === 'calldata') {
        raw = (await account.signTransaction({ ...common, type: 'eip1559', data: toHex(tx.parts[0]) })) as Hex
      } else {
        const kzg = await viemKzg()
        const blobs = tx.parts.map((d) => toHex(dataToBlob(d)))
        const commitments = blobsToCommitments({ blobs, kzg })
        const sidecars = toBlobSidecars({ blobs, commitments, proofs: blobsToProofs({ blobs, commitments, kzg }) })
        raw = (await account.signTransaction({
          ...common,
          type: 'eip4844',
          maxFeePerBlobGas: tx.maxFeePerBlobGas ?? 1n,
          blobVersionedHashes: commitmentsToVersionedHashes({ commitments }),
          sidecars,
        })) as Hex
      }
      return { raw, hash: txHash(raw) }
    },
  }
}

/**
 * The transaction hash of a signed tx. A blob tx in network form (`0x03 ‖ rlp([tx_payload_body, blobs, commitments,
 * proofs])`) is hashed over `0x03 ‖ rlp(tx_payload_body)` (EIP-4844).
 */
function txHash(raw: Hex): Hex {
  if (!raw.startsWith('0x03')) return keccak256(raw)
  return keccak256(`0x03${firstListItem(raw.slice(4))}` as Hex)
}

/** The first item of an RLP list given as hex (no 0x): here the blob tx's payload body. */
function firstListItem(hex: string): string {
  const byte = (i: number) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  const lenOf = (at: number): { start: number; end: number } => {
    const b = byte(at)
    if (b < 0xc0) throw new TypeError('expected an RLP list')
    if (b <= 0xf7) return { start: at + 1, end: at + 1 + (b - 0xc0) }
    const n = b - 0xf7
    const len = Number.parseInt(hex.slice(2 * (at + 1), 2 * (at + 1 + n)), 16)
    return { start: at + 1 + n, end: at + 1 + n + len }
  }
  const outer = lenOf(0)
  const inner = lenOf(outer.start)
  return hex.slice(2 * outer.start, 2 * inner.end)
}
