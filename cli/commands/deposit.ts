/** `op-edge deposit <log JSON>`: an OptimismPortal `TransactionDeposited` log → the L2 deposit transaction. */
import type { Hex } from '../../shared/bytes.ts'
import { depositTxHash, encodeDepositTx } from '../../shared/protocol/deposit-tx.ts'
import { DEPOSIT_EVENT_TOPIC, depositFromLog } from '../../shared/protocol/deposit-log.ts'
import { jsonArg, quantity, UsageError } from '../args.ts'

export function depositCommand(args: string[]) {
  if (args.length !== 1) throw new UsageError('usage: deposit <log JSON>')
  const log = jsonArg(args[0], 'log')
  if (!log || typeof log !== 'object' || Array.isArray(log)) throw new UsageError('log: expected a JSON object')
  const { address, topics, data, blockHash, logIndex } = log as Record<string, unknown>
  if (typeof address !== 'string') throw new UsageError('log.address: missing')
  if (!Array.isArray(topics) || topics.some((t) => typeof t !== 'string')) throw new UsageError('log.topics: expected an array of hex strings')
  if (typeof data !== 'string') throw new UsageError('log.data: missing')
  if (typeof blockHash !== 'string') throw new UsageError('log.blockHash: missing')
  if (String(topics[0]).toLowerCase() !== DEPOSIT_EVENT_TOPIC) {
    throw new UsageError('log.topics[0]: not the TransactionDeposited event')
  }
  const index = quantity(logIndex, 'log.logIndex')
  if (index > BigInt(Number.MAX_SAFE_INTEGER)) throw new UsageError('log.logIndex: too large')
  // The CLI does not know the chain's portal, so the log's own address stands in for it.
  const tx = depositFromLog(
    {
      address: address.toLowerCase() as Hex,
      topics: (topics as string[]).map((t) => t.toLowerCase() as Hex),
      data: data.toLowerCase() as Hex,
      blockHash: blockHash.toLowerCase() as Hex,
      logIndex: Number(index),
    },
    address.toLowerCase() as Hex,
  )
  if (!tx) throw new UsageError('log: not a TransactionDeposited log')
  return {
    sourceHash: tx.sourceHash,
    from: tx.from,
    to: tx.to,
    mint: tx.mint,
    value: tx.value,
    gas: tx.gas,
    isCreation: tx.to === null,
    data: tx.data,
    raw: encodeDepositTx(tx),
    hash: depositTxHash(tx),
  }
}
