/**
 * Karst activation-block upgrade transactions: the 31 NUTs of op-core `nuts/bundles/karst_nut_bundle.json`, embedded
 * byte for byte as `karst-nut-bundle.json` (sha256 08f5df36…8ad91, checked in the tests) (PROTOCOL.md §10).
 */
import bundleJson from './karst-nut-bundle.json' with { type: 'json' }
import type { UpgradeTx } from './common.ts'
import { nutBundleGas, nutBundleUpgradeTransactions, parseNutBundle } from './nut-bundle.ts'

/** sha256 of the embedded bundle file. */
export const KARST_NUT_BUNDLE_SHA256 = '08f5df36f7ff29a9421ab84beebe96684a7455df9a5d234a2468613a4008ad91'

/**
 * Gas the Karst activation block adds to the SystemConfig gas limit (`extraGas + Σ gasLimit` of the bundle), and the
 * amount stripped again when reconstructing the next block's config unless `keep_karst_upgrade_gas`.
 */
export const karstUpgradeGas = 55_370_657n

/** The 31 Karst deposits, in bundle order, intents `"Karst <i>: <intent>"`. */
export function karstUpgradeTransactions(): UpgradeTx[] {
  return nutBundleUpgradeTransactions(parseNutBundle(bundleJson), 'Karst')
}

/** {@link karstUpgradeGas}, computed from the bundle (the tests pin the two together). */
export function karstBundleGas(): bigint {
  return nutBundleGas(parseNutBundle(bundleJson))
}
