/**
 * Counting what an L1 reader costs: a `fetch` wrapper for in-process readers and an HTTP proxy for the worker (which
 * runs in workerd and reaches L1 over the network). Both count HTTP requests, JSON-RPC calls carried and response
 * bytes, and both apply the anvil beacon-query fix of test/devnet/batch-poster.ts (`anvilBeaconFetch`).
 */
import { createServer } from 'node:http'
import { anvilBeaconFetch } from '../test/devnet/batch-poster.ts'

export type HttpCount = { requests: number; rpcCalls: number; beaconGets: number; bytesIn: number; byMethod: Map<string, number> }

export function newCount(): HttpCount {
  return { requests: 0, rpcCalls: 0, beaconGets: 0, bytesIn: 0, byMethod: new Map() }
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>

/** Tally one request: its JSON-RPC methods (a batch counts each) or its beacon route, and the response size. */
function tally(count: HttpCount, url: string, body: string | undefined, bytesIn: number): void {
  count.requests++
  count.bytesIn += bytesIn
  const add = (m: string) => count.byMethod.set(m, (count.byMethod.get(m) ?? 0) + 1)
  if (body === undefined || body === '') {
    count.beaconGets++
    add(`GET ${new URL(url).pathname.replace(/\/[^/]+$/, '/{id}')}`)
    return
  }
  const json = JSON.parse(body) as { method: string } | { method: string }[]
  for (const call of Array.isArray(json) ? json : [json]) {
    count.rpcCalls++
    add(call.method)
  }
}

/** A fetch that counts into `count`. */
export function countingFetch(count: HttpCount, inner: FetchLike = anvilBeaconFetch()): FetchLike {
  return async (input, init) => {
    const res = await inner(input, init)
    const bytes = new Uint8Array(await res.arrayBuffer())
    tally(count, input, typeof init?.body === 'string' ? init.body : undefined, bytes.length)
    return new Response(bytes, { status: res.status, statusText: res.statusText, headers: res.headers })
  }
}

export type CountingProxy = { url: string; count: HttpCount; close(): Promise<void> }

/**
 * An HTTP proxy on 127.0.0.1 in front of `target()` (read per request, so it can be set after the proxy starts) that
 * counts every request into `count`; the caller may replace `count` to measure a window.
 */
export async function startCountingProxy(target: () => string): Promise<CountingProxy> {
  let count = newCount()
  const forward = anvilBeaconFetch()
  const server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = []
      for await (const c of req) chunks.push(c as Buffer)
      const body = chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined
      const url = new URL(req.url ?? '/', target()).toString()
      const upstream = await forward(url, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/json', accept: req.headers.accept ?? '*/*' }, ...(body ? { body } : {}) })
      const bytes = Buffer.from(await upstream.arrayBuffer())
      tally(count, url, body, bytes.length)
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json', 'content-length': String(bytes.length) })
      res.end(bytes)
    } catch (e) {
      res.writeHead(502).end(String(e))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    get count() {
      return count
    },
    set count(c: HttpCount) {
      count = c
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
