/**
 * HMAC authentication of the HTTP hops between the gossip relay and the Worker (DESIGN.md "gossip-relay/"): the
 * relay's `POST <worker>/p2p/blocks`, and the Worker's `POST <relay>/publish` and `POST <relay>/signer`.
 *
 * `signature = hex(HMAC-SHA256(secret, "<timestamp>\n" ‖ body))`, sent as two headers:
 * `x-op-edge-timestamp: <unix seconds, decimal>` and `x-op-edge-signature: <64 lowercase hex digits, no 0x>`.
 * The timestamp is inside the MAC, so a captured request can be replayed only within `windowSeconds` of when it was
 * made (both sides need roughly synchronized clocks); the body is covered byte for byte, so nothing can be changed.
 *
 * Pure: the caller passes the current time. The secret is a string (UTF-8) or bytes; use 32 random bytes.
 *
 * @example
 * const headers = signIngress(secret, body, nowSeconds) // the caller passes the time
 * verifyIngress(secret, body, request.headers, nowSeconds) // { ok: true }
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'

export const INGRESS_TIMESTAMP_HEADER = 'x-op-edge-timestamp'
export const INGRESS_SIGNATURE_HEADER = 'x-op-edge-signature'

/** The default replay window: a request older or newer than this many seconds is refused. */
export const INGRESS_WINDOW_SECONDS = 60

export type IngressHeaders = {
  [INGRESS_TIMESTAMP_HEADER]: string
  [INGRESS_SIGNATURE_HEADER]: string
}

/** Why a request was refused; never says anything about the secret. */
export type IngressAuthFailure = 'missing-headers' | 'bad-timestamp' | 'stale' | 'bad-signature'

export type VerifyIngressReturnType = { ok: true } | { ok: false; reason: IngressAuthFailure }

/** Fetch `Headers` (Workers, Node fetch) or a plain object such as Node's `IncomingHttpHeaders` (lowercase keys). */
export type IngressHeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>

const encoder = new TextEncoder()

/**
 * The two headers authenticating `body` at time `now`.
 *
 * @param now unix seconds (fractions are dropped).
 * @throws RangeError on an empty secret or a negative/non-finite time.
 */
export function signIngress(secret: string | Uint8Array, body: Uint8Array | string, now: number): IngressHeaders {
  if (!Number.isFinite(now) || now < 0) throw new RangeError(`ingress time must be unix seconds, got ${now}`)
  const timestamp = String(Math.floor(now))
  return {
    [INGRESS_TIMESTAMP_HEADER]: timestamp,
    [INGRESS_SIGNATURE_HEADER]: hexOf(mac(secret, timestamp, body)),
  }
}

/**
 * Checks the headers of a request against its body: both headers present, a decimal timestamp within
 * `windowSeconds` of `now` (either direction), and the signature equal to the expected MAC (compared in constant
 * time).
 *
 * @param now unix seconds.
 * @throws RangeError on an empty secret.
 */
export function verifyIngress(
  secret: string | Uint8Array,
  body: Uint8Array | string,
  headers: IngressHeaderSource,
  now: number,
  windowSeconds: number = INGRESS_WINDOW_SECONDS,
): VerifyIngressReturnType {
  const timestamp = headerOf(headers, INGRESS_TIMESTAMP_HEADER)
  const signature = headerOf(headers, INGRESS_SIGNATURE_HEADER)
  if (timestamp === undefined || signature === undefined) return { ok: false, reason: 'missing-headers' }
  // At most 12 digits: a number of seconds that stays exact and far beyond any real clock.
  if (!/^[0-9]{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp' }
  if (Math.abs(Math.floor(now) - Number(timestamp)) > windowSeconds) return { ok: false, reason: 'stale' }
  const expected = mac(secret, timestamp, body)
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) return { ok: false, reason: 'bad-signature' }
  let diff = 0
  for (let i = 0; i < 32; i++) diff |= expected[i] ^ Number.parseInt(signature.slice(2 * i, 2 * i + 2), 16)
  return diff === 0 ? { ok: true } : { ok: false, reason: 'bad-signature' }
}

function mac(secret: string | Uint8Array, timestamp: string, body: Uint8Array | string): Uint8Array {
  const key = typeof secret === 'string' ? encoder.encode(secret) : secret
  if (key.length === 0) throw new RangeError('the ingress secret is empty')
  return hmac
    .create(sha256, key)
    .update(encoder.encode(`${timestamp}\n`))
    .update(typeof body === 'string' ? encoder.encode(body) : body)
    .digest()
}

function headerOf(headers: IngressHeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers.get as (n: string) => string | null)(name) ?? undefined
  const value = (headers as Record<string, string | string[] | undefined>)[name]
  // Node joins a repeated header with ", " (then the format checks refuse it); an array is refused here.
  return typeof value === 'string' ? value : undefined
}

function hexOf(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += b.toString(16).padStart(2, '0')
  return s
}
