/**
 * Read an op-node `rollup.json` (PROTOCOL.md §1.2) into a RollupConfig, with validation that names the bad field,
 * and write a RollupConfig back in that format (`optimism_rollupConfig`).
 */
import type { Hex } from '../bytes.ts'
import { OpEdgeError } from '../errors.ts'
import { L1_NETWORKS, unknownL1Network } from './l1-networks.ts'
import { FORKS, type Fork, type ForkTimes, type RollupConfig, type SystemConfig } from './rollup-config.ts'

/** A rollup config that cannot be used; `field` is the JSON path of the offending setting. */
export class RollupConfigError extends OpEdgeError {
  override name = 'RollupConfigError'
  readonly field: string
  constructor(field: string, problem: string) {
    super('critical', `rollup config: ${field}: ${problem}`)
    this.field = field
  }
}

type Json = Record<string, unknown>

const ZERO8 = '0x0000000000000000' as Hex
const ZERO32 = `0x${'00'.repeat(32)}` as Hex

function obj(v: unknown, field: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RollupConfigError(field, 'must be an object')
  return v as Json
}

function uint(v: unknown, field: string, opts: { optional?: boolean } = {}): number | undefined {
  if (v === undefined || v === null) {
    if (opts.optional) return undefined
    throw new RollupConfigError(field, 'is missing')
  }
  const n = typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v) ? Number(BigInt(v)) : v
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new RollupConfigError(field, `must be a non-negative integer, got ${JSON.stringify(v)}`)
  }
  return n
}

function req(v: unknown, field: string): number {
  return uint(v, field) as number
}

function bigUint(v: unknown, field: string, fallback?: bigint): bigint {
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback
    throw new RollupConfigError(field, 'is missing')
  }
  try {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v)
    if (typeof v === 'string' && /^(0x[0-9a-f]+|[0-9]+)$/i.test(v)) return BigInt(v)
  } catch {}
  throw new RollupConfigError(field, `must be a non-negative integer, got ${JSON.stringify(v)}`)
}

function hexBytes(v: unknown, field: string, size: number, fallback?: Hex): Hex {
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback
    throw new RollupConfigError(field, 'is missing')
  }
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]*$/.test(v) || v.length !== 2 + 2 * size) {
    throw new RollupConfigError(field, `must be ${size} bytes of 0x-prefixed hex, got ${JSON.stringify(v)}`)
  }
  return v.toLowerCase() as Hex
}

function blockId(v: unknown, field: string) {
  const o = obj(v, field)
  return { hash: hexBytes(o.hash, `${field}.hash`, 32), number: req(o.number, `${field}.number`) }
}

function systemConfig(v: unknown, field: string): SystemConfig {
  const o = obj(v, field)
  return {
    batcherAddress: hexBytes(o.batcherAddr ?? o.batcherAddress, `${field}.batcherAddr`, 20),
    overhead: hexBytes(o.overhead, `${field}.overhead`, 32, ZERO32),
    scalar: hexBytes(o.scalar, `${field}.scalar`, 32),
    gasLimit: bigUint(o.gasLimit, `${field}.gasLimit`),
    eip1559Params: hexBytes(o.eip1559Params, `${field}.eip1559Params`, 8, ZERO8),
    operatorFeeParams: hexBytes(o.operatorFeeParams, `${field}.operatorFeeParams`, 32, ZERO32),
    minBaseFee: bigUint(o.minBaseFee, `${field}.minBaseFee`, 0n),
    daFootprintGasScalar: (() => {
      const n = uint(o.daFootprintGasScalar, `${field}.daFootprintGasScalar`, { optional: true }) ?? 0
      if (n > 0xffff) throw new RollupConfigError(`${field}.daFootprintGasScalar`, 'must fit in uint16')
      return n
    })(),
  }
}

/**
 * Parse a rollup.json object. Throws RollupConfigError naming the first bad field.
 * @param name what to call the chain (defaults to `chain-<l2_chain_id>`).
 */
export function parseRollupJson(input: unknown, name?: string): RollupConfig {
  const o = obj(input, '(root)')
  const g = obj(o.genesis, 'genesis')
  const forks: { [F in Fork]?: number } = {}
  for (const fork of FORKS) {
    const t = uint(o[`${fork}_time`], `${fork}_time`, { optional: true })
    if (t !== undefined) forks[fork] = t
  }
  // Forks must activate in order (op-node `checkForkOrder`): a later fork scheduled before an earlier one is an error.
  let last: { fork: Fork; time: number } | undefined
  for (const fork of FORKS) {
    const t = forks[fork]
    if (t === undefined) continue
    if (last && t < last.time) {
      throw new RollupConfigError(`${fork}_time`, `activates before ${last.fork}_time (${t} < ${last.time})`)
    }
    last = { fork, time: t }
  }
  const l1ChainId = req(o.l1_chain_id, 'l1_chain_id')
  const l2ChainId = req(o.l2_chain_id, 'l2_chain_id')
  const cfg = o.chain_op_config === undefined || o.chain_op_config === null ? undefined : obj(o.chain_op_config, 'chain_op_config')
  const config: RollupConfig = {
    name: name ?? `chain-${l2ChainId}`,
    genesis: {
      l1: blockId(g.l1, 'genesis.l1'),
      l2: blockId(g.l2, 'genesis.l2'),
      l2Time: req(g.l2_time, 'genesis.l2_time'),
      systemConfig: systemConfig(g.system_config, 'genesis.system_config'),
    },
    blockTime: req(o.block_time, 'block_time'),
    maxSequencerDrift: req(o.max_sequencer_drift, 'max_sequencer_drift'),
    seqWindowSize: req(o.seq_window_size, 'seq_window_size'),
    channelTimeout: req(o.channel_timeout, 'channel_timeout'),
    l1ChainId,
    l2ChainId,
    forks: forks as ForkTimes,
    keepKarstUpgradeGas: (() => {
      const v = o.keep_karst_upgrade_gas
      if (v === undefined || v === null) return false
      if (typeof v !== 'boolean') throw new RollupConfigError('keep_karst_upgrade_gas', 'must be a boolean')
      return v
    })(),
    batchInboxAddress: hexBytes(o.batch_inbox_address, 'batch_inbox_address', 20),
    depositContractAddress: hexBytes(o.deposit_contract_address, 'deposit_contract_address', 20),
    l1SystemConfigAddress: hexBytes(o.l1_system_config_address, 'l1_system_config_address', 20),
    chainOpConfig: {
      eip1559Elasticity: req(cfg?.eip1559Elasticity ?? 6, 'chain_op_config.eip1559Elasticity'),
      eip1559Denominator: req(cfg?.eip1559Denominator ?? 50, 'chain_op_config.eip1559Denominator'),
      eip1559DenominatorCanyon: req(cfg?.eip1559DenominatorCanyon ?? 250, 'chain_op_config.eip1559DenominatorCanyon'),
    },
    l1: L1_NETWORKS[l1ChainId] ?? unknownL1Network(l1ChainId),
  }
  const pectra = uint(o.pectra_blob_schedule_time, 'pectra_blob_schedule_time', { optional: true })
  if (pectra !== undefined) config.pectraBlobScheduleTime = pectra
  if (o.protocol_versions_address !== undefined && o.protocol_versions_address !== null) {
    config.protocolVersionsAddress = hexBytes(o.protocol_versions_address, 'protocol_versions_address', 20)
  }
  validateRollupConfig(config)
  return config
}

/** op-node `Config.Check`: the rules a usable rollup config satisfies (PROTOCOL.md §1.2). */
export function validateRollupConfig(c: RollupConfig): void {
  if (c.blockTime === 0) throw new RollupConfigError('block_time', 'must not be 0')
  if (c.channelTimeout === 0) throw new RollupConfigError('channel_timeout', 'must be greater than 0')
  if (c.seqWindowSize < 2) throw new RollupConfigError('seq_window_size', 'must be at least 2')
  if (c.maxSequencerDrift === 0 && c.forks.fjord !== 0) {
    throw new RollupConfigError('max_sequencer_drift', 'must be greater than 0 (unless Fjord is active at genesis)')
  }
  if (/^0x0+$/.test(c.genesis.l1.hash)) throw new RollupConfigError('genesis.l1.hash', 'must not be empty')
  if (/^0x0+$/.test(c.genesis.l2.hash)) throw new RollupConfigError('genesis.l2.hash', 'must not be empty')
  if (c.genesis.l1.hash === c.genesis.l2.hash) {
    throw new RollupConfigError('genesis.l2.hash', 'must differ from genesis.l1.hash')
  }
  if (c.genesis.l2Time === 0) throw new RollupConfigError('genesis.l2_time', 'must not be 0')
  if (c.genesis.systemConfig.gasLimit === 0n) throw new RollupConfigError('genesis.system_config.gasLimit', 'must not be 0')
  if (/^0x0+$/.test(c.batchInboxAddress)) throw new RollupConfigError('batch_inbox_address', 'must not be the zero address')
  if (/^0x0+$/.test(c.depositContractAddress)) {
    throw new RollupConfigError('deposit_contract_address', 'must not be the zero address')
  }
  if (c.l1ChainId === 0) throw new RollupConfigError('l1_chain_id', 'must be positive')
  if (c.l2ChainId === 0) throw new RollupConfigError('l2_chain_id', 'must be positive')
  if (c.l1ChainId === c.l2ChainId) throw new RollupConfigError('l2_chain_id', 'must differ from l1_chain_id')
}

/** The config in op-node's rollup.json shape (what `optimism_rollupConfig` returns). */
export function toRollupJson(c: RollupConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {
    genesis: {
      l1: { hash: c.genesis.l1.hash, number: c.genesis.l1.number },
      l2: { hash: c.genesis.l2.hash, number: c.genesis.l2.number },
      l2_time: c.genesis.l2Time,
      system_config: {
        batcherAddr: c.genesis.systemConfig.batcherAddress,
        overhead: c.genesis.systemConfig.overhead,
        scalar: c.genesis.systemConfig.scalar,
        gasLimit: Number(c.genesis.systemConfig.gasLimit),
        eip1559Params: c.genesis.systemConfig.eip1559Params,
        operatorFeeParams: c.genesis.systemConfig.operatorFeeParams,
        minBaseFee: Number(c.genesis.systemConfig.minBaseFee),
        daFootprintGasScalar: c.genesis.systemConfig.daFootprintGasScalar,
      },
    },
    block_time: c.blockTime,
    max_sequencer_drift: c.maxSequencerDrift,
    seq_window_size: c.seqWindowSize,
    channel_timeout: c.channelTimeout,
    l1_chain_id: c.l1ChainId,
    l2_chain_id: c.l2ChainId,
  }
  for (const fork of FORKS) if (c.forks[fork] !== undefined) out[`${fork}_time`] = c.forks[fork]
  if (c.pectraBlobScheduleTime !== undefined) out.pectra_blob_schedule_time = c.pectraBlobScheduleTime
  out.keep_karst_upgrade_gas = c.keepKarstUpgradeGas
  out.batch_inbox_address = c.batchInboxAddress
  out.deposit_contract_address = c.depositContractAddress
  out.l1_system_config_address = c.l1SystemConfigAddress
  if (c.protocolVersionsAddress) out.protocol_versions_address = c.protocolVersionsAddress
  out.chain_op_config = { ...c.chainOpConfig }
  return out
}
