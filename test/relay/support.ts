/**
 * Helpers for the relay tests: relays on 127.0.0.1 with OS-chosen ports, a node:http ingress that checks the HMAC,
 * signed HTTP calls to a relay, and polling.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { devnetConfig } from '../../shared/config/chains.ts'
import { signIngress, verifyIngress } from '../../shared/p2p/ingress-auth.ts'
import type { RelayConfig } from '../../gossip-relay/config.ts'
import { type Logger, silentLogger } from '../../gossip-relay/log.ts'
import { Relay } from '../../gossip-relay/relay.ts'
import { blockTopics } from '../../shared/p2p/topics.ts'

export const SECRET = new TextEncoder().encode('relay-test-secret-0123456789')
export const DEVNET = devnetConfig()
export const TOPICS = blockTopics(DEVNET.l2ChainId)

/** Unix seconds now: gossip validation accepts timestamps in [now − 60, now + 5]. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}

export function relayConfig(overrides: Partial<RelayConfig> = {}): RelayConfig {
  return {
    rollup: DEVNET,
    ingressUrl: new URL('http://127.0.0.1:9'),
    secret: SECRET,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    announce: [],
    http: { host: '127.0.0.1', port: 0 },
    keyFile: undefined,
    staticPeers: [],
    maxPeers: 30,
    signer: DEVNET.unsafeBlockSigner,
    discovery: { enabled: false, bootnodes: [], udpPort: undefined },
    ...overrides,
  }
}

export async function startRelay(overrides: Partial<RelayConfig> = {}, log: Logger = silentLogger): Promise<Relay> {
  return Relay.start({
    config: relayConfig(overrides),
    privateKey: await generateKeyPair('secp256k1'),
    log,
    forwarder: { baseDelayMs: 50, maxDelayMs: 200, requestTimeoutMs: 2000 },
  })
}

/** Connects `a` to `b` and waits until each has the other in its mesh on all four block topics. */
export async function connect(a: Relay, b: Relay): Promise<void> {
  await a.node.dial(b.node.getMultiaddrs()[0])
  await waitFor(() =>
    [a, b].every((r) => TOPICS.every((t) => (r.status().mesh[t] ?? 0) >= 1)),
    'mesh on all four topics',
  )
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** POST to a relay with the HMAC headers; `headers` are added after them (so they can replace them). */
export async function postSigned(
  url: string,
  body: Uint8Array,
  opts: { headers?: Record<string, string>; secret?: Uint8Array; now?: number } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const auth = signIngress(opts.secret ?? SECRET, body, opts.now ?? nowSeconds())
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...auth, ...opts.headers },
    body,
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

export type IngressRequest = { path: string; headers: IncomingHttpHeaders; body: Uint8Array; authOk: boolean; status: number }

/**
 * A Worker stand-in: records every request (checking its HMAC) and answers `status` (200 by default). `stop()` closes
 * the port (the Worker is unreachable), `start()` opens the same port again.
 */
export class TestIngress {
  readonly requests: IngressRequest[] = []
  status = 200
  port = 0
  #server: Server | undefined

  get url(): URL {
    return new URL(`http://127.0.0.1:${this.port}`)
  }

  /** Requests with a valid HMAC that were answered 2xx. */
  get delivered(): IngressRequest[] {
    return this.requests.filter((r) => r.authOk && r.status < 300)
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = new Uint8Array(Buffer.concat(chunks))
        const authOk = verifyIngress(SECRET, body, req.headers, nowSeconds()).ok
        const status = authOk ? this.status : 401
        this.requests.push({ path: req.url ?? '', headers: req.headers, body, authOk, status })
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ ok: status < 300 }))
      })
    })
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve))
    this.port = (server.address() as AddressInfo).port
    this.#server = server
    return this
  }

  async stop(): Promise<void> {
    const server = this.#server
    this.#server = undefined
    if (server === undefined) return
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }
}
