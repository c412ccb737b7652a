/**
 * Engine API authentication (execution-apis `src/engine/authentication.md`): an HS256 JWT over `{"iat": now}` with the
 * shared 32-byte secret, made fresh for every request (engines refuse tokens more than 60 s old).
 * WebCrypto only; the clock is the caller's.
 */
import { fromHex } from '../bytes.ts'

function base64url(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

const HEADER = base64url(new TextEncoder().encode('{"alg":"HS256","typ":"JWT"}'))
const keys = new Map<string, Promise<CryptoKey>>()

/** The secret's 32 bytes; throws TypeError naming the problem (never echoing the secret). */
export function parseJwtSecret(secret: string): Uint8Array {
  const hex = secret.trim().replace(/^0x/i, '')
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new TypeError('engine JWT secret must be 32 bytes of hex')
  return fromHex(`0x${hex.toLowerCase()}`)
}

export async function engineJwt(secret: string, iatSeconds: number): Promise<string> {
  let key = keys.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', parseJwtSecret(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    keys.set(secret, key)
  }
  const payload = base64url(new TextEncoder().encode(JSON.stringify({ iat: Math.floor(iatSeconds) })))
  const signingInput = `${HEADER}.${payload}`
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', await key, new TextEncoder().encode(signingInput)))
  return `${signingInput}.${base64url(sig)}`
}
