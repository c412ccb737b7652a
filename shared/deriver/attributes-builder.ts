/**
 * Payload attributes of the next L2 block (PROTOCOL.md §2.9, §2.9.6, §10;
 * https://specs.optimism.io/protocol/derivation.html#deriving-payload-attributes). Mirrors op-node
 * `op-node/rollup/derive/attributes.go` `PreparePayloadAttributes` check for check and in the same order, with the L1
 * data (header, portal and SystemConfig logs) and the parent's SystemConfig passed in instead of fetched.
 *
 * ```text
 * transactions = [L1-info] ++ user deposits (first block of the epoch) ++ upgrade txs of every fork activating at
 *                this timestamp (Ecotone, Fjord, Isthmus, Jovian, then Karst's 31 NUTs) ++ batch txs
 * ```
 */
import { fromHex, type Hex, toHex } from '../bytes.ts'
import { isActivationBlock, isActive, UPGRADE_FORKS, type UpgradeFork } from '../config/forks.ts'
import type { BlockId, RollupConfig, SystemConfig } from '../config/rollup-config.ts'
import { DecodeError } from '../errors.ts'
import { depositFromLog, isDepositLog } from '../protocol/deposit-log.ts'
import { encodeDepositTx } from '../protocol/deposit-tx.ts'
import { l1InfoDepositTx, l1InfoFromHeader } from '../protocol/l1-info.ts'
import {
  applyConfigUpdateLog,
  CONFIG_UPDATE_TOPIC,
  type ConfigUpdateIgnoredReason,
  type ConfigUpdateType,
} from '../protocol/system-config.ts'
import { karstUpgradeGas, upgradeTransactions } from '../protocol/upgrade-txs/index.ts'
import type { L1BlockInfo, L1Log, L2BlockRef, PayloadAttributes } from './types.ts'

/** `0x4200000000000000000000000000000000000011`, the SequencerFeeVault predeploy (§2.9.6 `suggestedFeeRecipient`). */
export const SEQUENCER_FEE_VAULT: Hex = '0x4200000000000000000000000000000000000011'

const ZERO_HASH: Hex = `0x${'00'.repeat(32)}`

export type AttributesBuilderConfig = Pick<
  RollupConfig,
  'forks' | 'blockTime' | 'l1' | 'pectraBlobScheduleTime' | 'depositContractAddress' | 'l1SystemConfigAddress'
>

export type BuildAttributesInput = {
  /** The L2 parent (safe head for derivation, unsafe head for the sequencer). */
  parent: L2BlockRef
  /** SystemConfig as of `parent` (`block-system-config.ts`). */
  parentSystemConfig: SystemConfig
  /** The L1 origin of the new block. */
  epoch: L1BlockInfo
  /**
   * Every portal and SystemConfig log of `epoch` from successful receipts, in log order (other logs are ignored).
   * Required when `parent.l1Origin.number !== epoch.number`.
   */
  epochLogs?: readonly L1Log[]
  /** The new block's timestamp; must be `parent.timestamp + block_time`. */
  timestamp: number
  batchTransactions: readonly Uint8Array[] | readonly Hex[]
  /** Default true (derived blocks). The sequencer may pass false; upgrade activation blocks force true. */
  noTxPool?: boolean
}

/** One `ConfigUpdate` log of the epoch and what became of it, for the trace. */
export type ConfigUpdateTrace =
  | { logIndex: number; status: 'applied'; updateType: ConfigUpdateType }
  | {
      logIndex: number
      status: 'ignored'
      updateType: ConfigUpdateType | undefined
      reason: ConfigUpdateIgnoredReason
      message: string
    }

export type BuildAttributesResetReason = 'epoch-parent-mismatch' | 'epoch-hash-mismatch' | 'timestamp-before-epoch'
export type BuildAttributesCriticalReason =
  | 'bad-deposit-log'
  | 'bad-l1-info'
  | 'missing-epoch-logs'
  | 'epoch-logs-mismatch'
  | 'timestamp-mismatch'
  | 'bad-batch-tx'

export type BuildAttributesResult =
  | {
      kind: 'attributes'
      attributes: PayloadAttributes
      /** The SystemConfig this block was built with (parent's, after the epoch's updates). */
      systemConfig: SystemConfig
      sequenceNumber: number
      l1Origin: BlockId
      /** User deposits included (0 unless first block of the epoch). */
      depositCount: number
      /** Forks whose upgrade transactions this block carries, in insertion order. */
      upgradeForks: UpgradeFork[]
      configUpdates: ConfigUpdateTrace[]
    }
  | { kind: 'reset'; reason: BuildAttributesResetReason; message: string }
  | { kind: 'critical'; reason: BuildAttributesCriticalReason; message: string }

const reset = (reason: BuildAttributesResetReason, message: string): BuildAttributesResult => ({
  kind: 'reset',
  reason,
  message,
})
const critical = (reason: BuildAttributesCriticalReason, message: string): BuildAttributesResult => ({
  kind: 'critical',
  reason,
  message,
})

const sameHash = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
const lower = (h: Hex): Hex => h.toLowerCase() as Hex
const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e))

type EpochOutcome = { deposits: Hex[]; systemConfig: SystemConfig; configUpdates: ConfigUpdateTrace[] }

/**
 * User deposits and SystemConfig updates of the first block of an epoch (op-node `DeriveDeposits`,
 * `UpdateSystemConfigWithL1Receipts`). A malformed deposit is critical (deposits are never skipped, §2.9.3); a
 * malformed update is ignored and traced (newer op-node, PROTOCOL.md §9 item 9).
 */
function processEpochLogs(
  config: AttributesBuilderConfig,
  epoch: L1BlockInfo,
  logs: readonly L1Log[],
  systemConfig: SystemConfig,
): EpochOutcome | BuildAttributesResult {
  const deposits: Hex[] = []
  const configUpdates: ConfigUpdateTrace[] = []
  let current = systemConfig
  for (const log of logs) {
    const deposit = isDepositLog(log, config.depositContractAddress)
    const update =
      sameHash(log.address, config.l1SystemConfigAddress) &&
      log.topics.length > 0 &&
      sameHash(log.topics[0], CONFIG_UPDATE_TOPIC)
    if (!deposit && !update) continue
    // Source hashes commit to the log's block hash: logs of another block would derive different deposits.
    if (!sameHash(log.blockHash, epoch.hash)) {
      return critical('epoch-logs-mismatch', `log ${log.logIndex} is from block ${log.blockHash}, not ${epoch.hash}`)
    }
    if (deposit) {
      try {
        const tx = depositFromLog(log, config.depositContractAddress)
        if (tx !== undefined) deposits.push(toHex(encodeDepositTx(tx)))
      } catch (e) {
        if (e instanceof DecodeError) return critical('bad-deposit-log', `deposit log ${log.logIndex}: ${e.message}`)
        throw e
      }
      continue
    }
    const r = applyConfigUpdateLog(current, log, { l1Time: epoch.timestamp, config })
    if (r.status === 'applied') {
      current = r.systemConfig
      configUpdates.push({ logIndex: log.logIndex, status: 'applied', updateType: r.updateType })
    } else {
      const { updateType, reason, message } = r
      configUpdates.push({ logIndex: log.logIndex, status: 'ignored', updateType, reason, message })
    }
  }
  return { deposits, systemConfig: current, configUpdates }
}

function batchTxHex(txs: BuildAttributesInput['batchTransactions']): Hex[] | BuildAttributesResult {
  const out: Hex[] = []
  for (const [i, tx] of txs.entries()) {
    if (typeof tx !== 'string') {
      out.push(toHex(tx))
      continue
    }
    try {
      out.push(toHex(fromHex(tx)))
    } catch {
      return critical('bad-batch-tx', `batch transaction ${i} is not 0x hex`)
    }
  }
  return out
}

/**
 * Builds the payload attributes of the L2 block after `input.parent` with L1 origin `input.epoch`.
 *
 * - first block of the epoch (`parent.l1Origin.number !== epoch.number`): `epoch.parentHash` must be the parent's
 *   origin hash (else reset), deposits and config updates come from `epochLogs`, sequence number 0;
 * - same epoch: `epoch.hash` must be the parent's origin hash (else reset), no deposits, sequence number + 1;
 * - `parent.timestamp + block_time >= epoch.timestamp` (else reset);
 * - gas limit: SystemConfig `gasLimit`, plus the Karst upgrade gas on the Karst activation block (§10).
 *
 * Never throws on L1 data: bad inputs come back as `reset` or `critical`.
 *
 * @example
 * const r = buildAttributes(config, { parent, parentSystemConfig, epoch, epochLogs, timestamp, batchTransactions })
 * if (r.kind === 'attributes') engine.forkchoiceUpdated(..., r.attributes)
 */
export function buildAttributes(config: AttributesBuilderConfig, input: BuildAttributesInput): BuildAttributesResult {
  const { parent, epoch } = input
  const nextL2Time = parent.timestamp + config.blockTime
  if (input.timestamp !== nextL2Time) {
    return critical('timestamp-mismatch', `timestamp ${input.timestamp} is not parent ${parent.timestamp} + ${config.blockTime}`)
  }

  let systemConfig = input.parentSystemConfig
  let deposits: Hex[] = []
  let configUpdates: ConfigUpdateTrace[] = []
  let sequenceNumber: number
  if (parent.l1Origin.number !== epoch.number) {
    if (!sameHash(epoch.parentHash, parent.l1Origin.hash)) {
      return reset(
        'epoch-parent-mismatch',
        `L1 origin ${epoch.number} (parent ${epoch.parentHash}) does not extend ${parent.l1Origin.hash}`,
      )
    }
    if (input.epochLogs === undefined) {
      return critical('missing-epoch-logs', `first block of epoch ${epoch.number} needs the epoch's logs`)
    }
    const outcome = processEpochLogs(config, epoch, input.epochLogs, systemConfig)
    if ('kind' in outcome) return outcome
    ;({ deposits, systemConfig, configUpdates } = outcome)
    sequenceNumber = 0
  } else {
    if (!sameHash(epoch.hash, parent.l1Origin.hash)) {
      return reset('epoch-hash-mismatch', `L1 origin ${epoch.hash} conflicts with the parent's ${parent.l1Origin.hash}`)
    }
    sequenceNumber = parent.sequenceNumber + 1
  }

  // op-node: `nextL2Time < l1Info.Time()` → reset (the L2 block may share its origin's timestamp).
  if (nextL2Time < epoch.timestamp) {
    return reset('timestamp-before-epoch', `L2 time ${nextL2Time} is before L1 origin time ${epoch.timestamp}`)
  }

  const upgradeForks = UPGRADE_FORKS.filter((fork) => isActivationBlock(config, fork, nextL2Time))
  const upgradeTxs = upgradeForks.flatMap((fork) => upgradeTransactions(fork).map((u) => toHex(encodeDepositTx(u.tx))))

  let l1InfoTx: Hex
  try {
    const info = l1InfoFromHeader(config, epoch, systemConfig, sequenceNumber, nextL2Time)
    l1InfoTx = toHex(encodeDepositTx(l1InfoDepositTx(info, isActive(config, 'regolith', nextL2Time))))
  } catch (e) {
    // op-node: "failed to create l1InfoTx" is critical whatever the cause (e.g. an invalid Ecotone scalar).
    return critical('bad-l1-info', errorMessage(e))
  }

  const batchTxs = batchTxHex(input.batchTransactions)
  if (!Array.isArray(batchTxs)) return batchTxs

  // §10: the Karst activation block gets the NUT bundle's gas on top of the SystemConfig limit (op-node `IsL2CM…`).
  const gasLimit = systemConfig.gasLimit + (upgradeForks.includes('karst') ? karstUpgradeGas : 0n)
  const attributes: PayloadAttributes = {
    timestamp: nextL2Time,
    prevRandao: lower(epoch.mixHash),
    suggestedFeeRecipient: SEQUENCER_FEE_VAULT,
    transactions: [l1InfoTx, ...deposits, ...upgradeTxs, ...batchTxs],
    // op-node sequencer `startBuildingBlock`: no tx-pool transactions in an upgrade activation block.
    noTxPool: (input.noTxPool ?? true) || upgradeForks.length > 0,
    gasLimit,
  }
  if (isActive(config, 'canyon', nextL2Time)) attributes.withdrawals = []
  if (isActive(config, 'ecotone', nextL2Time)) {
    attributes.parentBeaconBlockRoot = lower(epoch.parentBeaconBlockRoot ?? ZERO_HASH)
  }
  // op-node sends the SystemConfig value on every Holocene block, the activation block included (zero unless an
  // update was applied in that epoch); kona sends zero there. PROTOCOL.md §9 item 13: follow op-node.
  if (isActive(config, 'holocene', nextL2Time)) attributes.eip1559Params = lower(systemConfig.eip1559Params)
  if (isActive(config, 'jovian', nextL2Time)) attributes.minBaseFee = systemConfig.minBaseFee

  return {
    kind: 'attributes',
    attributes,
    systemConfig,
    sequenceNumber,
    l1Origin: { hash: epoch.hash, number: epoch.number },
    depositCount: deposits.length,
    upgradeForks,
    configUpdates,
  }
}

/**
 * Holocene's replacement for attributes whose payload the engine rejected: the same attributes with only the deposit
 * transactions (type 0x7E: L1-info, user deposits, upgrade txs), in their order (PROTOCOL.md §2.10; op-service
 * `eth.PayloadAttributes.WithDepositsOnly`).
 */
export function depositOnlyAttributes(attributes: PayloadAttributes): PayloadAttributes {
  return { ...attributes, transactions: attributes.transactions.filter((tx) => tx.slice(2, 4).toLowerCase() === '7e') }
}
