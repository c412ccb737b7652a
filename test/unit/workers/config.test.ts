import { describe, expect, it } from 'vitest'
import { hasBearer, safeEqual } from '../../../workers/auth.ts'
import { describeProblems, parseNodeConfig } from '../../../workers/config.ts'
import { chainByName } from '../../../shared/config/chains.ts'
import { toRollupJson } from '../../../shared/config/parse-rollup-json.ts'

const ENDPOINTS = { L1_RPC_URLS: 'https://l1.example/v2/abcdef0123456789abcdef', ENGINE_URL: 'https://engine.example', ENGINE_JWT_SECRET: '42'.repeat(32) }

describe('parseNodeConfig', () => {
  it('default: a registry chain by name', () => {
    const r = parseNodeConfig({ ...ENDPOINTS, CHAIN: 'op-mainnet', ADMIN_TOKEN: 'a-long-enough-admin-token', L1_CONFIRMATIONS: '4' })
    expect(r.ok && r.config.chain.l2ChainId).toBe(10)
    expect(r.ok && r.config.adminToken).toBe('a-long-enough-admin-token')
    expect(r.ok && r.config.l1).toMatchObject({ confirmations: 4, secondsPerSlot: 12, rpcUrls: [ENDPOINTS.L1_RPC_URLS] })
  })

  it('behavior: ROLLUP_CONFIG (rollup.json) overrides CHAIN', () => {
    const json = toRollupJson({ ...chainByName('op-sepolia')!, forks: { ...chainByName('op-sepolia')!.forks } })
    const r = parseNodeConfig({ ...ENDPOINTS, CHAIN: 'my-chain', ROLLUP_CONFIG: JSON.stringify(json) })
    expect(r.ok && r.config.chain.name).toBe('my-chain')
    expect(r.ok && r.config.chain.l2ChainId).toBe(11155420)
  })

  it('behavior: RELAY_SECRET turns the relay ingress on; a short one is refused by name', () => {
    const off = parseNodeConfig({ ...ENDPOINTS, CHAIN: 'devnet' })
    expect(off.ok && off.config.relaySecret).toBeUndefined()
    const on = parseNodeConfig({ ...ENDPOINTS, CHAIN: 'devnet', RELAY_SECRET: 'r'.repeat(32) })
    expect(on.ok && on.config.relaySecret).toBe('r'.repeat(32))
    const short = parseNodeConfig({ ...ENDPOINTS, CHAIN: 'devnet', RELAY_SECRET: 'short' })
    expect(short.ok).toBe(false)
    if (!short.ok) expect(short.problems).toEqual([{ setting: 'RELAY_SECRET', problem: expect.stringMatching(/at least 32 characters/) }])
  })

  it('error: every problem names its setting', () => {
    const r = parseNodeConfig({ CHAIN: 'nope', ADMIN_TOKEN: 'short', L1_RPC_URLS: 'ftp://x?key=SECRET', ENGINE_JWT_SECRET: 'zz' })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.problems.map((p) => p.setting)).toEqual(['CHAIN', 'ADMIN_TOKEN', 'L1_RPC_URLS', 'ENGINE_URL', 'ENGINE_JWT_SECRET'])
    expect(JSON.stringify(r.problems)).not.toMatch(/key=SECRET/)
    expect(describeProblems(r.problems)).toMatch(/^CHAIN: unknown chain "nope"/)
    const bad = parseNodeConfig({ ROLLUP_CONFIG: '{"block_time":0}' })
    expect(!bad.ok && bad.problems[0]).toMatchObject({ setting: 'ROLLUP_CONFIG' })
    expect(!bad.ok && bad.problems[0].problem).toMatch(/rollup config: genesis/)
    const none = parseNodeConfig({})
    expect(!none.ok && none.problems[0].setting).toBe('CHAIN')
  })
})

describe('auth', () => {
  it('default: bearer tokens compared in constant time', () => {
    expect(safeEqual('abc', 'abc')).toBe(true)
    expect(safeEqual('abc', 'abd')).toBe(false)
    expect(safeEqual('abc', 'abcd')).toBe(false)
    expect(hasBearer('Bearer secret-token-123456', 'secret-token-123456')).toBe(true)
    expect(hasBearer('bearer secret-token-123456', 'secret-token-123456')).toBe(true)
    expect(hasBearer('Bearer wrong', 'secret-token-123456')).toBe(false)
    expect(hasBearer(null, 'secret-token-123456')).toBe(false)
    expect(hasBearer('Bearer x', undefined)).toBe(false)
  })
})
