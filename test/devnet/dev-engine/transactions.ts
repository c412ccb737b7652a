/**
 * The dev engine's view of L2 transactions: decode each EIP-2718 encoding (deposits with `deposit-tx.ts`, signed
 * types with viem), refuse the types op-geth refuses at that fork, and render the `eth_getBlockBy*` JSON object.
 */
import { parseTransaction, recoverTransactionAddress } from 'viem'
import { fromHex, type Hex, keccak, toHex } from '../../../shared/bytes.ts'
import { isActive } from '../../../shared/config/forks.ts'
import type { RollupConfig } from '../../../shared/config/rollup-config.ts'
import { DEPOSIT_TX_TYPE, type DepositTx, decodeDepositTx } from '../../../shared/protocol/deposit-tx.ts'

/** Gas the double charges a non-deposit transaction (it runs no EVM): a plain transfer. */
export const SIGNED_TX_GAS = 21_000n

type Signed = ReturnType<typeof parseTransaction>

export type DecodedTx =
  | { kind: 'deposit'; raw: Uint8Array; hash: Uint8Array; type: number; to: Uint8Array | null; deposit: DepositTx }
  | { kind: 'signed'; raw: Uint8Array; hash: Uint8Array; type: number; to: Uint8Array | null; signed: Signed }

/**
 * Why a transaction is refused: `undecodable` bytes (geth fails already when unmarshalling the request), or a type
 * the chain does not accept at that time (blob transactions never; SetCode before Isthmus), found while executing.
 */
export type TxRejection = { rejected: 'undecodable' | 'not-allowed'; reason: string }

/** Decodes one transaction of a block at `timestamp`, or says why the engine refuses it. */
export function decodeTx(config: Pick<RollupConfig, 'forks'>, timestamp: number, raw: Uint8Array): DecodedTx | TxRejection {
  const undecodable = (reason: string): TxRejection => ({ rejected: 'undecodable', reason })
  const notAllowed = (reason: string): TxRejection => ({ rejected: 'not-allowed', reason })
  if (raw.length === 0) return undecodable('empty transaction')
  const hash = keccak(raw)
  const type = raw[0] >= 0xc0 ? 0 : raw[0]
  if (type === DEPOSIT_TX_TYPE) {
    try {
      const deposit = decodeDepositTx(raw)
      return { kind: 'deposit', raw, hash, type, to: deposit.to, deposit }
    } catch (e) {
      return undecodable(`deposit: ${(e as Error).message}`)
    }
  }
  if (type > 4) return undecodable(`transaction type ${type} not supported`)
  let signed: Signed
  try {
    signed = parseTransaction(toHex(raw))
  } catch (e) {
    return undecodable((e as Error).message.split('\n')[0])
  }
  if (signed.r === undefined || signed.s === undefined) return undecodable('unsigned transaction')
  if (type === 3) return notAllowed('blob transactions are not supported on L2')
  if (type === 4 && !isActive(config, 'isthmus', timestamp)) return notAllowed('SetCode transaction before Isthmus')
  return { kind: 'signed', raw, hash, type, to: signed.to ? fromHex(signed.to) : null, signed }
}

/** Stand-in gas used: a deposit's gas limit (0 for pre-Regolith system deposits, whose gas is free), 21000 otherwise. */
export function txGasUsed(tx: DecodedTx): bigint {
  if (tx.kind === 'signed') return SIGNED_TX_GAS
  return tx.deposit.isSystemTx ? 0n : tx.deposit.gas
}

/** Where a transaction sits, for its JSON object. */
export type TxLocation = { blockHash: Hex; blockNumber: number; index: number; canyon: boolean }

/** The `eth_getBlockBy*(…, true)` object of a transaction, shaped like op-geth's so `header-hash.ts` re-encodes it. */
export async function txJson(tx: DecodedTx, at: TxLocation): Promise<Record<string, unknown>> {
  const where = { blockHash: at.blockHash, blockNumber: q(at.blockNumber), transactionIndex: q(at.index) }
  const common = { hash: toHex(tx.hash), type: q(tx.type), to: tx.to ? toHex(tx.to) : null, ...where }
  if (tx.kind === 'deposit') {
    const d = tx.deposit
    return {
      ...common,
      sourceHash: toHex(d.sourceHash),
      from: toHex(d.from),
      mint: q(d.mint),
      value: q(d.value),
      gas: q(d.gas),
      isSystemTx: d.isSystemTx,
      input: toHex(d.data),
      // The deposit nonce lives in the receipt's world, which the double does not keep.
      nonce: '0x0',
      gasPrice: '0x0',
      v: '0x0',
      r: '0x0',
      s: '0x0',
      ...(at.canyon ? { depositReceiptVersion: '0x1' } : {}),
    }
  }
  const s = tx.signed
  const from = await recoverTransactionAddress({ serializedTransaction: toHex(tx.raw) as never })
  const json: Record<string, unknown> = {
    ...common,
    from: from.toLowerCase(),
    nonce: q(s.nonce ?? 0),
    gas: q(s.gas ?? 0n),
    value: q(s.value ?? 0n),
    input: s.data ?? '0x',
    r: q(BigInt(s.r ?? 0)),
    s: q(BigInt(s.s ?? 0)),
  }
  if (s.chainId !== undefined) json.chainId = q(s.chainId)
  if (s.type === 'legacy') {
    json.gasPrice = q(s.gasPrice ?? 0n)
    json.v = q(s.v ?? 0n)
    return json
  }
  json.yParity = q(s.yParity ?? 0)
  json.v = q(s.yParity ?? 0)
  json.accessList = s.accessList ?? []
  if (s.type === 'eip2930') {
    json.gasPrice = q(s.gasPrice ?? 0n)
    return json
  }
  json.maxFeePerGas = q(s.maxFeePerGas ?? 0n)
  json.maxPriorityFeePerGas = q(s.maxPriorityFeePerGas ?? 0n)
  if (s.type === 'eip7702') {
    json.authorizationList = (s.authorizationList ?? []).map((a) => ({
      address: a.address,
      chainId: q(a.chainId),
      nonce: q(a.nonce),
      r: q(BigInt(a.r ?? 0)),
      s: q(BigInt(a.s ?? 0)),
      yParity: q(a.yParity ?? 0),
    }))
  }
  return json
}

/** Minimal `0x` quantity. */
export function q(v: bigint | number): Hex {
  return `0x${v.toString(16)}`
}
