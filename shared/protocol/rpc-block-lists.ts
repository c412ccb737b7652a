/**
 * The EIP-2718 encodings of a JSON-RPC block's transactions and receipts, as `verifyL1BlockRoots` (header-hash.ts)
 * hashes them into `transactionsRoot` / `receiptsRoot` (op-service `sources/types.go` `RPCBlock.verify`,
 * `validateReceipts`). Transactions are raw `0x` bytes or JSON objects serialized with viem (signature included);
 * receipts are raw bytes or `eth_getBlockReceipts` objects.
 *
 * @example
 * orderedTrieRoot(block.transactions.map((tx, i) => encodeRpcTransaction(tx, i))) // the header's transactionsRoot
 */
import { toRlp } from 'viem'
import { serializeTransaction } from 'viem/op-stack'
import { fromHex, type Hex, toHex } from '../bytes.ts'
import { array, bytes, fail, has, hash, hexBytes, type Obj, object, quantity, quantityValue, uint } from './rpc-json.ts'

/** A transaction from a block's `transactions`: raw `0x` bytes, or a JSON transaction object (viem serializes it). */
export function encodeRpcTransaction(tx: unknown, i: number): Uint8Array {
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
export function encodeRpcReceipt(receipt: unknown, i: number): Uint8Array {
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

/** Signature scalars are quantities in JSON; viem wants 32-byte hex (it trims them itself). */
function word(v: bigint): Hex {
  return `0x${v.toString(16).padStart(64, '0')}`
}
