import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../shared/bytes.ts'
import { UPGRADE_FORKS } from '../../../shared/config/forks.ts'
import { decodeDepositTx, encodeDepositTx } from '../../../shared/protocol/deposit-tx.ts'
import { upgradeSourceHash } from '../../../shared/protocol/source-hash.ts'
import {
  createdAddress,
  KARST_NUT_BUNDLE_SHA256,
  karstBundleGas,
  karstUpgradeGas,
  nutBundleGas,
  nutBundleUpgradeTransactions,
  parseNutBundle,
  upgradeGas,
  upgradeTransactions,
} from '../../../shared/protocol/upgrade-txs/index.ts'
import { codeOf } from '../../support/decode-error.ts'

const here = dirname(fileURLToPath(import.meta.url))
const fixture = (name: string) => fromHex(`0x${readFileSync(join(here, '../../fixtures/upgrade-txs', name), 'utf8').trim()}`)
const bundlePath = join(here, '../../../shared/protocol/upgrade-txs/karst-nut-bundle.json')

const lower = (s: string) => s.toLowerCase()

describe('upgradeTransactions', () => {
  it('default: Ecotone (6), Fjord (3), Isthmus (8) byte-exact to kona/op-node vectors', () => {
    for (const [fork, count] of [['ecotone', 6], ['fjord', 3], ['isthmus', 8]] as const) {
      const txs = upgradeTransactions(fork)
      expect(txs).toHaveLength(count)
      txs.forEach((u, i) => {
        expect(toHex(encodeDepositTx(u.tx)), `${fork} ${i}`).toBe(toHex(fixture(`${fork}_tx_${i}.hex`)))
      })
    }
  })

  it('behavior: §2.9.5 all upgrade txs: type 0x7E, mint 0, value 0, isSystemTx false, sourceHash = upgrade domain over the intent', () => {
    for (const fork of UPGRADE_FORKS) {
      for (const u of upgradeTransactions(fork)) {
        expect(u.tx).toMatchObject({ mint: 0n, value: 0n, isSystemTx: false })
        expect(u.tx.sourceHash).toEqual(upgradeSourceHash(u.intent))
        const encoded = encodeDepositTx(u.tx)
        expect(encoded[0]).toBe(0x7e)
        expect(decodeDepositTx(encoded)).toEqual(u.tx)
      }
    }
  })

  it('behavior: §2.9.5 Ecotone table (intents, senders, gas, deployed addresses)', () => {
    const txs = upgradeTransactions('ecotone')
    expect(txs.map((u) => u.intent)).toEqual([
      'Ecotone: L1 Block Deployment',
      'Ecotone: Gas Price Oracle Deployment',
      'Ecotone: L1 Block Proxy Update',
      'Ecotone: Gas Price Oracle Proxy Update',
      'Ecotone: Gas Price Oracle Set Ecotone',
      'Ecotone: beacon block roots contract deployment',
    ])
    expect(txs.map((u) => u.tx.gas)).toEqual([375_000n, 1_000_000n, 50_000n, 50_000n, 80_000n, 250_000n])
    expect(lower(toHex(createdAddress(txs[0].tx.from)))).toBe(lower('0x07dbe8500fc591d1852B76feE44d5a05e13097Ff'))
    expect(lower(toHex(createdAddress(txs[1].tx.from)))).toBe(lower('0xb528D11cC114E026F138fE568744c6D45ce6Da7A'))
    expect(lower(toHex(createdAddress(txs[5].tx.from)))).toBe(lower('0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02'))
    expect(toHex(txs[4].tx.data)).toBe('0x22b90ab3')
    expect(toHex(txs[2].tx.data).slice(0, 10)).toBe('0x3659cfe6')
  })

  it('behavior: §2.9.5 Fjord table', () => {
    const txs = upgradeTransactions('fjord')
    expect(txs.map((u) => u.tx.gas)).toEqual([1_450_000n, 50_000n, 90_000n])
    expect(lower(toHex(createdAddress(txs[0].tx.from)))).toBe(lower('0xa919894851548179A0750865e7974DA599C0Fac7'))
    expect(toHex(txs[2].tx.data)).toBe('0x8e98b106')
  })

  it('behavior: §2.9.5 Isthmus table (setIsthmus() is 0x291b0383, §9 item 1)', () => {
    const txs = upgradeTransactions('isthmus')
    expect(txs.map((u) => u.tx.gas)).toEqual([425_000n, 1_625_000n, 500_000n, 50_000n, 50_000n, 50_000n, 90_000n, 250_000n])
    expect(lower(toHex(createdAddress(txs[0].tx.from)))).toBe(lower('0xFf256497D61dcd71a9e9Ff43967C13fdE1F72D12'))
    expect(lower(toHex(createdAddress(txs[1].tx.from)))).toBe(lower('0x93e57A196454CB919193fa9946f14943cf733845'))
    expect(lower(toHex(createdAddress(txs[2].tx.from)))).toBe(lower('0x4fa2Be8cd41504037F1838BcE3bCC93bC68Ff537'))
    expect(lower(toHex(createdAddress(txs[7].tx.from)))).toBe(lower('0x0000F90827F1C53a10cb7A02335B175320002935'))
    expect(toHex(txs[6].tx.data)).toBe('0x291b0383')
  })

  it('behavior: §2.9.5 Jovian: 5 txs, op-node/kona intents, senders and gas, L1Block before GasPriceOracle', () => {
    const txs = upgradeTransactions('jovian')
    expect(txs.map((u) => u.intent)).toEqual([
      'Jovian: L1 Block Deployment',
      'Jovian: L1 Block Proxy Update',
      'Jovian: Gas Price Oracle Deployment',
      'Jovian: Gas Price Oracle Proxy Update',
      'Jovian: Gas Price Oracle Set Jovian',
    ])
    // kona crates/protocol/hardforks/src/jovian.rs tests.
    expect(toHex(txs[0].tx.sourceHash)).toBe('0xbb1a656f65401240fac3db12e7a79ebb954b11e62f7626eb11691539b798d3bf')
    expect(toHex(txs[1].tx.sourceHash)).toBe('0xf3275f829340521028f9ad5bce4ecb1c64a45d448794effa2a77674627338e76')
    expect(toHex(txs[2].tx.sourceHash)).toBe('0x239b7021a6c2cf3a918481242bbb5a9499057f24501539467536c691bb133962')
    expect(toHex(txs[4].tx.sourceHash)).toBe('0xe836db6a959371756f8941be3e962d000f7e12a32e49e2c9ca42ba177a92716c')
    expect(txs.map((u) => toHex(u.tx.from))).toEqual([
      '0x4210000000000000000000000000000000000006',
      '0x0000000000000000000000000000000000000000',
      '0x4210000000000000000000000000000000000007',
      '0x0000000000000000000000000000000000000000',
      '0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001',
    ])
    expect(txs.map((u) => (u.tx.to ? toHex(u.tx.to) : null))).toEqual([
      null,
      '0x4200000000000000000000000000000000000015',
      null,
      '0x420000000000000000000000000000000000000f',
      '0x420000000000000000000000000000000000000f',
    ])
    expect(txs.map((u) => u.tx.gas)).toEqual([447_315n, 50_000n, 1_750_714n, 50_000n, 90_000n])
    // op-node jovian_upgrade_transactions_test.go
    expect(toHex(txs[1].tx.data)).toBe('0x3659cfe60000000000000000000000003ba4007f5c922fbb33c454b41ea7a1f11e83df2c')
    expect(toHex(txs[3].tx.data)).toBe('0x3659cfe60000000000000000000000004f1db3c6abd250ba86e0928471a8f7db3afd88f1')
    expect(toHex(txs[4].tx.data)).toBe('0xb3d72079')
    expect(txs[0].tx.data.length).toBe(1845)
    expect(txs[2].tx.data.length).toBe(7880)
  })

  it('behavior: §10 Karst: 31 NUTs from the bundle, intent "Karst " + i + ": " + intent (capital K and index are consensus)', () => {
    const bundle = JSON.parse(readFileSync(bundlePath, 'utf8'))
    const txs = upgradeTransactions('karst')
    expect(txs).toHaveLength(31)
    txs.forEach((u, i) => {
      const entry = bundle.transactions[i]
      expect(u.intent).toBe(`Karst ${i}: ${entry.intent}`)
      expect(u.tx.sourceHash).toEqual(upgradeSourceHash(`Karst ${i}: ${entry.intent}`))
      expect(lower(toHex(u.tx.from))).toBe(lower(entry.from))
      expect(u.tx.to === null ? null : lower(toHex(u.tx.to))).toBe(entry.to === null ? null : lower(entry.to))
      expect(u.tx.gas).toBe(BigInt(entry.gasLimit))
      expect(toHex(u.tx.data)).toBe(lower(entry.data))
    })
    expect(txs[0].intent).toBe('Karst 0: ConditionalDeployer Deployment')
    expect(txs[30].intent).toBe('Karst 30: L2ProxyAdmin Upgrade Predeploys')
  })

  it('behavior: §10 the embedded Karst bundle is byte-identical to op-node\'s (sha256 08f5df36…8ad91)', () => {
    const bytes = readFileSync(bundlePath)
    expect(bytes.length).toBe(326_789)
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(KARST_NUT_BUNDLE_SHA256)
    expect(KARST_NUT_BUNDLE_SHA256).toBe('08f5df36f7ff29a9421ab84beebe96684a7455df9a5d234a2468613a4008ad91')
  })

  it('behavior: §10 Karst upgradeGas = extraGas + Σ gasLimit = 55,370,657', () => {
    expect(karstUpgradeGas).toBe(55_370_657n)
    expect(karstBundleGas()).toBe(karstUpgradeGas)
    expect(upgradeGas('karst')).toBe(karstUpgradeGas)
  })

  it('behavior: upgradeGas sums each fork\'s deposits', () => {
    expect(upgradeGas('ecotone')).toBe(1_805_000n)
    expect(upgradeGas('fjord')).toBe(1_590_000n)
    expect(upgradeGas('isthmus')).toBe(3_040_000n)
    expect(upgradeGas('jovian')).toBe(2_388_029n)
  })
})

describe('parseNutBundle', () => {
  const tx = { intent: 'Do It', from: `0x${'11'.repeat(20)}`, to: null, data: '0x6001', gasLimit: 100 }

  it('default: version 1.0.0 without extraGas; to null is a contract creation', () => {
    const b = parseNutBundle({ metadata: { version: '1.0.0' }, transactions: [tx] })
    expect(b.version).toBe('1.0.0')
    expect(b.extraGas).toBe(0n)
    expect(nutBundleGas(b)).toBe(100n)
    const [u] = nutBundleUpgradeTransactions(b, 'Karst')
    expect(u.intent).toBe('Karst 0: Do It')
    expect(u.tx.to).toBeNull()
    expect(toHex(u.tx.data)).toBe('0x6001')
  })

  it('behavior: §10 version 1.1.0 adds extraGas to the activation gas', () => {
    const b = parseNutBundle({ metadata: { version: '1.1.0', extraGas: 150_000 }, transactions: [tx, { ...tx, to: `0x${'22'.repeat(20)}` }] })
    expect(nutBundleGas(b)).toBe(150_200n)
    expect(nutBundleUpgradeTransactions(b, 'Karst')[1].intent).toBe('Karst 1: Do It')
    expect(parseNutBundle({ metadata: { version: '1.1.0' }, transactions: [] }).extraGas).toBe(0n)
  })

  it('error: §10 unknown version → error', () => {
    expect(codeOf(() => parseNutBundle({ metadata: { version: '2.0.0' }, transactions: [] }))).toBe('nut-bundle-unknown-version')
    expect(codeOf(() => parseNutBundle({ metadata: {}, transactions: [] }))).toBe('nut-bundle-unknown-version')
  })

  it('error: a 1.0.0 bundle must not declare extraGas (op-core nuts BundleMetadata.Validate)', () => {
    expect(codeOf(() => parseNutBundle({ metadata: { version: '1.0.0', extraGas: 1 }, transactions: [] }))).toBe(
      'nut-bundle-extra-gas-not-allowed',
    )
  })

  it('error: missing intent and malformed fields', () => {
    const meta = { version: '1.0.0' }
    expect(codeOf(() => parseNutBundle({ metadata: meta, transactions: [{ ...tx, intent: '' }] }))).toBe('nut-bundle-missing-intent')
    expect(codeOf(() => parseNutBundle({ metadata: meta, transactions: [{ ...tx, from: '0x12' }] }))).toBe('nut-bundle-malformed')
    expect(codeOf(() => parseNutBundle({ metadata: meta, transactions: [{ ...tx, data: 'zz' }] }))).toBe('nut-bundle-malformed')
    expect(codeOf(() => parseNutBundle({ metadata: meta, transactions: [{ ...tx, gasLimit: -1 }] }))).toBe('nut-bundle-malformed')
    expect(codeOf(() => parseNutBundle({ metadata: meta, transactions: [{ ...tx, gasLimit: undefined }] }))).toBe('nut-bundle-malformed')
    expect(codeOf(() => parseNutBundle({ metadata: meta }))).toBe('nut-bundle-malformed')
    expect(codeOf(() => parseNutBundle(null))).toBe('nut-bundle-malformed')
  })
})
