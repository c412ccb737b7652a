/** Network upgrade transactions (PROTOCOL.md §2.9.5, §10). */
export { createdAddress, type UpgradeTx, upgradeDeposit, upgradeToCalldata } from './common.ts'
export { ecotoneUpgradeTransactions } from './ecotone.ts'
export { fjordUpgradeTransactions } from './fjord.ts'
export { isthmusUpgradeTransactions } from './isthmus.ts'
export { jovianUpgradeTransactions } from './jovian.ts'
export { KARST_NUT_BUNDLE_SHA256, karstBundleGas, karstUpgradeGas, karstUpgradeTransactions } from './karst.ts'
export {
  NUT_BUNDLE_VERSIONS,
  type NutBundle,
  type NutBundleErrorCode,
  type NutBundleVersion,
  type NutTransaction,
  nutBundleGas,
  nutBundleUpgradeTransactions,
  parseNutBundle,
} from './nut-bundle.ts'
export { upgradeGas, upgradeTransactions } from './upgrade-transactions.ts'
