/**
 * A typed Engine API client over a `fetch` the caller passes in (PROTOCOL.md §3): a fresh JWT per request, method
 * versions from `versions.ts`, per-call timeouts, retries for temporary failures only, and errors with a severity.
 * The engine URL never appears in an error (it may carry credentials).
 */
import { toHex, type Hex } from '../bytes.ts'
import { executionPayloadEnvelopeFromJson, executionPayloadToJson } from '../codec/payload-json.ts'
import type { ExecutionPayload } from '../codec/ssz-payload.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import type { PayloadAttributes } from '../deriver/types.ts'
import { DecodeError, OpEdgeError, type Severity } from '../errors.ts'
import { payloadAttributesToJson } from './attributes-json.ts'
import { engineJwt } from './jwt.ts'
import { forkchoiceUpdatedMethod, getPayloadMethod, newPayloadMethod } from './versions.ts'

export type EngineErrorKind = 'network' | 'timeout' | 'http' | 'bad-response' | 'rpc' | 'invalid-forkchoice' | 'invalid-attributes' | 'unknown-payload' | 'unsupported-fork'

/** A failed Engine API call. `severity` says what to do: temporary → retry later, reset → re-anchor, critical → stop. */
export class EngineError extends OpEdgeError {
  override name = 'EngineError'
  readonly kind: EngineErrorKind
  readonly method: string
  readonly code: number | undefined
  constructor(kind: EngineErrorKind, severity: Severity, method: string, message: string, code?: number) {
    super(severity, `${method}: ${message}`)
    this.kind = kind
    this.method = method
    this.code = code
  }
}

export type PayloadStatus = { status: 'VALID' | 'INVALID' | 'SYNCING' | 'ACCEPTED' | 'INVALID_BLOCK_HASH'; latestValidHash?: Hex | null; validationError?: string | null }
export type ForkchoiceStateJson = { headBlockHash: Hex; safeBlockHash: Hex; finalizedBlockHash: Hex }

export type EngineClientParameters = {
  url: string
  jwtSecret: string
  fetch: typeof fetch
  /** Wall clock in milliseconds (for the JWT `iat`). */
  now: () => number
  config: Pick<RollupConfig, 'forks'>
  /** Extra headers, e.g. Cloudflare Access `CF-Access-Client-Id` / `CF-Access-Client-Secret`. */
  headers?: Record<string, string>
  timeoutMs?: number
  /** Extra attempts for temporary failures (network, timeout, 5xx). */
  retries?: number
}

export type EngineClient = ReturnType<typeof createEngineClient>

export function createEngineClient(p: EngineClientParameters) {
  const timeoutMs = p.timeoutMs ?? 10_000
  const retries = p.retries ?? 2
  let id = 0

  async function once(method: string, params: unknown[]): Promise<unknown> {
    const token = await engineJwt(p.jwtSecret, p.now() / 1000)
    let res: Response
    try {
      res = await p.fetch(p.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...p.headers },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (e) {
      const timeout = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')
      throw new EngineError(timeout ? 'timeout' : 'network', 'temporary', method, timeout ? `no answer within ${timeoutMs} ms` : 'engine unreachable')
    }
    if (!res.ok) throw new EngineError('http', res.status >= 500 || res.status === 429 ? 'temporary' : 'critical', method, `HTTP ${res.status}${res.status === 401 ? ' (check ENGINE_JWT_SECRET)' : ''}`)
    let body: { result?: unknown; error?: { code?: number; message?: string } }
    try {
      body = (await res.json()) as typeof body
    } catch {
      throw new EngineError('bad-response', 'temporary', method, 'response is not JSON')
    }
    if (body.error) {
      const code = body.error.code
      const msg = String(body.error.message ?? 'error').slice(0, 200)
      switch (code) {
        case -38002:
          throw new EngineError('invalid-forkchoice', 'reset', method, `invalid forkchoice state: ${msg}`, code)
        case -38003:
          throw new EngineError('invalid-attributes', 'temporary', method, `invalid payload attributes: ${msg}`, code)
        case -38001:
          throw new EngineError('unknown-payload', 'temporary', method, `unknown payload: ${msg}`, code)
        case -38005:
          throw new EngineError('unsupported-fork', 'critical', method, `unsupported fork: ${msg}`, code)
        default:
          throw new EngineError('rpc', 'temporary', method, msg, code)
      }
    }
    if (!('result' in body)) throw new EngineError('bad-response', 'temporary', method, 'response has no result')
    return body.result
  }

  async function call(method: string, params: unknown[]): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await once(method, params)
      } catch (e) {
        const retriable = e instanceof EngineError && ['network', 'timeout', 'http', 'bad-response'].includes(e.kind) && e.severity === 'temporary'
        if (!retriable || attempt >= retries) throw e
      }
    }
  }

  function status(method: string, v: unknown): PayloadStatus {
    const s = (v ?? {}) as PayloadStatus
    if (!['VALID', 'INVALID', 'SYNCING', 'ACCEPTED', 'INVALID_BLOCK_HASH'].includes(s.status)) {
      throw new EngineError('bad-response', 'temporary', method, `unknown payload status ${JSON.stringify(s.status)}`)
    }
    return s
  }

  return {
    call,
    async forkchoiceUpdated(state: ForkchoiceStateJson, attributes?: PayloadAttributes): Promise<PayloadStatus & { payloadId?: Hex }> {
      const method = forkchoiceUpdatedMethod(attributes)
      const r = (await call(method, [state, attributes ? payloadAttributesToJson(attributes) : null])) as { payloadStatus?: unknown; payloadId?: Hex | null }
      return { ...status(method, r?.payloadStatus), ...(r?.payloadId ? { payloadId: r.payloadId } : {}) }
    },
    async getPayload(payloadId: Hex, timestamp: number): Promise<{ payload: ExecutionPayload; parentBeaconBlockRoot?: Uint8Array }> {
      const method = getPayloadMethod(p.config, timestamp)
      const r = await call(method, [payloadId])
      try {
        return executionPayloadEnvelopeFromJson(r)
      } catch (e) {
        if (e instanceof DecodeError) throw new EngineError('bad-response', 'temporary', method, `${e.code}: ${e.message}`)
        throw e
      }
    },
    async newPayload(payload: ExecutionPayload, parentBeaconBlockRoot: Uint8Array | undefined, timestamp: number): Promise<PayloadStatus> {
      const method = newPayloadMethod(p.config, timestamp)
      const json = executionPayloadToJson(payload)
      const params =
        method === 'engine_newPayloadV2'
          ? [json]
          : method === 'engine_newPayloadV3'
            ? [json, [], parentBeaconBlockRoot ? toHex(parentBeaconBlockRoot) : null]
            : [json, [], parentBeaconBlockRoot ? toHex(parentBeaconBlockRoot) : null, []]
      return status(method, await call(method, params))
    },
    /** `eth_getBlockByNumber` on the engine (op-geth serves eth_* on the authenticated port too). */
    async blockByNumber(block: number | 'latest' | 'safe' | 'finalized', fullTransactions = true): Promise<Record<string, unknown> | null> {
      const tag = typeof block === 'number' ? `0x${block.toString(16)}` : block
      return (await call('eth_getBlockByNumber', [tag, fullTransactions])) as Record<string, unknown> | null
    },
    async chainId(): Promise<number> {
      return Number(BigInt((await call('eth_chainId', [])) as string))
    },
  }
}
