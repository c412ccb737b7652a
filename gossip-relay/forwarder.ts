/**
 * Delivery of accepted gossip blocks to the Worker's ingress, `POST <ingress>/p2p/blocks`.
 *
 * Wire format (one block per request):
 * - body: the raw gossip message exactly as received — snappy block format of `signature ‖ [root] ‖ SSZ payload` —
 *   with `content-type: application/octet-stream`;
 * - `x-op-edge-topic`: the topic it arrived on (`/optimism/<chainId>/<0..3>/blocks`), which selects the payload layout;
 * - `x-op-edge-timestamp` / `x-op-edge-signature`: HMAC of the body (shared/p2p/ingress-auth.ts). The topic header is
 *   not under the MAC; it needs no protection, because the sequencer's signature covers the message bytes and a
 *   message decoded under the wrong layout fails its signature-independent checks (layout, block hash), so the
 *   Worker must validate the block again anyway (it keeps its own unsafe-block signer).
 *
 * Delivery is in order, one request at a time. Network errors, timeouts, 408, 429 and 5xx are retried with exponential
 * backoff (the head waits, later blocks queue behind it); any other 4xx is final (the Worker refused the block: logged,
 * counted, dropped). The queue is bounded: when full, the oldest block is dropped and counted. `enqueue` never waits,
 * so the gossip validator is never held up by the Worker.
 */
import { signIngress } from '../shared/p2p/ingress-auth.ts'
import type { Logger } from './log.ts'

export const TOPIC_HEADER = 'x-op-edge-topic'

export type ForwardItem = {
  topic: string
  data: Uint8Array
  blockNumber: number
  blockHash: string
  /** Milliseconds (relay clock) when the message was accepted; latency is measured from here. */
  acceptedAt: number
}

export type ForwarderOptions = {
  /** The Worker's base URL; the path `p2p/blocks` is appended. */
  ingressUrl: URL
  secret: Uint8Array
  log: Logger
  fetch?: typeof fetch
  /** Milliseconds. */
  now?: () => number
  capacity?: number
  baseDelayMs?: number
  maxDelayMs?: number
  requestTimeoutMs?: number
}

export type ForwarderStats = {
  depth: number
  dropped: number
  delivered: number
  refused: number
  retries: number
  lastForwarded: { number: number; hash: string; at: string } | null
  forwardLatencyMs: { last: number | null; avg: number | null }
}

export const DEFAULT_QUEUE_CAPACITY = 256

export class IngressForwarder {
  readonly #endpoint: URL
  readonly #secret: Uint8Array
  readonly #log: Logger
  readonly #fetch: typeof fetch
  readonly #now: () => number
  readonly #capacity: number
  readonly #baseDelayMs: number
  readonly #maxDelayMs: number
  readonly #timeoutMs: number
  readonly #queue: ForwardItem[] = []
  #attempt = 0
  #running = false
  #stopped = false
  #timer: NodeJS.Timeout | undefined
  #wake: (() => void) | undefined
  #inflight: AbortController | undefined
  /** The head is being sent, or its outcome not yet applied. */
  #headBusy = false
  #loop: Promise<void> | undefined
  #stats = { dropped: 0, delivered: 0, refused: 0, retries: 0, latencySum: 0 }
  #last: { number: number; hash: string; at: string; latency: number } | null = null

  constructor(options: ForwarderOptions) {
    const base = new URL(options.ingressUrl)
    if (!base.pathname.endsWith('/')) base.pathname += '/'
    this.#endpoint = new URL('p2p/blocks', base)
    this.#secret = options.secret
    this.#log = options.log
    this.#fetch = options.fetch ?? fetch
    this.#now = options.now ?? Date.now
    this.#capacity = options.capacity ?? DEFAULT_QUEUE_CAPACITY
    if (!Number.isInteger(this.#capacity) || this.#capacity < 2) throw new RangeError('the forward queue needs capacity ≥ 2')
    this.#baseDelayMs = options.baseDelayMs ?? 250
    this.#maxDelayMs = options.maxDelayMs ?? 15_000
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000
  }

  /** Queues a block for delivery; drops the oldest queued block if the queue is full. Never blocks. */
  enqueue(item: ForwardItem): void {
    if (this.#stopped) return
    if (this.#queue.length >= this.#capacity) {
      // The oldest block goes, unless it is in flight right now (then the next oldest): the loop removes the head
      // itself when its request ends.
      const victim = this.#queue.splice(this.#headBusy ? 1 : 0, 1)[0]
      this.#stats.dropped++
      this.#log('forward-dropped', { number: victim.blockNumber, hash: victim.blockHash, capacity: this.#capacity })
    }
    this.#queue.push(item)
    if (!this.#running) {
      this.#running = true
      this.#loop = this.#drain()
    }
  }

  stats(): ForwarderStats {
    const delivered = this.#stats.delivered
    return {
      depth: this.#queue.length,
      dropped: this.#stats.dropped,
      delivered,
      refused: this.#stats.refused,
      retries: this.#stats.retries,
      lastForwarded: this.#last === null ? null : { number: this.#last.number, hash: this.#last.hash, at: this.#last.at },
      forwardLatencyMs: {
        last: this.#last?.latency ?? null,
        avg: delivered === 0 ? null : Math.round(this.#stats.latencySum / delivered),
      },
    }
  }

  /** Stops delivering: cancels the request in flight and any backoff wait; queued blocks are abandoned. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#wake?.()
    this.#inflight?.abort()
    await this.#loop
  }

  async #drain(): Promise<void> {
    while (!this.#stopped && this.#queue.length > 0) {
      const item = this.#queue[0]
      this.#headBusy = true
      const outcome = await this.#send(item)
      if (this.#stopped) break
      const remove = () => this.#queue.splice(this.#queue.indexOf(item), 1)
      this.#headBusy = false
      switch (outcome.kind) {
        case 'delivered': {
          remove()
          this.#attempt = 0
          const latency = this.#now() - item.acceptedAt
          this.#stats.delivered++
          this.#stats.latencySum += latency
          this.#last = { number: item.blockNumber, hash: item.blockHash, at: new Date().toISOString(), latency }
          this.#log('forward-delivered', { number: item.blockNumber, hash: item.blockHash, latencyMs: latency })
          break
        }
        case 'refused':
          remove()
          this.#attempt = 0
          this.#stats.refused++
          this.#log('forward-refused', { number: item.blockNumber, hash: item.blockHash, status: outcome.status })
          break
        case 'retry': {
          const delay = Math.min(this.#maxDelayMs, this.#baseDelayMs * 2 ** this.#attempt)
          this.#attempt++
          this.#stats.retries++
          this.#log('forward-retry', {
            number: item.blockNumber,
            hash: item.blockHash,
            attempt: this.#attempt,
            delayMs: delay,
            depth: this.#queue.length,
            ...outcome.why,
          })
          await new Promise<void>((resolve) => {
            this.#wake = resolve
            this.#timer = setTimeout(resolve, delay)
          })
          this.#wake = undefined
          break
        }
      }
    }
    this.#headBusy = false
    this.#running = false
  }

  async #send(
    item: ForwardItem,
  ): Promise<
    { kind: 'delivered' } | { kind: 'refused'; status: number } | { kind: 'retry'; why: { status?: number; error?: string } }
  > {
    const headers = signIngress(this.#secret, item.data, Math.floor(this.#now() / 1000))
    const controller = new AbortController()
    this.#inflight = controller
    const timeout = setTimeout(() => controller.abort(), this.#timeoutMs)
    try {
      const res = await this.#fetch(this.#endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream', [TOPIC_HEADER]: item.topic, ...headers },
        body: item.data,
        signal: controller.signal,
      })
      // Drain the body so the connection can be reused; its content does not matter.
      await res.arrayBuffer().catch(() => undefined)
      if (res.ok) return { kind: 'delivered' }
      if (res.status === 408 || res.status === 429 || res.status >= 500) return { kind: 'retry', why: { status: res.status } }
      return { kind: 'refused', status: res.status }
    } catch (e) {
      // Undici's messages carry no credentials; the URL itself is never logged here.
      const cause = (e as { cause?: { code?: string } }).cause?.code
      return { kind: 'retry', why: { error: cause ?? (e as Error).name } }
    } finally {
      clearTimeout(timeout)
      this.#inflight = undefined
    }
  }
}
