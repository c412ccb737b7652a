/**
 * `op-edge decode-tx <rawTx>`: an L1 transaction (EIP-2718 types 0–3), its sender, and its batcher frames.
 */
import { keccak256, parseTransaction, recoverTransactionAddress, serializeTransaction, type TransactionSerialized } from 'viem'
import { fromHex, toHex } from '../../shared/bytes.ts'
import { DecodeError } from '../../shared/errors.ts'
import { parseDataUnit } from '../../shared/codec/frame.ts'
import { hexArg, UsageError } from '../args.ts'

export async function decodeTxCommand(args: string[]) {
  if (args.length !== 1) throw new UsageError('usage: decode-tx <rawTx>')
  const raw = hexArg(args[0], 'rawTx')
  if (raw.length === 0) throw new UsageError('rawTx: empty')
  const type = raw[0] >= 0xc0 ? 0 : raw[0]
  if (type > 3) throw new UsageError(`rawTx: unsupported transaction type ${type} (expected 0–3)`)
  const hex = toHex(raw) as TransactionSerialized
  let tx: ReturnType<typeof parseTransaction>
  try {
    tx = parseTransaction(hex)
  } catch (e) {
    throw new UsageError(`rawTx: not a valid type-${type} transaction (${(e as Error).message.split('\n')[0]})`)
  }
  if (tx.r === undefined || tx.s === undefined) throw new UsageError('rawTx: transaction is not signed')
  // A blob transaction may come in its network form (with blobs, commitments and proofs); its hash and signature
  // cover the canonical form only.
  const canonical =
    type === 3 && 'sidecars' in tx && tx.sidecars
      ? serializeTransaction({ ...tx, sidecars: false } as Parameters<typeof serializeTransaction>[0], {
          r: tx.r,
          s: tx.s,
          yParity: tx.yParity,
          v: tx.v,
        } as Parameters<typeof serializeTransaction>[1])
      : hex
  let from: string
  try {
    from = await recoverTransactionAddress({ serializedTransaction: canonical as TransactionSerialized })
  } catch (e) {
    throw new UsageError(`rawTx: cannot recover the sender (${(e as Error).message.split('\n')[0]})`)
  }
  const calldata = tx.data ?? '0x'
  let data: unknown = null
  let dataError: string | undefined
  try {
    const bytes = fromHex(calldata)
    const frames = parseDataUnit(bytes)
    data = {
      version: bytes[0],
      frames: frames.map((f) => ({ channelId: f.channelId, frameNumber: f.frameNumber, dataLength: f.data.length, isLast: f.isLast })),
    }
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e
    dataError = `${e.code}: ${e.message}`
  }
  return {
    hash: keccak256(canonical),
    type,
    chainId: tx.chainId ?? null,
    nonce: tx.nonce ?? 0,
    from: from.toLowerCase(),
    to: tx.to ? tx.to.toLowerCase() : null,
    blobVersionedHashes: type === 3 ? (tx.blobVersionedHashes ?? []) : [],
    data,
    ...(dataError ? { dataError } : {}),
  }
}
