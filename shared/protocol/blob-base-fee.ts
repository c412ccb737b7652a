/**
 * The L1 blob base fee the L1-info transaction carries (PROTOCOL.md §2.9.1, §1.6; EIP-4844 `fake_exponential`,
 * go-ethereum `consensus/misc/eip4844`; op-node `l1_block_info.go` `L1InfoDeposit`).
 */
import { BLOB_UPDATE_FRACTION_CANCUN, blobUpdateFraction } from '../config/l1-networks.ts'
import type { L1Network } from '../config/rollup-config.ts'

/** EIP-4844 `MIN_BASE_FEE_PER_BLOB_GAS`, also what L1-info uses while L1 has no blob gas. */
export const MIN_BLOB_BASE_FEE = 1n

/**
 * EIP-4844 integer approximation of `factor * e ** (numerator / denominator)`.
 *
 * @example fakeExponential(1n, 2n, 1n) // 6n (e² ≈ 7.39)
 */
export function fakeExponential(factor: bigint, numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('fake_exponential denominator must be positive')
  let i = 1n
  let output = 0n
  let accum = factor * denominator
  while (accum > 0n) {
    output += accum
    accum = (accum * numerator) / (denominator * i)
    i += 1n
  }
  return output / denominator
}

export type BlobBaseFeeParameters = {
  l1: L1Network
  /** Timestamp of the L1 block. */
  l1Time: number
  /** The L1 header's `excessBlobGas`; undefined before Cancun. */
  excessBlobGas: bigint | undefined
  /** Rollup config `pectra_blob_schedule_time` (Sepolia/Holesky fix). */
  pectraBlobScheduleTime?: number
}

/**
 * `blobBaseFee` of an L1 block as L1-info reports it: 1 without `excessBlobGas`, else
 * `fake_exponential(1, excessBlobGas, updateFraction)` with the fraction of the L1 fork active at `l1Time`
 * (the Cancun fraction before `pectraBlobScheduleTime`). A header that has `excessBlobGas` while the schedule has no
 * blob fork yet (a custom L1) is priced with the Cancun fraction, the only one such a header can follow.
 */
export function l1BlobBaseFee(p: BlobBaseFeeParameters): bigint {
  if (p.excessBlobGas === undefined) return MIN_BLOB_BASE_FEE
  const fraction = blobUpdateFraction(p.l1, p.l1Time, p.pectraBlobScheduleTime) ?? BLOB_UPDATE_FRACTION_CANCUN
  return fakeExponential(MIN_BLOB_BASE_FEE, p.excessBlobGas, fraction)
}
