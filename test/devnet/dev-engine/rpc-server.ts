/**
 * JSON-RPC 2.0 over node:http with Engine API JWT auth, listening on 127.0.0.1 only. Every request (batched or not)
 * is appended to an in-memory log so tests can count Engine API calls by method.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { checkEngineJwt } from './jwt.ts'
import { RpcError } from './engine-rules.ts'

export type Handler = (params: unknown[]) => unknown

/** One JSON-RPC call as the server saw it. */
export type RpcCall = { method: string; params: unknown[]; at: number; error?: { code: number; message: string } }

export type RpcServerOptions = {
  host: '127.0.0.1'
  port: number
  jwtSecret: Uint8Array
  /** Milliseconds since the epoch; tests may pin it. */
  now: () => number
  handlers: Record<string, Handler>
  log: RpcCall[]
}

export type RpcServer = { url: string; port: number; close(): Promise<void> }

/** Large enough for any payload a devnet builds; geth's default HTTP body limit is 5 MB, op-geth raises it. */
const MAX_BODY_BYTES = 128 * 1024 * 1024

export async function startRpcServer(opts: RpcServerOptions): Promise<RpcServer> {
  if (opts.host !== '127.0.0.1') throw new Error('the dev engine listens on 127.0.0.1 only')
  const server = createServer((req, res) => {
    handle(opts, req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(String(e))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

async function handle(opts: RpcServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return text(res, 405, 'method not allowed')
  const auth = checkEngineJwt(req.headers.authorization, opts.jwtSecret, opts.now() / 1000)
  if (auth !== 'ok') return text(res, 401, auth)
  if (!/^application\/json/i.test(req.headers['content-type'] ?? '')) return text(res, 415, 'invalid content type, only application/json is supported')
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) return text(res, 413, 'content length too large')
    chunks.push(chunk as Buffer)
  }
  let body: unknown
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    return json(res, failure(null, -32700, 'parse error'))
  }
  if (Array.isArray(body)) {
    if (body.length === 0) return json(res, failure(null, -32600, 'empty batch'))
    const out = []
    for (const call of body) out.push(await dispatch(opts, call))
    return json(res, out)
  }
  return json(res, await dispatch(opts, body))
}

async function dispatch(opts: RpcServerOptions, call: unknown): Promise<unknown> {
  if (typeof call !== 'object' || call === null || Array.isArray(call)) return failure(null, -32600, 'invalid request')
  const { id = null, method, params = [], jsonrpc } = call as Record<string, unknown>
  if (jsonrpc !== '2.0' || typeof method !== 'string') return failure(id, -32600, 'invalid request')
  const entry: RpcCall = { method, params: Array.isArray(params) ? params : [params], at: opts.now() }
  opts.log.push(entry)
  const fail = (code: number, message: string) => {
    entry.error = { code, message }
    return failure(id, code, message)
  }
  if (!Array.isArray(params)) return fail(-32602, 'non-array params')
  const handler = opts.handlers[method]
  if (handler === undefined) return fail(-32601, `the method ${method} does not exist/is not available`)
  try {
    return { jsonrpc: '2.0', id, result: await handler(params) }
  } catch (e) {
    if (e instanceof RpcError) return fail(e.code, e.message)
    return fail(-32603, `internal error: ${(e as Error).message}`)
  }
}

function failure(id: unknown, code: number, message: string) {
  return { jsonrpc: '2.0', id, error: { code, message } }
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

function text(res: ServerResponse, code: number, body: string): void {
  res.writeHead(code, { 'content-type': 'text/plain' })
  res.end(body)
}
