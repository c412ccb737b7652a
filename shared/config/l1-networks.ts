/**
 * L1 networks and their blob base fee schedules (go-ethereum `params/config.go`, EIP-4844, EIP-7691, EIP-7892).
 * The update fraction decides the L1-info `blobBaseFee` (PROTOCOL.md §1.6, §2.9.1).
 */
import type { BlobScheduleEntry, L1Network } from './rollup-config.ts'

export const BLOB_UPDATE_FRACTION_CANCUN = 3_338_477n
export const BLOB_UPDATE_FRACTION_PRAGUE = 5_007_716n
export const BLOB_UPDATE_FRACTION_BPO1 = 8_346_193n
export const BLOB_UPDATE_FRACTION_BPO2 = 11_684_671n

function schedule(cancun: number, prague: number, osaka: number, bpo1: number, bpo2: number): BlobScheduleEntry[] {
  return [
    { name: 'cancun', time: cancun, updateFraction: BLOB_UPDATE_FRACTION_CANCUN },
    { name: 'prague', time: prague, updateFraction: BLOB_UPDATE_FRACTION_PRAGUE },
    { name: 'osaka', time: osaka, updateFraction: BLOB_UPDATE_FRACTION_PRAGUE },
    { name: 'bpo1', time: bpo1, updateFraction: BLOB_UPDATE_FRACTION_BPO1 },
    { name: 'bpo2', time: bpo2, updateFraction: BLOB_UPDATE_FRACTION_BPO2 },
  ]
}

export const L1_NETWORKS: Readonly<Record<number, L1Network>> = {
  1: {
    chainId: 1,
    name: 'mainnet',
    blobSchedule: schedule(1710338135, 1746612311, 1764798551, 1765290071, 1767747671),
  },
  11155111: {
    chainId: 11155111,
    name: 'sepolia',
    blobSchedule: schedule(1706655072, 1741159776, 1760427360, 1761017184, 1761607008),
  },
  // anvil (`npm start` devnet): Prague rules from genesis, as anvil's default hardfork computes the blob base fee.
  31337: {
    chainId: 31337,
    name: 'devnet',
    blobSchedule: [{ name: 'prague', time: 0, updateFraction: BLOB_UPDATE_FRACTION_PRAGUE }],
  },
}

/**
 * The blob base fee update fraction for an L1 block at `l1Time`, or undefined before Cancun (no blob gas).
 * `pectraBlobScheduleTime` (Sepolia/Holesky fix): L1 blocks before it use the Cancun fraction.
 */
export function blobUpdateFraction(
  network: L1Network,
  l1Time: number,
  pectraBlobScheduleTime?: number,
): bigint | undefined {
  let fraction: bigint | undefined
  for (const entry of network.blobSchedule) if (l1Time >= entry.time) fraction = entry.updateFraction
  if (fraction !== undefined && pectraBlobScheduleTime !== undefined && l1Time < pectraBlobScheduleTime) {
    return BLOB_UPDATE_FRACTION_CANCUN
  }
  return fraction
}

/** A network not in the table: treat every L1 block as Prague-era (the schedule can be given in a rollup.json). */
export function unknownL1Network(chainId: number): L1Network {
  return { chainId, name: `l1-${chainId}`, blobSchedule: [{ name: 'prague', time: 0, updateFraction: BLOB_UPDATE_FRACTION_PRAGUE }] }
}
