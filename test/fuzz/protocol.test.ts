/**
 * Fuzzing of the L1 log and calldata decoders (issue #8): deposit logs, SystemConfig `ConfigUpdate` logs (documented
 * to never throw on log contents) and L1-info calldata, seeded from real or spec-built vectors.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromHex, type Hex, toHex, word } from '../../shared/bytes.ts'
import type { L1InfoFormat } from '../../shared/config/forks.ts'
import type { SystemConfig } from '../../shared/config/rollup-config.ts'
import { type DepositLog, depositFromLog, depositLog } from '../../shared/protocol/deposit-log.ts'
import { decodeL1InfoCalldata } from '../../shared/protocol/l1-info-calldata.ts'
import { applyConfigUpdateLog, CONFIG_UPDATE_TYPES, type ConfigUpdateLog, configUpdateLog } from '../../shared/protocol/system-config.ts'
import { assertClean, fuzz, mutatedBytes, printReportsAfterAll } from './harness.ts'

const PORTAL: Hex = '0xbEb5Fc579115071764c7423A4f12eDde41f106Ed'
const SYSTEM_CONFIG: Hex = '0x229047fed2591dbec1eF1118d64F7aF3dB9EB290'
const L1_INFO: string[] = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'l1-info-calldata.json'), 'utf8'))

printReportsAfterAll()

/** `null` most of the time, a value from `arb` one time in `n`. */
function rarely<T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb })
}

/** Log topics and data mutated as bytes, sometimes with a topic added or removed, sometimes with malformed hex. */
function mutatedLog<L extends { topics: readonly Hex[]; data: Hex }>(seeds: readonly L[]): fc.Arbitrary<L> {
  return fc
    .record({
      seed: fc.constantFrom(...seeds),
      topic: fc.nat({ max: 4 }),
      topicBytes: rarely(mutatedBytes(seeds.flatMap((s) => s.topics.map((t) => fromHex(t))), 40), 4),
      topicCount: rarely(fc.nat({ max: 6 }), 8),
      data: mutatedBytes(seeds.map((s) => fromHex(s.data))),
      badHex: rarely(fc.constantFrom('0x', '0x0', 'zz', '0xgg', ''), 20),
    })
    .map(({ seed, topic, topicBytes, topicCount, data, badHex }) => {
      let topics = [...seed.topics]
      if (topicBytes !== null && topic < topics.length) topics[topic] = toHex(topicBytes)
      if (topicCount !== null) topics = Array.from({ length: topicCount }, (_, i) => topics[i] ?? toHex(word(i)))
      return { ...seed, topics, data: (badHex ?? toHex(data)) as Hex }
    })
}

describe('fuzz: L1 logs and calldata', () => {
  it('depositFromLog: TransactionDeposited logs', async () => {
    const base = { depositContract: PORTAL, blockHash: toHex(word(7)), logIndex: 3, mint: 1n, value: 2n, gas: 100_000n }
    const seeds: DepositLog[] = [
      depositLog({ ...base, from: new Uint8Array(20).fill(0xaa), to: new Uint8Array(20).fill(0xbb), data: new Uint8Array(0) }),
      depositLog({ ...base, from: new Uint8Array(20).fill(0xaa), to: null, data: new Uint8Array(100).fill(0x60) }),
    ]
    const report = await fuzz({
      name: 'deposit-log.depositFromLog',
      input: mutatedLog(seeds),
      run: (log) => (depositFromLog(log, PORTAL) === undefined ? 'not-a-deposit' : 'accepted'),
    })
    assertClean(report)
  })

  it('applyConfigUpdateLog: ConfigUpdate logs never throw', async () => {
    const sc: SystemConfig = {
      batcherAddress: `0x${'ba'.repeat(20)}`,
      overhead: toHex(word(188)),
      scalar: toHex(word(684_000)),
      gasLimit: 30_000_000n,
      eip1559Params: '0x0000000000000000',
      operatorFeeParams: toHex(word(0)),
      minBaseFee: 0n,
      daFootprintGasScalar: 0,
    }
    const seeds: ConfigUpdateLog[] = [
      configUpdateLog('batcher', { batcherAddress: `0x${'cd'.repeat(20)}` }, SYSTEM_CONFIG),
      configUpdateLog('feeScalars', { overhead: toHex(word(0)), scalar: toHex(word(1n << 248n)) }, SYSTEM_CONFIG),
      configUpdateLog('gasLimit', { gasLimit: 60_000_000n }, SYSTEM_CONFIG),
      configUpdateLog('eip1559Params', { denominator: 250, elasticity: 6 }, SYSTEM_CONFIG),
      configUpdateLog('operatorFeeParams', { operatorFeeScalar: 7, operatorFeeConstant: 9n }, SYSTEM_CONFIG),
      configUpdateLog('minBaseFee', { minBaseFee: 1_000n }, SYSTEM_CONFIG),
      configUpdateLog('daFootprintGasScalar', { daFootprintGasScalar: 400 }, SYSTEM_CONFIG),
    ]
    expect(seeds.length).toBeLessThanOrEqual(CONFIG_UPDATE_TYPES.length)
    const report = await fuzz({
      name: 'system-config.applyConfigUpdateLog',
      input: fc.tuple(mutatedLog(seeds), fc.constantFrom(0, 1_000, 2_000_000_000)),
      run: ([log, l1Time]) => {
        const r = applyConfigUpdateLog(sc, log, { l1Time, config: { forks: { ecotone: 1_000 } } })
        return r.status === 'applied' ? `applied:${r.updateType}` : `ignored:${r.reason}`
      },
      expected: () => undefined,
    })
    assertClean(report)
  })

  it('decodeL1InfoCalldata: L1-info deposit calldata', async () => {
    const seeds = L1_INFO.map((h) => fromHex(h))
    const report = await fuzz({
      name: 'l1-info-calldata.decodeL1InfoCalldata',
      input: fc.tuple(mutatedBytes(seeds), fc.option(fc.constantFrom<L1InfoFormat>('bedrock', 'ecotone', 'isthmus', 'jovian'))),
      run: ([b, expected]) => `accepted:${decodeL1InfoCalldata(b, expected ?? undefined).format}`,
    })
    assertClean(report)
  })
})
