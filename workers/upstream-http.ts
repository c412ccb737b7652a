/**
 * One HTTP request to an L1 execution RPC or beacon node: timeout, byte counting for the optional metrics sink, and
 * errors that never carry a raw endpoint URL (a network failure's message is scrubbed, its cause dropped, because
 * runtimes put the request URL, credentials included, in such messages).
 */
import { L1SourceError } from './l1-source-error.ts'
import { redactUrl, redactUrlsIn } from './redact.ts'

/** The `fetch` the caller passes in (the global one in production, a fake in tests). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>

/** The public L1 source method a request was made for. */
export type L1SourceCall = 'fetchRange' | 'head' | 'blockRef' | 'chainId' | 'genesisHash' | 'fetchBlobs' | 'storageAt' | 'rpc'

/** One HTTP request, reported after it completes (or fails). */
export type L1FetchMetric = {
  call: L1SourceCall
  target: 'rpc' | 'beacon'
  /** Redacted endpoint. */
  endpoint: string
  /** JSON-RPC method (the first one for a mixed batch) or beacon route (`blobs`, `blob_sidecars`, `genesis`). */
  method: string
  /** JSON-RPC calls carried (a batch counts each); 1 for a beacon GET. */
  items: number
  requestBytes: number
  responseBytes: number
  /** HTTP status; 0 when no response arrived. */
  status: number
  ms: number
}

export type L1Metrics = (metric: L1FetchMetric) => void

export type UpstreamRequest = {
  fetch: FetchLike
  /** Endpoint base URL as configured (may hold credentials). */
  base: string
  /** Path and query appended to `base` (beacon), or '' (JSON-RPC). */
  path: string
  init: RequestInit & { body?: string }
  timeoutMs: number
  metric: Pick<L1FetchMetric, 'call' | 'target' | 'method' | 'items'>
  metrics: L1Metrics | undefined
}

/** Join a base URL and a `/`-prefixed path without doubling the slash. */
export function joinUrl(base: string, path: string): string {
  if (path === '') return base
  return base.endsWith('/') ? base + path.slice(1) : base + path
}

/** Perform the request; resolve with status and body text, whatever the status. Network failures → temporary. */
export async function requestUpstream(req: UpstreamRequest): Promise<{ status: number; text: string }> {
  const started = Date.now()
  const requestBytes = req.init.body === undefined ? 0 : new TextEncoder().encode(req.init.body).length
  let status = 0
  let responseBytes = 0
  try {
    const res = await req.fetch(joinUrl(req.base, req.path), { ...req.init, signal: AbortSignal.timeout(req.timeoutMs) })
    status = res.status
    const body = await res.arrayBuffer()
    responseBytes = body.byteLength
    return { status, text: new TextDecoder().decode(body) }
  } catch (e) {
    const message = redactUrlsIn(e instanceof Error ? `${e.name}: ${e.message}` : String(e), [req.base])
    throw new L1SourceError('http-network', `request to ${redactUrl(req.base)} failed`, { details: message })
  } finally {
    req.metrics?.({
      ...req.metric,
      endpoint: redactUrl(req.base),
      requestBytes,
      responseBytes,
      status,
      ms: Date.now() - started,
    })
  }
}

/** A short, scrubbed excerpt of an error body for messages. */
export function excerpt(text: string, base: string): string {
  const t = text.length > 200 ? `${text.slice(0, 200)}…` : text
  return redactUrlsIn(t, [base])
}
