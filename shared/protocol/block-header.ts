/**
 * The block header codec: header RLP hashing (London → Prague fields) and the block hash an execution payload commits
 * to. Kept apart from the JSON readers (header-hash.ts) so gossip validation in the long-lived relay loads only this.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { fromHex, keccak } from '../bytes.ts'
import { encodeRlpBytes, encodeRlpList, uintToMinimalBytes } from '../codec/rlp.ts'
import type { ExecutionPayload } from '../codec/ssz-payload.ts'
import { orderedTrieRoot, withdrawalsTrieRoot } from './trie-root.ts'

/** A block header; optional fields exist from the fork that introduced them. */
export type BlockHeader = {
  parentHash: Uint8Array
  sha3Uncles: Uint8Array
  miner: Uint8Array
  stateRoot: Uint8Array
  transactionsRoot: Uint8Array
  receiptsRoot: Uint8Array
  logsBloom: Uint8Array
  difficulty: bigint
  number: number
  gasLimit: bigint
  gasUsed: bigint
  timestamp: number
  extraData: Uint8Array
  mixHash: Uint8Array
  /** 8 bytes. */
  nonce: Uint8Array
  baseFeePerGas?: bigint
  withdrawalsRoot?: Uint8Array
  blobGasUsed?: bigint
  excessBlobGas?: bigint
  parentBeaconBlockRoot?: Uint8Array
  requestsHash?: Uint8Array
}

/** keccak256(rlp([])): `sha3Uncles` of every post-merge block. */
export const EMPTY_UNCLES_HASH = fromHex('0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347')
/** sha256(""): EIP-7685 requests hash with no requests, implied for every Isthmus L2 block. */
export const EMPTY_REQUESTS_HASH = sha256(new Uint8Array(0))

/**
 * keccak256 of the header RLP. Optional fields are encoded up to the last one present; an absent field before a
 * present one is encoded as an empty string, as go-ethereum's `rlp:"optional"` does for nil pointers.
 */
export function hashHeader(header: BlockHeader): Uint8Array {
  const fields: Uint8Array[] = [
    header.parentHash,
    header.sha3Uncles,
    header.miner,
    header.stateRoot,
    header.transactionsRoot,
    header.receiptsRoot,
    header.logsBloom,
    uintToMinimalBytes(header.difficulty),
    uintToMinimalBytes(header.number),
    uintToMinimalBytes(header.gasLimit),
    uintToMinimalBytes(header.gasUsed),
    uintToMinimalBytes(header.timestamp),
    header.extraData,
    header.mixHash,
    header.nonce,
  ]
  const optional = [
    header.baseFeePerGas,
    header.withdrawalsRoot,
    header.blobGasUsed,
    header.excessBlobGas,
    header.parentBeaconBlockRoot,
    header.requestsHash,
  ]
  let last = optional.length - 1
  while (last >= 0 && optional[last] === undefined) last--
  for (let i = 0; i <= last; i++) {
    const v = optional[i]
    fields.push(v === undefined ? new Uint8Array(0) : typeof v === 'bigint' ? uintToMinimalBytes(v) : v)
  }
  return keccak(encodeRlpList(fields.map(encodeRlpBytes)))
}

/**
 * The block hash an execution payload commits to (op-service `ExecutionPayloadEnvelope.CheckBlockHash`): the L2
 * header rebuilt with empty uncles, zero difficulty and nonce, `mixHash = prevRandao`, `transactionsRoot` = ordered
 * trie of the raw transactions; `withdrawalsRoot` = trie of `withdrawals` from Canyon (empty → `EMPTY_TRIE_ROOT`) or
 * the payload's `withdrawalsRoot` from Isthmus; `blobGasUsed`/`excessBlobGas` from the payload and
 * `parentBeaconBlockRoot` from Ecotone; `requestsHash = sha256("")` from Isthmus (optimism PR #14361: the V4
 * envelope does not carry it, it is implied).
 *
 * @param opts.isthmus defaults to "the payload has a withdrawalsRoot" (the v4 layout).
 */
export function payloadBlockHash(
  payload: ExecutionPayload,
  parentBeaconBlockRoot?: Uint8Array,
  opts: { isthmus?: boolean } = {},
): Uint8Array {
  const isthmus = opts.isthmus ?? payload.withdrawalsRoot !== undefined
  const header: BlockHeader = {
    parentHash: payload.parentHash,
    sha3Uncles: EMPTY_UNCLES_HASH,
    miner: payload.feeRecipient,
    stateRoot: payload.stateRoot,
    transactionsRoot: orderedTrieRoot(payload.transactions),
    receiptsRoot: payload.receiptsRoot,
    logsBloom: payload.logsBloom,
    difficulty: 0n,
    number: payload.blockNumber,
    gasLimit: payload.gasLimit,
    gasUsed: payload.gasUsed,
    timestamp: payload.timestamp,
    extraData: payload.extraData,
    mixHash: payload.prevRandao,
    nonce: new Uint8Array(8),
    baseFeePerGas: payload.baseFeePerGas,
    blobGasUsed: payload.blobGasUsed,
    excessBlobGas: payload.excessBlobGas,
    parentBeaconBlockRoot,
  }
  if (isthmus) {
    header.withdrawalsRoot = payload.withdrawalsRoot
    header.requestsHash = EMPTY_REQUESTS_HASH
  } else if (payload.withdrawals !== undefined) {
    header.withdrawalsRoot = withdrawalsTrieRoot(payload.withdrawals)
  }
  return hashHeader(header)
}

