/**
 * The L1 attributes deposited transaction of an L2 block: its values, built from the L1 origin header and SystemConfig,
 * and the deposit that carries them (PROTOCOL.md §2.9.1; https://specs.optimism.io/protocol/deposits.html#l1-attributes-deposited-transaction;
 * op-node `rollup/derive/l1_block_info.go` `L1InfoDeposit`). The calldata codec is in `l1-info-calldata.ts`.
 */
import { addressBytes, fromHex } from '../bytes.ts'
import { l1InfoFormat } from '../config/forks.ts'
import type { RollupConfig, SystemConfig } from '../config/rollup-config.ts'
import type { L1BlockInfo } from '../deriver/types.ts'
import { l1BlobBaseFee } from './blob-base-fee.ts'
import type { DepositTx } from './deposit-tx.ts'
import { decodeOperatorFeeParams, ecotoneScalars } from './fee-params.ts'
import { encodeL1InfoCalldata, type L1Info } from './l1-info-calldata.ts'
import { l1InfoSourceHash } from './source-hash.ts'

export {
  decodeL1InfoCalldata,
  encodeL1InfoCalldata,
  L1_INFO_LENGTHS,
  L1_INFO_SELECTORS,
  type L1Info,
  type L1InfoErrorCode,
} from './l1-info-calldata.ts'

/** `0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001`, the sender of L1-info deposits. */
export const L1_INFO_DEPOSITOR = addressBytes('0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001')
/** `0x4200000000000000000000000000000000000015`, the L1Block predeploy. */
export const L1_BLOCK_ADDRESS = addressBytes('0x4200000000000000000000000000000000000015')

/** Gas of the L1-info deposit before Regolith (a system transaction) and from Regolith (`RegolithSystemTxGas`). */
export const L1_INFO_GAS_BEDROCK = 150_000_000n
export const L1_INFO_GAS_REGOLITH = 1_000_000n

/** Jovian: a SystemConfig `daFootprintGasScalar` of 0 is sent as this (op-node `DAFootprintGasScalarDefault`). */
export const DA_FOOTPRINT_GAS_SCALAR_DEFAULT = 400

export type L1InfoConfig = Pick<RollupConfig, 'forks' | 'blockTime' | 'l1' | 'pectraBlobScheduleTime'>

export type L1InfoHeader = Pick<L1BlockInfo, 'number' | 'timestamp' | 'baseFeePerGas' | 'hash' | 'excessBlobGas'>

/**
 * L1-info values for the L2 block at `l2Timestamp` with L1 origin `l1Header`, `seqNumber` blocks into its epoch.
 *
 * - format: `l1InfoFormat` (a fork's activation block keeps the previous format);
 * - Bedrock: `l1FeeOverhead`/`l1FeeScalar` are the SystemConfig words as they are;
 * - Ecotone+: scalars from the versioned `scalar` word (v0 with non-zero padding → 0xFFFFFFFF / 0), `blobBaseFee`
 *   from the origin's `excessBlobGas` (1 without it);
 * - Isthmus+: operator fee scalar/constant from `operatorFeeParams`;
 * - Jovian+: `daFootprintGasScalar`, with 0 sent as 400 — op-node applies the default here, in the transaction
 *   (`SetDAFootprintGasScalarOrDefault`), not in SystemConfig.
 *
 * @throws DecodeError `scalar-v1-padding-not-empty` / `scalar-unknown-version` when Ecotone+ and the SystemConfig scalar
 *   is not a valid Ecotone scalar (op-node errors out: the deriver must treat it as critical).
 */
export function l1InfoFromHeader(
  config: L1InfoConfig,
  l1Header: L1InfoHeader,
  systemConfig: SystemConfig,
  seqNumber: number,
  l2Timestamp: number,
): L1Info {
  const format = l1InfoFormat(config, l2Timestamp)
  const info: L1Info = {
    format,
    number: l1Header.number,
    timestamp: l1Header.timestamp,
    baseFee: l1Header.baseFeePerGas,
    blockHash: fromHex(l1Header.hash),
    sequenceNumber: seqNumber,
    batcherAddress: fromHex(systemConfig.batcherAddress),
    l1FeeOverhead: new Uint8Array(32),
    l1FeeScalar: new Uint8Array(32),
    baseFeeScalar: 0,
    blobBaseFeeScalar: 0,
    blobBaseFee: 0n,
    operatorFeeScalar: 0,
    operatorFeeConstant: 0n,
    daFootprintGasScalar: 0,
  }
  switch (format) {
    case 'bedrock':
      info.l1FeeOverhead = fromHex(systemConfig.overhead)
      info.l1FeeScalar = fromHex(systemConfig.scalar)
      return info
    case 'jovian':
      info.daFootprintGasScalar = systemConfig.daFootprintGasScalar || DA_FOOTPRINT_GAS_SCALAR_DEFAULT
      setOperatorFee(info, systemConfig)
      setEcotoneFields(info, config, l1Header, systemConfig)
      return info
    case 'isthmus':
      setOperatorFee(info, systemConfig)
      setEcotoneFields(info, config, l1Header, systemConfig)
      return info
    case 'ecotone':
      setEcotoneFields(info, config, l1Header, systemConfig)
      return info
  }
}

function setEcotoneFields(info: L1Info, config: L1InfoConfig, l1Header: L1InfoHeader, systemConfig: SystemConfig): void {
  const scalars = ecotoneScalars(fromHex(systemConfig.scalar))
  info.baseFeeScalar = scalars.baseFeeScalar
  info.blobBaseFeeScalar = scalars.blobBaseFeeScalar
  info.blobBaseFee = l1BlobBaseFee({
    l1: config.l1,
    l1Time: l1Header.timestamp,
    excessBlobGas: l1Header.excessBlobGas,
    pectraBlobScheduleTime: config.pectraBlobScheduleTime,
  })
}

function setOperatorFee(info: L1Info, systemConfig: SystemConfig): void {
  const fee = decodeOperatorFeeParams(fromHex(systemConfig.operatorFeeParams))
  info.operatorFeeScalar = fee.operatorFeeScalar
  info.operatorFeeConstant = fee.operatorFeeConstant
}

/**
 * The L1-info deposit: from the depositor to L1Block, no mint or value, source hash domain 1 over
 * `(blockHash, sequenceNumber)`; 150M gas as a system transaction before Regolith, 1M gas and not a system
 * transaction from Regolith (`regolith` = Regolith active at the L2 block's timestamp).
 */
export function l1InfoDepositTx(info: L1Info, regolith: boolean): DepositTx {
  return {
    sourceHash: l1InfoSourceHash(info.blockHash, info.sequenceNumber),
    from: L1_INFO_DEPOSITOR.slice(),
    to: L1_BLOCK_ADDRESS.slice(),
    mint: 0n,
    value: 0n,
    gas: regolith ? L1_INFO_GAS_REGOLITH : L1_INFO_GAS_BEDROCK,
    isSystemTx: !regolith,
    data: encodeL1InfoCalldata(info),
  }
}
