import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  INGRESS_SIGNATURE_HEADER,
  INGRESS_TIMESTAMP_HEADER,
  signIngress,
  verifyIngress,
} from '../../../shared/p2p/ingress-auth.ts'

const secret = 'relay-secret-0123456789abcdef'
const body = Uint8Array.from([0xff, 0x00, 0x10, 0x0a, 0x41])
const now = 1_750_000_000

describe('signIngress', () => {
  it('default', () => {
    const headers = signIngress(secret, body, now)
    // Independent implementation: node:crypto HMAC-SHA256 over "<timestamp>\n" ‖ body.
    const expected = createHmac('sha256', secret).update(`${now}\n`).update(body).digest('hex')
    expect(headers).toEqual({ [INGRESS_TIMESTAMP_HEADER]: String(now), [INGRESS_SIGNATURE_HEADER]: expected })
    expect(headers[INGRESS_SIGNATURE_HEADER]).toMatch(/^[0-9a-f]{64}$/)
  })

  it('args: byte secret equals its UTF-8 string, string body equals its UTF-8 bytes, fractional time is floored', () => {
    const a = signIngress(new TextEncoder().encode(secret), '{"signer":"0x01"}', now + 0.9)
    const b = signIngress(secret, new TextEncoder().encode('{"signer":"0x01"}'), now)
    expect(a).toEqual(b)
  })

  it('error: empty secret and bad time are refused', () => {
    expect(() => signIngress('', body, now)).toThrow(RangeError)
    expect(() => signIngress(secret, body, Number.NaN)).toThrow(RangeError)
    expect(() => signIngress(secret, body, -1)).toThrow(RangeError)
  })
})

describe('verifyIngress', () => {
  it('default', () => {
    expect(verifyIngress(secret, body, signIngress(secret, body, now), now)).toEqual({ ok: true })
  })

  it('behavior: reads fetch Headers and Node header objects alike, signature case-insensitive', () => {
    const signed = signIngress(secret, body, now)
    expect(verifyIngress(secret, body, new Headers(signed), now)).toEqual({ ok: true })
    const upper = { ...signed, [INGRESS_SIGNATURE_HEADER]: signed[INGRESS_SIGNATURE_HEADER].toUpperCase() }
    expect(verifyIngress(secret, body, upper, now)).toEqual({ ok: true })
  })

  it('behavior: the replay window is inclusive in both directions', () => {
    const signed = signIngress(secret, body, now)
    expect(verifyIngress(secret, body, signed, now + 60)).toEqual({ ok: true })
    expect(verifyIngress(secret, body, signed, now - 60)).toEqual({ ok: true })
    expect(verifyIngress(secret, body, signed, now + 61)).toEqual({ ok: false, reason: 'stale' })
    expect(verifyIngress(secret, body, signed, now - 61)).toEqual({ ok: false, reason: 'stale' })
    expect(verifyIngress(secret, body, signed, now + 200, 300)).toEqual({ ok: true })
  })

  it('error: missing headers', () => {
    const signed = signIngress(secret, body, now)
    expect(verifyIngress(secret, body, {}, now)).toEqual({ ok: false, reason: 'missing-headers' })
    expect(verifyIngress(secret, body, { [INGRESS_TIMESTAMP_HEADER]: signed[INGRESS_TIMESTAMP_HEADER] }, now)).toEqual({
      ok: false,
      reason: 'missing-headers',
    })
    expect(verifyIngress(secret, body, new Headers(), now)).toEqual({ ok: false, reason: 'missing-headers' })
    // A header given twice (Node's array form) is not a value.
    const twice = { ...signed, [INGRESS_TIMESTAMP_HEADER]: [String(now), String(now)] }
    expect(verifyIngress(secret, body, twice, now)).toEqual({ ok: false, reason: 'missing-headers' })
  })

  it('error: malformed timestamps', () => {
    const signed = signIngress(secret, body, now)
    for (const ts of ['', '-1', '1e9', '0x10', ' 1750000000', '1750000000.5', '1234567890123', `${now}, ${now}`]) {
      expect(verifyIngress(secret, body, { ...signed, [INGRESS_TIMESTAMP_HEADER]: ts }, now)).toEqual({
        ok: false,
        reason: 'bad-timestamp',
      })
    }
  })

  it('error: a changed body, timestamp, secret or signature is a bad signature', () => {
    const signed = signIngress(secret, body, now)
    const changed = body.slice()
    changed[0] ^= 1
    expect(verifyIngress(secret, changed, signed, now)).toEqual({ ok: false, reason: 'bad-signature' })
    expect(verifyIngress(secret, body, { ...signed, [INGRESS_TIMESTAMP_HEADER]: String(now + 1) }, now)).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
    expect(verifyIngress(`${secret}x`, body, signed, now)).toEqual({ ok: false, reason: 'bad-signature' })
    const sig = signed[INGRESS_SIGNATURE_HEADER]
    for (const bad of [`${sig.slice(0, 63)}${sig[63] === '0' ? '1' : '0'}`, `0x${sig}`, sig.slice(2), `${sig}00`, 'zz'.repeat(32)]) {
      expect(verifyIngress(secret, body, { ...signed, [INGRESS_SIGNATURE_HEADER]: bad }, now)).toEqual({
        ok: false,
        reason: 'bad-signature',
      })
    }
  })

  it('error: empty secret is refused', () => {
    expect(() => verifyIngress('', body, signIngress(secret, body, now), now)).toThrow(RangeError)
  })
})
