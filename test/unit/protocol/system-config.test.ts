import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, type Hex, toHex, uintToBytes, word } from '../../../shared/bytes.ts'
import type { SystemConfig } from '../../../shared/config/rollup-config.ts'
import { checkEcotoneScalar, decodeOperatorFeeParams, ecotoneScalars, encodeEcotoneScalar, encodeOperatorFeeParams } from '../../../shared/protocol/fee-params.ts'
import {
  applyConfigUpdateLog,
  CONFIG_UPDATE_TOPIC,
  CONFIG_UPDATE_TYPES,
  type ConfigUpdateLog,
  type ConfigUpdateType,
  type ConfigUpdateValue,
  configUpdateLog,
  configUpdateLogData,
  isConfigUpdateLog,
} from '../../../shared/protocol/system-config.ts'
import { prng } from '../../support/random.ts'

const SYSTEM_CONFIG: Hex = '0x229047fed2591dbec1eF1118d64F7aF3dB9EB290'
const ECOTONE = 1_000
const config = { forks: { ecotone: ECOTONE } }
const pre = { l1Time: ECOTONE - 1, config }
const post = { l1Time: ECOTONE, config }

const base: SystemConfig = {
  batcherAddress: `0x${'ba'.repeat(20)}`,
  overhead: toHex(word(188)),
  scalar: toHex(word(684_000)),
  gasLimit: 30_000_000n,
  eip1559Params: '0x0000000000000000',
  operatorFeeParams: toHex(word(0)),
  minBaseFee: 0n,
  daFootprintGasScalar: 0,
}

function log<T extends ConfigUpdateType>(type: T, value: ConfigUpdateValue[T]): ConfigUpdateLog {
  return configUpdateLog(type, value, SYSTEM_CONFIG)
}

function withData(l: ConfigUpdateLog, data: Uint8Array): ConfigUpdateLog {
  return { ...l, data: toHex(data) }
}

function reason(l: ConfigUpdateLog, options = post): string | undefined {
  const r = applyConfigUpdateLog(base, l, options)
  return r.status === 'ignored' ? r.reason : undefined
}

function applied(l: ConfigUpdateLog, options = post): SystemConfig {
  const r = applyConfigUpdateLog(base, l, options)
  if (r.status !== 'applied') throw new Error(`ignored: ${r.reason} ${r.message}`)
  return r.systemConfig
}

describe('isConfigUpdateLog', () => {
  it('behavior: §2.9.4 address == l1_system_config_address, topics[0] == ConfigUpdate topic, exactly 3 topics, version 0', () => {
    expect(CONFIG_UPDATE_TOPIC).toBe('0x1d2b0bda21d56b8bd12d4f94ebacffdfb35f5e226f84b461103bb8beab6353be')
    const l = log('gasLimit', { gasLimit: 1n })
    expect(isConfigUpdateLog(l, SYSTEM_CONFIG)).toBe(true)
    expect(isConfigUpdateLog({ ...l, address: SYSTEM_CONFIG.toLowerCase() as Hex }, SYSTEM_CONFIG)).toBe(true)
    expect(isConfigUpdateLog({ ...l, address: `0x${'00'.repeat(20)}` }, SYSTEM_CONFIG)).toBe(false)
    expect(isConfigUpdateLog({ ...l, topics: [toHex(word(0)), ...l.topics.slice(1)] }, SYSTEM_CONFIG)).toBe(false)
    expect(isConfigUpdateLog({ ...l, topics: l.topics.slice(0, 2) }, SYSTEM_CONFIG)).toBe(false)
    expect(isConfigUpdateLog({ ...l, topics: [l.topics[0], toHex(word(1)), l.topics[2]] }, SYSTEM_CONFIG)).toBe(false)
  })
})

describe('applyConfigUpdateLog', () => {
  it('default: applies to a copy and leaves the input untouched', () => {
    const before = { ...base }
    const r = applyConfigUpdateLog(base, log('gasLimit', { gasLimit: 60_000_000n }), post)
    expect(r).toMatchObject({ status: 'applied', updateType: 'gasLimit' })
    if (r.status === 'applied') {
      expect(r.systemConfig).toEqual({ ...base, gasLimit: 60_000_000n })
      expect(r.systemConfig).not.toBe(base)
    }
    expect(base).toEqual(before)
  })

  it('behavior: §2.9.4 type 0 BATCHER: address → batcherAddr', () => {
    expect(applied(log('batcher', { batcherAddress: `0x${'ab'.repeat(20)}` })).batcherAddress).toBe(`0x${'ab'.repeat(20)}`)
  })

  it('behavior: §2.9.4 type 1 FEE_SCALARS pre-Ecotone: store overhead and scalar as they are', () => {
    const scalar = concatBytes(Uint8Array.of(7), new Uint8Array(27), uintToBytes(5, 4))
    const out = applied(log('feeScalars', { overhead: toHex(word(99)), scalar: toHex(scalar) }), pre)
    expect(out.overhead).toBe(toHex(word(99)))
    expect(out.scalar).toBe(toHex(scalar))
  })

  it('behavior: §2.9.4 type 1 FEE_SCALARS from Ecotone (by L1 time): validate, store scalar, overhead = 0', () => {
    const v1 = toHex(encodeEcotoneScalar({ baseFeeScalar: 1368, blobBaseFeeScalar: 810949 }))
    const out = applied(log('feeScalars', { overhead: toHex(word(99)), scalar: v1 }), post)
    expect(out.scalar).toBe(v1)
    expect(out.overhead).toBe(toHex(word(0)))
    expect(applied(log('feeScalars', { overhead: toHex(word(99)), scalar: toHex(word(42)) }), post).scalar).toBe(toHex(word(42)))
  })

  it('behavior: §2.9.4 Ecotone scalar v0 with non-zero bytes 1..27, v1 with non-zero bytes 1..23, other versions → ignore update', () => {
    const v0 = word(42)
    v0[27] = 1
    expect(reason(log('feeScalars', { overhead: toHex(word(0)), scalar: toHex(v0) }))).toBe('invalid-ecotone-scalar')
    const v1 = encodeEcotoneScalar({ baseFeeScalar: 1, blobBaseFeeScalar: 2 })
    v1[23] = 1
    expect(reason(log('feeScalars', { overhead: toHex(word(0)), scalar: toHex(v1) }))).toBe('invalid-ecotone-scalar')
    const v2 = word(1)
    v2[0] = 2
    expect(reason(log('feeScalars', { overhead: toHex(word(0)), scalar: toHex(v2) }))).toBe('invalid-ecotone-scalar')
    // Before Ecotone the same word is accepted verbatim.
    expect(applied(log('feeScalars', { overhead: toHex(word(0)), scalar: toHex(v2) }), pre).scalar).toBe(toHex(v2))
  })

  it('behavior: §2.9.4 type 2 GAS_LIMIT: uint64 → gasLimit', () => {
    expect(applied(log('gasLimit', { gasLimit: (1n << 64n) - 1n })).gasLimit).toBe((1n << 64n) - 1n)
  })

  it('behavior: §2.9.4 type 3 UNSAFE_BLOCK_SIGNER is ignored by derivation (accepted, no change)', () => {
    const r = applyConfigUpdateLog(base, log('unsafeBlockSigner', { signer: `0x${'55'.repeat(20)}` }), post)
    expect(r).toEqual({ status: 'applied', updateType: 'unsafeBlockSigner', systemConfig: base })
  })

  it('behavior: §2.9.4 type 4 EIP_1559_PARAMS: store bytes[24:32] (denominator u32 ‖ elasticity u32); (0,0) valid', () => {
    expect(applied(log('eip1559Params', { denominator: 250, elasticity: 6 })).eip1559Params).toBe('0x000000fa00000006')
    expect(applied(log('eip1559Params', { denominator: 0, elasticity: 0 })).eip1559Params).toBe('0x0000000000000000')
  })

  it('behavior: §2.9.4 type 4 EIP_1559_PARAMS invalid if exactly one of denominator/elasticity is 0', () => {
    expect(reason(log('eip1559Params', { denominator: 0, elasticity: 6 }))).toBe('invalid-eip1559-params')
    expect(reason(log('eip1559Params', { denominator: 250, elasticity: 0 }))).toBe('invalid-eip1559-params')
  })

  it('behavior: type 4 follows op-node: the 24 bytes above the params are not checked', () => {
    const data = configUpdateLogData('eip1559Params', { denominator: 250, elasticity: 6 })
    data[64] = 0xff
    expect(applied(withData(log('eip1559Params', { denominator: 250, elasticity: 6 }), data)).eip1559Params).toBe('0x000000fa00000006')
  })

  it('behavior: §2.9.4 type 5 OPERATOR_FEE_PARAMS (Isthmus): word = scalar << 64 | constant, stored whole', () => {
    const params = { operatorFeeScalar: 123, operatorFeeConstant: 456n }
    const out = applied(log('operatorFeeParams', params))
    expect(out.operatorFeeParams).toBe(toHex(encodeOperatorFeeParams(params)))
    expect(decodeOperatorFeeParams(fromHex(out.operatorFeeParams))).toEqual(params)
  })

  it('behavior: §2.9.4 type 6 MIN_BASE_FEE (Jovian): uint64 → minBaseFee', () => {
    expect(applied(log('minBaseFee', { minBaseFee: 1_000_000n })).minBaseFee).toBe(1_000_000n)
  })

  it('behavior: §2.9.4 type 7 DA_FOOTPRINT_GAS_SCALAR (Jovian): uint16 → daFootprintGasScalar (0 kept; 400 is applied in L1-info)', () => {
    expect(applied(log('daFootprintGasScalar', { daFootprintGasScalar: 65535 })).daFootprintGasScalar).toBe(65535)
    expect(applied(log('daFootprintGasScalar', { daFootprintGasScalar: 0 })).daFootprintGasScalar).toBe(0)
  })

  it('error: §2.9.4 integer words must have zero padding (uint64: 24 bytes, address: 12, uint16: 30)', () => {
    const gas = configUpdateLogData('gasLimit', { gasLimit: 1n })
    gas[64 + 23] = 1
    expect(reason(withData(log('gasLimit', { gasLimit: 1n }), gas))).toBe('bad-padding')
    const fee = configUpdateLogData('minBaseFee', { minBaseFee: 1n })
    fee[64] = 1
    expect(reason(withData(log('minBaseFee', { minBaseFee: 1n }), fee))).toBe('bad-padding')
    const batcher = configUpdateLogData('batcher', { batcherAddress: base.batcherAddress })
    batcher[64 + 11] = 1
    expect(reason(withData(log('batcher', { batcherAddress: base.batcherAddress }), batcher))).toBe('bad-padding')
    const da = configUpdateLogData('daFootprintGasScalar', { daFootprintGasScalar: 1 })
    da[64 + 29] = 1
    expect(reason(withData(log('daFootprintGasScalar', { daFootprintGasScalar: 1 }), da))).toBe('bad-padding')
  })

  it('error: §2.9.4 data is ABI bytes: word0 = 32, word1 = length, then content and no trailing bytes', () => {
    const l = log('gasLimit', { gasLimit: 1n })
    const data = fromHex(l.data)
    const badPointer = data.slice()
    badPointer[31] = 64
    expect(reason(withData(l, badPointer))).toBe('bad-pointer')
    const paddedPointer = data.slice()
    paddedPointer[0] = 1
    expect(reason(withData(l, paddedPointer))).toBe('bad-pointer')
    const badLength = data.slice()
    badLength[63] = 64
    expect(reason(withData(l, badLength))).toBe('bad-length')
    expect(reason(withData(l, data.subarray(0, 20)))).toBe('bad-pointer')
    expect(reason(withData(l, data.subarray(0, 40)))).toBe('bad-length')
    expect(reason(withData(l, data.subarray(0, 95)))).toBe('truncated')
    expect(reason(withData(l, concatBytes(data, new Uint8Array(32))))).toBe('trailing-bytes')
    expect(reason(withData(l, concatBytes(data, Uint8Array.of(0))))).toBe('trailing-bytes')
    // FEE_SCALARS content is 64 bytes: a 32-byte length is wrong.
    expect(reason(withData(log('feeScalars', { overhead: base.overhead, scalar: base.scalar }), data))).toBe('bad-length')
  })

  it('error: §2.9.4 exactly 3 topics, version topic 0, known update type', () => {
    const l = log('gasLimit', { gasLimit: 1n })
    expect(reason({ ...l, topics: l.topics.slice(0, 2) })).toBe('topic-count')
    expect(reason({ ...l, topics: [l.topics[0], toHex(word(1)), l.topics[2]] })).toBe('unknown-version')
    expect(reason({ ...l, topics: [l.topics[0], l.topics[1], toHex(word(8))] })).toBe('unknown-type')
    expect(reason({ ...l, topics: [l.topics[0], l.topics[1], toHex(word((1n << 8n) + 2n))] })).toBe('unknown-type')
    expect(reason({ ...l, data: '0xzz' as Hex })).toBe('malformed-hex')
  })

  it('behavior: §2.9.4 a malformed update is skipped; later valid ones still apply (apply-on-copy, PROTOCOL §9 item 9)', () => {
    let sc = base
    const logs = [
      withData(log('gasLimit', { gasLimit: 5n }), new Uint8Array(10)),
      log('gasLimit', { gasLimit: 7n }),
      log('eip1559Params', { denominator: 0, elasticity: 3 }),
      log('batcher', { batcherAddress: `0x${'cc'.repeat(20)}` }),
    ]
    const statuses = logs.map((l) => {
      const r = applyConfigUpdateLog(sc, l, post)
      if (r.status === 'applied') sc = r.systemConfig
      return r.status
    })
    expect(statuses).toEqual(['ignored', 'applied', 'ignored', 'applied'])
    expect(sc).toEqual({ ...base, gasLimit: 7n, batcherAddress: `0x${'cc'.repeat(20)}` })
  })

  it('behavior: round trip applyConfigUpdateLog(configUpdateLog(x)) for random updates of every type (seeded)', () => {
    const rand = prng(0x5c)
    const int = (max: number) => Math.floor(rand() * max)
    const hex = (n: number) => toHex(Uint8Array.from({ length: n }, () => int(256)))
    for (let i = 0; i < 400; i++) {
      const type = CONFIG_UPDATE_TYPES[i % CONFIG_UPDATE_TYPES.length]
      switch (type) {
        case 'batcher': {
          const batcherAddress = hex(20)
          expect(applied(log(type, { batcherAddress })).batcherAddress).toBe(batcherAddress)
          break
        }
        case 'feeScalars': {
          const scalar = toHex(encodeEcotoneScalar({ baseFeeScalar: int(2 ** 32), blobBaseFeeScalar: int(2 ** 32) }))
          const overhead = hex(32)
          expect(applied(log(type, { overhead, scalar }), pre)).toMatchObject({ overhead, scalar })
          expect(applied(log(type, { overhead, scalar }), post)).toMatchObject({ overhead: toHex(word(0)), scalar })
          break
        }
        case 'gasLimit': {
          const gasLimit = BigInt(int(2 ** 52)) << BigInt(int(12))
          expect(applied(log(type, { gasLimit })).gasLimit).toBe(gasLimit)
          break
        }
        case 'unsafeBlockSigner':
          expect(applied(log(type, { signer: hex(20) }))).toEqual(base)
          break
        case 'eip1559Params': {
          const zero = rand() < 0.2
          const denominator = zero ? 0 : 1 + int(2 ** 32 - 1)
          const elasticity = zero ? 0 : 1 + int(2 ** 32 - 1)
          const out = applied(log(type, { denominator, elasticity }))
          expect(out.eip1559Params).toBe(toHex(concatBytes(uintToBytes(denominator, 4), uintToBytes(elasticity, 4))))
          break
        }
        case 'operatorFeeParams': {
          const p = { operatorFeeScalar: int(2 ** 32), operatorFeeConstant: BigInt(int(2 ** 52)) << BigInt(int(12)) }
          expect(decodeOperatorFeeParams(fromHex(applied(log(type, p)).operatorFeeParams))).toEqual(p)
          break
        }
        case 'minBaseFee': {
          const minBaseFee = BigInt(int(2 ** 52)) << BigInt(int(12))
          expect(applied(log(type, { minBaseFee })).minBaseFee).toBe(minBaseFee)
          break
        }
        case 'daFootprintGasScalar': {
          const daFootprintGasScalar = int(2 ** 16)
          expect(applied(log(type, { daFootprintGasScalar })).daFootprintGasScalar).toBe(daFootprintGasScalar)
          break
        }
      }
    }
  })
})

describe('fee scalars', () => {
  it('behavior: §2.9.4 scalar versions: v0 baseFeeScalar at [28:32] (blob 0); v1 blob at [24:28], base at [28:32]', () => {
    expect(ecotoneScalars(word(684_000))).toEqual({ baseFeeScalar: 684_000, blobBaseFeeScalar: 0 })
    const v1 = encodeEcotoneScalar({ baseFeeScalar: 1368, blobBaseFeeScalar: 810949 })
    expect(toHex(v1)).toBe(`0x01${'00'.repeat(23)}000c5fc500000558`)
    expect(ecotoneScalars(v1)).toEqual({ baseFeeScalar: 1368, blobBaseFeeScalar: 810949 })
    expect(checkEcotoneScalar(v1)).toBe('ok')
  })
})
