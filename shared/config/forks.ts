/**
 * The one fork table: is fork X active at t, is t its activation block, and every protocol constant that changes by
 * fork (PROTOCOL.md §1.1, §1.3). Nothing else in op-edge compares a timestamp with a fork time.
 */
import type { Fork, RollupConfig } from './rollup-config.ts'

/** `IsX(t) := x_time != null && t >= x_time` (op-node `rollup/types.go`). */
export function isActive(config: Pick<RollupConfig, 'forks'>, fork: Fork, timestamp: number): boolean {
  const at = config.forks[fork]
  return at !== undefined && timestamp >= at
}

/**
 * The first L2 block of a fork: `IsX(t) && t >= block_time && !IsX(t - block_time)`.
 * A fork active at genesis has no activation block.
 */
export function isActivationBlock(
  config: Pick<RollupConfig, 'forks' | 'blockTime'>,
  fork: Fork,
  l2Timestamp: number,
): boolean {
  return (
    isActive(config, fork, l2Timestamp) &&
    l2Timestamp >= config.blockTime &&
    !isActive(config, fork, l2Timestamp - config.blockTime)
  )
}

/** Bedrock channel data cap; Fjord raises it (gate: pipeline origin time). */
export const MAX_RLP_BYTES_PER_CHANNEL_BEDROCK = 10_000_000
export const MAX_RLP_BYTES_PER_CHANNEL_FJORD = 100_000_000
/** Pre-Holocene channel bank size cap (gate: pipeline origin time). */
export const MAX_CHANNEL_BANK_SIZE_BEDROCK = 100_000_000
export const MAX_CHANNEL_BANK_SIZE_FJORD = 1_000_000_000
/** Span batch element limit; op-node applies the Fjord value at all times. */
export const MAX_SPAN_BATCH_ELEMENT_COUNT = 10_000_000
/** Granite's constant channel timeout in L1 blocks. */
export const CHANNEL_TIMEOUT_GRANITE = 50
/** Fjord's constant max sequencer drift in seconds. */
export const MAX_SEQUENCER_DRIFT_FJORD = 1800
/** Frame data length cap (`MaxFrameLen`). */
export const MAX_FRAME_LEN = 1_000_000
/** Per-frame overhead counted in channel sizes. */
export const FRAME_OVERHEAD = 200

/** MAX_RLP_BYTES_PER_CHANNEL at the L1 block being traversed. */
export function maxRlpBytesPerChannel(config: Pick<RollupConfig, 'forks'>, l1Time: number): number {
  return isActive(config, 'fjord', l1Time) ? MAX_RLP_BYTES_PER_CHANNEL_FJORD : MAX_RLP_BYTES_PER_CHANNEL_BEDROCK
}

/** MAX_CHANNEL_BANK_SIZE at the L1 block being traversed (unused from Holocene). */
export function maxChannelBankSize(config: Pick<RollupConfig, 'forks'>, l1Time: number): number {
  return isActive(config, 'fjord', l1Time) ? MAX_CHANNEL_BANK_SIZE_FJORD : MAX_CHANNEL_BANK_SIZE_BEDROCK
}

/** CHANNEL_TIMEOUT in L1 blocks at the L1 block being traversed. */
export function channelTimeout(config: Pick<RollupConfig, 'forks' | 'channelTimeout'>, l1Time: number): number {
  return isActive(config, 'granite', l1Time) ? CHANNEL_TIMEOUT_GRANITE : config.channelTimeout
}

/** max_sequencer_drift for a batch whose L1 origin has time `l1OriginTime`. */
export function maxSequencerDrift(
  config: Pick<RollupConfig, 'forks' | 'maxSequencerDrift'>,
  l1OriginTime: number,
): number {
  return isActive(config, 'fjord', l1OriginTime) ? MAX_SEQUENCER_DRIFT_FJORD : config.maxSequencerDrift
}

/**
 * Forks whose activation block inserts network upgrade transactions, in the order they are inserted
 * (PROTOCOL.md §2.9.5, §10).
 */
export const UPGRADE_FORKS = ['ecotone', 'fjord', 'isthmus', 'jovian', 'karst'] as const
export type UpgradeFork = (typeof UPGRADE_FORKS)[number]

/**
 * The L1-info transaction format for an L2 block (PROTOCOL.md §2.9.1): a fork's activation block still uses the
 * previous format, so the format switches one block after each activation.
 */
export type L1InfoFormat = 'bedrock' | 'ecotone' | 'isthmus' | 'jovian'

export function l1InfoFormat(config: Pick<RollupConfig, 'forks' | 'blockTime'>, l2Timestamp: number): L1InfoFormat {
  const settled = (fork: Fork) => isActive(config, fork, l2Timestamp) && !isActivationBlock(config, fork, l2Timestamp)
  if (settled('jovian')) return 'jovian'
  if (settled('isthmus')) return 'isthmus'
  if (settled('ecotone')) return 'ecotone'
  return 'bedrock'
}
