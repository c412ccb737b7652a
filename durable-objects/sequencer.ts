/**
 * The sequencer (PROTOCOL.md §6.1; op-node `op-node/rollup/sequencing/sequencer.go`): one block per slot on the
 * unsafe head. A step is driven by the object's alarm, which is delivered at least once and may be late, so a step
 * is idempotent and total:
 *
 * - idle → choose the L1 origin (`shared/sequencer/origin-selector.ts`), build the attributes with the same builder
 *   as derivation (deposits of a new origin, upgrade txs and `noTxPool` at activation blocks), FCU with attributes;
 *   the job (payload id, slot, parent) is persisted;
 * - building → at the slot time: getPayload → newPayload → FCU(head); sign the block for gossip, hand it to the
 *   caller to publish, and queue it for the batcher.
 *
 * A job whose parent is no longer the unsafe head (derivation reorged it, a gossip block arrived) is discarded, so two
 * blocks are never built for one slot. Missed slots (a late alarm, a restart) are caught up one block per step,
 * sealed at once, with no tx-pool transactions; a payload the engine rejects is discarded and rebuilt.
 */
import { toHex, type Hex } from '../shared/bytes.ts'
import type { RollupConfig, SystemConfig } from '../shared/config/rollup-config.ts'
import { buildAttributes } from '../shared/deriver/attributes-builder.ts'
import type { L1BlockInfo, L1BlockRef, L1Log, L2BlockRef } from '../shared/deriver/types.ts'
import { encodeGossipBlock } from '../shared/p2p/encode-gossip-block.ts'
import { noTxPoolFor, selectL1Origin } from '../shared/sequencer/origin-selector.ts'
import { heads } from './derivation-control.ts'
import { forkchoiceOf, type EngineApi } from './engine-driver.ts'
import type { NodeState } from './node-state.ts'

/** What the sequencer reads from L1 (the worker's L1 source). */
export type SequencerL1 = {
  head(): Promise<L1BlockRef>
  blockRef(n: number): Promise<L1BlockRef>
  /** Header fields and the portal/SystemConfig logs of one L1 block. */
  epoch(n: number): Promise<{ header: L1BlockInfo; logs: L1Log[] }>
}

export type SequencerDeps = {
  config: RollupConfig
  state: NodeState
  engine: EngineApi
  l1: SequencerL1
  /** L1 confirmation depth for new origins (op-node `--sequencer.l1-confs`, default 4). */
  l1Confs: number
  /** Unix milliseconds. */
  now: number
  /** secp256k1 key of the unsafe-block signer. */
  key: Uint8Array
  /** The system config as of the unsafe head (read from the engine when the job table has none). */
  headSystemConfig(head: L2BlockRef): Promise<SystemConfig>
}

export type SequencedBlock = { ref: L2BlockRef; topic: string; message: Uint8Array; transactions: Uint8Array[] }

export type SequencerStep =
  | { kind: 'inactive' }
  | { kind: 'started'; number: number; sealAt: number }
  | { kind: 'sealed'; block: SequencedBlock; next: number }
  | { kind: 'wait'; until: number; reason: string }
  | { kind: 'discarded'; reason: string }

type Job = {
  payloadId: Hex
  parentHash: Hex
  timestamp: number
  origin: { hash: Hex; number: number }
  sequenceNumber: number
  systemConfig: SystemConfig
}

const JOB = 'sequencer_job'
const SYSTEM_CONFIG = 'sequencer_system_config'

/** One step; the caller arms the alarm for the time it returns (`started.sealAt`, `sealed.next`, `wait.until`). */
export async function sequencerStep(d: SequencerDeps): Promise<SequencerStep> {
  if (d.state.meta('sequencer_active') !== '1') return { kind: 'inactive' }
  const h = heads(d.state)
  if (!h) return { kind: 'wait', until: d.now + 1000, reason: 'the node has no heads yet' }
  const job = readJob(d.state)
  if (job && job.parentHash !== h.unsafe.hash) {
    d.state.setMeta(JOB, '')
    return { kind: 'discarded', reason: `the unsafe head moved to ${h.unsafe.number} while block ${job.timestamp} was being built` }
  }
  if (job) {
    if (d.now < job.timestamp * 1000) return { kind: 'wait', until: job.timestamp * 1000, reason: 'sealing at the slot time' }
    return seal(d, job, h)
  }
  const nextTime = h.unsafe.timestamp + d.config.blockTime
  // Start building one block time before the slot (the previous block was sealed then).
  const startAt = (nextTime - d.config.blockTime) * 1000
  if (d.now < startAt) return { kind: 'wait', until: startAt, reason: 'waiting for the next slot' }
  const behind = d.now >= (nextTime + d.config.blockTime) * 1000
  const started = await start(d, h, nextTime, behind)
  if (started.kind !== 'started') return started
  // Catching up a missed slot: seal at once.
  if (behind) return seal(d, readJob(d.state)!, heads(d.state)!)
  return started
}

async function start(d: SequencerDeps, h: NonNullable<ReturnType<typeof heads>>, nextTime: number, behind: boolean): Promise<SequencerStep> {
  const { config, l1 } = d
  const current = await l1.blockRef(h.unsafe.l1Origin.number)
  if (current.hash.toLowerCase() !== h.unsafe.l1Origin.hash.toLowerCase()) {
    return { kind: 'wait', until: d.now + 1000, reason: `the unsafe head's L1 origin ${current.number} was reorged out; waiting for derivation to reset` }
  }
  const l1Head = await l1.head()
  const next = current.number + 1 <= l1Head.number - d.l1Confs ? await l1.blockRef(current.number + 1) : undefined
  const chosen = selectL1Origin({ config, l2Head: h.unsafe, current, next })
  if (chosen.kind === 'wait') return { kind: 'wait', until: d.now + 1000, reason: chosen.reason }
  const newEpoch = chosen.origin.number !== h.unsafe.l1Origin.number
  const epoch = await l1.epoch(chosen.origin.number)
  if (epoch.header.hash.toLowerCase() !== chosen.origin.hash.toLowerCase()) return { kind: 'wait', until: d.now + 1000, reason: 'L1 changed while reading the origin' }
  const parentSystemConfig = readSystemConfig(d.state, h.unsafe) ?? (await d.headSystemConfig(h.unsafe))
  const built = buildAttributes(config, {
    parent: h.unsafe,
    parentSystemConfig,
    epoch: epoch.header,
    ...(newEpoch ? { epochLogs: epoch.logs } : {}),
    timestamp: nextTime,
    batchTransactions: [],
    // A catch-up block, or one past the drift, carries deposits only.
    noTxPool: behind || noTxPoolFor(config, chosen.origin, nextTime),
  })
  if (built.kind !== 'attributes') return { kind: 'wait', until: d.now + 1000, reason: `attributes: ${built.kind} ${'reason' in built ? String(built.reason) : ''}`.trim() }
  const fc = await d.engine.forkchoiceUpdated(forkchoiceOf(h), built.attributes)
  if (fc.status !== 'VALID' || !fc.payloadId) return { kind: 'wait', until: d.now + 1000, reason: `engine answered ${fc.status} to the build` }
  const job: Job = { payloadId: fc.payloadId, parentHash: h.unsafe.hash, timestamp: nextTime, origin: built.l1Origin, sequenceNumber: built.sequenceNumber, systemConfig: built.systemConfig }
  d.state.setMeta(JOB, JSON.stringify(job, bigints))
  return { kind: 'started', number: h.unsafe.number + 1, sealAt: nextTime * 1000 }
}

async function seal(d: SequencerDeps, job: Job, h: NonNullable<ReturnType<typeof heads>>): Promise<SequencerStep> {
  d.state.setMeta(JOB, '')
  const { payload, parentBeaconBlockRoot } = await d.engine.getPayload(job.payloadId, job.timestamp)
  const inserted = await d.engine.newPayload(payload, parentBeaconBlockRoot, job.timestamp)
  if (inserted.status !== 'VALID') return { kind: 'discarded', reason: `engine answered ${inserted.status} to the sealed block; rebuilding` }
  const ref: L2BlockRef = {
    hash: toHex(payload.blockHash),
    number: payload.blockNumber,
    parentHash: h.unsafe.hash,
    timestamp: payload.timestamp,
    l1Origin: job.origin,
    sequenceNumber: job.sequenceNumber,
  }
  const fc = await d.engine.forkchoiceUpdated(forkchoiceOf({ unsafe: ref, safe: h.safe, finalized: h.finalized }))
  if (fc.status !== 'VALID') return { kind: 'discarded', reason: `engine answered ${fc.status} to the new head` }
  d.state.setHead('unsafe', ref)
  d.state.setMeta(SYSTEM_CONFIG, JSON.stringify({ hash: ref.hash, systemConfig: job.systemConfig }, bigints))
  const gossip = encodeGossipBlock({ config: d.config, privateKey: d.key, payload, ...(parentBeaconBlockRoot ? { parentBeaconBlockRoot } : {}) })
  const transactions = payload.transactions.filter((t) => t[0] !== 0x7e)
  return { kind: 'sealed', block: { ref, topic: gossip.topic, message: gossip.data, transactions }, next: job.timestamp * 1000 }
}

function readJob(state: NodeState): Job | null {
  const s = state.meta(JOB)
  return s ? (JSON.parse(s, unbigints) as Job) : null
}

function readSystemConfig(state: NodeState, head: L2BlockRef): SystemConfig | null {
  const s = state.meta(SYSTEM_CONFIG)
  if (!s) return null
  const v = JSON.parse(s, unbigints) as { hash: Hex; systemConfig: SystemConfig }
  return v.hash === head.hash ? v.systemConfig : null
}

const bigints = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)
const unbigints = (_k: string, v: unknown) => (typeof v === 'string' && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v)
