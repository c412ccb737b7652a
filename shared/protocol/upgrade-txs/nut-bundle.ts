/**
 * Network Upgrade Transaction (NUT) bundles: the JSON format Karst and later forks ship their upgrade deposits in
 * (PROTOCOL.md §10; op-node `rollup/derive/upgrade_transaction.go`, op-core `nuts/bundle.go` `BundleMetadata.Validate`).
 *
 * ```text
 * { "metadata": { "version": "1.0.0" | "1.1.0", "extraGas"?: uint64 (1.1.0 only) },
 *   "transactions": [ { "intent", "from", "to" (null = create), "data", "gasLimit" } ] }
 * ```
 *
 * Transaction `i` becomes a deposit with source-hash intent `"<Fork> <i>: <intent>"` (capital fork name, 0-based index:
 * consensus, PROTOCOL.md §9 item 14), `mint = value = 0`, `isSystemTx = false`.
 */
import { fromHex, type Hex } from '../../bytes.ts'
import { DecodeError } from '../../errors.ts'
import { type UpgradeTx, upgradeDeposit } from './common.ts'

export type NutTransaction = { intent: string; from: Uint8Array; to: Uint8Array | null; data: Uint8Array; gasLimit: bigint }

export type NutBundle = {
  version: NutBundleVersion
  /** Gas reserved in the activation block on top of the transactions' own (1.1.0; 0 before). */
  extraGas: bigint
  transactions: NutTransaction[]
}

/** Bundle schema versions this build understands. */
export const NUT_BUNDLE_VERSIONS = ['1.0.0', '1.1.0'] as const
export type NutBundleVersion = (typeof NUT_BUNDLE_VERSIONS)[number]

export type NutBundleErrorCode =
  | 'nut-bundle-malformed'
  | 'nut-bundle-unknown-version'
  | 'nut-bundle-extra-gas-not-allowed'
  | 'nut-bundle-missing-intent'

function fail(code: NutBundleErrorCode, message: string): never {
  throw new DecodeError(code, message)
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

function uint64(x: unknown, what: string): bigint {
  if (x === undefined) return 0n
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) fail('nut-bundle-malformed', `${what} is not a uint64`)
  return BigInt(x)
}

function hexField(x: unknown, what: string, size?: number): Uint8Array {
  let bytes: Uint8Array | undefined
  try {
    bytes = fromHex(x as Hex)
  } catch {
    // handled below
  }
  if (bytes === undefined || (size !== undefined && bytes.length !== size)) {
    fail('nut-bundle-malformed', `${what} is not ${size === undefined ? '0x hex' : `a ${size}-byte 0x hex string`}`)
  }
  return bytes
}

/**
 * Parses and validates a bundle (the parsed JSON value).
 *
 * @throws DecodeError with a {@link NutBundleErrorCode}: unknown `metadata.version`, `extraGas` in a 1.0.0 bundle,
 *   an empty intent, or a field of the wrong shape.
 */
export function parseNutBundle(json: unknown): NutBundle {
  if (!isObject(json) || !isObject(json.metadata) || !Array.isArray(json.transactions)) {
    fail('nut-bundle-malformed', 'bundle must have a metadata object and a transactions array')
  }
  const version = json.metadata.version
  if (!NUT_BUNDLE_VERSIONS.includes(version as NutBundleVersion)) {
    fail('nut-bundle-unknown-version', `unsupported NUT bundle version ${JSON.stringify(version)}`)
  }
  const extraGas = uint64(json.metadata.extraGas, 'metadata.extraGas')
  if (version === '1.0.0' && extraGas !== 0n) {
    fail('nut-bundle-extra-gas-not-allowed', `NUT bundle version 1.0.0 must not declare extraGas (${extraGas})`)
  }
  const transactions = json.transactions.map((tx: unknown, i): NutTransaction => {
    if (!isObject(tx)) fail('nut-bundle-malformed', `transaction ${i} is not an object`)
    if (typeof tx.intent !== 'string' || tx.intent === '') fail('nut-bundle-missing-intent', `transaction ${i} has no intent`)
    if (tx.gasLimit === undefined) fail('nut-bundle-malformed', `transaction ${i} has no gasLimit`)
    return {
      intent: tx.intent,
      from: hexField(tx.from, `transaction ${i} from`, 20),
      to: tx.to === null || tx.to === undefined ? null : hexField(tx.to, `transaction ${i} to`, 20),
      data: hexField(tx.data ?? '0x', `transaction ${i} data`),
      gasLimit: uint64(tx.gasLimit, `transaction ${i} gasLimit`),
    }
  })
  return { version: version as NutBundleVersion, extraGas, transactions }
}

/** Gas the activation block must add to its limit for this bundle: `extraGas + Σ gasLimit`. */
export function nutBundleGas(bundle: NutBundle): bigint {
  return bundle.transactions.reduce((sum, tx) => sum + tx.gasLimit, bundle.extraGas)
}

/** The bundle's deposits, in bundle order; `forkName` is capitalised as in op-node's intent ("Karst"). */
export function nutBundleUpgradeTransactions(bundle: NutBundle, forkName: string): UpgradeTx[] {
  return bundle.transactions.map((tx, i) =>
    upgradeDeposit({ intent: `${forkName} ${i}: ${tx.intent}`, from: tx.from, to: tx.to, gas: tx.gasLimit, data: tx.data }),
  )
}
