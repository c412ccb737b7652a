/**
 * Isthmus activation-block upgrade transactions (PROTOCOL.md §2.9.5; https://specs.optimism.io/protocol/isthmus/derivation.html#network-upgrade-automation-transactions,
 * op-node `rollup/derive/isthmus_upgrade_transactions.go`). Byte-exact to kona's `isthmus_tx_{0..7}.hex`.
 * The spec's "cast sig setIsthmus() → 0x8e98b106" is a copy-paste error (§9 item 1): the selector is `0x291b0383`.
 */
import { addressBytes, fromHex } from '../../bytes.ts'
import bytecode from './bytecode/isthmus.json' with { type: 'json' }
import {
  createdAddress,
  DEPOSITOR,
  deployer,
  GAS_PRICE_ORACLE_PREDEPLOY,
  L1_BLOCK_PREDEPLOY,
  OPERATOR_FEE_VAULT_PREDEPLOY,
  selector,
  type UpgradeTx,
  upgradeDeposit,
  upgradeToCalldata,
  ZERO_ADDRESS,
} from './common.ts'

/** EIP-2935's keyless deployer (the history contract lands at `0x0000F908…2935`). */
const BLOCK_HASH_HISTORY_SENDER = addressBytes('0x3462413Af4609098e1E27A490f554f260213D685')

/** The eight Isthmus upgrade deposits, in block order. */
export function isthmusUpgradeTransactions(): UpgradeTx[] {
  const l1BlockDeployer = deployer(3)
  const gasPriceOracleDeployer = deployer(4)
  const operatorFeeVaultDeployer = deployer(5)
  return [
    upgradeDeposit({
      intent: 'Isthmus: L1 Block Deployment',
      from: l1BlockDeployer,
      to: null,
      gas: 425_000n,
      data: fromHex(bytecode.l1Block),
    }),
    upgradeDeposit({
      intent: 'Isthmus: Gas Price Oracle Deployment',
      from: gasPriceOracleDeployer,
      to: null,
      gas: 1_625_000n,
      data: fromHex(bytecode.gasPriceOracle),
    }),
    upgradeDeposit({
      intent: 'Isthmus: Operator Fee Vault Deployment',
      from: operatorFeeVaultDeployer,
      to: null,
      gas: 500_000n,
      data: fromHex(bytecode.operatorFeeVault),
    }),
    upgradeDeposit({
      intent: 'Isthmus: L1 Block Proxy Update',
      from: ZERO_ADDRESS,
      to: L1_BLOCK_PREDEPLOY,
      gas: 50_000n,
      data: upgradeToCalldata(createdAddress(l1BlockDeployer)),
    }),
    upgradeDeposit({
      intent: 'Isthmus: Gas Price Oracle Proxy Update',
      from: ZERO_ADDRESS,
      to: GAS_PRICE_ORACLE_PREDEPLOY,
      gas: 50_000n,
      data: upgradeToCalldata(createdAddress(gasPriceOracleDeployer)),
    }),
    upgradeDeposit({
      intent: 'Isthmus: Operator Fee Vault Proxy Update',
      from: ZERO_ADDRESS,
      to: OPERATOR_FEE_VAULT_PREDEPLOY,
      gas: 50_000n,
      data: upgradeToCalldata(createdAddress(operatorFeeVaultDeployer)),
    }),
    upgradeDeposit({
      intent: 'Isthmus: Gas Price Oracle Set Isthmus',
      from: DEPOSITOR,
      to: GAS_PRICE_ORACLE_PREDEPLOY,
      gas: 90_000n,
      data: selector('setIsthmus()'),
    }),
    upgradeDeposit({
      intent: 'Isthmus: EIP-2935 Contract Deployment',
      from: BLOCK_HASH_HISTORY_SENDER,
      to: null,
      gas: 250_000n,
      data: fromHex(bytecode.blockHashHistory),
    }),
  ]
}
