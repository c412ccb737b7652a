/**
 * The deposit transaction type 0x7E (PROTOCOL.md §2.9.3; https://specs.optimism.io/protocol/deposits.html#the-deposited-transaction-type,
 * op-geth `core/types/deposit_tx.go`).
 *
 * ```text
 * 0x7E ++ rlp([sourceHash, from, to, mint, value, gas, isSystemTx, data])
 * ```
 *
 * `to` is the empty string for a contract creation; `mint` 0 is the empty string (geth keeps it as a nil `*big.Int`).
 * Decoding follows geth's `rlp` rules as op-geth applies them to `DepositTx`: canonical integers, `mint`/`value` at most
 * 256 bits, `gas` a uint64, the bool only `0x80` or `0x01`, `to` empty or 20 bytes, and nothing after the list.
 */
import { concatBytes, keccak } from '../bytes.ts'
import {
  encodeRlpBytes,
  encodeRlpList,
  encodeRlpUint,
  RlpReader,
  type RlpErrorCode,
  readRlpHeader,
} from '../codec/rlp.ts'
import { DecodeError } from '../errors.ts'

/** EIP-2718 type byte of deposits. */
export const DEPOSIT_TX_TYPE = 0x7e

export type DepositTx = {
  /** 32 bytes (see `source-hash.ts`). */
  sourceHash: Uint8Array
  /** 20 bytes. */
  from: Uint8Array
  /** 20 bytes, or null for a contract creation. */
  to: Uint8Array | null
  /** uint256 wei minted on L2 before the call. */
  mint: bigint
  /** uint256 wei sent. */
  value: bigint
  /** uint64 gas limit. */
  gas: bigint
  /** Pre-Regolith system transactions get their gas for free; false for everything from Regolith on. */
  isSystemTx: boolean
  data: Uint8Array
}

export type DepositTxErrorCode =
  | RlpErrorCode
  | 'deposit-tx-wrong-type'
  | 'deposit-tx-bad-to'
  | 'deposit-tx-bad-bool'
  | 'deposit-tx-trailing-bytes'

const MAX_UINT64 = (1n << 64n) - 1n
const MAX_UINT256 = (1n << 256n) - 1n

function checkRange(name: string, value: bigint, max: bigint): void {
  if (value < 0n || value > max) throw new RangeError(`deposit ${name} out of range: ${value}`)
}

/**
 * EIP-2718 bytes of a deposit transaction.
 *
 * @example encodeDepositTx({ sourceHash, from, to: null, mint: 0n, value: 0n, gas: 0n, isSystemTx: false, data: new Uint8Array() })
 * // 0x7ef83ca0…808080808080
 */
export function encodeDepositTx(tx: DepositTx): Uint8Array {
  if (tx.sourceHash.length !== 32) throw new RangeError('deposit sourceHash must be 32 bytes')
  if (tx.from.length !== 20) throw new RangeError('deposit from must be 20 bytes')
  if (tx.to !== null && tx.to.length !== 20) throw new RangeError('deposit to must be 20 bytes or null')
  checkRange('mint', tx.mint, MAX_UINT256)
  checkRange('value', tx.value, MAX_UINT256)
  checkRange('gas', tx.gas, MAX_UINT64)
  const body = encodeRlpList([
    encodeRlpBytes(tx.sourceHash),
    encodeRlpBytes(tx.from),
    encodeRlpBytes(tx.to ?? new Uint8Array()),
    encodeRlpUint(tx.mint),
    encodeRlpUint(tx.value),
    encodeRlpUint(tx.gas),
    encodeRlpUint(tx.isSystemTx ? 1 : 0),
    encodeRlpBytes(tx.data),
  ])
  return concatBytes(Uint8Array.of(DEPOSIT_TX_TYPE), body)
}

function toBigint(bytes: Uint8Array): bigint {
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  return v
}

/**
 * Strict decoding of EIP-2718 deposit bytes; `decodeDepositTx(encodeDepositTx(tx))` returns `tx`.
 *
 * @throws DecodeError with a {@link DepositTxErrorCode}.
 */
export function decodeDepositTx(bytes: Uint8Array): DepositTx {
  if (bytes.length === 0 || bytes[0] !== DEPOSIT_TX_TYPE) {
    throw new DecodeError('deposit-tx-wrong-type', `not a deposit transaction (type byte ${bytes[0] ?? 'missing'})`)
  }
  const outer = readRlpHeader(bytes, 1)
  if (outer.end !== bytes.length) {
    throw new DecodeError('deposit-tx-trailing-bytes', `${bytes.length - outer.end} bytes after the deposit RLP list`)
  }
  const r = new RlpReader(bytes, 1).list()
  const sourceHash = r.fixedBytes(32).slice()
  const from = r.fixedBytes(20).slice()
  const toBytes = r.bytesValue()
  if (toBytes.length !== 0 && toBytes.length !== 20) {
    throw new DecodeError('deposit-tx-bad-to', `deposit 'to' must be empty or 20 bytes, got ${toBytes.length}`)
  }
  const mint = toBigint(r.uintBytes(32))
  const value = toBigint(r.uintBytes(32))
  const gas = r.uint64()
  const flag = r.uintBytes(1)
  if (flag.length === 1 && flag[0] !== 1) {
    throw new DecodeError('deposit-tx-bad-bool', `deposit isSystemTx must be 0x80 or 0x01, got ${flag[0]}`)
  }
  const data = r.bytesValue().slice()
  r.finish()
  return {
    sourceHash,
    from,
    to: toBytes.length === 0 ? null : toBytes.slice(),
    mint,
    value,
    gas,
    isSystemTx: flag.length === 1,
    data,
  }
}

/** The L2 transaction hash of a deposit: keccak256 of its EIP-2718 bytes. */
export function depositTxHash(tx: DepositTx): Uint8Array {
  return keccak(encodeDepositTx(tx))
}
