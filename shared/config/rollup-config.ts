/**
 * The typed rollup configuration (op-node `rollup.Config`, PROTOCOL.md §1.2) in op-edge's internal shape.
 * Registry chains live in `chains.ts`; op-node `rollup.json` files are read by `parse-rollup-json.ts`.
 */
import type { Hex } from '../bytes.ts'

/** Every fork the consensus layer knows, in activation order. Bedrock is genesis and has no time. */
export const FORKS = [
  'regolith',
  'canyon',
  'delta',
  'ecotone',
  'fjord',
  'granite',
  'holocene',
  'isthmus',
  'jovian',
  'karst',
  'interop',
] as const
export type Fork = (typeof FORKS)[number]

/** Activation time (unix seconds) per fork; absent = not scheduled. */
export type ForkTimes = { readonly [F in Fork]?: number }

export type BlockId = { hash: Hex; number: number }

/**
 * SystemConfig as derivation sees it (PROTOCOL.md §2.9.4). Byte fields are `0x` hex of fixed length so the value
 * serializes into checkpoints unchanged; integers that can exceed 2^53 are bigint.
 */
export type SystemConfig = {
  batcherAddress: Hex
  /** 32-byte word; pre-Ecotone L1 fee overhead, zeroed by Ecotone FEE_SCALARS updates. */
  overhead: Hex
  /** 32-byte versioned scalar word. */
  scalar: Hex
  gasLimit: bigint
  /** 8 bytes: denominator u32 BE ‖ elasticity u32 BE (Holocene); all-zero = Canyon constants. */
  eip1559Params: Hex
  /** 32-byte word: scalar at bytes[20:24], constant at bytes[24:32] (Isthmus). */
  operatorFeeParams: Hex
  /** Jovian minimum base fee. */
  minBaseFee: bigint
  /** Jovian DA footprint gas scalar (uint16); 0 means the default of 400 in the L1-info tx. */
  daFootprintGasScalar: number
}

/** EIP-1559 constants of the chain (`chain_op_config`). */
export type ChainOpConfig = {
  eip1559Elasticity: number
  eip1559Denominator: number
  eip1559DenominatorCanyon: number
}

/** One entry of an L1 network's blob base fee schedule (EIP-4844 / EIP-7691 / EIP-7892 BPO forks). */
export type BlobScheduleEntry = { name: string; time: number; updateFraction: bigint }

/** Facts about the L1 network a chain settles on. */
export type L1Network = {
  chainId: number
  name: string
  /** Ascending by time; the entry with the greatest `time <= t` applies. */
  blobSchedule: readonly BlobScheduleEntry[]
}

export type RollupConfig = {
  /** Registry name (`op-mainnet`, …) or the name given to a custom config. */
  name: string
  genesis: {
    l1: BlockId
    l2: BlockId
    l2Time: number
    systemConfig: SystemConfig
  }
  blockTime: number
  maxSequencerDrift: number
  seqWindowSize: number
  /** Pre-Granite channel timeout in L1 blocks (300 on registry chains). */
  channelTimeout: number
  l1ChainId: number
  l2ChainId: number
  forks: ForkTimes
  /** Sepolia/Holesky fix: L1 origins before this time use the Cancun blob fee update fraction. */
  pectraBlobScheduleTime?: number
  /** Karst: keep the NUT bundle gas in the gas limit after the activation block (PROTOCOL.md §10). */
  keepKarstUpgradeGas: boolean
  batchInboxAddress: Hex
  depositContractAddress: Hex
  l1SystemConfigAddress: Hex
  protocolVersionsAddress?: Hex
  chainOpConfig: ChainOpConfig
  l1: L1Network
  /** Registry value of the p2p unsafe block signer, if known; at runtime it is read from SystemConfig. */
  unsafeBlockSigner?: Hex
}
