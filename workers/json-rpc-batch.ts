/**
 * A minimal JSON-RPC 2.0 client over plain `fetch`: one call, or many calls in one HTTP request (an array body).
 * Plain fetch rather than viem's transport so every request and byte is visible to the metrics sink and every
 * malformed answer becomes a typed temporary error (a batch answer must hold exactly one response per id).
 */
import { L1SourceError } from './l1-source-error.ts'
import { redactUrl } from './redact.ts'
import { excerpt, type FetchLike, type L1Metrics, type L1SourceCall, requestUpstream } from './upstream-http.ts'

export type RpcRequest = { method: string; params: readonly unknown[] }

/** Where and how to send: one endpoint, its fetch, and what to report. */
export type RpcTarget = {
  fetch: FetchLike
  url: string
  timeoutMs: number
  call: L1SourceCall
  metrics: L1Metrics | undefined
}

const HEADERS = { 'content-type': 'application/json', accept: 'application/json' }

/** One JSON-RPC call; resolves with `result` (possibly `null`). */
export async function rpcCall(target: RpcTarget, request: RpcRequest): Promise<unknown> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: request.method, params: request.params })
  const json = await post(target, body, request.method, 1)
  return resultOf(target, json, 1, request.method)
}

/**
 * Many calls in one HTTP request; results in request order. Fails as a whole when any member is missing,
 * duplicated or an error: the caller never sees a partial batch.
 */
export async function rpcBatch(target: RpcTarget, requests: readonly RpcRequest[]): Promise<unknown[]> {
  if (requests.length === 0) return []
  const body = JSON.stringify(requests.map((r, i) => ({ jsonrpc: '2.0', id: i + 1, method: r.method, params: r.params })))
  const json = await post(target, body, requests[0].method, requests.length)
  if (!Array.isArray(json)) {
    // Servers answer a rejected batch (too large, rate limited) with one error object.
    resultOf(target, json, null, 'batch')
    throw malformed(target, `batch answer is not an array`)
  }
  if (json.length !== requests.length) {
    throw malformed(target, `batch of ${requests.length} answered with ${json.length} responses`)
  }
  const byId = new Map<number, unknown>()
  for (const item of json) {
    const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined
    if (typeof id !== 'number' || id < 1 || id > requests.length || byId.has(id)) {
      throw malformed(target, `batch response with unexpected id ${JSON.stringify(id)}`)
    }
    byId.set(id, item)
  }
  return requests.map((r, i) => resultOf(target, byId.get(i + 1), i + 1, r.method))
}

async function post(target: RpcTarget, body: string, method: string, items: number): Promise<unknown> {
  const { status, text } = await requestUpstream({
    fetch: target.fetch,
    base: target.url,
    path: '',
    init: { method: 'POST', headers: HEADERS, body },
    timeoutMs: target.timeoutMs,
    metric: { call: target.call, target: 'rpc', method, items },
    metrics: target.metrics,
  })
  if (status < 200 || status > 299) {
    throw new L1SourceError('http-status', `${redactUrl(target.url)} answered HTTP ${status}`, {
      details: excerpt(text, target.url),
    })
  }
  try {
    return JSON.parse(text)
  } catch {
    throw malformed(target, `answer is not JSON (${text.length} bytes)`)
  }
}

/** The `result` of one response object; an `error` member or a missing result is a temporary failure. */
function resultOf(target: RpcTarget, item: unknown, id: number | null, method: string): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw malformed(target, `${method}: response is not an object`)
  const o = item as { id?: unknown; result?: unknown; error?: unknown }
  if (o.error !== undefined && o.error !== null) {
    const err = o.error as { code?: unknown; message?: unknown }
    const message = typeof err.message === 'string' ? err.message : JSON.stringify(o.error)
    throw new L1SourceError('rpc-error', `${method} failed at ${redactUrl(target.url)}: ${excerpt(message, target.url)}`, {
      details: `code ${String(err.code)}`,
    })
  }
  if (id !== null && o.id !== id) throw malformed(target, `${method}: response id ${JSON.stringify(o.id)}, expected ${id}`)
  if (!('result' in o)) throw malformed(target, `${method}: response has no result`)
  return o.result
}

function malformed(target: RpcTarget, what: string): L1SourceError {
  return new L1SourceError('rpc-malformed', `malformed answer from ${redactUrl(target.url)}: ${what}`)
}
