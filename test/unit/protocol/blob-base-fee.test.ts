import { describe, expect, it } from 'vitest'
import {
  BLOB_UPDATE_FRACTION_BPO1,
  BLOB_UPDATE_FRACTION_CANCUN,
  BLOB_UPDATE_FRACTION_PRAGUE,
  L1_NETWORKS,
} from '../../../shared/config/l1-networks.ts'
import { fakeExponential, l1BlobBaseFee, MIN_BLOB_BASE_FEE } from '../../../shared/protocol/blob-base-fee.ts'

const mainnet = L1_NETWORKS[1]
const sepolia = L1_NETWORKS[11155111]

describe('fakeExponential', () => {
  it('default: go-ethereum TestFakeExponential table', () => {
    const table: [bigint, bigint, bigint, bigint][] = [
      [1n, 0n, 1n, 1n],
      [38493n, 0n, 1000n, 38493n],
      [0n, 1234n, 2345n, 0n],
      [1n, 2n, 1n, 6n],
      [1n, 4n, 2n, 6n],
      [1n, 3n, 1n, 16n],
      [1n, 6n, 2n, 18n],
      [1n, 4n, 1n, 49n],
      [1n, 8n, 2n, 50n],
      [10n, 8n, 2n, 542n],
      [11n, 8n, 2n, 596n],
      [1n, 5n, 1n, 136n],
      [1n, 5n, 2n, 11n],
      [2n, 5n, 2n, 23n],
      [1n, 50000000n, 2225652n, 5709098764n],
    ]
    for (const [f, n, d, want] of table) expect(fakeExponential(f, n, d)).toBe(want)
  })

  it('behavior: §2.9.1 fake_exponential(f,n,d): i=1; out=0; acc=f*d; while acc>0 { out+=acc; acc=acc*n/(d*i); i++ }; out/d', () => {
    // go-ethereum TestCalcBlobFee (Cancun fraction).
    expect(fakeExponential(1n, 0n, BLOB_UPDATE_FRACTION_CANCUN)).toBe(1n)
    expect(fakeExponential(1n, 2314057n, BLOB_UPDATE_FRACTION_CANCUN)).toBe(1n)
    expect(fakeExponential(1n, 2314058n, BLOB_UPDATE_FRACTION_CANCUN)).toBe(2n)
    expect(fakeExponential(1n, 10n * 1024n * 1024n, BLOB_UPDATE_FRACTION_CANCUN)).toBe(23n)
  })

  it('error: a zero denominator', () => {
    expect(() => fakeExponential(1n, 1n, 0n)).toThrow(RangeError)
  })
})

describe('l1BlobBaseFee', () => {
  it('default: fake_exponential(1, excessBlobGas, fraction of the L1 fork at the origin time)', () => {
    const excess = 0x240000n
    // Cancun era of mainnet: 2; Prague era: 1 (larger fraction).
    expect(l1BlobBaseFee({ l1: mainnet, l1Time: 1710338135, excessBlobGas: excess })).toBe(2n)
    expect(l1BlobBaseFee({ l1: mainnet, l1Time: 1746612311, excessBlobGas: excess })).toBe(1n)
    const big = 100_000_000n
    expect(l1BlobBaseFee({ l1: mainnet, l1Time: 1765290071, excessBlobGas: big })).toBe(
      fakeExponential(1n, big, BLOB_UPDATE_FRACTION_BPO1),
    )
    expect(l1BlobBaseFee({ l1: mainnet, l1Time: 1765290070, excessBlobGas: big })).toBe(
      fakeExponential(1n, big, BLOB_UPDATE_FRACTION_PRAGUE),
    )
  })

  it('behavior: §2.9.1 blobBaseFee = 1 if the L1 origin has no excessBlobGas', () => {
    expect(MIN_BLOB_BASE_FEE).toBe(1n)
    expect(l1BlobBaseFee({ l1: mainnet, l1Time: 1_700_000_000, excessBlobGas: undefined })).toBe(1n)
  })

  it('behavior: §2.9.1 with pectra_blob_schedule_time set and l1Origin.time < it, use the Cancun fraction 3,338,477', () => {
    const excess = 50_000_000n
    const t = 1741159776 // Sepolia Prague
    expect(l1BlobBaseFee({ l1: sepolia, l1Time: t, excessBlobGas: excess, pectraBlobScheduleTime: t + 100 })).toBe(
      fakeExponential(1n, excess, BLOB_UPDATE_FRACTION_CANCUN),
    )
    expect(l1BlobBaseFee({ l1: sepolia, l1Time: t + 100, excessBlobGas: excess, pectraBlobScheduleTime: t + 100 })).toBe(
      fakeExponential(1n, excess, BLOB_UPDATE_FRACTION_PRAGUE),
    )
  })

  it('behavior: a header with excessBlobGas before the schedule has a blob fork uses the Cancun fraction', () => {
    expect(l1BlobBaseFee({ l1: mainnet, l1Time: 1_000, excessBlobGas: 0x240000n })).toBe(2n)
  })
})
