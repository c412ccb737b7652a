/**
 * Jovian activation-block upgrade transactions (PROTOCOL.md §2.9.5; https://specs.optimism.io/protocol/jovian/derivation.html#network-upgrade-automation-transactions).
 *
 * Intents, senders and gas follow the code, not PROTOCOL.md's table: op-node `rollup/derive/jovian_upgrade_transactions.go`
 * (ethereum-optimism/optimism@6411f627, `DAFootprintNetworkUpgradeTransactions` + `OperatorFeeFixUpgradeTransactions`)
 * and kona `crates/protocol/hardforks/src/jovian.rs` (op-rs/kona@cdb9be24) both hash "Jovian: L1 Block Deployment",
 * "Jovian: L1 Block Proxy Update", "Jovian: Gas Price Oracle Deployment", "Jovian: Gas Price Oracle Proxy Update"
 * (PROTOCOL.md lists the spec's "L1Block"/"GasPriceOracle" spellings, whose hashes differ).
 * Order: L1Block deployment, its proxy update, GasPriceOracle deployment, its proxy update, `setJovian()`.
 */
import { fromHex } from '../../bytes.ts'
import bytecode from './bytecode/jovian.json' with { type: 'json' }
import {
  createdAddress,
  DEPOSITOR,
  deployer,
  GAS_PRICE_ORACLE_PREDEPLOY,
  L1_BLOCK_PREDEPLOY,
  selector,
  type UpgradeTx,
  upgradeDeposit,
  upgradeToCalldata,
  ZERO_ADDRESS,
} from './common.ts'

/** The five Jovian upgrade deposits, in block order. */
export function jovianUpgradeTransactions(): UpgradeTx[] {
  const l1BlockDeployer = deployer(6)
  const gasPriceOracleDeployer = deployer(7)
  return [
    upgradeDeposit({
      intent: 'Jovian: L1 Block Deployment',
      from: l1BlockDeployer,
      to: null,
      gas: 447_315n,
      data: fromHex(bytecode.l1Block),
    }),
    upgradeDeposit({
      intent: 'Jovian: L1 Block Proxy Update',
      from: ZERO_ADDRESS,
      to: L1_BLOCK_PREDEPLOY,
      gas: 50_000n,
      data: upgradeToCalldata(createdAddress(l1BlockDeployer)),
    }),
    upgradeDeposit({
      intent: 'Jovian: Gas Price Oracle Deployment',
      from: gasPriceOracleDeployer,
      to: null,
      gas: 1_750_714n,
      data: fromHex(bytecode.gasPriceOracle),
    }),
    upgradeDeposit({
      intent: 'Jovian: Gas Price Oracle Proxy Update',
      from: ZERO_ADDRESS,
      to: GAS_PRICE_ORACLE_PREDEPLOY,
      gas: 50_000n,
      data: upgradeToCalldata(createdAddress(gasPriceOracleDeployer)),
    }),
    upgradeDeposit({
      intent: 'Jovian: Gas Price Oracle Set Jovian',
      from: DEPOSITOR,
      to: GAS_PRICE_ORACLE_PREDEPLOY,
      gas: 90_000n,
      data: selector('setJovian()'),
    }),
  ]
}
