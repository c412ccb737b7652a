/**
 * Block headers: parse from JSON-RPC, hash, rebuild from an execution payload, and verify an L1 block's lists against
 * its header (PROTOCOL.md §3 "Block hash check"; op-service `eth/types.go` `CheckBlockHash`, `sources/types.go`
 * `RPCHeader` / `RPCBlock.verify`; go-ethereum `core/types/block.go` `Header`).
 *
 * Header RLP: `[parentHash, sha3Uncles, miner, stateRoot, transactionsRoot, receiptsRoot, logsBloom, difficulty,
 * number, gasLimit, gasUsed, timestamp, extraData, mixHash, nonce, baseFeePerGas (London), withdrawalsRoot
 * (Shanghai), blobGasUsed, excessBlobGas, parentBeaconBlockRoot (Cancun), requestsHash (Prague)]`; the block hash is
 * its keccak256.
 *
 * @example
 * const header = headerFromRpcBlock(await rpc('eth_getBlockByNumber', ['latest', false]))
 * toHex(hashHeader(header)) === json.hash // unless the RPC lies
 */
import { bytesEqual, fromHex, toHex } from '../bytes.ts'
import { encodeRpcReceipt, encodeRpcTransaction } from './rpc-block-lists.ts'
import { array, bytes, fail, has, hash, object, quantity, safeQuantity } from './rpc-json.ts'
import { orderedTrieRoot, withdrawalsTrieRoot } from './trie-root.ts'
import { type BlockHeader, hashHeader } from './block-header.ts'

// The header codec itself lives in block-header.ts (no JSON-RPC dependencies); re-exported for existing importers.
export { type BlockHeader, EMPTY_REQUESTS_HASH, EMPTY_UNCLES_HASH, hashHeader, payloadBlockHash } from './block-header.ts'

export type HeaderErrorCode = 'header-json-missing-field' | 'header-json-invalid-field'

export type L1BlockErrorCode =
  | HeaderErrorCode
  | 'l1-block-hash-mismatch'
  | 'l1-block-tx-nil'
  | 'l1-block-tx-hashes-only'
  | 'l1-block-tx-invalid'
  | 'l1-block-transactions-root-mismatch'
  | 'l1-block-missing-withdrawals'
  | 'l1-block-withdrawal-nil'
  | 'l1-block-withdrawals-root-mismatch'
  | 'l1-block-unexpected-withdrawals'
  | 'l1-block-receipt-invalid'
  | 'l1-block-receipts-count-mismatch'
  | 'l1-block-receipts-root-mismatch'

/**
 * Reads a header from an `eth_getBlockBy*` result. Quantities may be `0x` hex or JSON numbers; London → Prague
 * fields are read when present. The RPC's own `hash` is ignored (compare it with {@link hashHeader}).
 *
 * @throws DecodeError with a {@link HeaderErrorCode}.
 */
export function headerFromRpcBlock(json: unknown): BlockHeader {
  const o = object(json, 'block')
  const header: BlockHeader = {
    parentHash: hash(o, 'parentHash'),
    sha3Uncles: hash(o, 'sha3Uncles'),
    miner: bytes(o, 'miner', 20),
    stateRoot: hash(o, 'stateRoot'),
    transactionsRoot: hash(o, 'transactionsRoot'),
    receiptsRoot: hash(o, 'receiptsRoot'),
    logsBloom: bytes(o, 'logsBloom', 256),
    difficulty: quantity(o, 'difficulty'),
    number: safeQuantity(o, 'number'),
    gasLimit: quantity(o, 'gasLimit'),
    gasUsed: quantity(o, 'gasUsed'),
    timestamp: safeQuantity(o, 'timestamp'),
    extraData: bytes(o, 'extraData'),
    mixHash: hash(o, 'mixHash'),
    nonce: bytes(o, 'nonce', 8),
  }
  if (has(o, 'baseFeePerGas')) header.baseFeePerGas = quantity(o, 'baseFeePerGas')
  if (has(o, 'withdrawalsRoot')) header.withdrawalsRoot = hash(o, 'withdrawalsRoot')
  if (has(o, 'blobGasUsed')) header.blobGasUsed = quantity(o, 'blobGasUsed')
  if (has(o, 'excessBlobGas')) header.excessBlobGas = quantity(o, 'excessBlobGas')
  if (has(o, 'parentBeaconBlockRoot')) header.parentBeaconBlockRoot = hash(o, 'parentBeaconBlockRoot')
  if (has(o, 'requestsHash')) header.requestsHash = hash(o, 'requestsHash')
  return header
}

/**
 * Verifies an `eth_getBlockBy*(…, true)` result as op-node does for an untrusted L1 RPC (`RPCBlock.verify`), in the
 * same order: header hash equals `hash`; no `null` transaction; `transactionsRoot` matches the transactions (raw
 * `0x` encodings or JSON objects, serialized with viem incl. signature); with a `withdrawalsRoot`, the withdrawals
 * are present, non-null and match it, and without one there are none. With `receipts` (`eth_getBlockReceipts`
 * objects or raw encodings) their count and `receiptsRoot` are checked too (op-service `validateReceipts`).
 *
 * @returns the header, its hash and the EIP-2718 encoded transactions.
 * @throws DecodeError with an {@link L1BlockErrorCode}; messages repeat op-node's wording.
 */
export function verifyL1BlockRoots(
  blockJson: unknown,
  receipts?: readonly unknown[],
): { header: BlockHeader; hash: Uint8Array; transactions: Uint8Array[] } {
  const o = object(blockJson, 'block')
  const header = headerFromRpcBlock(o)
  const claimed = hash(o, 'hash')
  const computed = hashHeader(header)
  if (!bytesEqual(computed, claimed)) {
    fail(
      'l1-block-hash-mismatch',
      `failed to verify block hash: computed ${toHex(computed)} but RPC said ${toHex(claimed)}`,
    )
  }
  const txsJson = array(o, 'transactions')
  txsJson.forEach((tx, i) => {
    if (tx === null || tx === undefined) fail('l1-block-tx-nil', `block tx ${i} is nil`)
  })
  const transactions = txsJson.map((tx, i) => encodeRpcTransaction(tx, i))
  const txRoot = orderedTrieRoot(transactions)
  if (!bytesEqual(txRoot, header.transactionsRoot)) {
    fail(
      'l1-block-transactions-root-mismatch',
      `failed to verify transactions list: computed ${toHex(txRoot)} but RPC said ${toHex(header.transactionsRoot)}`,
    )
  }
  if (header.withdrawalsRoot !== undefined) {
    if (!has(o, 'withdrawals')) fail('l1-block-missing-withdrawals', 'expected withdrawals')
    const list = array(o, 'withdrawals').map((w, i) => {
      if (w === null || w === undefined) fail('l1-block-withdrawal-nil', `block withdrawal ${i} is null`)
      const wo = object(w, `withdrawals[${i}]`)
      return {
        index: quantity(wo, 'index'),
        validatorIndex: quantity(wo, 'validatorIndex'),
        address: bytes(wo, 'address', 20),
        amount: quantity(wo, 'amount'),
      }
    })
    const root = withdrawalsTrieRoot(list)
    if (!bytesEqual(root, header.withdrawalsRoot)) {
      fail(
        'l1-block-withdrawals-root-mismatch',
        `failed to verify withdrawals list: computed ${toHex(root)} but RPC said ${toHex(header.withdrawalsRoot)}`,
      )
    }
  } else if (has(o, 'withdrawals')) {
    fail('l1-block-unexpected-withdrawals', 'expected no withdrawals due to missing withdrawals-root')
  }
  if (receipts !== undefined) {
    if (receipts.length !== transactions.length) {
      const counts = `${receipts.length} receipts for ${transactions.length} transactions`
      fail('l1-block-receipts-count-mismatch', `got ${counts}`)
    }
    const root = orderedTrieRoot(receipts.map((r, i) => encodeRpcReceipt(r, i)))
    if (!bytesEqual(root, header.receiptsRoot)) {
      fail(
        'l1-block-receipts-root-mismatch',
        `expected receipt root ${toHex(header.receiptsRoot)} but computed ${toHex(root)} from retrieved receipts`,
      )
    }
  }
  return { header, hash: computed, transactions }
}
