/**
 * Engine API JWT (ethereum/execution-apis `src/engine/authentication.md`; PROTOCOL.md §3 "JWT auth"): HS256 over a
 * 32-byte secret, `Authorization: Bearer <token>`, claim `iat` within ±60 s of the engine's clock. Node only.
 *
 * @example
 * fetch(url, { headers: { authorization: `Bearer ${signEngineJwt(secret, nowSeconds)}` } })
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { fromHex } from '../../../shared/bytes.ts'

/** geth rejects tokens whose `iat` is further than this from its clock. */
export const JWT_IAT_LEEWAY_SECONDS = 60

/** The 32 secret bytes of a `0x`-prefixed or bare hex string (the format of op-node's `--l2.jwt-secret` file). */
export function parseJwtSecret(hex: string): Uint8Array {
  const s = hex.trim()
  const bytes = fromHex(s.startsWith('0x') ? s : `0x${s}`)
  if (bytes.length !== 32) throw new TypeError(`JWT secret must be 32 bytes, got ${bytes.length}`)
  return bytes
}

/** An HS256 token with the single claim `iat` (what op-node sends before every request). */
export function signEngineJwt(secret: Uint8Array, iatSeconds: number): string {
  const head = b64url(Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })))
  const body = b64url(Buffer.from(JSON.stringify({ iat: Math.floor(iatSeconds) })))
  return `${head}.${body}.${b64url(hmac(secret, `${head}.${body}`))}`
}

/** Why a request was refused, or `ok`. Mirrors geth's `node/jwt_handler.go` checks. */
export type JwtCheck = 'ok' | 'missing-token' | 'malformed-token' | 'bad-algorithm' | 'bad-signature' | 'missing-iat' | 'stale-iat'

/** Checks an `Authorization` header value against the secret at `nowSeconds`. */
export function checkEngineJwt(authorization: string | undefined, secret: Uint8Array, nowSeconds: number): JwtCheck {
  if (authorization === undefined || !authorization.startsWith('Bearer ')) return 'missing-token'
  const parts = authorization.slice('Bearer '.length).trim().split('.')
  if (parts.length !== 3) return 'malformed-token'
  const [head, body, sig] = parts
  const header = parseJson(head)
  const claims = parseJson(body)
  if (header === undefined || claims === undefined) return 'malformed-token'
  // Only HS256: accepting `none` or another algorithm would let an unauthenticated caller through.
  if (header.alg !== 'HS256') return 'bad-algorithm'
  const want = hmac(secret, `${head}.${body}`)
  const got = Buffer.from(sig, 'base64url')
  if (got.length !== want.length || !timingSafeEqual(got, want)) return 'bad-signature'
  if (typeof claims.iat !== 'number' || !Number.isFinite(claims.iat)) return 'missing-iat'
  if (Math.abs(nowSeconds - claims.iat) > JWT_IAT_LEEWAY_SECONDS) return 'stale-iat'
  return 'ok'
}

function hmac(secret: Uint8Array, data: string): Buffer {
  return createHmac('sha256', secret).update(data).digest()
}

function b64url(b: Buffer): string {
  return b.toString('base64url')
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
