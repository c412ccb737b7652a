/**
 * Types at the deriver's boundary (DESIGN.md "The deriver"): what the caller feeds in, what comes out.
 * All plain data, serializable into a checkpoint (bytes as 0x hex, big integers as bigint handled by the
 * checkpoint codec).
 */
import type { Hex } from '../bytes.ts'
import type { BlockId } from '../config/rollup-config.ts'

/** An L1 block reference (op-node `eth.L1BlockRef`). */
export type L1BlockRef = { hash: Hex; number: number; parentHash: Hex; timestamp: number }

/** The L1 header fields derivation reads (L1-info tx, prevRandao, parent beacon root). */
export type L1BlockInfo = L1BlockRef & {
  baseFeePerGas: bigint
  /** `mixHash` / `prevRandao`. */
  mixHash: Hex
  /** Cancun+: absent before. */
  excessBlobGas?: bigint
  /** Cancun+: absent before. */
  parentBeaconBlockRoot?: Hex
}

/** An L2 block reference (op-node `eth.L2BlockRef`). */
export type L2BlockRef = {
  hash: Hex
  number: number
  parentHash: Hex
  timestamp: number
  l1Origin: BlockId
  sequenceNumber: number
}

/** A log as `eth_getLogs` returns it, already parsed. */
export type L1Log = {
  address: Hex
  topics: readonly Hex[]
  data: Hex
  /** Index of the log within the whole L1 block (source hashes depend on it). */
  logIndex: number
  blockHash: Hex
  transactionIndex?: number
}

/** Payload attributes handed to the engine (op-node `eth.PayloadAttributes`, PROTOCOL.md §2.9.6). */
export type PayloadAttributes = {
  timestamp: number
  prevRandao: Hex
  suggestedFeeRecipient: Hex
  /** EIP-2718 encoded transactions, deposits first. */
  transactions: Hex[]
  noTxPool: boolean
  gasLimit: bigint
  /** `[]` from Canyon, absent before. */
  withdrawals?: []
  /** Ecotone+. */
  parentBeaconBlockRoot?: Hex
  /** Holocene+: 8 bytes. */
  eip1559Params?: Hex
  /** Jovian+. */
  minBaseFee?: bigint
}

/** An L1 transaction as derivation needs it (from `eth_getBlockByNumber(n, true)`; `from` as the RPC recovered it). */
export type L1Transaction = {
  from: Hex
  to: Hex | null
  /** EIP-2718 type (0 legacy). */
  type: number
  input: Hex
  blobVersionedHashes?: Hex[]
}

/**
 * Everything derivation reads from one L1 block. `transactions` must be all of the block's transactions in order
 * (blob indices count the blobs of every transaction); `logs` at least every log of the portal and the SystemConfig
 * (others are ignored); `blobs` the blobs of batcher blob transactions, by versioned hash.
 */
export type L1Input = {
  header: L1BlockInfo
  transactions: L1Transaction[]
  logs: L1Log[]
  blobs?: Record<string, Hex>
}
