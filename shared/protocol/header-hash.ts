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
import { sha256 } from '@noble/hashes/sha2.js'
import { toRlp } from 'viem'
import { serializeTransaction } from 'viem/op-stack'
import { bytesEqual, fromHex, type Hex, keccak, toHex } from '../bytes.ts'
import type { ExecutionPayload } from '../codec/ssz-payload.ts'
import { DecodeError } from '../errors.ts'
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

/** keccak256(rlp([])): `sha3Uncles` of every post-merge block. */
export const EMPTY_UNCLES_HASH = fromHex('0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347')
/** sha256(""): EIP-7685 requests hash with no requests, implied for every Isthmus L2 block. */
export const EMPTY_REQUESTS_HASH = sha256(new Uint8Array(0))

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
    uint(header.difficulty),
    uint(header.number),
    uint(header.gasLimit),
    uint(header.gasUsed),
    uint(header.timestamp),
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
    fields.push(v === undefined ? new Uint8Array(0) : typeof v === 'bigint' ? uint(v) : v)
  }
  return keccak(toRlp(fields, 'bytes'))
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
  const transactions = txsJson.map((tx, i) => encodeTransaction(tx, i))
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
    const root = orderedTrieRoot(receipts.map((r, i) => encodeReceipt(r, i)))
    if (!bytesEqual(root, header.receiptsRoot)) {
      fail(
        'l1-block-receipts-root-mismatch',
        `expected receipt root ${toHex(header.receiptsRoot)} but computed ${toHex(root)} from retrieved receipts`,
      )
    }
  }
  return { header, hash: computed, transactions }
}

/** A transaction from a block's `transactions`: raw `0x` bytes, or a JSON transaction object (viem serializes it). */
function encodeTransaction(tx: unknown, i: number): Uint8Array {
  const at = `transactions[${i}]`
  if (typeof tx === 'string') {
    const raw = hexBytes(tx, at)
    if (raw.length === 32) fail('l1-block-tx-hashes-only', `${at} is a hash: fetch the block with full transactions`)
    return raw
  }
  const t = object(tx, at)
  const typ = Number(quantityValue(has(t, 'type') ? t.type : '0x0', `${at}.type`))
  let fields: Record<string, unknown>
  switch (typ) {
    case 0:
      // No chainId: viem keeps v as given (EIP-155 v ≥ 35, or an unprotected 27/28).
      fields = { ...txCommon(t), type: 'legacy', gasPrice: quantity(t, 'gasPrice') }
      break
    case 1:
      fields = { ...txCommon(t), type: 'eip2930', chainId: quantity(t, 'chainId'), gasPrice: quantity(t, 'gasPrice') }
      fields.accessList = accessListOf(t, at)
      break
    case 2:
      fields = { ...txCommon(t), ...feeFields(t, at), type: 'eip1559' }
      break
    case 3: {
      const hashes = array(t, 'blobVersionedHashes').map((h, n) => toHex(hexBytes(h, `${at}.blobHashes[${n}]`, 32)))
      fields = { ...txCommon(t), ...feeFields(t, at), type: 'eip4844', blobVersionedHashes: hashes }
      fields.maxFeePerBlobGas = quantity(t, 'maxFeePerBlobGas')
      break
    }
    case 4:
      fields = { ...txCommon(t), ...feeFields(t, at), type: 'eip7702' }
      fields.authorizationList = authorizationListOf(t, at)
      break
    case 0x7e: // op-geth deposit (L2 blocks); unsigned
      fields = {
        type: 'deposit',
        sourceHash: toHex(bytes(t, 'sourceHash', 32)),
        from: toHex(bytes(t, 'from', 20)),
        to: has(t, 'to') ? toHex(bytes(t, 'to', 20)) : undefined,
        mint: has(t, 'mint') ? quantity(t, 'mint') : 0n,
        value: quantity(t, 'value'),
        gas: quantity(t, 'gas'),
        isSystemTx: t.isSystemTx === true,
        data: toHex(bytes(t, has(t, 'input') ? 'input' : 'data')),
      }
      break
    default:
      return fail('l1-block-tx-invalid', `${at} has unsupported type ${typ}`)
  }
  const signature = typ === 0x7e ? undefined : txSignature(t)
  try {
    return fromHex(serializeTransaction(fields as never, signature as never))
  } catch (e) {
    return fail('l1-block-tx-invalid', `${at} cannot be serialized: ${(e as Error).message.split('\n')[0]}`)
  }
}

/** Fields of every signed type. Integers stay bigint: viem's `numberToHex` takes them, and nonces may exceed 2^53. */
function txCommon(t: Obj) {
  return {
    nonce: quantity(t, 'nonce'),
    gas: quantity(t, 'gas'),
    to: has(t, 'to') ? toHex(bytes(t, 'to', 20)) : undefined,
    value: quantity(t, 'value'),
    data: toHex(bytes(t, has(t, 'input') ? 'input' : 'data')),
  }
}

function feeFields(t: Obj, at: string) {
  return {
    chainId: quantity(t, 'chainId'),
    maxFeePerGas: quantity(t, 'maxFeePerGas'),
    maxPriorityFeePerGas: quantity(t, 'maxPriorityFeePerGas'),
    accessList: accessListOf(t, at),
  }
}

/** r/s are quantities in JSON; viem wants 32-byte hex (and trims). Typed txs carry yParity and/or v ∈ {0, 1}. */
function txSignature(t: Obj) {
  const v = has(t, 'v') ? quantity(t, 'v') : undefined
  const yParity = has(t, 'yParity') ? Number(quantity(t, 'yParity')) : undefined
  return { r: word(quantity(t, 'r')), s: word(quantity(t, 's')), v: v ?? BigInt(yParity ?? 0) + 27n, yParity }
}

function accessListOf(t: Obj, at: string) {
  return array(t, 'accessList').map((entry, j) => {
    const e = object(entry, `${at}.accessList[${j}]`)
    const storageKeys = array(e, 'storageKeys').map((k, n) => toHex(hexBytes(k, `${at}.storageKeys[${n}]`, 32)))
    return { address: toHex(bytes(e, 'address', 20)), storageKeys }
  })
}

function authorizationListOf(t: Obj, at: string) {
  return array(t, 'authorizationList').map((entry, j) => {
    const a = object(entry, `${at}.authorizationList[${j}]`)
    return {
      address: toHex(bytes(a, 'address', 20)),
      chainId: quantity(a, 'chainId'),
      nonce: quantity(a, 'nonce'),
      r: word(quantity(a, 'r')),
      s: word(quantity(a, 's')),
      yParity: Number(quantity(a, 'yParity')),
    }
  })
}

/** A receipt's consensus encoding: `type ‖ rlp([statusOrRoot, cumulativeGasUsed, logsBloom, logs, …deposit])`. */
function encodeReceipt(receipt: unknown, i: number): Uint8Array {
  const at = `receipts[${i}]`
  if (typeof receipt === 'string') return hexBytes(receipt, at)
  const r = object(receipt, at)
  const typ = Number(quantityValue(has(r, 'type') ? r.type : '0x0', `${at}.type`))
  if (typ > 0x7f) fail('l1-block-receipt-invalid', `${at} has type ${typ}`)
  // Pre-Byzantium receipts carry the post-state root, later ones the status (1 → 0x01, 0 → empty).
  const status = has(r, 'root') ? hash(r, 'root') : uint(quantity(r, 'status') === 1n ? 1 : 0)
  const logs = array(r, 'logs').map((entry, j) => {
    const l = object(entry, `${at}.logs[${j}]`)
    const topics = array(l, 'topics').map((t, n) => hexBytes(t, `${at}.logs[${j}].topics[${n}]`, 32))
    return [bytes(l, 'address', 20), topics, bytes(l, 'data')]
  })
  const cumulativeGasUsed = uint(quantity(r, 'cumulativeGasUsed'))
  const fields: (Uint8Array | unknown[])[] = [status, cumulativeGasUsed, bytes(r, 'logsBloom', 256), logs]
  // op-geth deposit receipts (Regolith nonce, Canyon version) — harmless for L1, needed for L2 receipts.
  if (typ === 0x7e && has(r, 'depositNonce')) fields.push(uint(quantity(r, 'depositNonce')))
  if (typ === 0x7e && has(r, 'depositReceiptVersion')) fields.push(uint(quantity(r, 'depositReceiptVersion')))
  const body = toRlp(fields as never, 'bytes')
  if (typ === 0) return body
  const out = new Uint8Array(body.length + 1)
  out[0] = typ
  out.set(body, 1)
  return out
}

// ---- JSON field readers: every failure is a DecodeError naming the field ----

type Obj = Record<string, unknown>

function fail(code: L1BlockErrorCode, message: string): never {
  throw new DecodeError(code, message)
}

function object(value: unknown, what: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('header-json-invalid-field', `${what} is not a JSON object`)
  }
  return value as Obj
}

function has(o: Obj, key: string): boolean {
  return o[key] !== undefined && o[key] !== null
}

function get(o: Obj, key: string): unknown {
  if (!has(o, key)) fail('header-json-missing-field', `missing ${key}`)
  return o[key]
}

function array(o: Obj, key: string): unknown[] {
  const v = get(o, key)
  if (!Array.isArray(v)) fail('header-json-invalid-field', `${key} is not an array`)
  return v
}

function hexBytes(value: unknown, key: string, size?: number): Uint8Array {
  if (typeof value !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(value)) {
    fail('header-json-invalid-field', `${key} is not 0x hex data`)
  }
  const b = fromHex(value)
  if (size !== undefined && b.length !== size) {
    fail('header-json-invalid-field', `${key} must be ${size} bytes, got ${b.length}`)
  }
  return b
}

function bytes(o: Obj, key: string, size?: number): Uint8Array {
  return hexBytes(get(o, key), key, size)
}

function hash(o: Obj, key: string): Uint8Array {
  return bytes(o, key, 32)
}

/** `0x` hex (leading zeros tolerated, at most 256 bits) or a non-negative safe-integer JSON number. */
function quantityValue(value: unknown, key: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  if (typeof value === 'string' && /^0x[0-9a-fA-F]{1,64}$/.test(value)) return BigInt(value)
  return fail('header-json-invalid-field', `${key} is not a quantity: ${String(value).slice(0, 80)}`)
}

function quantity(o: Obj, key: string): bigint {
  return quantityValue(get(o, key), key)
}

function safeQuantity(o: Obj, key: string): number {
  const v = quantity(o, key)
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail('header-json-invalid-field', `${key} ${v} exceeds 2^53 - 1`)
  return Number(v)
}

/** Signature scalars are quantities in JSON; viem wants 32-byte hex (it trims them itself). */
function word(v: bigint): Hex {
  return `0x${v.toString(16).padStart(64, '0')}`
}

/** Minimal big-endian bytes of an unsigned integer (RLP integer payload; 0 → empty). */
function uint(value: bigint | number): Uint8Array {
  let v = BigInt(value)
  const out: number[] = []
  while (v > 0n) {
    out.unshift(Number(v & 0xffn))
    v >>= 8n
  }
  return Uint8Array.from(out)
}
