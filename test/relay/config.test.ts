/** Relay settings: defaults, every flag, and errors that name the setting. */
import { describe, expect, it } from 'vitest'
import { chainByName } from '../../shared/config/chains.ts'
import { toRollupJson } from '../../shared/config/parse-rollup-json.ts'
import { DEFAULT_LISTEN, parseRelayConfig, type RelayConfigError } from '../../gossip-relay/config.ts'
import { DEVNET } from './support.ts'

const env = { RELAY_SECRET: 'a-secret-of-enough-bytes' }
const base = ['--chain', 'devnet', '--ingress', 'http://127.0.0.1:8787']
const PEER = '/ip4/10.0.0.1/tcp/9222/p2p/16Uiu2HAm4rejgBmauZ3mYBgKX6aMRCeFCW3j1jSnyj4DXzuBoW6p'

function settingOf(f: () => unknown): string | undefined {
  try {
    f()
  } catch (e) {
    return (e as RelayConfigError).setting
  }
  return undefined
}

describe('parseRelayConfig', () => {
  it('default', () => {
    const c = parseRelayConfig(base, env)
    expect(c).toMatchObject({
      listen: [DEFAULT_LISTEN],
      announce: [],
      http: { host: '127.0.0.1', port: 7300 },
      keyFile: undefined,
      staticPeers: [],
      maxPeers: 30,
      signer: DEVNET.unsafeBlockSigner,
      discovery: { enabled: true, bootnodes: [], udpPort: undefined },
    })
    expect(c.rollup.l2ChainId).toBe(901)
    expect(c.ingressUrl.href).toBe('http://127.0.0.1:8787/')
    expect(new TextDecoder().decode(c.secret)).toBe(env.RELAY_SECRET)
  })

  it('args: every flag', () => {
    const c = parseRelayConfig(
      [
        ...base,
        '--listen=/ip4/0.0.0.0/tcp/9333,/ip6/::/tcp/9333',
        '--announce',
        '/ip4/203.0.113.7/tcp/9333',
        '--http-host',
        '0.0.0.0',
        '--http-port',
        '7400',
        '--key-file',
        '/tmp/relay.key',
        '--peers',
        PEER,
        '--max-peers',
        '50',
        '--signer',
        '0xAbCdEf0123456789aBcDeF0123456789AbCdEf01',
        '--no-discovery',
        '--bootnodes',
        'enr:-abc,enr:-def',
        '--discovery-port',
        '9334',
        '--secret-file',
        '/run/secret',
      ],
      {},
      (path) => (path === '/run/secret' ? 'file-secret-0123456789\n' : ''),
    )
    expect(c).toMatchObject({
      listen: ['/ip4/0.0.0.0/tcp/9333', '/ip6/::/tcp/9333'],
      announce: ['/ip4/203.0.113.7/tcp/9333'],
      http: { host: '0.0.0.0', port: 7400 },
      keyFile: '/tmp/relay.key',
      staticPeers: [PEER],
      maxPeers: 50,
      signer: '0xabcdef0123456789abcdef0123456789abcdef01',
      discovery: { enabled: false, bootnodes: ['enr:-abc', 'enr:-def'], udpPort: 9334 },
    })
  })

  it('args: --secret-file wins over RELAY_SECRET; --rollup-config replaces --chain', () => {
    const files: Record<string, string> = {
      '/run/secret': 'file-secret-0123456789\n',
      '/etc/rollup.json': JSON.stringify({ ...toRollupJson(chainByName('op-sepolia')!), l2_chain_id: 4242 }),
    }
    const c = parseRelayConfig(
      ['--rollup-config', '/etc/rollup.json', '--ingress', 'https://node.example', '--secret-file', '/run/secret'],
      env,
      (p) => files[p],
    )
    expect(new TextDecoder().decode(c.secret)).toBe('file-secret-0123456789')
    expect(c.rollup.l2ChainId).toBe(4242)
    expect(c.signer).toBeUndefined()
  })

  it('error: each bad setting is named', () => {
    const noFile = (path: string): string => {
      throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' })
    }
    expect(settingOf(() => parseRelayConfig(['--ingress', 'http://x'], env))).toBe('--chain')
    expect(settingOf(() => parseRelayConfig(['--chain', 'nope', '--ingress', 'http://x'], env))).toBe('--chain')
    expect(settingOf(() => parseRelayConfig(['--chain', 'devnet'], env))).toBe('--ingress')
    expect(settingOf(() => parseRelayConfig(['--chain', 'devnet', '--ingress', 'ftp://x'], env))).toBe('--ingress')
    expect(settingOf(() => parseRelayConfig(base, {}))).toBe('RELAY_SECRET')
    expect(settingOf(() => parseRelayConfig(base, { RELAY_SECRET: 'short' }))).toBe('RELAY_SECRET')
    expect(settingOf(() => parseRelayConfig([...base, '--secret-file', '/nope'], env, noFile))).toBe('--secret-file')
    expect(settingOf(() => parseRelayConfig([...base, '--listen', 'tcp://0.0.0.0:1'], env))).toBe('--listen')
    expect(settingOf(() => parseRelayConfig([...base, '--peers', '/ip4/10.0.0.1/tcp/9222'], env))).toBe('--peers')
    expect(settingOf(() => parseRelayConfig([...base, '--max-peers', '0'], env))).toBe('--max-peers')
    expect(settingOf(() => parseRelayConfig([...base, '--http-port', '70000'], env))).toBe('--http-port')
    expect(settingOf(() => parseRelayConfig([...base, '--signer', '0x12'], env))).toBe('--signer')
    expect(settingOf(() => parseRelayConfig([...base, '--secret', 'x'], env))).toBe('arguments')
    expect(settingOf(() => parseRelayConfig(['--rollup-config', '/nope', '--ingress', 'http://x'], env, noFile))).toBe(
      '--rollup-config',
    )
    expect(
      settingOf(() => parseRelayConfig(['--rollup-config', '/r.json', '--ingress', 'http://x'], env, () => '{"l2_chain_id":1}')),
    ).toBe('--rollup-config')
  })
})
