/** Endpoint URLs without credentials (userinfo, key-like path segments, query values) for messages and logs. */
import { describe, expect, it } from 'vitest'
import { redactUrl, redactUrlIn } from '../../../shared/engine/redact-url.ts'

describe('redactUrl', () => {
  it('default: plain endpoints are unchanged', () => {
    expect(redactUrl('http://127.0.0.1:8551')).toBe('http://127.0.0.1:8551')
    expect(redactUrl('https://engine.example.com/optimism-mainnet/v2/rpc')).toBe('https://engine.example.com/optimism-mainnet/v2/rpc')
  })

  it('behavior: userinfo, key-like path segments and query values are masked, the fragment dropped', () => {
    expect(redactUrl('https://me:pw@rpc.example/v2/9f8e7d6c5b4a39281706?key=s3cret&x=1#frag')).toBe('https://***@rpc.example/v2/***?key=***&x=***')
    expect(redactUrl('https://opt-mainnet.g.alchemy.com/v2/AbCdEfGhIjKlMnOpQrStUv')).toBe('https://opt-mainnet.g.alchemy.com/v2/***')
    expect(redactUrl('https://x.example/k3y12345')).toBe('https://x.example/***')
  })

  it('error: an unparseable URL is never echoed', () => {
    expect(redactUrl('not a url with s3cret')).toBe('<invalid url>')
  })
})

describe('redactUrlIn', () => {
  it('default: every spelling a runtime prints is replaced by the redacted form', () => {
    const url = 'https://u:p4ss@h.example/v1/abcdef0123456789?token=T'
    const text = `failed ${url}; parsed https://h.example/v1/abcdef0123456789?token=T; path /v1/abcdef0123456789?token=T`
    const out = redactUrlIn(text, url)
    expect(out).not.toMatch(/p4ss|abcdef0123456789|token=T/)
    expect(out).toContain('https://***@h.example/v1/***?token=***')
  })
})
