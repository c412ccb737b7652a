/**
 * One span-batch transaction: its `tx_datas` element and the conversion to and from the canonical EIP-2718 encoding
 * (PROTOCOL.md §2.7; https://specs.optimism.io/protocol/delta/span-batches.html#span-batch-format,
 * https://specs.optimism.io/protocol/isthmus/derivation.html#span-batch-updates).
 *
 * tx_datas element, by type:
 * - legacy: `rlp([value, gasPrice, data])`
 * - 1: `0x01 ++ rlp([value, gasPrice, data, accessList])`
 * - 2: `0x02 ++ rlp([value, maxPriorityFeePerGas, maxFeePerGas, data, accessList])`
 * - 4: `0x04 ++ rlp([value, maxPriorityFeePerGas, maxFeePerGas, data, accessList, authorizationList])`
 *
 * Field widths follow op-node's structs (`op-node/rollup/derive/span_batch_tx.go`): legacy/1/2 amounts are `*big.Int`
 * (canonical, no width limit), type-4 amounts are `uint256`. Every sub-item is validated with geth `rlp` strictness and
 * then spliced byte for byte, which equals geth's re-encoding because a strictly decoded item has only one encoding.
 * viem's `parseTransaction`/`serializeTransaction` are not used on this path: they normalise fields (and reject
 * amounts above 2^256 that op-node passes on to the engine), so byte-exactness would be lost.
 */
import { DecodeError } from '../errors.ts'
import {
  encodeRlpBytes,
  encodeRlpList,
  encodeRlpUint,
  encodeRlpUintBytes,
  type RlpErrorCode,
  RlpReader,
} from './rlp.ts'

export type SpanBatchTxType = 0 | 1 | 2 | 4

export type SpanBatchTxErrorCode =
  | RlpErrorCode
  | 'span-batch-tx-type'
  | 'span-batch-tx-missing-to'
  | 'span-batch-tx-chain-id'
  | 'span-batch-tx-signature'

/** The per-transaction values a span batch stores outside `tx_datas`. */
export type SpanBatchTxFields = {
  nonce: bigint
  gas: bigint
  /** 20 bytes, or null for a contract creation. */
  to: Uint8Array | null
  /** 32 bytes each. */
  r: Uint8Array
  s: Uint8Array
  yParity: 0 | 1
  /** Legacy only: EIP-155 replay protection. Ignored for typed transactions. */
  protected: boolean
}

const U256_BYTES = 32
const UNBOUNDED = Number.POSITIVE_INFINITY
const EMPTY_STRING = Uint8Array.of(0x80)

/**
 * The type op-node records for a `tx_datas` element (`ReadTxData`): a first byte ≤ 0x7F is the type byte, anything
 * else is a legacy RLP list (type 0). A leading 0x00 byte is recorded as type 0 too, so it counts as legacy for the
 * protected bits, and only fails later when the element is decoded.
 */
export function spanBatchTxType(data: Uint8Array): number {
  return data.length > 0 && data[0] <= 0x7f ? data[0] : 0
}

/**
 * Rebuilds the canonical EIP-2718 transaction from a `tx_datas` element and its fields (op-node `recoverV` +
 * `spanBatchTx.convertToFullTx` + `MarshalBinary`). V is `chainId*2 + 35 + yParity` for protected legacy txs,
 * `27 + yParity` for unprotected ones, and `yParity` for typed txs, whose chain id is the L2 chain id.
 *
 * @throws DecodeError `span-batch-tx-type` for a type other than legacy/1/2/4, `span-batch-tx-missing-to` for a type-4
 *   contract creation, or an RLP code for a malformed element.
 */
export function spanBatchTxToTransaction(data: Uint8Array, fields: SpanBatchTxFields, chainId: bigint): Uint8Array {
  const nonce = encodeRlpUint(fields.nonce)
  const gas = encodeRlpUint(fields.gas)
  const to = fields.to === null ? EMPTY_STRING : encodeRlpBytes(fields.to)
  const r = encodeRlpUintBytes(fields.r)
  const s = encodeRlpUintBytes(fields.s)
  const y = encodeRlpUint(fields.yParity)
  const chain = encodedChainId(chainId)
  if (data.length > 0 && data[0] > 0x7f) {
    const top = new RlpReader(data)
    const f = top.list()
    const value = f.rawUint(UNBOUNDED)
    const gasPrice = f.rawUint(UNBOUNDED)
    const input = f.rawBytes()
    f.finish()
    top.finish()
    const v = fields.protected ? chainId * 2n + 35n + BigInt(fields.yParity) : 27n + BigInt(fields.yParity)
    return encodeRlpList([nonce, gasPrice, gas, to, value, input, encodeRlpUint(v), r, s])
  }
  const type = data.length > 1 ? data[0] : -1
  if (type !== 1 && type !== 2 && type !== 4) {
    throw new DecodeError('span-batch-tx-type', `unsupported span batch tx type ${data.length > 0 ? data[0] : 'none'}`)
  }
  const top = new RlpReader(data, 1)
  const f = top.list()
  let body: Uint8Array[]
  if (type === 1) {
    const value = f.rawUint(UNBOUNDED)
    const gasPrice = f.rawUint(UNBOUNDED)
    const input = f.rawBytes()
    const accessList = readAccessList(f)
    body = [chain, nonce, gasPrice, gas, to, value, input, accessList, y, r, s]
  } else if (type === 2) {
    const value = f.rawUint(UNBOUNDED)
    const tip = f.rawUint(UNBOUNDED)
    const feeCap = f.rawUint(UNBOUNDED)
    const input = f.rawBytes()
    const accessList = readAccessList(f)
    body = [chain, nonce, tip, feeCap, gas, to, value, input, accessList, y, r, s]
  } else {
    const value = f.rawUint(U256_BYTES)
    const tip = f.rawUint(U256_BYTES)
    const feeCap = f.rawUint(U256_BYTES)
    const input = f.rawBytes()
    const accessList = readAccessList(f)
    const authList = readAuthorizationList(f)
    // op-node `convertToFullTx`: "to address is required for SetCodeTx".
    if (fields.to === null) throw new DecodeError('span-batch-tx-missing-to', 'SetCode (type 4) tx without to')
    body = [chain, nonce, tip, feeCap, gas, to, value, input, accessList, authList, y, r, s]
  }
  f.finish()
  top.finish()
  return encodeRlpList(body, type)
}

/**
 * Splits a canonical EIP-2718 transaction into its span-batch element and fields (op-node `spanBatchTxs.AddTxs`,
 * `newSpanBatchTx`, `convertVToYParity`).
 *
 * @throws DecodeError `span-batch-tx-type` (deposits and every type but legacy/1/2/4), `span-batch-tx-chain-id` when a
 *   protected tx is signed for another chain, `span-batch-tx-signature` for a V that is not a valid parity or an R/S
 *   wider than 32 bytes, or an RLP code for a malformed transaction.
 */
export function transactionToSpanBatchTx(
  tx: Uint8Array,
  chainId: bigint,
): { type: SpanBatchTxType; data: Uint8Array; fields: SpanBatchTxFields } {
  if (tx.length > 0 && tx[0] > 0x7f) {
    const top = new RlpReader(tx)
    const f = top.list()
    const nonce = f.uint64()
    const gasPrice = f.rawUint(UNBOUNDED)
    const gas = f.uint64()
    const to = readTo(f)
    const value = f.rawUint(UNBOUNDED)
    const input = f.rawBytes()
    const v = toBigint(f.uintBytes(UNBOUNDED))
    const r = f.uintBytes(UNBOUNDED)
    const s = f.uintBytes(UNBOUNDED)
    f.finish()
    top.finish()
    let yParity: 0 | 1
    let isProtected: boolean
    if (v === 27n || v === 28n) {
      isProtected = false
      yParity = v === 28n ? 1 : 0
    } else {
      isProtected = true
      if (v < 35n || (v - 35n) / 2n !== chainId) {
        throw new DecodeError('span-batch-tx-chain-id', `legacy tx V ${v} is not for chain ${chainId}`)
      }
      yParity = (v - 35n) % 2n === 1n ? 1 : 0
    }
    const fields = { nonce, gas, to, r: word(r), s: word(s), yParity, protected: isProtected }
    return { type: 0, data: encodeRlpList([value, gasPrice, input]), fields }
  }
  const type = tx.length > 1 ? tx[0] : -1
  if (type !== 1 && type !== 2 && type !== 4) {
    throw new DecodeError('span-batch-tx-type', `cannot put tx type ${tx.length > 0 ? tx[0] : 'none'} in a span batch`)
  }
  const top = new RlpReader(tx, 1)
  const f = top.list()
  const width = type === 4 ? U256_BYTES : UNBOUNDED
  const txChainId = toBigint(f.uintBytes(width))
  const nonce = f.uint64()
  let items: Uint8Array[]
  let gas: bigint
  let to: Uint8Array | null
  if (type === 1) {
    const gasPrice = f.rawUint(width)
    gas = f.uint64()
    to = readTo(f)
    const value = f.rawUint(width)
    items = [value, gasPrice, f.rawBytes(), readAccessList(f)]
  } else {
    const tip = f.rawUint(width)
    const feeCap = f.rawUint(width)
    gas = f.uint64()
    to = type === 4 ? f.fixedBytes(20).slice() : readTo(f)
    const value = f.rawUint(width)
    items = [value, tip, feeCap, f.rawBytes(), readAccessList(f)]
    if (type === 4) items.push(readAuthorizationList(f))
  }
  const v = toBigint(f.uintBytes(width))
  const r = f.uintBytes(width)
  const s = f.uintBytes(width)
  f.finish()
  top.finish()
  if (txChainId !== chainId) {
    throw new DecodeError('span-batch-tx-chain-id', `tx chain id ${txChainId} is not ${chainId}`)
  }
  if (v > 1n) throw new DecodeError('span-batch-tx-signature', `typed tx y-parity ${v} is not 0 or 1`)
  const fields = { nonce, gas, to, r: word(r), s: word(s), yParity: v === 1n ? 1 : 0, protected: true } as const
  return { type, data: encodeRlpList(items, type), fields }
}

/** `to` of a legacy/1/2 tx: geth `*common.Address` with `rlp:"nil"` — empty string is nil, else exactly 20 bytes. */
function readTo(f: RlpReader): Uint8Array | null {
  const start = f.offset
  const h = f.next()
  if (!h.list && !h.single && h.start === h.end) return null
  f.offset = start
  return f.fixedBytes(20).slice()
}

/** EIP-2930 access list `[[address(20), [storageKey(32)…]]…]`, validated, returned raw. */
function readAccessList(f: RlpReader): Uint8Array {
  const start = f.offset
  const list = f.list()
  while (!list.atEnd()) {
    const tuple = list.list()
    tuple.fixedBytes(20)
    const keys = tuple.list()
    while (!keys.atEnd()) keys.fixedBytes(32)
    tuple.finish()
  }
  return f.bytes.subarray(start, f.offset)
}

/** EIP-7702 authorization list `[[chainId, address, nonce, yParity, r, s]…]` (geth `SetCodeAuthorization`), raw. */
function readAuthorizationList(f: RlpReader): Uint8Array {
  const start = f.offset
  const list = f.list()
  while (!list.atEnd()) {
    const auth = list.list()
    auth.uintBytes(U256_BYTES)
    auth.fixedBytes(20)
    auth.uint64()
    auth.uintBytes(1)
    auth.uintBytes(U256_BYTES)
    auth.uintBytes(U256_BYTES)
    auth.finish()
  }
  return f.bytes.subarray(start, f.offset)
}

function toBigint(bytes: Uint8Array): bigint {
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  return v
}

/** Left-pads a minimal integer to the 32-byte span-batch signature word. */
function word(minimal: Uint8Array): Uint8Array {
  if (minimal.length > 32) throw new DecodeError('span-batch-tx-signature', 'signature value wider than 32 bytes')
  const out = new Uint8Array(32)
  out.set(minimal, 32 - minimal.length)
  return out
}

// Every tx of a batch re-encodes the same chain id; keep the last encoding.
let lastChainId = -1n
let lastChainIdRlp: Uint8Array = new Uint8Array(0)
function encodedChainId(chainId: bigint): Uint8Array {
  if (chainId !== lastChainId) {
    lastChainIdRlp = encodeRlpUint(chainId)
    lastChainId = chainId
  }
  return lastChainIdRlp
}
