/**
 * Engine API JWT (execution-apis `src/engine/authentication.md`): HS256 over `{iat}`, checked against node:crypto's
 * independent HMAC and the canonical HS256/JWT header encoding.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { engineJwt, importJwtKey, JwtSecretError, parseJwtSecret, signJwt } from '../../../shared/engine/jwt.ts'

const SECRET = `0x${'cd'.repeat(31)}ef`
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))

describe('engineJwt', () => {
  it('default: HS256 over {iat}, verified with node:crypto', async () => {
    const token = await engineJwt(SECRET, 1_700_000_000)
    const [header, claims, signature] = token.split('.')
    // The base64url of {"alg":"HS256","typ":"JWT"} every HS256 example (jwt.io, RFC 7519 tooling) starts with.
    expect(header).toBe('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9')
    expect(decode(claims)).toEqual({ iat: 1_700_000_000 })
    const want = createHmac('sha256', Buffer.from(SECRET.slice(2), 'hex')).update(`${header}.${claims}`).digest('base64url')
    expect(signature).toBe(want)
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('behavior: iat is whole seconds', async () => {
    const token = await engineJwt(SECRET, 1_700_000_000.987)
    expect(decode(token.split('.')[1])).toEqual({ iat: 1_700_000_000 })
  })

  it('behavior: with or without 0x, any case, a trailing newline (a secret file) give the same token', async () => {
    const want = await engineJwt(SECRET, 42)
    expect(await engineJwt(SECRET.slice(2), 42)).toBe(want)
    expect(await engineJwt(`${SECRET.toUpperCase().replace('0X', '0x')}\n`, 42)).toBe(want)
  })

  it('behavior: signJwt with an imported key equals engineJwt', async () => {
    const key = await importJwtKey(SECRET)
    expect(await signJwt(key, 7)).toBe(await engineJwt(SECRET, 7))
  })

  it('error: a secret that is not 32 bytes of hex is a critical JwtSecretError that does not echo it', async () => {
    for (const bad of ['0x1234', `0x${'zz'.repeat(32)}`, `0x${'ab'.repeat(33)}`, '']) {
      const e = await engineJwt(bad, 1).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(JwtSecretError)
      expect((e as JwtSecretError).severity).toBe('critical')
      if (bad.length > 6) expect(String((e as Error).message)).not.toContain(bad.slice(2, 20))
    }
    expect(() => parseJwtSecret('0x1234')).toThrow(/32 bytes of hex/)
  })

  it('error: a negative or non-finite iat is refused', async () => {
    await expect(engineJwt(SECRET, -1)).rejects.toThrow(RangeError)
    await expect(engineJwt(SECRET, Number.NaN)).rejects.toThrow(RangeError)
  })
})
