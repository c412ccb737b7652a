/**
 * Engine API authentication (PROTOCOL.md §3 "JWT auth"; ethereum/execution-apis `src/engine/authentication.md`):
 * an HS256 JWT whose only claim is `iat` (seconds), signed with the 32-byte secret shared with the engine (the hex
 * file of op-node's `--l2.jwt-secret`) and sent as `Authorization: Bearer <token>`. Engines refuse tokens whose `iat`
 * is more than 60 s from their clock, so op-node signs a fresh token for every request; so does the engine client.
 *
 * WebCrypto only (`crypto.subtle`, present in workerd and Node); the clock is the caller's.
 *
 * @example
 * const token = await engineJwt(env.ENGINE_JWT_SECRET, Math.floor(now() / 1000))
 * // 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3MDAwMDAwMDB9.<43 chars>'
 */
import { OpEdgeError } from '../errors.ts'

/** The secret is not 32 bytes of hex. Critical: a configuration error that retrying cannot fix. */
export class JwtSecretError extends OpEdgeError {
  override name = 'JwtSecretError'

  constructor(details: string) {
    super('critical', 'engine JWT secret must be 32 bytes of hex (64 hex digits, 0x prefix optional)', { details })
  }
}

const encoder = new TextEncoder()

/** base64url without padding (RFC 7515 §2). */
function base64url(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** `{"alg":"HS256","typ":"JWT"}`, the header geth, op-node and the JWT libraries they use emit. */
const HEADER = base64url(encoder.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' })))

/**
 * The 32 secret bytes of a hex string, with or without `0x`, surrounding whitespace ignored (a secret file usually
 * ends with a newline). The error never echoes the secret, only its length.
 *
 * @throws JwtSecretError
 */
export function parseJwtSecret(secretHex: string): Uint8Array {
  if (typeof secretHex !== 'string') throw new JwtSecretError(`got ${typeof secretHex}`)
  const hex = secretHex.trim().replace(/^0x/i, '')
  if (hex.length !== 64) throw new JwtSecretError(`got ${hex.length} hex characters, need 64`)
  if (!/^[0-9a-fA-F]+$/.test(hex)) throw new JwtSecretError('it contains characters that are not hex digits')
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** An HMAC-SHA256 signing key for the secret; import once, sign many tokens. @throws JwtSecretError */
export async function importJwtKey(secretHex: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', parseJwtSecret(secretHex), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
}

/** A token `{iat}` signed with an imported key. `iatSeconds` is floored to whole seconds. */
export async function signJwt(key: CryptoKey, iatSeconds: number): Promise<string> {
  if (!Number.isFinite(iatSeconds) || iatSeconds < 0) throw new RangeError(`iat must be a non-negative number of seconds`)
  const claims = base64url(encoder.encode(JSON.stringify({ iat: Math.floor(iatSeconds) })))
  const signingInput = `${HEADER}.${claims}`
  const signature = await crypto.subtle.sign('HMAC', key, encoder.encode(signingInput))
  return `${signingInput}.${base64url(new Uint8Array(signature))}`
}

/**
 * A fresh Engine API token for `iatSeconds`.
 *
 * @throws JwtSecretError when the secret is not 32 bytes of hex.
 */
export async function engineJwt(secretHex: string, iatSeconds: number): Promise<string> {
  return signJwt(await importJwtKey(secretHex), iatSeconds)
}
