/** `op-edge upgrade-txs <fork>`: the network upgrade deposits a fork inserts at its activation block. */
import { toHex } from '../../shared/bytes.ts'
import { UPGRADE_FORKS, type UpgradeFork } from '../../shared/config/forks.ts'
import { depositTxHash, encodeDepositTx } from '../../shared/protocol/deposit-tx.ts'
import { upgradeGas, upgradeTransactions } from '../../shared/protocol/upgrade-txs/index.ts'
import { UsageError } from '../args.ts'

export function upgradeTxsCommand(args: string[]) {
  const fork = args[0]
  if (args.length !== 1 || !UPGRADE_FORKS.includes(fork as UpgradeFork)) {
    throw new UsageError(`usage: upgrade-txs <${UPGRADE_FORKS.join('|')}>`)
  }
  const txs = upgradeTransactions(fork as UpgradeFork)
  return {
    fork,
    gas: upgradeGas(fork as UpgradeFork),
    transactions: txs.map(({ intent, tx }) => ({
      intent,
      sourceHash: toHex(tx.sourceHash),
      raw: toHex(encodeDepositTx(tx)),
      hash: toHex(depositTxHash(tx)),
    })),
  }
}
