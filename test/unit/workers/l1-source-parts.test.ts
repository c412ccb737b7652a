import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { fromHex } from '../../../shared/bytes.ts'
import { parseLog } from '../../../workers/l1-block-json.ts'
import { bloomAdd, bloomBits, bloomHas } from '../../../workers/logs-bloom.ts'
import { redactUrl, redactUrlsIn } from '../../../workers/redact.ts'

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures')
const json = (path: string) => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'))

describe('redactUrl', () => {
  it('default: userinfo, key-like path segments and query values are masked', () => {
    expect(redactUrl('https://user:pw@eth.example/v2/abcd1234efgh5678?key=s3cret&key=again')).toBe('https://***@eth.example/v2/***?key=***')
    expect(redactUrl('https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef')).toBe('https://mainnet.infura.io/v3/***')
    expect(redactUrl('https://name.quiknode.pro/4a3b2c1d/')).toBe('https://name.quiknode.pro/***/')
  })

  it('behavior: plain endpoints stay readable; garbage never echoes', () => {
    expect(redactUrl('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545')
    expect(redactUrl('https://ethereum-sepolia.example/rpc/mainnet')).toBe('https://ethereum-sepolia.example/rpc/mainnet')
    expect(redactUrl('not a url with secret')).toBe('<invalid url>')
  })

  it('behavior: redactUrlsIn scrubs raw, parsed and credential-less forms', () => {
    const url = 'https://u:p@rpc.example/v2/KEY1234567890KEY'
    const text = `fetch ${url} failed; GET https://rpc.example/v2/KEY1234567890KEY/eth/v1/beacon/genesis: reset`
    const out = redactUrlsIn(text, [url])
    expect(out).not.toMatch(/KEY1234|u:p@/)
    expect(out).toContain('https://***@rpc.example/v2/***')
  })
})

describe('logs bloom', () => {
  it('default: every log of a real block is in its bloom (execution-apis block 0x36)', () => {
    const block = json('l1-blocks/execution-apis/block-latest.json')
    const bloom = fromHex(block.logsBloom)
    const logs = json('l1-blocks/execution-apis/receipts-latest.json').flatMap((r: { logs: unknown[] }) => r.logs)
    expect(logs).toHaveLength(11)
    for (const entry of logs) {
      const { log } = parseLog(entry, 'log')
      expect(bloomHas(bloom, bloomBits(fromHex(log.address)))).toBe(true)
      for (const t of log.topics) expect(bloomHas(bloom, bloomBits(fromHex(t)))).toBe(true)
    }
  })

  it('behavior: bloomAdd sets exactly the three bits bloomHas reads', () => {
    const item = fromHex('0x4200000000000000000000000000000000000010')
    const bloom = bloomAdd(new Uint8Array(256), item)
    expect(bloom.reduce((n, b) => n + b.toString(2).replaceAll('0', '').length, 0)).toBeLessThanOrEqual(3)
    expect(bloomHas(bloom, bloomBits(item))).toBe(true)
    expect(bloomHas(new Uint8Array(256), bloomBits(item))).toBe(false)
  })
})
