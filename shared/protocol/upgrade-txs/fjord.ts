/**
 * Fjord activation-block upgrade transactions (PROTOCOL.md §2.9.5; https://specs.optimism.io/protocol/fjord/derivation.html#network-upgrade-automation-transactions,
 * op-node `rollup/derive/fjord_upgrade_transactions.go`). Byte-exact to kona's `fjord_tx_{0..2}.hex`.
 */
import { fromHex } from '../../bytes.ts'
import bytecode from './bytecode/fjord.json' with { type: 'json' }
import {
  createdAddress,
  DEPOSITOR,
  deployer,
  GAS_PRICE_ORACLE_PREDEPLOY,
  selector,
  type UpgradeTx,
  upgradeDeposit,
  upgradeToCalldata,
  ZERO_ADDRESS,
} from './common.ts'

/** The three Fjord upgrade deposits, in block order. */
export function fjordUpgradeTransactions(): UpgradeTx[] {
  const gasPriceOracleDeployer = deployer(2)
  return [
    upgradeDeposit({
      intent: 'Fjord: Gas Price Oracle Deployment',
      from: gasPriceOracleDeployer,
      to: null,
      gas: 1_450_000n,
      data: fromHex(bytecode.gasPriceOracle),
    }),
    upgradeDeposit({
      intent: 'Fjord: Gas Price Oracle Proxy Update',
      from: ZERO_ADDRESS,
      to: GAS_PRICE_ORACLE_PREDEPLOY,
      gas: 50_000n,
      data: upgradeToCalldata(createdAddress(gasPriceOracleDeployer)),
    }),
    upgradeDeposit({
      intent: 'Fjord: Gas Price Oracle Set Fjord',
      from: DEPOSITOR,
      to: GAS_PRICE_ORACLE_PREDEPLOY,
      gas: 90_000n,
      data: selector('setFjord()'),
    }),
  ]
}
