/**
 * `POST /` JSON-RPC 2.0 (PROTOCOL.md §4): `optimism_*` for everyone, `admin_*` behind the bearer token. Bad requests
 * get standard JSON-RPC errors, never an exception; batches are answered in order.
 */
import { toRollupJson } from '../shared/config/parse-rollup-json.ts'
import type { NodeConfig } from './config.ts'

export const OP_EDGE_VERSION = 'v0.1.0-op-edge'
/** Largest request body accepted (bytes). */
export const MAX_RPC_BODY = 1 << 20
export const MAX_BATCH = 100

export const RPC_ERRORS = {
  parse: { code: -32700, message: 'parse error' },
  invalidRequest: { code: -32600, message: 'invalid request' },
  methodNotFound: { code: -32601, message: 'method not found' },
  invalidParams: { code: -32602, message: 'invalid params' },
  internal: { code: -32603, message: 'internal error' },
  unauthorized: { code: -32001, message: 'unauthorized: admin methods need the bearer token' },
} as const

type Id = string | number | null
export type RpcResponse = { jsonrpc: '2.0'; id: Id; result?: unknown; error?: { code: number; message: string; data?: unknown } }

/** What the handlers need from the node; the Worker passes the Durable Object's stub. */
export type RpcBackend = {
  syncStatus(): Promise<unknown>
  safeHeadAtL1Block(l1Number: number): Promise<unknown>
  /** `ok: false` carries op-node's error text (an unknown block, a bad proof, an engine failure). */
  outputAtBlock(number: number): Promise<{ ok: true; output: unknown } | { ok: false; message: string }>
  adminReset(): Promise<void>
  startSequencer(hash: string): Promise<{ ok: true } | { ok: false; reason: string }>
  stopSequencer(): Promise<{ ok: true; hash: string } | { ok: false; reason: string }>
  sequencerActive(): Promise<boolean>
}

export class RpcError extends Error {
  readonly code: number
  readonly data: unknown
  constructor(e: { code: number; message: string }, detail?: string, data?: unknown) {
    super(detail ? `${e.message}: ${detail}` : e.message)
    this.code = e.code
    this.data = data
  }
}

type Handler = (params: unknown[], ctx: { config: NodeConfig; backend: RpcBackend; admin: boolean }) => Promise<unknown>

function quantityParam(params: unknown[], i: number, name: string): number {
  const v = params[i]
  const n = typeof v === 'string' && /^0x[0-9a-fA-F]+$/.test(v) ? Number.parseInt(v, 16) : typeof v === 'number' ? v : Number.NaN
  if (!Number.isSafeInteger(n) || n < 0) throw new RpcError(RPC_ERRORS.invalidParams, `${name} must be a quantity`)
  return n
}

/** geth answers a handler's plain error with -32000 and the error's text (`rpc/errors.go`). */
const SERVER_ERROR = -32000

/**
 * One `hexutil.Uint64` argument, the only one (geth `parsePositionalArguments` + go-ethereum `common/hexutil`): a JSON
 * string, `0x`-prefixed, no leading zero digits, at most 64 bits. No block tags, no JSON numbers. Errors read as geth's.
 */
function uint64Only(params: unknown[]): bigint {
  const invalid = (why: string) => new RpcError({ code: RPC_ERRORS.invalidParams.code, message: why })
  if (params.length > 1) throw invalid(`too many arguments, want at most 1`)
  const v = params[0]
  if (v === undefined || v === null) throw invalid('missing value for required argument 0')
  const arg = (why: string) => invalid(`invalid argument 0: ${why}`)
  if (typeof v !== 'string') throw arg('json: cannot unmarshal non-string into Go value of type hexutil.Uint64')
  if (v === '') throw arg('empty hex string')
  if (!/^0[xX]/.test(v)) throw arg('hex string without 0x prefix')
  const digits = v.slice(2)
  if (digits === '') throw arg('hex string "0x"')
  if (digits.length > 1 && digits[0] === '0') throw arg('hex number with leading zero digits')
  if (!/^[0-9a-fA-F]+$/.test(digits)) throw arg('invalid hex string')
  if (digits.length > 16) throw arg('hex number > 64 bits')
  return BigInt(v)
}

const HANDLERS: Record<string, Handler> = {
  optimism_syncStatus: async (_p, { backend }) => backend.syncStatus(),
  optimism_rollupConfig: async (_p, { config }) => toRollupJson(config.chain),
  optimism_version: async () => OP_EDGE_VERSION,
  optimism_safeHeadAtL1Block: async (p, { backend }) => {
    const n = quantityParam(p, 0, 'l1BlockNumber')
    const r = await backend.safeHeadAtL1Block(n)
    if (!r) throw new RpcError(RPC_ERRORS.invalidParams, `no safe head recorded at or before L1 block ${n}`)
    return r
  },
  optimism_outputAtBlock: async (p, { backend }) => {
    const n = uint64Only(p)
    // A height past 2^53 is a valid argument no block can have: op-node's "not found", without asking the node.
    const r = n > BigInt(Number.MAX_SAFE_INTEGER)
      ? { ok: false as const, message: `failed to get L2 block ref with sync status: failed to determine L2BlockRef of height ${n}, could not get payload: not found` }
      : await backend.outputAtBlock(Number(n))
    if (!r.ok) throw new RpcError({ code: SERVER_ERROR, message: r.message })
    return r.output
  },
  admin_resetDerivationPipeline: async (_p, { backend }) => {
    await backend.adminReset()
    return null
  },
  // op-node `admin_startSequencer(blockHash)`: the hash must be the current unsafe head.
  admin_startSequencer: async (params, { backend }) => {
    const hash = params[0]
    if (typeof hash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(hash)) throw new RpcError(RPC_ERRORS.invalidParams, 'expected the unsafe head block hash (32 bytes of 0x hex)')
    const r = await backend.startSequencer(hash)
    if (!r.ok) throw new RpcError({ code: SERVER_ERROR, message: r.reason })
    return null
  },
  admin_stopSequencer: async (_p, { backend }) => {
    const r = await backend.stopSequencer()
    if (!r.ok) throw new RpcError({ code: SERVER_ERROR, message: r.reason })
    return r.hash
  },
  admin_sequencerActive: async (_p, { backend }) => backend.sequencerActive(),
}

async function handleOne(req: unknown, ctx: { config: NodeConfig; backend: RpcBackend; admin: boolean }): Promise<RpcResponse | null> {
  if (!req || typeof req !== 'object' || Array.isArray(req)) return { jsonrpc: '2.0', id: null, error: RPC_ERRORS.invalidRequest }
  const r = req as Record<string, unknown>
  const id: Id = typeof r.id === 'string' || typeof r.id === 'number' ? r.id : null
  const notification = !('id' in r)
  if (r.jsonrpc !== '2.0' || typeof r.method !== 'string') return { jsonrpc: '2.0', id, error: RPC_ERRORS.invalidRequest }
  const params = r.params === undefined ? [] : r.params
  if (!Array.isArray(params)) return { jsonrpc: '2.0', id, error: { ...RPC_ERRORS.invalidParams, message: 'invalid params: must be an array' } }
  const handler = HANDLERS[r.method]
  let response: RpcResponse
  if (!handler) response = { jsonrpc: '2.0', id, error: { ...RPC_ERRORS.methodNotFound, message: `the method ${r.method.slice(0, 64)} does not exist/is not available` } }
  else if (r.method.startsWith('admin_') && !ctx.admin) response = { jsonrpc: '2.0', id, error: RPC_ERRORS.unauthorized }
  else {
    try {
      response = { jsonrpc: '2.0', id, result: await handler(params, ctx) }
    } catch (e) {
      response = e instanceof RpcError ? { jsonrpc: '2.0', id, error: { code: e.code, message: e.message, ...(e.data === undefined ? {} : { data: e.data }) } } : { jsonrpc: '2.0', id, error: RPC_ERRORS.internal }
    }
  }
  return notification ? null : response
}

/** Answer a raw request body: a single call or a batch. Returns the JSON to send (undefined: nothing, all notifications). */
export async function handleRpcBody(body: string, ctx: { config: NodeConfig; backend: RpcBackend; admin: boolean }): Promise<RpcResponse | RpcResponse[] | undefined> {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return { jsonrpc: '2.0', id: null, error: RPC_ERRORS.parse }
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0 || parsed.length > MAX_BATCH) {
      return { jsonrpc: '2.0', id: null, error: { ...RPC_ERRORS.invalidRequest, message: `invalid request: batch must hold 1 to ${MAX_BATCH} calls` } }
    }
    const out = (await Promise.all(parsed.map((p) => handleOne(p, ctx)))).filter((x): x is RpcResponse => x !== null)
    return out.length ? out : undefined
  }
  return (await handleOne(parsed, ctx)) ?? undefined
}
