/**
 * The `engine_*` methods of the dev engine, strict like op-geth/op-reth (PROTOCOL.md §3, §10; execution-apis
 * `src/engine/*.md`; geth `eth/catalyst/api.go`): method versions by the timestamp's fork, attribute fields by fork,
 * VALID / INVALID / SYNCING semantics, reorgs by forkchoice, and the -38xxx errors.
 */
import { bytesEqual, fromHex, type Hex, keccak, toHex } from '../../../shared/bytes.ts'
import { executionPayloadFromJson, executionPayloadToJson } from '../../../shared/codec/payload-json.ts'
import type { ExecutionPayload } from '../../../shared/codec/ssz-payload.ts'
import { isActive } from '../../../shared/config/forks.ts'
import type { RollupConfig } from '../../../shared/config/rollup-config.ts'
import { DecodeError } from '../../../shared/errors.ts'
import { payloadBlockHash } from '../../../shared/protocol/header-hash.ts'
import { buildBlock, checkBlock, type DevBlock } from './block-builder.ts'
import { type ChainStore, ZERO_HASH } from './chain-store.ts'
import { checkEip1559Params } from './eip1559.ts'
import {
  data,
  parseAttributes,
  parseExecutionRequests,
  parseForkchoiceState,
  parsePayloadId,
  parseVersionedHashes,
  present,
  type RequestedAttributes,
} from './engine-params.ts'
import {
  engineFork,
  fcuVersion,
  getPayloadVersion,
  invalidAttributes,
  invalidForkchoice,
  invalidParams,
  newPayloadVersion,
  RPC_ERRORS,
  RpcError,
  unsupportedFork,
} from './engine-rules.ts'

/** Test hook: a payload at `number` and/or containing `tx` is INVALID (newPayload) / unbuildable (FCU, -38003). */
export type InvalidRule = { number?: number; tx?: Hex; reason?: string }

export type EngineContext = {
  config: RollupConfig
  store: ChainStore
  /** Built payloads by id (geth keeps a small cache too). */
  payloads: Map<Hex, DevBlock>
  invalidRules: InvalidRule[]
  /** Pending user transactions (`eth_sendRawTransaction`), appended to blocks built with `noTxPool: false`. */
  txPool: Hex[]
}

export type PayloadStatus = {
  status: 'VALID' | 'INVALID' | 'SYNCING' | 'ACCEPTED'
  latestValidHash: Hex | null
  validationError: string | null
}

type Handler = (params: unknown[]) => unknown

const MAX_BUILT_PAYLOADS = 64
const MAX_REMOTE_PAYLOADS = 1024

export function engineHandlers(ctx: EngineContext): Record<string, Handler> {
  return {
    engine_forkchoiceUpdatedV1: (p) => forkchoiceUpdated(ctx, 1, p),
    engine_forkchoiceUpdatedV2: (p) => forkchoiceUpdated(ctx, 2, p),
    engine_forkchoiceUpdatedV3: (p) => forkchoiceUpdated(ctx, 3, p),
    engine_getPayloadV2: (p) => getPayload(ctx, 2, p),
    engine_getPayloadV3: (p) => getPayload(ctx, 3, p),
    engine_getPayloadV4: (p) => getPayload(ctx, 4, p),
    engine_getPayloadV5: (p) => getPayload(ctx, 5, p),
    engine_newPayloadV2: (p) => newPayload(ctx, 2, p),
    engine_newPayloadV3: (p) => newPayload(ctx, 3, p),
    engine_newPayloadV4: (p) => newPayload(ctx, 4, p),
    engine_exchangeCapabilities: () => Object.keys(engineHandlers(ctx)).filter((m) => m !== 'engine_exchangeCapabilities'),
  }
}

function forkchoiceUpdated(ctx: EngineContext, version: 1 | 2 | 3, params: unknown[]) {
  arity(params, 2)
  const state = parseForkchoiceState(params[0])
  const attrs = parseAttributes(params[1])
  if (attrs !== undefined) checkFcuVersion(ctx.config, version, attrs)
  const { store } = ctx
  if (state.head === ZERO_HASH) return { payloadStatus: status('INVALID', null, null), payloadId: null }
  const bad = store.invalid.get(state.head)
  if (bad !== undefined) return { payloadStatus: status('INVALID', bad.latestValidHash, bad.reason), payloadId: null }
  const head = store.get(state.head)
  if (head === undefined) {
    // geth starts a sync towards the head and answers SYNCING; payloads it was handed earlier are imported now.
    syncFromRemote(ctx, state.head)
    return { payloadStatus: status('SYNCING', null, null), payloadId: null }
  }
  // Validated before anything moves (geth moves the head first; the answer is the same error either way).
  const finalized = ancestor(store, state.finalized, head, 'final')
  const safe = ancestor(store, state.safe, head, 'safe')
  store.setForkchoice(head, safe, finalized)
  // Attribute errors do not roll the forkchoice back (execution-apis paris.md, forkchoiceUpdatedV1 step 7).
  const payloadId = attrs === undefined ? null : startBuild(ctx, version, head, attrs)
  return { payloadStatus: status('VALID', head.hash, null), payloadId }
}

/** geth's per-version checks of attributes, in geth's order. */
function checkFcuVersion(config: RollupConfig, version: 1 | 2 | 3, attrs: RequestedAttributes): void {
  const fork = engineFork(config, attrs.timestamp)
  if (version === 1) {
    if (attrs.withdrawals !== undefined || attrs.parentBeaconBlockRoot !== undefined) {
      throw invalidParams('withdrawals and beacon root not supported in V1')
    }
    if (fork !== 'bedrock') throw invalidParams('forkChoiceUpdateV1 called post-shanghai')
    return
  }
  if (attrs.withdrawals === undefined) throw invalidAttributes('missing withdrawals')
  if (version === 2 && attrs.parentBeaconBlockRoot !== undefined) throw invalidAttributes('unexpected beacon root')
  if (version === 3 && attrs.parentBeaconBlockRoot === undefined) throw invalidAttributes('missing beacon root')
  if (fcuVersion(fork) !== version) {
    throw unsupportedFork(`forkchoiceUpdatedV${version} called for a ${fork} timestamp, want V${fcuVersion(fork)}`)
  }
}

function ancestor(store: ChainStore, hash: Hex, head: DevBlock, what: 'safe' | 'final'): DevBlock | undefined {
  if (hash === ZERO_HASH) return undefined
  const block = store.get(hash)
  if (block === undefined) throw invalidForkchoice(`${what} block not available in database`)
  if (!store.isAncestor(block, head)) throw invalidForkchoice(`${what} block not in canonical chain`)
  return block
}

/** OP attribute rules (op-geth `miner` / `catalyst`), then the build itself; returns the payload id. */
function startBuild(ctx: EngineContext, version: number, head: DevBlock, attrs: RequestedAttributes): Hex {
  const { config } = ctx
  const t = attrs.timestamp
  if (attrs.gasLimit === undefined) throw invalidAttributes('gasLimit parameter is required')
  if (attrs.withdrawals !== undefined && attrs.withdrawals.length > 0) throw invalidAttributes('withdrawals must be empty')
  if (isActive(config, 'holocene', t)) {
    if (attrs.eip1559Params === undefined) throw invalidAttributes('missing eip1559Params post-holocene')
    const bad = checkEip1559Params(fromHex(attrs.eip1559Params))
    if (bad !== undefined) throw invalidAttributes(bad)
  } else if (attrs.eip1559Params !== undefined) {
    throw invalidAttributes('unexpected eip1559Params pre-holocene')
  }
  if (isActive(config, 'jovian', t) && attrs.minBaseFee === undefined) throw invalidAttributes('missing minBaseFee post-jovian')
  if (!isActive(config, 'jovian', t) && attrs.minBaseFee !== undefined) throw invalidAttributes('unexpected minBaseFee pre-jovian')
  // A sequencer's block (noTxPool false) takes the pool's transactions after the forced ones, like op-geth.
  const transactions = attrs.noTxPool ? attrs.transactions : [...attrs.transactions, ...ctx.txPool]
  const block = buildBlock(config, head, { ...attrs, transactions, gasLimit: attrs.gasLimit, withdrawals: attrs.withdrawals ? [] : undefined })
  if ('rejected' in block) {
    if (block.rejected === 'undecodable') throw new RpcError(RPC_ERRORS.server, block.reason)
    throw invalidAttributes(block.reason)
  }
  const rule = matchRule(ctx, block.payload)
  if (rule !== undefined) throw invalidAttributes(`failed to force-include transactions: ${rule.reason ?? 'marked invalid by test'}`)
  const id = payloadId(version, head.hash, attrs)
  ctx.payloads.delete(id)
  ctx.payloads.set(id, block)
  if (ctx.payloads.size > MAX_BUILT_PAYLOADS) ctx.payloads.delete(ctx.payloads.keys().next().value as Hex)
  return id
}

/** Like geth: a hash over the parent and every attribute field, with the method version in the first byte. */
function payloadId(version: number, parent: Hex, attrs: RequestedAttributes): Hex {
  const json = JSON.stringify({ parent, ...attrs }, (_, v) => (typeof v === 'bigint' ? v.toString() : v))
  const id = keccak(new TextEncoder().encode(json)).slice(0, 8)
  id[0] = version
  return toHex(id)
}

function getPayload(ctx: EngineContext, version: 2 | 3 | 4 | 5, params: unknown[]) {
  arity(params, 1)
  const id = parsePayloadId(params[0])
  const block = ctx.payloads.get(id)
  if (block === undefined) throw new RpcError(RPC_ERRORS.unknownPayload, 'Unknown payload')
  const fork = engineFork(ctx.config, block.payload.timestamp)
  const want = getPayloadVersion(fork)
  if (want !== version) throw unsupportedFork(`getPayloadV${version} called for a ${fork} payload, want V${want}`)
  const envelope: Record<string, unknown> = { executionPayload: executionPayloadToJson(block.payload), blockValue: '0x0' }
  if (version >= 3) {
    envelope.blobsBundle = { commitments: [], proofs: [], blobs: [] }
    envelope.shouldOverrideBuilder = false
    envelope.parentBeaconBlockRoot = block.parentBeaconBlockRoot ? toHex(block.parentBeaconBlockRoot) : null
  }
  if (version >= 4) envelope.executionRequests = []
  return envelope
}

function newPayload(ctx: EngineContext, version: 2 | 3 | 4, params: unknown[]): PayloadStatus {
  arity(params, version === 2 ? 1 : version === 3 ? 3 : 4)
  let payload: ExecutionPayload
  try {
    payload = executionPayloadFromJson(params[0])
  } catch (e) {
    if (e instanceof DecodeError) throw invalidParams(e.message)
    throw e
  }
  const { config, store } = ctx
  const fork = engineFork(config, payload.timestamp)
  let pbbr: Uint8Array | undefined
  let hashes: Hex[] = []
  if (version === 2) {
    if (newPayloadVersion(fork) !== 2) throw unsupportedFork(`newPayloadV2 called for a ${fork} payload`)
    if (fork === 'canyon' && payload.withdrawals === undefined) throw invalidParams('nil withdrawals post-shanghai')
    if (fork === 'bedrock' && payload.withdrawals !== undefined) throw invalidParams('non-nil withdrawals pre-shanghai')
    if (payload.excessBlobGas !== undefined) throw invalidParams('non-nil excessBlobGas pre-cancun')
    if (payload.blobGasUsed !== undefined) throw invalidParams('non-nil blobGasUsed pre-cancun')
  } else {
    if (payload.withdrawals === undefined) throw invalidParams('nil withdrawals post-shanghai')
    if (payload.excessBlobGas === undefined) throw invalidParams('nil excessBlobGas post-cancun')
    if (payload.blobGasUsed === undefined) throw invalidParams('nil blobGasUsed post-cancun')
    hashes = parseVersionedHashes(params[1])
    if (!present(params[2])) throw invalidParams('nil beaconRoot post-cancun')
    pbbr = fromHex(data(params[2], 'parentBeaconBlockRoot', 32))
    if (version === 4) {
      if (parseExecutionRequests(params[3]).length > 0) throw invalidParams('non-empty executionRequests on an OP chain')
      if (payload.withdrawalsRoot === undefined) throw invalidParams('nil withdrawalsRoot post-isthmus')
    }
    if (newPayloadVersion(fork) !== version) {
      throw unsupportedFork(`newPayloadV${version} called for a ${fork} payload, want V${newPayloadVersion(fork)}`)
    }
  }
  // Post-Shanghai engines answer INVALID (not INVALID_BLOCK_HASH) on a hash mismatch, with no latest valid hash.
  const computed = payloadBlockHash(payload, pbbr, { isthmus: isActive(config, 'isthmus', payload.timestamp) })
  if (!bytesEqual(computed, payload.blockHash)) {
    return status('INVALID', null, `blockhash mismatch, want ${toHex(computed)}, got ${toHex(payload.blockHash)}`)
  }
  if (hashes.length > 0) return status('INVALID', null, `invalid number of versionedHashes: ${hashes.length} blob hashes, 0 blobs`)
  const hash = toHex(payload.blockHash)
  const bad = store.invalid.get(hash)
  if (bad !== undefined) return status('INVALID', bad.latestValidHash, bad.reason)
  if (store.get(hash) !== undefined) return status('VALID', hash, null)
  const parentHash = toHex(payload.parentHash)
  const badParent = store.invalid.get(parentHash)
  if (badParent !== undefined) {
    store.invalid.set(hash, { latestValidHash: badParent.latestValidHash, reason: 'links to previously rejected block' })
    return status('INVALID', badParent.latestValidHash, 'links to previously rejected block')
  }
  const parent = store.get(parentHash)
  if (parent === undefined) {
    store.remote.set(hash, { payload, parentBeaconBlockRoot: pbbr })
    if (store.remote.size > MAX_REMOTE_PAYLOADS) store.remote.delete(store.remote.keys().next().value as Hex)
    return status('SYNCING', null, null)
  }
  return insert(ctx, parent, payload, pbbr)
}

/** "Executes" a payload on its known parent and stores it (VALID) or remembers it as INVALID. */
function insert(ctx: EngineContext, parent: DevBlock, payload: ExecutionPayload, pbbr: Uint8Array | undefined): PayloadStatus {
  const hash = toHex(payload.blockHash)
  const rule = matchRule(ctx, payload)
  const checked = rule !== undefined ? (rule.reason ?? 'marked invalid by test') : checkBlock(ctx.config, parent, payload, pbbr)
  if (typeof checked === 'string') {
    ctx.store.invalid.set(hash, { latestValidHash: parent.hash, reason: checked })
    return status('INVALID', parent.hash, checked)
  }
  ctx.store.add(checked)
  // Included transactions leave the pool.
  const included = new Set(payload.transactions.map((t) => toHex(t)))
  ctx.txPool = ctx.txPool.filter((t) => !included.has(t.toLowerCase() as Hex))
  return status('VALID', hash, null)
}

/** Imports the chain of remembered payloads leading to `head`, if it reaches a known block. */
function syncFromRemote(ctx: EngineContext, head: Hex): void {
  const { store } = ctx
  const chain = []
  for (let h = head, r = store.remote.get(h); r !== undefined; h = toHex(r.payload.parentHash), r = store.remote.get(h)) {
    chain.push(r)
  }
  let parent = chain.length === 0 ? undefined : store.get(toHex(chain[chain.length - 1].payload.parentHash))
  for (const r of chain.reverse()) {
    if (parent === undefined || insert(ctx, parent, r.payload, r.parentBeaconBlockRoot).status !== 'VALID') return
    parent = store.get(toHex(r.payload.blockHash))
  }
}

function matchRule(ctx: EngineContext, payload: ExecutionPayload): InvalidRule | undefined {
  return ctx.invalidRules.find(
    (r) =>
      (r.number === undefined || r.number === payload.blockNumber) &&
      (r.tx === undefined || payload.transactions.some((tx) => bytesEqual(tx, fromHex(r.tx as Hex)))),
  )
}

function status(s: PayloadStatus['status'], latestValidHash: Hex | null, validationError: string | null): PayloadStatus {
  return { status: s, latestValidHash, validationError }
}

/** geth refuses extra positional arguments ("too many arguments, want at most N"). */
function arity(params: unknown[], max: number): void {
  if (params.length > max) throw invalidParams(`too many arguments, want at most ${max}`)
}
