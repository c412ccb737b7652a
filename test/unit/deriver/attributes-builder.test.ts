/**
 * Payload attributes, one test per rule of PROTOCOL.md §2.9, §2.9.1, §2.9.5, §2.9.6 and the attribute rules of §10,
 * plus every fork's activation block. Expected values are rebuilt from the protocol modules (already pinned to
 * op-node/kona vectors), so these tests check the builder's choices: which txs, in which order, with which fields.
 */
import { describe, expect, it } from 'vitest'
import { fromHex, type Hex, keccak, toHex, uintToBytes } from '../../../shared/bytes.ts'
import { chainByName, devnetConfig } from '../../../shared/config/chains.ts'
import { L1_NETWORKS } from '../../../shared/config/l1-networks.ts'
import type { ForkTimes, RollupConfig, SystemConfig } from '../../../shared/config/rollup-config.ts'
import {
  type BuildAttributesInput,
  type BuildAttributesResult,
  buildAttributes,
  depositOnlyAttributes,
  SEQUENCER_FEE_VAULT,
} from '../../../shared/deriver/attributes-builder.ts'
import type { L1BlockInfo, L1Log, L2BlockRef } from '../../../shared/deriver/types.ts'
import { l1BlobBaseFee } from '../../../shared/protocol/blob-base-fee.ts'
import { depositFromLog, depositLog } from '../../../shared/protocol/deposit-log.ts'
import { decodeDepositTx, encodeDepositTx } from '../../../shared/protocol/deposit-tx.ts'
import { encodeEcotoneScalar } from '../../../shared/protocol/fee-params.ts'
import {
  decodeL1InfoCalldata,
  L1_INFO_GAS_BEDROCK,
  L1_INFO_GAS_REGOLITH,
  L1_INFO_SELECTORS,
  l1InfoDepositTx,
  l1InfoFromHeader,
} from '../../../shared/protocol/l1-info.ts'
import { l1InfoSourceHash } from '../../../shared/protocol/source-hash.ts'
import { type ConfigUpdateType, type ConfigUpdateValue, configUpdateLog } from '../../../shared/protocol/system-config.ts'
import { karstUpgradeGas, upgradeTransactions } from '../../../shared/protocol/upgrade-txs/index.ts'
import vectors from '../../fixtures/protocol/vectors.json' with { type: 'json' }
import { labelHash as hash } from '../../support/refs.ts'

const ZERO32: Hex = `0x${'00'.repeat(32)}`

/** Forks one after another, 100 s apart (50 blocks), so each has its own activation block. */
const STEPS: ForkTimes = {
  regolith: 0,
  canyon: 0,
  delta: 0,
  ecotone: 1000,
  fjord: 1100,
  granite: 1100,
  holocene: 1200,
  isthmus: 1300,
  jovian: 1400,
  karst: 1500,
}
const withForks = (forks: ForkTimes, over: Partial<RollupConfig> = {}): RollupConfig => ({ ...devnetConfig(), forks, ...over })
const stepped = withForks(STEPS)

const SC: SystemConfig = {
  batcherAddress: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
  overhead: toHex(uintToBytes(188, 32)),
  scalar: toHex(encodeEcotoneScalar({ baseFeeScalar: 2000, blobBaseFeeScalar: 900_000 })),
  gasLimit: 30_000_000n,
  eip1559Params: '0x0000000000000000',
  operatorFeeParams: ZERO32,
  minBaseFee: 0n,
  daFootprintGasScalar: 0,
}

function l1(number: number, timestamp: number): L1BlockInfo {
  return {
    hash: hash(`l1-${number}`),
    number,
    parentHash: hash(`l1-${number - 1}`),
    timestamp,
    baseFeePerGas: 7_000_000_000n,
    mixHash: hash(`mix-${number}`),
    excessBlobGas: 1_000_000n,
    parentBeaconBlockRoot: hash(`beacon-${number}`),
  }
}
const EPOCH = 10

type Options = { first?: boolean; logs?: L1Log[]; sc?: SystemConfig; batch?: Hex[]; noTxPool?: boolean }

/** Input for the block at `t`: the first of epoch 10 (parent in epoch 9) or the next one in epoch 10. */
function input(t: number, o: Options = {}): BuildAttributesInput {
  const first = o.first ?? true
  const epoch = l1(EPOCH, t - 4)
  const origin = first ? l1(EPOCH - 1, t - 16) : epoch
  const parent: L2BlockRef = {
    hash: hash(`l2-${t - 2}`),
    number: 1000,
    parentHash: hash(`l2-${t - 4}`),
    timestamp: t - 2,
    l1Origin: { hash: origin.hash, number: origin.number },
    sequenceNumber: first ? 5 : 1,
  }
  return {
    parent,
    parentSystemConfig: o.sc ?? SC,
    epoch,
    epochLogs: first ? (o.logs ?? []) : o.logs,
    timestamp: t,
    batchTransactions: o.batch ?? [],
    noTxPool: o.noTxPool,
  }
}

function ok(r: BuildAttributesResult) {
  if (r.kind !== 'attributes') throw new Error(`expected attributes, got ${r.kind}: ${r.reason} ${r.message}`)
  return r
}

function portalDeposit(config: RollupConfig, logIndex: number, gas: bigint): L1Log {
  const log = depositLog({
    from: fromHex('0x1111111111111111111111111111111111111111'),
    to: fromHex('0x2222222222222222222222222222222222222222'),
    mint: 5n,
    value: 3n,
    gas,
    data: Uint8Array.of(1, 2, 3),
    depositContract: config.depositContractAddress,
    blockHash: hash(`l1-${EPOCH}`),
    logIndex,
  })
  return { ...log, topics: [...log.topics] }
}

function update<T extends ConfigUpdateType>(config: RollupConfig, logIndex: number, type: T, value: ConfigUpdateValue[T]): L1Log {
  const log = configUpdateLog(type, value, config.l1SystemConfigAddress)
  return { ...log, topics: [...log.topics], logIndex, blockHash: hash(`l1-${EPOCH}`) }
}

const encoded = (config: RollupConfig, log: L1Log) => toHex(encodeDepositTx(depositFromLog(log, config.depositContractAddress)!))
const upgrades = (fork: Parameters<typeof upgradeTransactions>[0]) => upgradeTransactions(fork).map((u) => toHex(encodeDepositTx(u.tx)))
const l1InfoSelector = (tx: Hex) => toHex(decodeDepositTx(fromHex(tx)).data.subarray(0, 4))
const BATCH_TX: Hex = '0x02f86a0a80'

describe('buildAttributes', () => {
  it('behavior: §2.9 first block of epoch requires epoch.parentHash == parent.l1Origin.hash, else reset', () => {
    const i = input(1000)
    const r = buildAttributes(stepped, { ...i, epoch: { ...i.epoch, parentHash: hash('other') } })
    expect(r).toMatchObject({ kind: 'reset', reason: 'epoch-parent-mismatch' })
    expect(ok(buildAttributes(stepped, i)).sequenceNumber).toBe(0)
  })

  it('behavior: §2.9 first block of epoch: user deposits from the portal logs, in log order, seq 0', () => {
    const logs = [portalDeposit(stepped, 3, 100_000n), portalDeposit(stepped, 7, 200_000n)]
    const r = ok(buildAttributes(stepped, input(1300, { logs })))
    expect(r.sequenceNumber).toBe(0)
    expect(r.depositCount).toBe(2)
    expect(r.attributes.transactions.slice(1, 3)).toEqual(logs.map((l) => encoded(stepped, l)))
    expect(r.l1Origin).toEqual({ hash: hash(`l1-${EPOCH}`), number: EPOCH })
  })

  it('behavior: §2.9 first block of epoch: SystemConfig updates applied in log order, malformed ones ignored and traced', () => {
    const bad = { ...update(stepped, 4, 'gasLimit', { gasLimit: 1n }), data: '0x00' as Hex }
    const logs = [update(stepped, 1, 'gasLimit', { gasLimit: 40_000_000n }), bad, update(stepped, 9, 'gasLimit', { gasLimit: 45_000_000n })]
    const r = ok(buildAttributes(stepped, input(1300, { logs })))
    expect(r.systemConfig.gasLimit).toBe(45_000_000n)
    expect(r.attributes.gasLimit).toBe(45_000_000n)
    expect(r.configUpdates).toEqual([
      { logIndex: 1, status: 'applied', updateType: 'gasLimit' },
      expect.objectContaining({ logIndex: 4, status: 'ignored', updateType: 'gasLimit', reason: 'bad-pointer' }),
      { logIndex: 9, status: 'applied', updateType: 'gasLimit' },
    ])
  })

  it('behavior: §2.9 same epoch requires parent.l1Origin.hash == epoch.hash, else reset; seq + 1, no deposits', () => {
    const i = input(1250, { first: false, logs: [portalDeposit(stepped, 0, 100_000n)] })
    const r = ok(buildAttributes(stepped, i))
    expect(r.sequenceNumber).toBe(2)
    expect(r.depositCount).toBe(0)
    expect(r.attributes.transactions).toHaveLength(1)
    const wrong = { ...i, parent: { ...i.parent, l1Origin: { ...i.parent.l1Origin, hash: hash('fork') } } }
    expect(buildAttributes(stepped, wrong)).toMatchObject({ kind: 'reset', reason: 'epoch-hash-mismatch' })
  })

  it('behavior: §2.9 reset unless parent.timestamp + block_time >= epoch.timestamp (equality allowed)', () => {
    const i = input(1300)
    expect(buildAttributes(stepped, { ...i, epoch: { ...i.epoch, timestamp: 1300 } }).kind).toBe('attributes')
    expect(buildAttributes(stepped, { ...i, epoch: { ...i.epoch, timestamp: 1301 } })).toMatchObject({
      kind: 'reset',
      reason: 'timestamp-before-epoch',
    })
  })

  it('behavior: §2.9 transactions ordered [L1-info, user deposits, upgrade txs, batch txs]', () => {
    const logs = [portalDeposit(stepped, 0, 100_000n)]
    const r = ok(buildAttributes(stepped, input(1100, { logs, batch: [BATCH_TX] })))
    expect(r.upgradeForks).toEqual(['fjord'])
    expect(r.attributes.transactions).toEqual([
      r.attributes.transactions[0],
      encoded(stepped, logs[0]),
      ...upgrades('fjord'),
      BATCH_TX,
    ])
    expect(l1InfoSelector(r.attributes.transactions[0])).toBe(toHex(L1_INFO_SELECTORS.ecotone))
  })

  it('error: §2.9 a malformed portal deposit log is critical (deposits are never skipped)', () => {
    const log = { ...portalDeposit(stepped, 0, 1n), data: '0x00' as Hex }
    expect(buildAttributes(stepped, input(1300, { logs: [log] }))).toMatchObject({ kind: 'critical', reason: 'bad-deposit-log' })
  })

  it('error: §2.9 L1-info creation failure is critical (Ecotone scalar of unknown version)', () => {
    const sc = { ...SC, scalar: toHex(Uint8Array.of(2, ...new Uint8Array(31))) }
    expect(buildAttributes(stepped, input(1300, { sc }))).toMatchObject({ kind: 'critical', reason: 'bad-l1-info' })
  })

  it('error: inconsistent input is critical (missing epoch logs, logs of another block, wrong timestamp)', () => {
    expect(buildAttributes(stepped, { ...input(1300), epochLogs: undefined })).toMatchObject({ reason: 'missing-epoch-logs' })
    const foreign = { ...portalDeposit(stepped, 0, 1n), blockHash: hash('other') }
    expect(buildAttributes(stepped, input(1300, { logs: [foreign] }))).toMatchObject({ reason: 'epoch-logs-mismatch' })
    expect(buildAttributes(stepped, { ...input(1300), timestamp: 1301 })).toMatchObject({ reason: 'timestamp-mismatch' })
  })

  it('behavior: §2.9.1 L1-info built from the epoch header and SystemConfig, 1M gas from Regolith, 150M before', () => {
    const i = input(1300, { first: false })
    const r = ok(buildAttributes(stepped, i))
    const info = l1InfoFromHeader(stepped, i.epoch, SC, 2, 1300)
    expect(r.attributes.transactions[0]).toBe(toHex(encodeDepositTx(l1InfoDepositTx(info, true))))
    const tx = decodeDepositTx(fromHex(r.attributes.transactions[0]))
    expect(tx.gas).toBe(L1_INFO_GAS_REGOLITH)
    expect(toHex(tx.sourceHash)).toBe(toHex(l1InfoSourceHash(fromHex(i.epoch.hash), 2)))
    const bedrock = withForks({ regolith: 5000 })
    const pre = decodeDepositTx(fromHex(ok(buildAttributes(bedrock, input(1300))).attributes.transactions[0]))
    expect(pre.gas).toBe(L1_INFO_GAS_BEDROCK)
    expect(pre.isSystemTx).toBe(true)
  })

  it('behavior: §2.9.1 L1-info format by L2 timestamp; an activation block keeps the previous format', () => {
    const cases: [number, keyof typeof L1_INFO_SELECTORS][] = [
      [998, 'bedrock'],
      [1000, 'bedrock'],
      [1002, 'ecotone'],
      [1300, 'ecotone'],
      [1302, 'isthmus'],
      [1400, 'isthmus'],
      [1402, 'jovian'],
      [1500, 'jovian'],
    ]
    for (const [t, format] of cases) {
      expect([t, l1InfoSelector(ok(buildAttributes(stepped, input(t))).attributes.transactions[0])]).toEqual([
        t,
        toHex(L1_INFO_SELECTORS[format]),
      ])
    }
  })

  it('behavior: §2.9.6 prevRandao = epoch mixHash, feeRecipient = SequencerFeeVault, gasLimit = SystemConfig gasLimit', () => {
    const i = input(1300)
    const a = ok(buildAttributes(stepped, i)).attributes
    expect(a.timestamp).toBe(1300)
    expect(a.prevRandao).toBe(i.epoch.mixHash)
    expect(a.suggestedFeeRecipient).toBe(SEQUENCER_FEE_VAULT)
    expect(a.gasLimit).toBe(SC.gasLimit)
  })

  it('behavior: §2.9.6 withdrawals [] from Canyon, absent before', () => {
    const canyonLater = withForks({ regolith: 0, canyon: 1000 })
    expect('withdrawals' in ok(buildAttributes(canyonLater, input(998))).attributes).toBe(false)
    expect(ok(buildAttributes(canyonLater, input(1000))).attributes.withdrawals).toEqual([])
  })

  it("behavior: §2.9.6 parentBeaconBlockRoot from Ecotone: the epoch's, or 32 zero bytes", () => {
    expect('parentBeaconBlockRoot' in ok(buildAttributes(stepped, input(998))).attributes).toBe(false)
    const i = input(1000)
    expect(ok(buildAttributes(stepped, i)).attributes.parentBeaconBlockRoot).toBe(i.epoch.parentBeaconBlockRoot)
    const noRoot = { ...i, epoch: { ...i.epoch, parentBeaconBlockRoot: undefined } }
    expect(ok(buildAttributes(stepped, noRoot)).attributes.parentBeaconBlockRoot).toBe(ZERO32)
  })

  it('behavior: §2.9.6 eip1559Params from Holocene = SystemConfig value, also on the activation block (op-node, §9 item 13)', () => {
    expect('eip1559Params' in ok(buildAttributes(stepped, input(1198))).attributes).toBe(false)
    expect(ok(buildAttributes(stepped, input(1200))).attributes.eip1559Params).toBe('0x0000000000000000')
    // A type-4 update in the activation block's own epoch reaches it (kona would send zero here).
    const logs = [update(stepped, 0, 'eip1559Params', { denominator: 300, elasticity: 4 })]
    expect(ok(buildAttributes(stepped, input(1200, { logs }))).attributes.eip1559Params).toBe('0x0000012c00000004')
    const sc = { ...SC, eip1559Params: '0x000000FA00000006' as Hex }
    expect(ok(buildAttributes(stepped, input(1250, { sc }))).attributes.eip1559Params).toBe('0x000000fa00000006')
  })

  it('behavior: §2.9.6 minBaseFee from Jovian (activation block included), updated by ConfigUpdate type 6', () => {
    const sc = { ...SC, minBaseFee: 1_000n }
    expect('minBaseFee' in ok(buildAttributes(stepped, input(1398, { sc }))).attributes).toBe(false)
    expect(ok(buildAttributes(stepped, input(1400, { sc }))).attributes.minBaseFee).toBe(1_000n)
    const logs = [update(stepped, 2, 'minBaseFee', { minBaseFee: 25_000n })]
    expect(ok(buildAttributes(stepped, input(1450, { sc, logs }))).attributes.minBaseFee).toBe(25_000n)
  })

  it('behavior: §2.9.6 noTxPool true for derived blocks; the sequencer may clear it except on upgrade activation blocks', () => {
    expect(ok(buildAttributes(stepped, input(1250))).attributes.noTxPool).toBe(true)
    expect(ok(buildAttributes(stepped, input(1250, { noTxPool: false }))).attributes.noTxPool).toBe(false)
    for (const t of [1000, 1100, 1300, 1400, 1500]) {
      expect(ok(buildAttributes(stepped, input(t, { noTxPool: false }))).attributes.noTxPool).toBe(true)
    }
    // Holocene and Granite have no upgrade transactions.
    expect(ok(buildAttributes(stepped, input(1200, { noTxPool: false }))).attributes.noTxPool).toBe(false)
  })

  it('behavior: §2.9.5 Ecotone activation block: Bedrock L1-info, then deposits, then the 6 Ecotone txs', () => {
    const logs = [portalDeposit(stepped, 0, 100_000n)]
    const txs = ok(buildAttributes(stepped, input(1000, { logs, batch: [BATCH_TX] }))).attributes.transactions
    expect(l1InfoSelector(txs[0])).toBe(toHex(L1_INFO_SELECTORS.bedrock))
    expect(txs.slice(1)).toEqual([encoded(stepped, logs[0]), ...upgrades('ecotone'), BATCH_TX])
    expect(upgrades('ecotone')).toHaveLength(6)
    expect(ok(buildAttributes(stepped, input(1002))).upgradeForks).toEqual([])
  })

  it('behavior: §2.9.5 Fjord activation block: Ecotone L1-info and the 3 Fjord txs', () => {
    const r = ok(buildAttributes(stepped, input(1100)))
    expect(l1InfoSelector(r.attributes.transactions[0])).toBe(toHex(L1_INFO_SELECTORS.ecotone))
    expect(r.attributes.transactions.slice(1)).toEqual(upgrades('fjord'))
    expect(upgrades('fjord')).toHaveLength(3)
  })

  it('behavior: §2.9.5 Isthmus activation block: Ecotone L1-info and the 8 Isthmus txs', () => {
    const r = ok(buildAttributes(stepped, input(1300)))
    expect(l1InfoSelector(r.attributes.transactions[0])).toBe(toHex(L1_INFO_SELECTORS.ecotone))
    expect(r.attributes.transactions.slice(1)).toEqual(upgrades('isthmus'))
    expect(upgrades('isthmus')).toHaveLength(8)
  })

  it('behavior: §2.9.5 Jovian activation block: Isthmus L1-info and the 5 Jovian txs (op-node intents)', () => {
    const r = ok(buildAttributes(stepped, input(1400)))
    expect(l1InfoSelector(r.attributes.transactions[0])).toBe(toHex(L1_INFO_SELECTORS.isthmus))
    expect(r.attributes.transactions.slice(1)).toEqual(upgrades('jovian'))
    expect(upgradeTransactions('jovian')[0].intent).toBe('Jovian: L1 Block Deployment')
    expect(r.attributes.gasLimit).toBe(SC.gasLimit)
  })

  it('behavior: §10 Karst activation block: Jovian L1-info, 31 NUTs after deposits, gas limit + 55,370,657', () => {
    const logs = [portalDeposit(stepped, 0, 100_000n)]
    const r = ok(buildAttributes(stepped, input(1500, { logs })))
    const txs = r.attributes.transactions
    expect(l1InfoSelector(txs[0])).toBe(toHex(L1_INFO_SELECTORS.jovian))
    expect(txs.slice(1)).toEqual([encoded(stepped, logs[0]), ...upgrades('karst')])
    expect(upgrades('karst')).toHaveLength(31)
    expect(karstUpgradeGas).toBe(55_370_657n)
    expect(r.attributes.gasLimit).toBe(SC.gasLimit + 55_370_657n)
    expect(r.systemConfig.gasLimit).toBe(SC.gasLimit)
    expect(ok(buildAttributes(stepped, input(1502))).attributes.gasLimit).toBe(SC.gasLimit)
  })

  it('behavior: §10 a setGasLimit in the Karst activation epoch is the base of the raised limit', () => {
    const logs = [update(stepped, 0, 'gasLimit', { gasLimit: 50_000_000n })]
    expect(ok(buildAttributes(stepped, input(1500, { logs }))).attributes.gasLimit).toBe(50_000_000n + karstUpgradeGas)
  })

  it('behavior: §2.9.5/§10 several forks in one block (devnet-like): Ecotone, Fjord, Isthmus, Jovian, then Karst NUTs', () => {
    const all = withForks({ regolith: 0, canyon: 0, delta: 0, ecotone: 20, fjord: 20, granite: 20, holocene: 20, isthmus: 20, jovian: 20, karst: 20 })
    const logs = [portalDeposit(all, 1, 100_000n)]
    const r = ok(buildAttributes(all, input(20, { logs, noTxPool: false })))
    expect(r.upgradeForks).toEqual(['ecotone', 'fjord', 'isthmus', 'jovian', 'karst'])
    const txs = r.attributes.transactions
    // Every format switch waits one block after its fork: the common activation block is still Bedrock.
    expect(l1InfoSelector(txs[0])).toBe(toHex(L1_INFO_SELECTORS.bedrock))
    expect(txs.slice(1)).toEqual([
      encoded(all, logs[0]),
      ...upgrades('ecotone'),
      ...upgrades('fjord'),
      ...upgrades('isthmus'),
      ...upgrades('jovian'),
      ...upgrades('karst'),
    ])
    expect(txs).toHaveLength(1 + 1 + 6 + 3 + 8 + 5 + 31)
    expect(r.attributes).toMatchObject({ noTxPool: true, gasLimit: SC.gasLimit + karstUpgradeGas, eip1559Params: SC.eip1559Params, minBaseFee: 0n, withdrawals: [] })
    const next = ok(buildAttributes(all, input(22)))
    expect(l1InfoSelector(next.attributes.transactions[0])).toBe(toHex(L1_INFO_SELECTORS.jovian))
    expect(next.upgradeForks).toEqual([])
  })

  it('behavior: §2.9 deposits and config updates in one L1 block: updates apply to this block (batcher, gas limit)', () => {
    const batcher: Hex = '0x9999999999999999999999999999999999999999'
    const logs = [
      portalDeposit(stepped, 0, 100_000n),
      update(stepped, 1, 'batcher', { batcherAddress: batcher }),
      portalDeposit(stepped, 2, 50_000n),
      update(stepped, 3, 'gasLimit', { gasLimit: 60_000_000n }),
    ]
    const r = ok(buildAttributes(stepped, input(1450, { logs })))
    expect(r.depositCount).toBe(2)
    expect(r.systemConfig.batcherAddress).toBe(batcher)
    expect(r.attributes.gasLimit).toBe(60_000_000n)
    const info = decodeL1InfoCalldata(decodeDepositTx(fromHex(r.attributes.transactions[0])).data)
    expect(toHex(info.batcherAddress)).toBe(batcher)
    expect(r.attributes.transactions.slice(1)).toEqual([encoded(stepped, logs[0]), encoded(stepped, logs[2])])
  })

  it('default: reth OP Mainnet block 118024092 L1-info tx byte-identical when built through buildAttributes', () => {
    const v = vectors.find((x) => x.kind === 'l1_info_deposit_tx_decode+tx_hash')!
    const raw = (v.input as { raw_tx: Hex }).raw_tx
    const op = chainByName('op-mainnet')!
    const info = decodeL1InfoCalldata(decodeDepositTx(fromHex(raw)).data, 'ecotone')
    // The vector's note gives another timestamp; the block's own is genesis time + 2 s per block.
    const t = op.genesis.l2Time + (118_024_092 - op.genesis.l2.number) * op.blockTime
    // Smallest excessBlobGas giving the recorded blob base fee (the fee is non-decreasing in it).
    const fee = (x: bigint) => l1BlobBaseFee({ l1: L1_NETWORKS[1], l1Time: info.timestamp, excessBlobGas: x })
    let [lo, hi] = [0n, 1n << 28n] // e^(2^28 / 3338477) is far above any real fee
    while (lo < hi) {
      const mid = (lo + hi) / 2n
      if (fee(mid) >= info.blobBaseFee) hi = mid
      else lo = mid + 1n
    }
    expect(fee(lo)).toBe(info.blobBaseFee)
    const epoch: L1BlockInfo = {
      hash: toHex(info.blockHash),
      number: info.number,
      parentHash: hash('parent'),
      timestamp: info.timestamp,
      baseFeePerGas: info.baseFee,
      mixHash: hash('mix'),
      excessBlobGas: lo,
    }
    const sc: SystemConfig = {
      ...op.genesis.systemConfig,
      batcherAddress: toHex(info.batcherAddress),
      scalar: toHex(encodeEcotoneScalar({ baseFeeScalar: info.baseFeeScalar, blobBaseFeeScalar: info.blobBaseFeeScalar })),
    }
    expect(info.sequenceNumber).toBe(0)
    const parent: L2BlockRef = {
      hash: hash('l2 parent'),
      number: 118_024_091,
      parentHash: hash('l2 grandparent'),
      timestamp: t - 2,
      l1Origin: { hash: epoch.parentHash, number: info.number - 1 },
      sequenceNumber: 7,
    }
    const r = ok(buildAttributes(op, { parent, parentSystemConfig: sc, epoch, epochLogs: [], timestamp: t, batchTransactions: [] }))
    expect(r.attributes.transactions).toEqual([raw])
    expect(toHex(keccak(fromHex(r.attributes.transactions[0])))).toBe((v.expected as { tx_hash: string }).tx_hash)
  })
})

describe('depositOnlyAttributes', () => {
  it('behavior: §2.10 Holocene replacement keeps only 0x7E txs, in order, everything else identical', () => {
    const logs = [portalDeposit(stepped, 0, 100_000n)]
    const a = ok(buildAttributes(stepped, input(1250, { logs, batch: [BATCH_TX, '0x01f8', '0x7ef8'] }))).attributes
    const d = depositOnlyAttributes(a)
    expect(d.transactions).toEqual([...a.transactions.slice(0, 2), '0x7ef8'])
    expect({ ...d, transactions: [] }).toEqual({ ...a, transactions: [] })
    expect(a.transactions).toHaveLength(5)
  })
})
