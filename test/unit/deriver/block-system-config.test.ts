/**
 * L2 block → SystemConfig (PROTOCOL.md §2.11.3, §2.12, §10): op-node `PayloadToSystemConfig` reconstruction, and the
 * property that the config computed from our attributes equals the one read back from the block the engine builds
 * (extraData as op-geth's miner writes it).
 */
import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, type Hex, toHex, uintToBytes } from '../../../shared/bytes.ts'
import { devnetConfig } from '../../../shared/config/chains.ts'
import { isActive } from '../../../shared/config/forks.ts'
import type { ForkTimes, RollupConfig, SystemConfig } from '../../../shared/config/rollup-config.ts'
import { type BuildAttributesInput, buildAttributes } from '../../../shared/deriver/attributes-builder.ts'
import {
  type L2BlockFields,
  systemConfigAfterBlock,
  systemConfigFromL2Block,
} from '../../../shared/deriver/block-system-config.ts'
import type { L1BlockInfo, L1Log, L2BlockRef, PayloadAttributes } from '../../../shared/deriver/types.ts'
import { DecodeError } from '../../../shared/errors.ts'
import { encodeDepositTx } from '../../../shared/protocol/deposit-tx.ts'
import { encodeEcotoneScalar, encodeOperatorFeeParams } from '../../../shared/protocol/fee-params.ts'
import { l1InfoDepositTx, l1InfoFromHeader } from '../../../shared/protocol/l1-info.ts'
import { configUpdateLog } from '../../../shared/protocol/system-config.ts'
import { karstUpgradeGas } from '../../../shared/protocol/upgrade-txs/index.ts'
import { prng, randomBytes } from '../../support/random.ts'
import { labelHash as hash } from '../../support/refs.ts'

const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]

const ZERO32: Hex = `0x${'00'.repeat(32)}`

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
const ALL_AT_20: ForkTimes = { regolith: 0, canyon: 0, delta: 0, ecotone: 20, fjord: 20, granite: 20, holocene: 20, isthmus: 20, jovian: 20, karst: 20 }
const withForks = (forks: ForkTimes, over: Partial<RollupConfig> = {}): RollupConfig => ({
  ...devnetConfig({ l1: { hash: hash('l1 genesis'), number: 0 }, l2: { hash: hash('l2 genesis'), number: 0 }, l2Time: 0 }),
  forks,
  ...over,
})
const stepped = withForks(STEPS)

const SC: SystemConfig = {
  batcherAddress: '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc',
  overhead: ZERO32,
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
    baseFeePerGas: 7n,
    mixHash: hash(`mix-${number}`),
    excessBlobGas: 0n,
  }
}

/** Header extraData as op-geth's miner writes it (`prepareWork`): zero params → chain's Canyon denominator/elasticity. */
function engineExtraData(config: RollupConfig, a: PayloadAttributes): Uint8Array {
  if (!isActive(config, 'holocene', a.timestamp)) return new Uint8Array()
  const p = fromHex(a.eip1559Params!)
  let params = p
  if (p.subarray(0, 4).every((b) => b === 0)) {
    const op = config.chainOpConfig
    params = concatBytes(uintToBytes(op.eip1559DenominatorCanyon, 4), uintToBytes(op.eip1559Elasticity, 4))
  }
  if (!isActive(config, 'jovian', a.timestamp)) return concatBytes(Uint8Array.of(0), params)
  return concatBytes(Uint8Array.of(1), params, uintToBytes(a.minBaseFee!, 8))
}

/** The block the engine builds from `a` on top of `parent`. */
function engineBlock(config: RollupConfig, a: PayloadAttributes, parent: L2BlockRef): L2BlockFields {
  return {
    number: parent.number + 1,
    hash: hash(`block-${a.timestamp}`),
    parentHash: parent.hash,
    timestamp: a.timestamp,
    gasLimit: a.gasLimit,
    extraData: toHex(engineExtraData(config, a)),
    transactions: a.transactions,
  }
}

function ok<T>(r: T | DecodeError): T {
  if (r instanceof DecodeError) throw r
  return r
}
const codeOf = (r: unknown) => (r instanceof DecodeError ? r.code : undefined)

/** L1-info tx for a block at `t` in epoch 10 with `sc`. */
const l1InfoTx = (config: RollupConfig, t: number, sc: SystemConfig, seq = 0) =>
  toHex(encodeDepositTx(l1InfoDepositTx(l1InfoFromHeader(config, l1(10, t - 4), sc, seq, t), true)))

function block(config: RollupConfig, t: number, over: Partial<L2BlockFields> = {}, sc: SystemConfig = SC): L2BlockFields {
  return { number: 50, hash: hash('b'), parentHash: hash('p'), timestamp: t, gasLimit: 30_000_000n, extraData: '0x', transactions: [l1InfoTx(config, t, sc, 3)], ...over }
}

describe('systemConfigFromL2Block', () => {
  it('behavior: §2.11.3 genesis block: genesis SystemConfig and origin, and it must carry the genesis hash', () => {
    const g = { number: 0, hash: stepped.genesis.l2.hash, parentHash: ZERO32, timestamp: 0, gasLimit: 1n, extraData: '0x' as Hex, transactions: [] }
    const r = ok(systemConfigFromL2Block(stepped, g))
    expect(r.systemConfig).toEqual(stepped.genesis.systemConfig)
    expect(r.ref).toEqual({ hash: g.hash, number: 0, parentHash: ZERO32, timestamp: 0, l1Origin: stepped.genesis.l1, sequenceNumber: 0 })
    expect(codeOf(systemConfigFromL2Block(stepped, { ...g, hash: hash('x') }))).toBe('genesis-hash-mismatch')
  })

  it('behavior: §2.11.3 tx 0 must be an L1-info deposit of the format of the block timestamp', () => {
    expect(codeOf(systemConfigFromL2Block(stepped, block(stepped, 1250, { transactions: [] })))).toBe('missing-l1-info-tx')
    expect(codeOf(systemConfigFromL2Block(stepped, block(stepped, 1250, { transactions: ['0x02c0'] })))).toBe('deposit-tx-wrong-type')
    // An Ecotone-format L1-info in a block whose timestamp wants Isthmus format.
    const wrong = block(stepped, 1302, { transactions: [l1InfoTx(stepped, 1300, SC)], extraData: toHex(concatBytes(Uint8Array.of(0), new Uint8Array(8))) })
    expect(codeOf(systemConfigFromL2Block(stepped, wrong))).toBe('l1-info-unexpected-format')
    expect(codeOf(systemConfigFromL2Block(stepped, block(stepped, 1250, { transactions: ['0x7g'] })))).toBe('malformed-hex')
  })

  it('behavior: §2.11.3 ref: L1 origin and sequence number from the L1-info tx', () => {
    const r = ok(systemConfigFromL2Block(stepped, block(stepped, 1150)))
    expect(r.ref).toEqual({ hash: hash('b'), number: 50, parentHash: hash('p'), timestamp: 1150, l1Origin: { hash: hash('l1-10'), number: 10 }, sequenceNumber: 3 })
  })

  it('behavior: §2.11.3 Bedrock-format blocks keep overhead and scalar words; Ecotone re-encodes the scalar as version 1', () => {
    const v0 = { ...SC, overhead: toHex(uintToBytes(188, 32)), scalar: toHex(uintToBytes(684_000, 32)) }
    // Pre-Ecotone and the Ecotone activation block (Bedrock format): words as they are.
    for (const t of [998, 1000]) {
      const sc = ok(systemConfigFromL2Block(stepped, block(stepped, t, {}, v0))).systemConfig
      expect([sc.overhead, sc.scalar]).toEqual([v0.overhead, v0.scalar])
    }
    const after = ok(systemConfigFromL2Block(stepped, block(stepped, 1002, {}, v0))).systemConfig
    expect(after.overhead).toBe(ZERO32)
    expect(after.scalar).toBe(toHex(encodeEcotoneScalar({ baseFeeScalar: 684_000, blobBaseFeeScalar: 0 })))
    // A v0 scalar with dirty padding travels as baseFeeScalar 0xFFFFFFFF.
    const dirty = { ...SC, scalar: toHex(concatBytes(Uint8Array.of(0, 1), new Uint8Array(26), uintToBytes(5, 4))) }
    const back = ok(systemConfigFromL2Block(stepped, block(stepped, 1002, {}, dirty))).systemConfig
    expect(back.scalar).toBe(toHex(encodeEcotoneScalar({ baseFeeScalar: 0xffff_ffff, blobBaseFeeScalar: 0 })))
  })

  it('behavior: §2.12 extraData: empty before Holocene, 9-byte v0 in Holocene, 17-byte v1 from Jovian', () => {
    const holo = toHex(concatBytes(Uint8Array.of(0), uintToBytes(250, 4), uintToBytes(6, 4)))
    const jov = toHex(concatBytes(Uint8Array.of(1), uintToBytes(250, 4), uintToBytes(6, 4), uintToBytes(1234, 8)))
    expect(ok(systemConfigFromL2Block(stepped, block(stepped, 1150))).systemConfig.eip1559Params).toBe('0x0000000000000000')
    expect(codeOf(systemConfigFromL2Block(stepped, block(stepped, 1150, { extraData: '0x00' })))).toBe('bad-extra-data')
    const h = ok(systemConfigFromL2Block(stepped, block(stepped, 1250, { extraData: holo }))).systemConfig
    expect([h.eip1559Params, h.minBaseFee]).toEqual(['0x000000fa00000006', 0n])
    expect(codeOf(systemConfigFromL2Block(stepped, block(stepped, 1250, { extraData: jov })))).toBe('bad-extra-data')
    const j = ok(systemConfigFromL2Block(stepped, block(stepped, 1450, { extraData: jov }))).systemConfig
    expect([j.eip1559Params, j.minBaseFee]).toEqual(['0x000000fa00000006', 1234n])
    expect(codeOf(systemConfigFromL2Block(stepped, block(stepped, 1450, { extraData: holo })))).toBe('bad-extra-data')
    const zeroDenominator = toHex(concatBytes(Uint8Array.of(0), uintToBytes(0, 4), uintToBytes(6, 4)))
    expect(codeOf(systemConfigFromL2Block(stepped, block(stepped, 1250, { extraData: zeroDenominator })))).toBe('bad-extra-data')
  })

  it('behavior: §2.11.3 operator fee from Isthmus L1-info (zero on the Ecotone-format activation block); DA footprint from Jovian format', () => {
    const sc = { ...SC, operatorFeeParams: toHex(encodeOperatorFeeParams({ operatorFeeScalar: 7, operatorFeeConstant: 9n })), daFootprintGasScalar: 0 }
    const holo = toHex(new Uint8Array(9))
    const jov = toHex(concatBytes(Uint8Array.of(1), new Uint8Array(16)))
    expect(ok(systemConfigFromL2Block(stepped, block(stepped, 1300, { extraData: holo }, sc))).systemConfig.operatorFeeParams).toBe(ZERO32)
    expect(ok(systemConfigFromL2Block(stepped, block(stepped, 1302, { extraData: holo }, sc))).systemConfig.operatorFeeParams).toBe(sc.operatorFeeParams)
    expect(ok(systemConfigFromL2Block(stepped, block(stepped, 1400, { extraData: jov }, sc))).systemConfig.daFootprintGasScalar).toBe(0)
    // op-node writes the default 400 into the L1-info tx, so it is what comes back.
    expect(ok(systemConfigFromL2Block(stepped, block(stepped, 1402, { extraData: jov }, sc))).systemConfig.daFootprintGasScalar).toBe(400)
  })

  it('behavior: §10 reconstructing the Karst activation block strips the upgrade gas unless keep_karst_upgrade_gas', () => {
    const jov = toHex(concatBytes(Uint8Array.of(1), new Uint8Array(16)))
    const raised = 30_000_000n + karstUpgradeGas
    const at = block(stepped, 1500, { extraData: jov, gasLimit: raised })
    expect(ok(systemConfigFromL2Block(stepped, at)).systemConfig.gasLimit).toBe(30_000_000n)
    const keep = { ...stepped, keepKarstUpgradeGas: true }
    expect(ok(systemConfigFromL2Block(keep, at)).systemConfig.gasLimit).toBe(raised)
    // Only the activation block is stripped.
    expect(ok(systemConfigFromL2Block(stepped, { ...at, timestamp: 1502, transactions: [l1InfoTx(stepped, 1502, SC)] })).systemConfig.gasLimit).toBe(raised)
    expect(codeOf(systemConfigFromL2Block(stepped, { ...at, gasLimit: karstUpgradeGas - 1n }))).toBe('karst-gas-underflow')
  })
})

function parentAt(t: number, origin: L1BlockInfo, seq: number): L2BlockRef {
  return { hash: hash(`l2-${t}`), number: 1000 + t, parentHash: hash(`l2-${t - 2}`), timestamp: t, l1Origin: { hash: origin.hash, number: origin.number }, sequenceNumber: seq }
}

function gasLimitLog(config: RollupConfig, gasLimit: bigint, blockHash: Hex): L1Log {
  const log = configUpdateLog('gasLimit', { gasLimit }, config.l1SystemConfigAddress)
  return { ...log, topics: [...log.topics], logIndex: 0, blockHash }
}

function firstOfEpoch(t: number, sc: SystemConfig, logs: L1Log[] = []): BuildAttributesInput {
  return { parent: parentAt(t - 2, l1(9, t - 16), 4), parentSystemConfig: sc, epoch: l1(10, t - 4), epochLogs: logs, timestamp: t, batchTransactions: [] }
}

describe('systemConfigAfterBlock', () => {
  it('behavior: §2.12 zero eip1559Params come back as the chain Canyon denominator and elasticity (op-geth miner)', () => {
    const r = buildAttributes(stepped, firstOfEpoch(1200, SC))
    if (r.kind !== 'attributes') throw new Error(r.kind)
    expect(r.attributes.eip1559Params).toBe('0x0000000000000000')
    const after = ok(systemConfigAfterBlock(stepped, r.attributes, r.systemConfig))
    expect(after.eip1559Params).toBe('0x000000fa00000006')
    const next = buildAttributes(stepped, { ...firstOfEpoch(1202, after), epochLogs: undefined, parent: parentAt(1200, l1(10, 1196), 0), epoch: l1(10, 1198) })
    expect(next).toMatchObject({ kind: 'attributes', attributes: { eip1559Params: '0x000000fa00000006' } })
  })

  it('property: systemConfigAfterBlock(attributes) equals systemConfigFromL2Block(the block the engine builds)', () => {
    const rand = prng(7)
    const configs = [
      stepped,
      withForks(STEPS, { keepKarstUpgradeGas: true }),
      withForks(ALL_AT_20),
      withForks({ regolith: 0, canyon: 100, ecotone: 100, holocene: 100, isthmus: 102, jovian: 104, karst: 106 }),
    ]
    const times = [18, 20, 22, 98, 100, 102, 104, 106, 108, 998, 1000, 1002, 1100, 1102, 1200, 1202, 1300, 1302, 1400, 1402, 1500, 1502, 1600]
    const scalars = () =>
      pick(rand, [
        () => toHex(encodeEcotoneScalar({ baseFeeScalar: Math.floor(rand() * 2 ** 32), blobBaseFeeScalar: Math.floor(rand() * 2 ** 32) })),
        () => toHex(concatBytes(new Uint8Array(28), randomBytes(rand, 4))),
        () => toHex(concatBytes(Uint8Array.of(0), randomBytes(rand, 31))),
      ])()
    let checked = 0
    for (let i = 0; i < 400; i++) {
      const config = pick(rand, configs)
      const t = pick(rand, times)
      const sc: SystemConfig = {
        batcherAddress: toHex(randomBytes(rand, 20)).toUpperCase().replace('0X', '0x') as Hex,
        overhead: toHex(randomBytes(rand, 32)),
        scalar: scalars(),
        gasLimit: BigInt(Math.floor(rand() * 2 ** 40)),
        eip1559Params: pick(rand, ['0x0000000000000000', toHex(concatBytes(uintToBytes(1 + Math.floor(rand() * 1000), 4), randomBytes(rand, 4)))]) as Hex,
        operatorFeeParams: toHex(randomBytes(rand, 32)),
        minBaseFee: BigInt(Math.floor(rand() * 2 ** 50)),
        daFootprintGasScalar: pick(rand, [0, Math.floor(rand() * 65536)]),
      }
      const logs = rand() < 0.3 ? [gasLimitLog(config, 12_345_678n, hash('l1-10'))] : []
      const built = buildAttributes(config, firstOfEpoch(t, sc, logs))
      if (built.kind !== 'attributes') continue // only invalid Ecotone scalars in Ecotone-format blocks
      const parent = parentAt(t - 2, l1(9, t - 16), 4)
      const fromBlock = ok(systemConfigFromL2Block(config, engineBlock(config, built.attributes, parent)))
      expect([config.name, t, fromBlock.systemConfig]).toEqual([config.name, t, ok(systemConfigAfterBlock(config, built.attributes, built.systemConfig))])
      expect(fromBlock.ref.l1Origin).toEqual(built.l1Origin)
      expect(fromBlock.ref.sequenceNumber).toBe(0)
      checked++
    }
    expect(checked).toBeGreaterThan(300)
  })

  describe('§10 Karst: the block after the activation block', () => {
    const raised = SC.gasLimit + karstUpgradeGas
    function afterActivation(config: RollupConfig, nextLogs?: L1Log[]) {
      const act = buildAttributes(config, firstOfEpoch(1500, SC))
      if (act.kind !== 'attributes') throw new Error(act.kind)
      expect(act.attributes.gasLimit).toBe(raised)
      const parentConfig = ok(systemConfigAfterBlock(config, act.attributes, act.systemConfig))
      const fromBlock = ok(systemConfigFromL2Block(config, engineBlock(config, act.attributes, parentAt(1498, l1(9, 1484), 4))))
      expect(fromBlock.systemConfig).toEqual(parentConfig)
      const parent = parentAt(1500, l1(10, 1496), 0)
      const epoch = nextLogs ? { ...l1(11, 1500), parentHash: hash('l1-10') } : l1(10, 1496)
      const logs = nextLogs?.map((l) => ({ ...l, blockHash: epoch.hash }))
      const next = buildAttributes(config, { parent, parentSystemConfig: parentConfig, epoch, epochLogs: logs, timestamp: 1502, batchTransactions: [] })
      if (next.kind !== 'attributes') throw new Error(`${next.kind} ${next.message}`)
      return next.attributes.gasLimit
    }
    const setGasLimit = (config: RollupConfig) => [gasLimitLog(config, 40_000_000n, ZERO32)]

    it('behavior: §10 keep_karst_upgrade_gas false: the limit goes back to base', () => {
      expect(afterActivation(stepped)).toBe(SC.gasLimit)
    })

    it('behavior: §10 keep_karst_upgrade_gas true: the limit stays raised', () => {
      expect(afterActivation({ ...stepped, keepKarstUpgradeGas: true })).toBe(raised)
    })

    it("behavior: §10 a setGasLimit in the next epoch's L1 block wins either way (strip runs before the updates)", () => {
      expect(afterActivation(stepped, setGasLimit(stepped))).toBe(40_000_000n)
      const keep = { ...stepped, keepKarstUpgradeGas: true }
      expect(afterActivation(keep, setGasLimit(keep))).toBe(40_000_000n)
    })
  })
})
