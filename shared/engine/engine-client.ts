/**
 * A typed Engine API client over the caller's `fetch` (PROTOCOL.md §3; op-service `sources/engine_client.go`;
 * execution-apis `src/engine/{paris,shanghai,cancun,prague,osaka}.md`, `common.md#errors`). It also reads the engine's
 * `eth_*` namespace, which op-geth and op-reth serve on the same authenticated port.
 *
 * - Method versions come from `versions.ts` by payload/attributes timestamp; attributes JSON from `attributes-json.ts`.
 * - Every attempt carries a fresh HS256 token (`iat` = the caller's clock) and the optional extra headers (Cloudflare
 *   Access `CF-Access-Client-Id` / `CF-Access-Client-Secret` for a tunnelled engine).
 * - Each attempt has its own timeout (`AbortSignal.timeout`). Network errors, timeouts, HTTP 408/425/429/5xx are retried
 *   up to `retries` times (optionally spaced by the caller's `sleep`); answers from the engine — payload statuses and
 *   JSON-RPC errors — never are. Engine API calls are idempotent (the same attributes give the same payload id), so a
 *   retry after a lost answer is safe.
 * - JSON-RPC errors map to an {@link EngineError} with a typed `code` and `severity`: -38002 invalid forkchoice state →
 *   reset; -38003 invalid payload attributes → {@link InvalidAttributesError}; -38005 unsupported fork and -32601 method
 *   not found (an engine without this fork) → critical; everything else → temporary. HTTP 401/403 and redirects
 *   (Cloudflare Access sends unauthenticated requests to its login page) → critical.
 * - The engine URL may hold credentials: messages only ever show `redactUrl(url)`, network error texts are scrubbed and
 *   their causes dropped (runtimes quote the request URL in them).
 *
 * @example
 * const engine = createEngineClient({ url, jwtSecret, config, fetch, now: Date.now })
 * const { status, payloadId } = await engine.forkchoiceUpdated(state, attributes)
 * const { payload, parentBeaconBlockRoot } = await engine.getPayload(payloadId!, attributes.timestamp)
 * await engine.newPayload(payload, parentBeaconBlockRoot)
 */
import { type Hex, toHex } from '../bytes.ts'
import { executionPayloadEnvelopeFromJson, executionPayloadToJson } from '../codec/payload-json.ts'
import type { ExecutionPayload } from '../codec/ssz-payload.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import type { PayloadAttributes } from '../deriver/types.ts'
import { DecodeError, OpEdgeError, type Severity } from '../errors.ts'
import { type AccountProof, accountProofFromJson } from '../protocol/account-proof.ts'
import { type BlockHeader, headerFromRpcBlock } from '../protocol/header-hash.ts'
import { encodeRpcTransaction } from '../protocol/rpc-block-lists.ts'
import type { MatchBlock } from './attributes-match.ts'
import { payloadAttributesToJson } from './attributes-json.ts'
import { importJwtKey, parseJwtSecret, signJwt } from './jwt.ts'
import { redactUrl, redactUrlIn } from './redact-url.ts'
import { forkchoiceUpdatedMethod, getPayloadMethod, newPayloadMethod, newPayloadParams } from './versions.ts'

/** The global `fetch` fits; so does a fake. */
export type FetchFn = (input: string, init: RequestInit) => Promise<Response>

export type EngineClientOptions = {
  /** Engine RPC URL (authrpc, default port 8551), possibly behind a tunnel; may hold credentials. */
  url: string
  /** 32-byte hex secret shared with the engine. Checked here: a bad secret throws at creation. */
  jwtSecret: string
  config: Pick<RollupConfig, 'forks'>
  fetch: FetchFn
  /** Milliseconds since the epoch (the token's `iat` is taken from it). */
  now: () => number
  /** Sent with every request, e.g. Cloudflare Access service-token headers. */
  headers?: Readonly<Record<string, string>>
  /** Per attempt; default 10 s (op-node's engine client uses 5 s, a tunnel adds latency). */
  timeoutMs?: number
  /** Extra attempts after a transport failure; default 2. */
  retries?: number
  /** Waits between attempts (`shared/` has no timers); without it retries are immediate. */
  sleep?: (ms: number) => Promise<void>
}

export type ForkchoiceState = { headBlockHash: Hex; safeBlockHash: Hex; finalizedBlockHash: Hex }
/** `INVALID_TERMINAL_BLOCK` is pre-merge only and never sent to an L2 node. */
export type PayloadStatusValue = 'VALID' | 'INVALID' | 'SYNCING' | 'ACCEPTED' | 'INVALID_BLOCK_HASH'
export type PayloadStatus = { status: PayloadStatusValue; latestValidHash?: Hex; validationError?: string }
export type ForkchoiceUpdatedResult = PayloadStatus & { payloadId?: Hex }
export type GetPayloadResult = {
  payload: ExecutionPayload
  /** OP envelope extension (V3+): the beacon root the payload was built with, for newPayload. */
  parentBeaconBlockRoot?: Uint8Array
  blockValue?: bigint
}
export type BlockTag = 'latest' | 'safe' | 'finalized' | 'pending' | 'earliest'
/** An L2 block from `eth_getBlockByNumber(…, true)`, shaped for `attributesMatchBlock`. */
export type EngineBlock = MatchBlock & { hash: Hex; number: number; header: BlockHeader }

export type EngineClient = {
  forkchoiceUpdated(state: ForkchoiceState, attributes?: PayloadAttributes): Promise<ForkchoiceUpdatedResult>
  getPayload(payloadId: Hex, timestamp: number): Promise<GetPayloadResult>
  newPayload(payload: ExecutionPayload, parentBeaconBlockRoot: Uint8Array | undefined, timestamp?: number): Promise<PayloadStatus>
  ethGetBlockByNumber(block: BlockTag | number): Promise<EngineBlock | null>
  ethGetBlockByHash(hash: Hex): Promise<EngineBlock | null>
  ethChainId(): Promise<number>
  /**
   * `eth_getProof(address, storageKeys, block)`, or null when the engine answers null. The answer must be for the
   * address and keys asked (op-service `EthClient.GetProof`), else `malformed-response`; the proof itself is not
   * checked here (`verifyAccountProof`).
   */
  ethGetProof(address: Hex, storageKeys: readonly Hex[], block: Hex | BlockTag | number): Promise<AccountProof | null>
  /** Any JSON-RPC method on the engine endpoint, with the same auth, timeout, retries and error mapping. */
  call(method: string, params: readonly unknown[]): Promise<unknown>
}

export type EngineErrorCode =
  | 'network'
  | 'timeout'
  | 'http-status'
  | 'unauthorized'
  | 'malformed-response'
  | 'invalid-request'
  | 'method-not-found'
  | 'invalid-params'
  | 'unknown-payload'
  | 'invalid-forkchoice-state'
  | 'invalid-payload-attributes'
  | 'too-large-request'
  | 'unsupported-fork'
  | 'rpc-error'

/** The severity each failure carries (DESIGN.md "Errors"). */
export function engineErrorSeverity(code: EngineErrorCode): Severity {
  switch (code) {
    case 'network':
    case 'timeout':
    case 'http-status':
    case 'malformed-response':
    case 'invalid-params':
    case 'unknown-payload':
    case 'too-large-request':
    case 'rpc-error':
      return 'temporary'
    case 'invalid-forkchoice-state':
    case 'invalid-payload-attributes':
      return 'reset'
    case 'unauthorized':
    case 'invalid-request':
    case 'method-not-found':
    case 'unsupported-fork':
      return 'critical'
    default: {
      const never: never = code
      throw new TypeError(`unknown engine error code ${String(never)}`)
    }
  }
}

/** A failed Engine API or eth call. Branch on `code` / `severity`, never on the message. */
export class EngineError extends OpEdgeError {
  override name = 'EngineError'
  readonly code: EngineErrorCode
  readonly method: string
  /** The JSON-RPC error code, when the engine answered with one. */
  readonly rpcCode: number | undefined
  /** HTTP status, when a response arrived. */
  readonly httpStatus: number | undefined

  constructor(code: EngineErrorCode, method: string, details: string, extra: { rpcCode?: number; httpStatus?: number } = {}) {
    super(engineErrorSeverity(code), `${method} failed: ${code}`, { details })
    this.code = code
    this.method = method
    this.rpcCode = extra.rpcCode
    this.httpStatus = extra.httpStatus
  }
}

/**
 * -38003: the engine refused the attributes. Derived attributes take the invalid-attributes path (PROTOCOL.md §2.10:
 * drop pre-Holocene, deposit-only retry from Holocene); left uncaught it re-anchors the pipeline.
 */
export class InvalidAttributesError extends EngineError {
  override name = 'InvalidAttributesError'
}

const RPC_CODES: ReadonlyMap<number, EngineErrorCode> = new Map([
  [-32601, 'method-not-found'],
  [-32602, 'invalid-params'],
  [-38001, 'unknown-payload'],
  [-38002, 'invalid-forkchoice-state'],
  [-38003, 'invalid-payload-attributes'],
  [-38004, 'too-large-request'],
  [-38005, 'unsupported-fork'],
])
const RETRY_STATUS = new Set([408, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524, 525, 526, 527, 530])
const STATUSES: ReadonlySet<string> = new Set(['VALID', 'INVALID', 'SYNCING', 'ACCEPTED', 'INVALID_BLOCK_HASH'])
const MAX_DETAIL = 500

type Attempt = { ok: true; result: unknown } | { ok: false; error: EngineError; retry: boolean }

/**
 * Build a client. Validates the JWT secret now (so a bad secret fails at startup, not on the first call).
 *
 * @throws JwtSecretError
 */
export function createEngineClient(options: EngineClientOptions): EngineClient {
  const { url, config, now, sleep } = options
  // Called detached: workerd refuses a `fetch` invoked as a method of another object ("Illegal invocation").
  const fetchFn = options.fetch
  const endpoint = redactUrl(url)
  const timeoutMs = options.timeoutMs ?? 10_000
  const retries = Math.max(0, options.retries ?? 2)
  parseJwtSecret(options.jwtSecret)
  let key: Promise<CryptoKey> | undefined
  let nextId = 0

  const scrub = (text: string) => redactUrlIn(text, url).slice(0, MAX_DETAIL)
  const fail = (code: EngineErrorCode, method: string, details: string, extra?: { rpcCode?: number; httpStatus?: number }) =>
    code === 'invalid-payload-attributes'
      ? new InvalidAttributesError(code, method, `engine ${endpoint}: ${details}`, extra)
      : new EngineError(code, method, `engine ${endpoint}: ${details}`, extra)

  async function attempt(method: string, id: number, body: string): Promise<Attempt> {
    key ??= importJwtKey(options.jwtSecret)
    const token = await signJwt(await key, Math.floor(now() / 1000))
    let status: number
    let text: string
    try {
      const res = await fetchFn(url, {
        method: 'POST',
        headers: { ...options.headers, 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      })
      status = res.status
      text = await res.text()
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')
      const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
      return { ok: false, error: fail(timedOut ? 'timeout' : 'network', method, timedOut ? `no answer within ${timeoutMs} ms` : scrub(what)), retry: true }
    }
    if (status === 401 || status === 403 || (status >= 300 && status < 400)) {
      const hint = 'check the JWT secret and the Cloudflare Access headers'
      return { ok: false, error: fail('unauthorized', method, `HTTP ${status}: ${hint}`, { httpStatus: status }), retry: false }
    }
    const reply = parseReply(text, id)
    if (reply?.error !== undefined) {
      const { code, message } = reply.error
      const mapped = RPC_CODES.get(code) ?? 'rpc-error'
      return { ok: false, error: fail(mapped, method, `JSON-RPC ${code}: ${scrub(message)}`, { rpcCode: code, httpStatus: status }), retry: false }
    }
    if (status < 200 || status >= 300) {
      return { ok: false, error: fail('http-status', method, `HTTP ${status}`, { httpStatus: status }), retry: RETRY_STATUS.has(status) }
    }
    if (reply === undefined) {
      return { ok: false, error: fail('malformed-response', method, 'answer is not a JSON-RPC response to this request', { httpStatus: status }), retry: false }
    }
    return { ok: true, result: reply.result }
  }

  async function call(method: string, params: readonly unknown[]): Promise<unknown> {
    const id = ++nextId
    const body = jsonText({ jsonrpc: '2.0', id, method, params })
    let last: EngineError | undefined
    for (let n = 0; n <= retries; n++) {
      if (n > 0 && sleep !== undefined) await sleep(Math.min(250 * 2 ** (n - 1), 4_000))
      const outcome = await attempt(method, id, body)
      if (outcome.ok) return outcome.result
      last = outcome.error
      if (!outcome.retry) break
    }
    throw last
  }

  /** Decode an answer, turning codec errors into a temporary `malformed-response`. */
  function decode<T>(method: string, fn: () => T): T {
    try {
      return fn()
    } catch (e) {
      if (e instanceof DecodeError || e instanceof TypeError) throw fail('malformed-response', method, scrub(e.message))
      throw e
    }
  }

  return {
    async forkchoiceUpdated(state, attributes) {
      const method = forkchoiceUpdatedMethod(config, attributes?.timestamp)
      const json = attributes === undefined ? null : payloadAttributesToJson(config, attributes)
      const result = await call(method, [state, json])
      return decode(method, () => {
        const o = object(result, 'forkchoiceUpdated result')
        const status = payloadStatus(o.payloadStatus)
        return present(o.payloadId) ? { ...status, payloadId: hexOf(o.payloadId, 'payloadId', 8) } : status
      })
    },

    async getPayload(payloadId, timestamp) {
      const method = getPayloadMethod(config, timestamp)
      const result = await call(method, [payloadId])
      return decode(method, () => {
        const { payload, parentBeaconBlockRoot } = executionPayloadEnvelopeFromJson(result)
        const o = object(result, 'getPayload result')
        const out: GetPayloadResult = { payload }
        if (parentBeaconBlockRoot !== undefined) out.parentBeaconBlockRoot = parentBeaconBlockRoot
        if (present(o.blockValue)) out.blockValue = quantityOf(o.blockValue, 'blockValue')
        return out
      })
    },

    async newPayload(payload, parentBeaconBlockRoot, timestamp = payload.timestamp) {
      const method = newPayloadMethod(config, timestamp)
      let params: readonly unknown[]
      try {
        params = newPayloadParams(method, executionPayloadToJson(payload), parentBeaconBlockRoot && toHex(parentBeaconBlockRoot))
      } catch (e) {
        throw fail('invalid-request', method, e instanceof Error ? e.message : String(e))
      }
      const result = await call(method, params)
      return decode(method, () => payloadStatus(result))
    },

    async ethGetBlockByNumber(block) {
      const method = 'eth_getBlockByNumber'
      const result = await call(method, [typeof block === 'number' ? `0x${block.toString(16)}` : block, true])
      return result === null ? null : decode(method, () => engineBlock(result))
    },

    async ethGetBlockByHash(hash) {
      const method = 'eth_getBlockByHash'
      const result = await call(method, [hash, true])
      return result === null ? null : decode(method, () => engineBlock(result))
    },

    async ethGetProof(address, storageKeys, block) {
      const method = 'eth_getProof'
      const result = await call(method, [address, storageKeys, typeof block === 'number' ? `0x${block.toString(16)}` : block])
      return result === null ? null : decode(method, () => proofFor(result, address, storageKeys))
    },

    ethChainId: chainId,
    call,
  }

  async function chainId(): Promise<number> {
    const method = 'eth_chainId'
    const result = await call(method, [])
    return decode(method, () => {
      const id = quantityOf(result, 'chainId')
      if (id > BigInt(Number.MAX_SAFE_INTEGER)) throw new TypeError(`chain id ${id} is too large`)
      return Number(id)
    })
  }
}

/** JSON with `bigint` written as a bare integer (op-geth reads Jovian `minBaseFee` as a JSON number). */
function jsonText(value: unknown): string {
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : jsonText(v))).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value).filter(([, v]) => v !== undefined)
    return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

type Reply = { result?: unknown; error?: { code: number; message: string } }

/** A JSON-RPC 2.0 response to request `id`, or undefined if the text is anything else. */
function parseReply(text: string, id: number): Reply | undefined {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined
  const o = v as Record<string, unknown>
  if (o.id !== id && o.id !== null) return undefined
  if (typeof o.error === 'object' && o.error !== null) {
    const e = o.error as Record<string, unknown>
    if (typeof e.code !== 'number') return undefined
    return { error: { code: e.code, message: typeof e.message === 'string' ? e.message : '' } }
  }
  return 'result' in o ? { result: o.result } : undefined
}

type Obj = Record<string, unknown>

function object(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError(`${what} is not an object`)
  return v as Obj
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null
}

function hexOf(v: unknown, what: string, size?: number): Hex {
  if (typeof v !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(v)) throw new TypeError(`${what} is not 0x hex data`)
  if (size !== undefined && v.length !== 2 + 2 * size) throw new TypeError(`${what} is not ${size} bytes`)
  return v.toLowerCase() as Hex
}

function quantityOf(v: unknown, what: string): bigint {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(v)) throw new TypeError(`${what} is not a 0x quantity`)
  return BigInt(v)
}

/** `PayloadStatusV1` (execution-apis paris.md): `latestValidHash` and `validationError` may be null. */
function payloadStatus(v: unknown): PayloadStatus {
  const o = object(v, 'payloadStatus')
  if (typeof o.status !== 'string' || !STATUSES.has(o.status)) throw new TypeError(`unknown payload status ${String(o.status)}`)
  const out: PayloadStatus = { status: o.status as PayloadStatusValue }
  if (present(o.latestValidHash)) out.latestValidHash = hexOf(o.latestValidHash, 'latestValidHash', 32)
  if (present(o.validationError)) {
    if (typeof o.validationError !== 'string') throw new TypeError('validationError is not a string')
    out.validationError = o.validationError.slice(0, MAX_DETAIL)
  }
  return out
}

/**
 * A JSON-RPC L2 block with full transactions → {@link EngineBlock}. The engine is trusted (op-node builds its engine
 * client with `trustRPC`), so hashes and roots are not recomputed; transactions are re-encoded to their EIP-2718 bytes.
 */
function engineBlock(json: unknown): EngineBlock {
  const o = object(json, 'block')
  const header = headerFromRpcBlock(o)
  if (!Array.isArray(o.transactions)) throw new TypeError('block has no transactions list')
  const block: EngineBlock = {
    hash: hexOf(o.hash, 'hash', 32),
    number: header.number,
    header,
    parentHash: header.parentHash,
    timestamp: header.timestamp,
    prevRandao: header.mixHash,
    feeRecipient: header.miner,
    gasLimit: header.gasLimit,
    extraData: header.extraData,
    transactions: o.transactions.map((tx, i) => encodeRpcTransaction(tx, i)),
  }
  if (present(o.withdrawals)) {
    if (!Array.isArray(o.withdrawals)) throw new TypeError('withdrawals is not a list')
    block.withdrawals = o.withdrawals
  }
  if (header.parentBeaconBlockRoot !== undefined) block.parentBeaconBlockRoot = header.parentBeaconBlockRoot
  if (header.withdrawalsRoot !== undefined) block.withdrawalsRoot = header.withdrawalsRoot
  return block
}

/** An `eth_getProof` answer, which must be about what was asked: the address, and each storage key in order. */
function proofFor(json: unknown, address: Hex, storageKeys: readonly Hex[]): AccountProof {
  const proof = accountProofFromJson(json)
  if (toHex(proof.address) !== address.toLowerCase()) throw new TypeError(`proof is for ${toHex(proof.address)}, not ${address}`)
  if (proof.storageProof.length !== storageKeys.length) {
    throw new TypeError(`proof has ${proof.storageProof.length} storage entries for ${storageKeys.length} keys`)
  }
  for (const [i, key] of storageKeys.entries()) {
    if (BigInt(toHex(proof.storageProof[i].key)) !== BigInt(key)) throw new TypeError(`storage entry ${i} is not for key ${key}`)
  }
  return proof
}
