/**
 * Ecotone activation-block upgrade transactions (PROTOCOL.md §2.9.5; https://specs.optimism.io/protocol/ecotone/derivation.html#network-upgrade-automation-transactions,
 * op-node `rollup/derive/ecotone_upgrade_transactions.go`). Byte-exact to kona's `ecotone_tx_{0..5}.hex`.
 */
import { addressBytes, fromHex } from '../../bytes.ts'
import bytecode from './bytecode/ecotone.json' with { type: 'json' }
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

/** EIP-4788's keyless deployer (the beacon roots contract lands at `0x000F3df6…Beac02`). */
const BEACON_ROOTS_SENDER = addressBytes('0x0B799C86a49DEeb90402691F1041aa3AF2d3C875')

/** The six Ecotone upgrade deposits, in block order. */
export function ecotoneUpgradeTransactions(): UpgradeTx[] {
  const l1BlockDeployer = deployer(0)
  const gasPriceOracleDeployer = deployer(1)
  return [
    upgradeDeposit({
      intent: 'Ecotone: L1 Block Deployment',
      from: l1BlockDeployer,
      to: null,
      gas: 375_000n,
      data: fromHex(bytecode.l1Block),
    }),
    upgradeDeposit({
      intent: 'Ecotone: Gas Price Oracle Deployment',
      from: gasPriceOracleDeployer,
      to: null,
      gas: 1_000_000n,
      data: fromHex(bytecode.gasPriceOracle),
    }),
    upgradeDeposit({
      intent: 'Ecotone: L1 Block Proxy Update',
      from: ZERO_ADDRESS,
      to: L1_BLOCK_PREDEPLOY,
      gas: 50_000n,
      data: upgradeToCalldata(createdAddress(l1BlockDeployer)),
    }),
    upgradeDeposit({
      intent: 'Ecotone: Gas Price Oracle Proxy Update',
      from: ZERO_ADDRESS,
      to: GAS_PRICE_ORACLE_PREDEPLOY,
      gas: 50_000n,
      data: upgradeToCalldata(createdAddress(gasPriceOracleDeployer)),
    }),
    upgradeDeposit({
      intent: 'Ecotone: Gas Price Oracle Set Ecotone',
      from: DEPOSITOR,
      to: GAS_PRICE_ORACLE_PREDEPLOY,
      gas: 80_000n,
      data: selector('setEcotone()'),
    }),
    upgradeDeposit({
      intent: 'Ecotone: beacon block roots contract deployment',
      from: BEACON_ROOTS_SENDER,
      to: null,
      gas: 250_000n,
      data: fromHex(bytecode.beaconBlockRoots),
    }),
  ]
}
