import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, type Hex, toHex, uintToBytes } from '../../../shared/bytes.ts'
import type { L1InfoFormat } from '../../../shared/config/forks.ts'
import { L1_NETWORKS } from '../../../shared/config/l1-networks.ts'
import type { SystemConfig } from '../../../shared/config/rollup-config.ts'
import { fakeExponential } from '../../../shared/protocol/blob-base-fee.ts'
import { decodeDepositTx, depositTxHash, encodeDepositTx } from '../../../shared/protocol/deposit-tx.ts'
import { encodeEcotoneScalar, encodeOperatorFeeParams } from '../../../shared/protocol/fee-params.ts'
import {
  DA_FOOTPRINT_GAS_SCALAR_DEFAULT,
  decodeL1InfoCalldata,
  encodeL1InfoCalldata,
  L1_BLOCK_ADDRESS,
  L1_INFO_DEPOSITOR,
  L1_INFO_LENGTHS,
  L1_INFO_SELECTORS,
  type L1Info,
  l1InfoDepositTx,
  l1InfoFromHeader,
} from '../../../shared/protocol/l1-info.ts'
import { l1InfoSourceHash } from '../../../shared/protocol/source-hash.ts'
import vectors from '../../fixtures/protocol/vectors.json' with { type: 'json' }
import { codeOf } from '../../support/decode-error.ts'
import { prng, randomBytes } from '../../support/random.ts'

const int = (rand: () => number, max: number) => Math.floor(rand() * max)
const big = (rand: () => number, bytes: number) => {
  let v = 0n
  for (const b of randomBytes(rand, int(rand, bytes + 1))) v = (v << 8n) | BigInt(b)
  return v
}

/** Ecotone from 100, Isthmus from 200, Jovian from 300; 2-second blocks; mainnet L1 schedule. */
const config = { forks: { regolith: 0, ecotone: 100, isthmus: 200, jovian: 300 }, blockTime: 2, l1: L1_NETWORKS[1] }

const BATCHER: Hex = '0x6887246668a3b87f54deb3b94ba47a6f63f32985'
const systemConfig: SystemConfig = {
  batcherAddress: BATCHER,
  overhead: toHex(uintToBytes(188, 32)),
  scalar: toHex(encodeEcotoneScalar({ baseFeeScalar: 1368, blobBaseFeeScalar: 810949 })),
  gasLimit: 30_000_000n,
  eip1559Params: '0x0000000000000000',
  operatorFeeParams: toHex(encodeOperatorFeeParams({ operatorFeeScalar: 7, operatorFeeConstant: 9n })),
  minBaseFee: 0n,
  daFootprintGasScalar: 0,
}
const header = {
  number: 19_526_400,
  timestamp: 1_746_612_400,
  baseFeePerGas: 47_036_678_951n,
  hash: `0x${'4e'.repeat(32)}` as Hex,
  excessBlobGas: 80_000_000n,
}

function randomInfo(rand: () => number, format: L1InfoFormat): L1Info {
  const bedrock = format === 'bedrock'
  const isthmus = format === 'isthmus' || format === 'jovian'
  return {
    format,
    number: int(rand, 2 ** 40),
    timestamp: int(rand, 2 ** 40),
    baseFee: big(rand, 32),
    blockHash: randomBytes(rand, 32),
    sequenceNumber: int(rand, 2 ** 20),
    batcherAddress: randomBytes(rand, 20),
    l1FeeOverhead: bedrock ? randomBytes(rand, 32) : new Uint8Array(32),
    l1FeeScalar: bedrock ? randomBytes(rand, 32) : new Uint8Array(32),
    baseFeeScalar: bedrock ? 0 : int(rand, 2 ** 32),
    blobBaseFeeScalar: bedrock ? 0 : int(rand, 2 ** 32),
    blobBaseFee: bedrock ? 0n : big(rand, 32),
    operatorFeeScalar: isthmus ? int(rand, 2 ** 32) : 0,
    operatorFeeConstant: isthmus ? big(rand, 8) : 0n,
    daFootprintGasScalar: format === 'jovian' ? int(rand, 2 ** 16) : 0,
  }
}

describe('decodeL1InfoCalldata', () => {
  it('default: magi Bedrock and Ecotone calldata vectors', () => {
    const cases = vectors.filter((v) => v.kind === 'l1_info_calldata_decode')
    expect(cases).toHaveLength(2)
    for (const v of cases) {
      const calldata = fromHex((v.input as { calldata: string }).calldata)
      const info = decodeL1InfoCalldata(calldata)
      const expected = v.expected as unknown as Record<string, number | string>
      expect(toHex(info.blockHash)).toBe(expected.l1_block_hash)
      expect(info.number).toBe(expected.l1_block_number)
      expect(info.timestamp).toBe(expected.l1_timestamp)
      if (expected.blob_base_fee !== undefined) {
        expect(info.format).toBe('ecotone')
        expect(info.blobBaseFee).toBe(BigInt(expected.blob_base_fee))
        expect(info.blobBaseFeeScalar).toBe(expected.blob_base_fee_scalar)
      } else {
        expect(info.format).toBe('bedrock')
      }
      expect(toHex(info.batcherAddress)).toBe('0x7431310e026b69bfc676c0013e12a1a11411eec9')
      expect(encodeL1InfoCalldata(info)).toEqual(calldata)
    }
  })

  it('default: reth OP Mainnet block 118024092 L1-info tx rebuilt byte-identical, with its on-chain hash', () => {
    const v = vectors.find((x) => x.kind === 'l1_info_deposit_tx_decode+tx_hash')!
    const rawTx = fromHex((v.input as { raw_tx: string }).raw_tx)
    const expected = v.expected as { tx_hash: string; l1_base_fee: number; l1_base_fee_scalar: number; l1_blob_base_fee: number; l1_blob_base_fee_scalar: number }
    const decoded = decodeDepositTx(rawTx)
    const info = decodeL1InfoCalldata(decoded.data, 'ecotone')
    expect(info.baseFee).toBe(BigInt(expected.l1_base_fee))
    expect(info.baseFeeScalar).toBe(expected.l1_base_fee_scalar)
    expect(info.blobBaseFee).toBe(BigInt(expected.l1_blob_base_fee))
    expect(info.blobBaseFeeScalar).toBe(expected.l1_blob_base_fee_scalar)
    const rebuilt = l1InfoDepositTx(info, true)
    expect(toHex(encodeDepositTx(rebuilt))).toBe(toHex(rawTx))
    expect(toHex(depositTxHash(rebuilt))).toBe(expected.tx_hash)
  })

  it('behavior: §8 selectors 0x015d8eb9 / 0x440a5e20 / 0x098999be / 0x3db6be2b', () => {
    expect(Object.fromEntries(Object.entries(L1_INFO_SELECTORS).map(([k, s]) => [k, toHex(s)]))).toEqual({
      bedrock: '0x015d8eb9',
      ecotone: '0x440a5e20',
      isthmus: '0x098999be',
      jovian: '0x3db6be2b',
    })
  })

  it('behavior: §2.9.1 Bedrock 260 bytes standard ABI, Ecotone exactly 164 packed, Isthmus 176, Jovian 178', () => {
    expect(L1_INFO_LENGTHS).toEqual({ bedrock: 260, ecotone: 164, isthmus: 176, jovian: 178 })
    const rand = prng(1)
    for (const format of ['bedrock', 'ecotone', 'isthmus', 'jovian'] as const) {
      expect(encodeL1InfoCalldata(randomInfo(rand, format))).toHaveLength(L1_INFO_LENGTHS[format])
    }
  })

  it('behavior: §2.9.1 Ecotone packed layout offsets', () => {
    const info = l1InfoFromHeader(config, header, systemConfig, 3, 102)
    const data = encodeL1InfoCalldata(info)
    const view = new DataView(data.buffer)
    expect(view.getUint32(4)).toBe(1368)
    expect(view.getUint32(8)).toBe(810949)
    expect(view.getBigUint64(12)).toBe(3n)
    expect(view.getBigUint64(20)).toBe(BigInt(header.timestamp))
    expect(view.getBigUint64(28)).toBe(BigInt(header.number))
    expect(toHex(data.subarray(100, 132))).toBe(header.hash)
    expect(toHex(data.subarray(132, 164))).toBe(`0x${'00'.repeat(12)}${BATCHER.slice(2)}`)
  })

  it('behavior: round trip decode(encode(info)) for every format (seeded)', () => {
    const rand = prng(0x11f0)
    for (let i = 0; i < 200; i++) {
      for (const format of ['bedrock', 'ecotone', 'isthmus', 'jovian'] as const) {
        const info = randomInfo(rand, format)
        expect(decodeL1InfoCalldata(encodeL1InfoCalldata(info), format)).toEqual(info)
      }
    }
  })

  it('error: unknown selector, unexpected format, wrong length', () => {
    const info = randomInfo(prng(2), 'isthmus')
    const data = encodeL1InfoCalldata(info)
    expect(codeOf(() => decodeL1InfoCalldata(Uint8Array.of(1, 2, 3, 4)))).toBe('l1-info-unknown-selector')
    expect(codeOf(() => decodeL1InfoCalldata(new Uint8Array(2)))).toBe('l1-info-unknown-selector')
    expect(codeOf(() => decodeL1InfoCalldata(data, 'jovian'))).toBe('l1-info-unexpected-format')
    expect(codeOf(() => decodeL1InfoCalldata(data.subarray(0, 175)))).toBe('l1-info-wrong-length')
    expect(codeOf(() => decodeL1InfoCalldata(concatBytes(data, Uint8Array.of(0))))).toBe('l1-info-wrong-length')
  })

  it('error: ABI words with non-zero padding (solabi ReadUint64 / ReadAddress)', () => {
    const bedrock = encodeL1InfoCalldata(randomInfo(prng(3), 'bedrock'))
    const badNumber = bedrock.slice()
    badNumber[4] = 1
    expect(codeOf(() => decodeL1InfoCalldata(badNumber))).toBe('l1-info-bad-padding')
    const badBatcher = bedrock.slice()
    badBatcher[164] = 1
    expect(codeOf(() => decodeL1InfoCalldata(badBatcher))).toBe('l1-info-bad-padding')
    const ecotone = encodeL1InfoCalldata(randomInfo(prng(4), 'ecotone'))
    ecotone[132] = 1
    expect(codeOf(() => decodeL1InfoCalldata(ecotone))).toBe('l1-info-bad-padding')
  })

  it('error: uint64 values beyond 2^53 (op-edge keeps block numbers as numbers)', () => {
    const data = encodeL1InfoCalldata(randomInfo(prng(5), 'ecotone'))
    data[28] = 0xff
    expect(codeOf(() => decodeL1InfoCalldata(data))).toBe('l1-info-unsafe-integer')
  })
})

describe('l1InfoDepositTx', () => {
  it('behavior: §2.9.1 from 0xdeaddead…0001 to L1Block 0x4200…0015, mint 0, value 0, source hash domain 1', () => {
    expect(toHex(L1_INFO_DEPOSITOR)).toBe('0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001')
    expect(toHex(L1_BLOCK_ADDRESS)).toBe('0x4200000000000000000000000000000000000015')
    const info = l1InfoFromHeader(config, header, systemConfig, 5, 104)
    const tx = l1InfoDepositTx(info, true)
    expect(tx.from).toEqual(L1_INFO_DEPOSITOR)
    expect(tx.to).toEqual(L1_BLOCK_ADDRESS)
    expect(tx.mint).toBe(0n)
    expect(tx.value).toBe(0n)
    expect(tx.sourceHash).toEqual(l1InfoSourceHash(fromHex(header.hash), 5))
    expect(tx.data).toEqual(encodeL1InfoCalldata(info))
  })

  it('behavior: §2.9.1 gas 150,000,000 & isSystemTx=true pre-Regolith; gas 1,000,000 & isSystemTx=false from Regolith', () => {
    const info = l1InfoFromHeader(config, header, systemConfig, 0, 50)
    expect(l1InfoDepositTx(info, false)).toMatchObject({ gas: 150_000_000n, isSystemTx: true })
    expect(l1InfoDepositTx(info, true)).toMatchObject({ gas: 1_000_000n, isSystemTx: false })
  })
})

describe('l1InfoFromHeader', () => {
  it('behavior: §2.9.1 format by L2 timestamp; an activation block keeps the previous format', () => {
    const formatAt = (t: number) => l1InfoFromHeader(config, header, systemConfig, 0, t).format
    expect(formatAt(98)).toBe('bedrock')
    expect(formatAt(100)).toBe('bedrock') // Ecotone activation block
    expect(formatAt(102)).toBe('ecotone')
    expect(formatAt(200)).toBe('ecotone') // Isthmus activation block
    expect(formatAt(202)).toBe('isthmus')
    expect(formatAt(300)).toBe('isthmus') // Jovian activation block
    expect(formatAt(302)).toBe('jovian')
    expect(encodeL1InfoCalldata(l1InfoFromHeader(config, header, systemConfig, 0, 302)).subarray(0, 4)).toEqual(
      L1_INFO_SELECTORS.jovian,
    )
  })

  it('behavior: §2.9.1 number, timestamp, basefee, hash = the L1 origin; sequenceNumber; batcherHash = batcherAddr left-padded', () => {
    for (const t of [50, 150, 250, 350]) {
      const info = l1InfoFromHeader(config, header, systemConfig, 7, t)
      expect(info).toMatchObject({ number: header.number, timestamp: header.timestamp, baseFee: header.baseFeePerGas, sequenceNumber: 7 })
      expect(toHex(info.blockHash)).toBe(header.hash)
      expect(toHex(info.batcherAddress)).toBe(BATCHER)
    }
    const bedrock = encodeL1InfoCalldata(l1InfoFromHeader(config, header, systemConfig, 7, 50))
    expect(toHex(bedrock.subarray(164, 196))).toBe(`0x${'00'.repeat(12)}${BATCHER.slice(2)}`)
  })

  it('behavior: §2.9.1 pre-Ecotone l1FeeOverhead and l1FeeScalar are copied from SystemConfig', () => {
    const info = l1InfoFromHeader(config, header, systemConfig, 0, 50)
    expect(toHex(info.l1FeeOverhead)).toBe(systemConfig.overhead)
    expect(toHex(info.l1FeeScalar)).toBe(systemConfig.scalar)
    expect(info.blobBaseFee).toBe(0n)
  })

  it('behavior: §2.9.1 baseFeeScalar/blobBaseFeeScalar from the versioned scalar (v0 and v1)', () => {
    expect(l1InfoFromHeader(config, header, systemConfig, 0, 150)).toMatchObject({ baseFeeScalar: 1368, blobBaseFeeScalar: 810949 })
    const v0 = { ...systemConfig, scalar: toHex(uintToBytes(684_000, 32)) }
    expect(l1InfoFromHeader(config, header, v0, 0, 150)).toMatchObject({ baseFeeScalar: 684_000, blobBaseFeeScalar: 0 })
  })

  it('behavior: §2.9.1 scalar version 0 with non-zero padding → baseFeeScalar 0xFFFFFFFF, blobBaseFeeScalar 0', () => {
    const padded = uintToBytes(684_000, 32)
    padded[5] = 1
    const info = l1InfoFromHeader(config, header, { ...systemConfig, scalar: toHex(padded) }, 0, 150)
    expect(info).toMatchObject({ baseFeeScalar: 0xffffffff, blobBaseFeeScalar: 0 })
  })

  it('error: a v1 scalar with bad padding or an unknown version cannot build an Ecotone L1-info (critical)', () => {
    const badV1 = encodeEcotoneScalar({ baseFeeScalar: 1, blobBaseFeeScalar: 1 })
    badV1[3] = 1
    expect(codeOf(() => l1InfoFromHeader(config, header, { ...systemConfig, scalar: toHex(badV1) }, 0, 150))).toBe(
      'scalar-v1-padding-not-empty',
    )
    const v2 = uintToBytes(1, 32)
    v2[0] = 2
    expect(codeOf(() => l1InfoFromHeader(config, header, { ...systemConfig, scalar: toHex(v2) }, 0, 150))).toBe(
      'scalar-unknown-version',
    )
    // Pre-Ecotone the word is passed through untouched.
    expect(l1InfoFromHeader(config, header, { ...systemConfig, scalar: toHex(v2) }, 0, 50).format).toBe('bedrock')
  })

  it('behavior: §2.9.1 blobBaseFee = fake_exponential(1, excessBlobGas, fraction at the origin time); 1 without excessBlobGas', () => {
    const info = l1InfoFromHeader(config, header, systemConfig, 0, 150)
    expect(info.blobBaseFee).toBe(fakeExponential(1n, header.excessBlobGas, 5_007_716n))
    const preCancun = { ...header, excessBlobGas: undefined }
    expect(l1InfoFromHeader(config, preCancun, systemConfig, 0, 150).blobBaseFee).toBe(1n)
    const pectraFix = { ...config, pectraBlobScheduleTime: header.timestamp + 1 }
    expect(l1InfoFromHeader(pectraFix, header, systemConfig, 0, 150).blobBaseFee).toBe(
      fakeExponential(1n, header.excessBlobGas, 3_338_477n),
    )
  })

  it('behavior: §2.9.1 Isthmus operator fee: scalar = params[20:24], constant = params[24:32]', () => {
    const word = new Uint8Array(32)
    word[0] = 0xff // bytes 0..20 are not read
    word.set(uintToBytes(0xdeadbeef, 4), 20)
    word.set(uintToBytes(0x0102030405060708n, 8), 24)
    const info = l1InfoFromHeader(config, header, { ...systemConfig, operatorFeeParams: toHex(word) }, 0, 250)
    expect(info).toMatchObject({ format: 'isthmus', operatorFeeScalar: 0xdeadbeef, operatorFeeConstant: 0x0102030405060708n })
    expect(l1InfoFromHeader(config, header, systemConfig, 0, 150)).toMatchObject({ operatorFeeScalar: 0, operatorFeeConstant: 0n })
  })

  it('behavior: §2.9.1 Jovian daFootprintGasScalar (0 in SystemConfig → 400, applied in the transaction)', () => {
    expect(DA_FOOTPRINT_GAS_SCALAR_DEFAULT).toBe(400)
    const info = l1InfoFromHeader(config, header, systemConfig, 0, 350)
    expect(info.daFootprintGasScalar).toBe(400)
    expect(new DataView(encodeL1InfoCalldata(info).buffer).getUint16(176)).toBe(400)
    expect(l1InfoFromHeader(config, header, { ...systemConfig, daFootprintGasScalar: 12 }, 0, 350).daFootprintGasScalar).toBe(12)
    // Not sent before Jovian.
    expect(l1InfoFromHeader(config, header, systemConfig, 0, 250).daFootprintGasScalar).toBe(0)
  })
})
