/**
 * The relay's settings, parsed and checked once from argv and the environment (STYLE.md habit 9). Every error names
 * the setting. The ingress secret comes from `RELAY_SECRET` or `--secret-file`, never from argv, so it does not show
 * up in `ps` or in logs.
 *
 * ```
 * node gossip-relay/main.ts --chain <name> | --rollup-config <file>  --ingress <worker URL>
 *   [--listen /ip4/0.0.0.0/tcp/9222[,…]] [--announce <multiaddr>[,…]] [--http-host 127.0.0.1] [--http-port 7300]
 *   [--key-file <path>] [--peers <multiaddr>[,…]] [--max-peers 30] [--signer 0x…] [--secret-file <path>]
 *   [--no-discovery] [--bootnodes <enr>[,…]] [--discovery-port <udp port>]
 * ```
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import type { Hex } from '../shared/bytes.ts'
import { CHAIN_NAMES, chainByName } from '../shared/config/chains.ts'
import { parseRollupJson } from '../shared/config/parse-rollup-json.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'

export type RelayConfig = {
  rollup: RollupConfig
  /** The Worker's base URL; blocks go to `<ingress>/p2p/blocks`. */
  ingressUrl: URL
  /** HMAC key shared with the Worker (UTF-8 bytes of the configured string). */
  secret: Uint8Array
  listen: string[]
  announce: string[]
  http: { host: string; port: number }
  /** Hex secp256k1 key file, created if missing; without one the identity is new at every start. */
  keyFile: string | undefined
  /** Peers dialed at start and kept connected. */
  staticPeers: string[]
  maxPeers: number
  /** The unsafe-block signer until the Worker pushes the SystemConfig value to `POST /signer`. */
  signer: Hex | undefined
  /**
   * discv5 (gossip-relay/discovery.ts). No bootnodes given: op-node's and the superchain's for chains on Ethereum
   * mainnet or Sepolia, none otherwise. The UDP port defaults to the TCP listen port.
   */
  discovery: { enabled: boolean; bootnodes: string[]; udpPort: number | undefined }
}

/** A bad or missing setting; `setting` is the flag or variable to fix. */
export class RelayConfigError extends Error {
  override name = 'RelayConfigError'
  readonly setting: string

  constructor(setting: string, message: string) {
    super(`${setting}: ${message}`)
    this.setting = setting
  }
}

/**
 * Node flags the relay is run with (`npm run relay`, the devnet, the benchmarks; keep package.json's "relay" script in
 * step): a 64 MB old generation and 2 MB semi-spaces hold RSS under 150 MB at 10 blocks/s of 32 KiB blocks
 * (`npm run bench -- --gossip`) where V8's defaults let it drift to ~270 MB before collecting.
 */
export const RELAY_NODE_FLAGS = ['--max-old-space-size=64', '--max-semi-space-size=2'] as const

export const DEFAULT_LISTEN = '/ip4/0.0.0.0/tcp/9222'
export const DEFAULT_HTTP_PORT = 7300
/** op-node `p2p.peers.hi`. */
export const DEFAULT_MAX_PEERS = 30
/** The shortest ingress secret accepted, in bytes. */
export const MIN_SECRET_BYTES = 16

export const USAGE = `usage: node gossip-relay/main.ts (--chain <${CHAIN_NAMES.join('|')}> | --rollup-config <file>) --ingress <url>
  [--listen <multiaddr,…>] [--announce <multiaddr,…>] [--http-host 127.0.0.1] [--http-port ${DEFAULT_HTTP_PORT}]
  [--key-file <path>] [--peers <multiaddr,…>] [--max-peers ${DEFAULT_MAX_PEERS}] [--signer 0x…] [--secret-file <path>]
  [--no-discovery] [--bootnodes <enr,…>] [--discovery-port <udp port>]
environment: RELAY_SECRET (the ingress HMAC secret, unless --secret-file is given)`

/**
 * Parses the relay's settings.
 *
 * @param readFile reads a file as UTF-8 (injected for tests).
 * @throws RelayConfigError naming the first bad setting.
 */
export function parseRelayConfig(
  argv: string[],
  env: Record<string, string | undefined>,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): RelayConfig {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      args: argv,
      allowNegative: true,
      strict: true,
      options: {
        chain: { type: 'string' },
        'rollup-config': { type: 'string' },
        ingress: { type: 'string' },
        listen: { type: 'string' },
        announce: { type: 'string' },
        'http-host': { type: 'string' },
        'http-port': { type: 'string' },
        'key-file': { type: 'string' },
        peers: { type: 'string' },
        'max-peers': { type: 'string' },
        signer: { type: 'string' },
        'secret-file': { type: 'string' },
        discovery: { type: 'boolean', default: true },
        bootnodes: { type: 'string' },
        'discovery-port': { type: 'string' },
      },
    }).values
  } catch (e) {
    // node:util names the offending flag in its message; the secret is never an argument, so echoing is safe.
    throw new RelayConfigError('arguments', (e as Error).message)
  }
  const str = (name: string) => values[name] as string | undefined
  const read = (setting: string, path: string) => {
    try {
      return readFile(path)
    } catch (e) {
      throw new RelayConfigError(setting, `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`)
    }
  }

  const rollup = rollupConfigOf(str('chain'), str('rollup-config'), (path) => read('--rollup-config', path))

  const ingress = str('ingress')
  if (ingress === undefined) throw new RelayConfigError('--ingress', 'required (the Worker URL, e.g. http://127.0.0.1:8787)')
  let ingressUrl: URL
  try {
    ingressUrl = new URL(ingress)
  } catch {
    throw new RelayConfigError('--ingress', 'not a URL')
  }
  if (ingressUrl.protocol !== 'http:' && ingressUrl.protocol !== 'https:') {
    throw new RelayConfigError('--ingress', 'must be an http(s) URL')
  }

  const secretFile = str('secret-file')
  const secretText = secretFile !== undefined ? read('--secret-file', secretFile).trim() : env.RELAY_SECRET
  const secretSetting = secretFile !== undefined ? '--secret-file' : 'RELAY_SECRET'
  if (secretText === undefined || secretText === '') {
    throw new RelayConfigError(secretSetting, 'the ingress secret is required (set RELAY_SECRET or --secret-file)')
  }
  const secret = new TextEncoder().encode(secretText)
  if (secret.length < MIN_SECRET_BYTES) {
    throw new RelayConfigError(secretSetting, `the ingress secret must be at least ${MIN_SECRET_BYTES} bytes`)
  }

  const signerArg = str('signer')
  if (signerArg !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(signerArg)) {
    throw new RelayConfigError('--signer', 'must be a 0x-prefixed 20-byte address')
  }
  const signer = (signerArg ?? rollup.unsafeBlockSigner)?.toLowerCase() as Hex | undefined

  return {
    rollup,
    ingressUrl,
    secret,
    listen: multiaddrList('--listen', str('listen') ?? DEFAULT_LISTEN),
    announce: multiaddrList('--announce', str('announce') ?? ''),
    http: {
      host: str('http-host') ?? '127.0.0.1',
      port: intSetting('--http-port', str('http-port'), DEFAULT_HTTP_PORT, 0, 65535),
    },
    keyFile: str('key-file'),
    staticPeers: multiaddrList('--peers', str('peers') ?? '', { needPeerId: true }),
    maxPeers: intSetting('--max-peers', str('max-peers'), DEFAULT_MAX_PEERS, 1, 10_000),
    signer,
    discovery: {
      enabled: values.discovery !== false,
      bootnodes: list(str('bootnodes') ?? ''),
      udpPort:
        str('discovery-port') === undefined ? undefined : intSetting('--discovery-port', str('discovery-port'), 0, 0, 65535),
    },
  }
}

function rollupConfigOf(
  chain: string | undefined,
  rollupConfigPath: string | undefined,
  read: (path: string) => string,
): RollupConfig {
  if (rollupConfigPath !== undefined) {
    let json: unknown
    try {
      json = JSON.parse(read(rollupConfigPath))
    } catch (e) {
      if (e instanceof RelayConfigError) throw e
      throw new RelayConfigError('--rollup-config', `not valid JSON (${(e as Error).message.split('\n')[0]})`)
    }
    try {
      return parseRollupJson(json, chain)
    } catch (e) {
      throw new RelayConfigError('--rollup-config', (e as Error).message)
    }
  }
  if (chain === undefined) throw new RelayConfigError('--chain', `required unless --rollup-config is given (${CHAIN_NAMES.join(', ')})`)
  const config = chainByName(chain)
  if (config === undefined) throw new RelayConfigError('--chain', `unknown chain ${JSON.stringify(chain)} (${CHAIN_NAMES.join(', ')})`)
  return config
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

function multiaddrList(setting: string, value: string, opts: { needPeerId?: boolean } = {}): string[] {
  const out = list(value)
  for (const s of out) {
    let ma
    try {
      ma = multiaddr(s)
    } catch {
      throw new RelayConfigError(setting, `not a multiaddr: ${s}`)
    }
    if (opts.needPeerId && ma.getComponents().every((c) => c.name !== 'p2p')) {
      throw new RelayConfigError(setting, `needs a /p2p/<peer id> part: ${s}`)
    }
  }
  return out
}

function intSetting(setting: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new RelayConfigError(setting, `must be an integer in ${min}..${max}`)
  }
  return Number(value)
}
