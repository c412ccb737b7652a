/**
 * Building blocks of network upgrade transactions (PROTOCOL.md §2.9.5): every one is a deposit with `mint = 0`,
 * `value = 0`, `isSystemTx = false` and a source hash in the upgrade domain over its intent.
 */
import { getContractAddress } from 'viem'
import { addressBytes, concatBytes, fromHex, keccak, toHex } from '../../bytes.ts'
import type { DepositTx } from '../deposit-tx.ts'
import { L1_BLOCK_ADDRESS, L1_INFO_DEPOSITOR } from '../l1-info.ts'
import { upgradeSourceHash } from '../source-hash.ts'

/** One upgrade transaction and the intent its source hash was computed from. */
export type UpgradeTx = { intent: string; tx: DepositTx }

export const ZERO_ADDRESS = new Uint8Array(20)
/** The L1-info depositor `0xdeaddead…0001` also sends the GasPriceOracle `setX()` calls. */
export const DEPOSITOR = L1_INFO_DEPOSITOR
export const L1_BLOCK_PREDEPLOY = L1_BLOCK_ADDRESS
export const GAS_PRICE_ORACLE_PREDEPLOY = addressBytes('0x420000000000000000000000000000000000000F')
export const OPERATOR_FEE_VAULT_PREDEPLOY = addressBytes('0x420000000000000000000000000000000000001B')

/** `0x4210000000000000000000000000000000000000` + n: the one-shot deployer accounts of upgrades. */
export function deployer(n: number): Uint8Array {
  const a = addressBytes('0x4210000000000000000000000000000000000000')
  a[19] = n
  return a
}

/** The address a deployer's first contract gets (CREATE with nonce 0). */
export function createdAddress(from: Uint8Array): Uint8Array {
  return fromHex(getContractAddress({ from: toHex(from), nonce: 0n }))
}

/** 4-byte function selector. */
export function selector(signature: string): Uint8Array {
  return keccak(new TextEncoder().encode(signature)).slice(0, 4)
}

/** `upgradeTo(address)` calldata for a proxy. */
export function upgradeToCalldata(implementation: Uint8Array): Uint8Array {
  return concatBytes(selector('upgradeTo(address)'), new Uint8Array(12), implementation)
}

export type UpgradeDepositParameters = {
  intent: string
  from: Uint8Array
  /** null = contract creation. */
  to: Uint8Array | null
  gas: bigint
  data: Uint8Array
}

/** A network upgrade deposit. */
export function upgradeDeposit(p: UpgradeDepositParameters): UpgradeTx {
  return {
    intent: p.intent,
    tx: {
      sourceHash: upgradeSourceHash(p.intent),
      from: p.from.slice(),
      to: p.to === null ? null : p.to.slice(),
      mint: 0n,
      value: 0n,
      gas: p.gas,
      isSystemTx: false,
      data: p.data.slice(),
    },
  }
}
