/**
 * The relay's HTTP API (node:http, 127.0.0.1 by default):
 *
 * - `POST /publish` — HMAC-authenticated (shared/p2p/ingress-auth.ts over the body). Body: one raw gossip message,
 *   snappy block format of `signature ‖ [parentBeaconBlockRoot] ‖ SSZ payload`, `content-type:
 *   application/octet-stream`; optional `x-op-edge-topic`. 200 `{topic, recipients, number, hash}`; 400 `{error:
 *   'unknown-topic' | 'undecodable'}`; 401 `{error: 'unauthorized', reason}`; 409 `{error, result: 'ignore'}` (block
 *   already seen on that topic, or the same message already published); 413 `{error: 'too-large-to-publish' |
 *   'body-too-large'}`; 422 `{error, result: 'reject'}` (the block fails gossip validation); 503 `{error:
 *   'publish-failed'}`.
 * - `POST /signer` — HMAC-authenticated. Body JSON `{"signer": "0x<20 bytes>"}` (the SystemConfig unsafe-block
 *   signer; the zero address means none, and every block is then IGNOREd). 200 `{signer}`; 400 on a bad body.
 * - `GET /status` — JSON status, unauthenticated (nothing secret in it).
 * - `GET /healthz` — `ok`.
 *
 * Errors never echo request bodies or header values.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Hex } from '../shared/bytes.ts'
import { MAX_GOSSIP_SIZE } from '../shared/p2p/gossip-envelope.ts'
import { verifyIngress } from '../shared/p2p/ingress-auth.ts'
import { TOPIC_HEADER } from './forwarder.ts'
import type { Logger } from './log.ts'

export type PublishOutcome =
  | { ok: true; topic: string; recipients: number; number: number; hash: string }
  | { ok: false; status: 400 | 409 | 413 | 422 | 503; error: string; result?: 'ignore' | 'reject' }

export type RelayApiHandlers = {
  publish(data: Uint8Array, topic: string | undefined): Promise<PublishOutcome>
  setSigner(signer: Hex): void
  status(): unknown
}

export type StartHttpApiParameters = {
  host: string
  port: number
  secret: Uint8Array
  handlers: RelayApiHandlers
  log: Logger
  /** Milliseconds. */
  now: () => number
}

export type HttpApi = { server: Server; url: string; close(): Promise<void> }

const MAX_SIGNER_BODY = 4096

export async function startHttpApi(p: StartHttpApiParameters): Promise<HttpApi> {
  const server = createServer((req, res) => {
    route(p, req, res).catch((e) => {
      p.log('http-error', { path: req.url, error: e as Error })
      if (!res.headersSent) json(res, 500, { error: 'internal-error' })
      else res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(p.port, p.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

async function route(p: StartHttpApiParameters, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://relay').pathname
  const allow = (method: string) => {
    if (req.method === method) return true
    res.setHeader('allow', method)
    json(res, 405, { error: 'method-not-allowed' })
    req.resume()
    return false
  }
  switch (path) {
    case '/healthz':
      if (allow('GET')) text(res, 200, 'ok')
      return
    case '/status':
      if (allow('GET')) json(res, 200, p.handlers.status())
      return
    case '/publish': {
      if (!allow('POST')) return
      const body = await authenticatedBody(p, req, res, MAX_GOSSIP_SIZE)
      if (body === undefined) return
      const topic = req.headers[TOPIC_HEADER]
      const outcome = await p.handlers.publish(body, typeof topic === 'string' ? topic : undefined)
      if (outcome.ok) json(res, 200, { topic: outcome.topic, recipients: outcome.recipients, number: outcome.number, hash: outcome.hash })
      else json(res, outcome.status, outcome.result === undefined ? { error: outcome.error } : { error: outcome.error, result: outcome.result })
      return
    }
    case '/signer': {
      if (!allow('POST')) return
      const body = await authenticatedBody(p, req, res, MAX_SIGNER_BODY)
      if (body === undefined) return
      let signer: unknown
      try {
        signer = (JSON.parse(new TextDecoder().decode(body)) as { signer?: unknown })?.signer
      } catch {
        json(res, 400, { error: 'body must be JSON {"signer":"0x…"}' })
        return
      }
      if (typeof signer !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(signer)) {
        json(res, 400, { error: 'signer must be a 0x-prefixed 20-byte address' })
        return
      }
      const normalized = signer.toLowerCase() as Hex
      p.handlers.setSigner(normalized)
      json(res, 200, { signer: normalized })
      return
    }
    default:
      req.resume()
      json(res, 404, { error: 'not-found' })
  }
}

/** The body if it is within `limit` and carries a valid HMAC; otherwise answers (413/401) and returns undefined. */
async function authenticatedBody(
  p: StartHttpApiParameters,
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
): Promise<Uint8Array | undefined> {
  const body = await readBody(req, limit)
  if (body === undefined) {
    res.setHeader('connection', 'close')
    res.on('finish', () => req.socket.destroy())
    json(res, 413, { error: 'body-too-large' })
    return undefined
  }
  const auth = verifyIngress(p.secret, body, req.headers, Math.floor(p.now() / 1000))
  if (!auth.ok) {
    p.log('http-auth-failed', { path: req.url, reason: auth.reason, remote: req.socket.remoteAddress })
    json(res, 401, { error: 'unauthorized', reason: auth.reason })
    return undefined
  }
  return body
}

/**
 * Reads the whole body, or undefined once it exceeds `limit` bytes. Then the rest is not read: the response says
 * `connection: close` and the socket is closed after it (see {@link json}).
 */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve(undefined)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) {
        chunks.push(chunk)
        return
      }
      req.off('data', onData)
      req.off('end', onEnd)
      req.pause()
      resolve(undefined)
    }
    const onEnd = () => resolve(new Uint8Array(Buffer.concat(chunks)))
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', reject)
  })
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}

function text(res: ServerResponse, status: number, value: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(value) })
  res.end(value)
}
