/**
 * Network upgrade transactions by fork (PROTOCOL.md §2.9.5, §10). A fork's activation block inserts them after the
 * user deposits, in `UPGRADE_FORKS` order when several forks activate together.
 */
import type { UpgradeFork } from '../../config/forks.ts'
import type { UpgradeTx } from './common.ts'
import { ecotoneUpgradeTransactions } from './ecotone.ts'
import { fjordUpgradeTransactions } from './fjord.ts'
import { isthmusUpgradeTransactions } from './isthmus.ts'
import { jovianUpgradeTransactions } from './jovian.ts'
import { karstBundleGas, karstUpgradeTransactions } from './karst.ts'

/**
 * The upgrade deposits of `fork`'s activation block, in order.
 *
 * @example upgradeTransactions('fjord').map((u) => encodeDepositTx(u.tx))
 */
export function upgradeTransactions(fork: UpgradeFork): UpgradeTx[] {
  switch (fork) {
    case 'ecotone':
      return ecotoneUpgradeTransactions()
    case 'fjord':
      return fjordUpgradeTransactions()
    case 'isthmus':
      return isthmusUpgradeTransactions()
    case 'jovian':
      return jovianUpgradeTransactions()
    case 'karst':
      return karstUpgradeTransactions()
  }
}

/**
 * Total gas of `fork`'s upgrade deposits. Only Karst raises the activation block's gas limit by it (and adds its bundle's
 * `extraGas`); for earlier forks it is informational.
 */
export function upgradeGas(fork: UpgradeFork): bigint {
  if (fork === 'karst') return karstBundleGas()
  return upgradeTransactions(fork).reduce((sum, u) => sum + u.tx.gas, 0n)
}
