/**
 * All settings, parsed and checked in one place (DESIGN.md "Configuration", STYLE.md #9). Nothing else reads the
 * environment. A problem is reported with the name of the setting, never as a crash.
 */
import { chainByName, CHAIN_NAMES } from '../shared/config/chains.ts'
import { parseRollupJson, RollupConfigError } from '../shared/config/parse-rollup-json.ts'
import type { Hex } from '../shared/bytes.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'

export type NodeConfig = {
  chain: RollupConfig
  /** Bearer token for `admin_*` methods; admin is off without it. */
  adminToken: string | undefined
  l1: { rpcUrls: string[]; beaconUrls: string[]; confirmations: number; secondsPerSlot: number; beaconGenesisTime?: number; beaconBlockId: 'slot' | 'number' | 'hash'; trustBlobs: boolean }
  engine: { url: string; jwtSecret: string; accessHeaders: Record<string, string> }
  /** Shared with the gossip relay (HMAC of `POST /p2p/blocks`); relay ingress is off without it. */
  relaySecret: string | undefined
  /** The gossip relay's HTTP address (`/signer`, `/publish`); optional for a verifier. */
  relayUrl: string | undefined
  /** `verifier` (default) or `sequencer`: which RollupNode this deployment drives. */
  role: 'verifier' | 'sequencer'
  sequencer?: { key: Hex; enabled: boolean; l1Confs: number }
  batcher?: { key: Hex; da: 'calldata' | 'blobs' | 'auto'; batchType: 'span' | 'singular'; compression: 'zlib' | 'brotli'; maxChannelDuration: number; confirmations: number; maxPendingTxs: number }
}

export type ConfigProblem = { setting: string; problem: string }

export type ConfigResult = { ok: true; config: NodeConfig } | { ok: false; problems: ConfigProblem[] }

type RawEnv = Partial<Record<string, unknown>>

/** Parse the Worker's vars and secrets. `ROLLUP_CONFIG` (op-node rollup.json) overrides `CHAIN`'s registry config. */
export function parseNodeConfig(env: RawEnv): ConfigResult {
  const problems: ConfigProblem[] = []
  let chain: RollupConfig | undefined
  const rollupJson = env.ROLLUP_CONFIG
  if (typeof rollupJson === 'string' && rollupJson.trim() !== '') {
    try {
      chain = parseRollupJson(JSON.parse(rollupJson), typeof env.CHAIN === 'string' && env.CHAIN ? env.CHAIN : undefined)
    } catch (e) {
      problems.push({ setting: 'ROLLUP_CONFIG', problem: e instanceof RollupConfigError ? e.shortMessage : 'is not valid JSON' })
    }
  } else if (typeof env.CHAIN !== 'string' || env.CHAIN === '') {
    problems.push({ setting: 'CHAIN', problem: `is not set (one of ${CHAIN_NAMES.join(', ')}, or set ROLLUP_CONFIG)` })
  } else {
    chain = chainByName(env.CHAIN)
    if (!chain) problems.push({ setting: 'CHAIN', problem: `unknown chain "${env.CHAIN}" (one of ${CHAIN_NAMES.join(', ')})` })
  }
  let adminToken: string | undefined
  if (env.ADMIN_TOKEN !== undefined && env.ADMIN_TOKEN !== '') {
    if (typeof env.ADMIN_TOKEN !== 'string' || env.ADMIN_TOKEN.length < 16) {
      problems.push({ setting: 'ADMIN_TOKEN', problem: 'must be at least 16 characters' })
    } else adminToken = env.ADMIN_TOKEN
  }
  const urls = (name: string, required: boolean): string[] => {
    const v = env[name]
    if (v === undefined || v === '') {
      if (required) problems.push({ setting: name, problem: 'is not set (comma-separated URLs)' })
      return []
    }
    const list = String(v).split(',').map((u) => u.trim()).filter(Boolean)
    for (const u of list) {
      try {
        const p = new URL(u)
        if (p.protocol !== 'http:' && p.protocol !== 'https:') throw new Error()
      } catch {
        // Never echo the URL: it may carry an API key.
        problems.push({ setting: name, problem: 'holds a value that is not an http(s) URL' })
      }
    }
    return list
  }
  const int = (name: string, dflt: number): number => {
    const v = env[name]
    if (v === undefined || v === '') return dflt
    const n = Number(v)
    if (!Number.isSafeInteger(n) || n < 0) problems.push({ setting: name, problem: 'must be a non-negative integer' })
    return n
  }
  const rpcUrls = urls('L1_RPC_URLS', true)
  const beaconUrls = urls('BEACON_URLS', false)
  const [engineUrl] = urls('ENGINE_URL', true)
  const jwt = typeof env.ENGINE_JWT_SECRET === 'string' ? env.ENGINE_JWT_SECRET.trim() : ''
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(jwt)) problems.push({ setting: 'ENGINE_JWT_SECRET', problem: 'must be 32 bytes of hex (wrangler secret put ENGINE_JWT_SECRET)' })
  const accessHeaders: Record<string, string> = {}
  if (typeof env.CF_ACCESS_CLIENT_ID === 'string' && env.CF_ACCESS_CLIENT_ID) accessHeaders['CF-Access-Client-Id'] = env.CF_ACCESS_CLIENT_ID
  if (typeof env.CF_ACCESS_CLIENT_SECRET === 'string' && env.CF_ACCESS_CLIENT_SECRET) accessHeaders['CF-Access-Client-Secret'] = env.CF_ACCESS_CLIENT_SECRET
  const l1 = {
    rpcUrls,
    beaconUrls,
    confirmations: int('L1_CONFIRMATIONS', 0),
    secondsPerSlot: int('SECONDS_PER_SLOT', 12) || 12,
    trustBlobs: env.TRUST_BLOBS === 'true',
    beaconBlockId: ((): 'slot' | 'number' | 'hash' => {
      const v = env.BEACON_BLOCK_ID ?? 'slot'
      if (v === 'slot' || v === 'number' || v === 'hash') return v
      problems.push({ setting: 'BEACON_BLOCK_ID', problem: 'must be slot, number or hash' })
      return 'slot'
    })(),
    ...(env.BEACON_GENESIS_TIME !== undefined && env.BEACON_GENESIS_TIME !== '' ? { beaconGenesisTime: int('BEACON_GENESIS_TIME', 0) } : {}),
  }
  let relaySecret: string | undefined
  if (env.RELAY_SECRET !== undefined && env.RELAY_SECRET !== '') {
    if (typeof env.RELAY_SECRET !== 'string' || env.RELAY_SECRET.length < 32) {
      problems.push({ setting: 'RELAY_SECRET', problem: 'must be at least 32 characters (wrangler secret put RELAY_SECRET; the relay uses the same value)' })
    } else relaySecret = env.RELAY_SECRET
  }
  const [relayUrl] = urls('RELAY_URL', false)
  if (relayUrl && !relaySecret) problems.push({ setting: 'RELAY_SECRET', problem: 'is needed when RELAY_URL is set (the relay authenticates the node with it)' })
  const oneOf = <T extends string>(name: string, values: readonly T[], dflt: T): T => {
    const v = env[name]
    if (v === undefined || v === '') return dflt
    if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T
    problems.push({ setting: name, problem: `must be one of ${values.join(', ')}` })
    return dflt
  }
  const key = (name: string): Hex | undefined => {
    const v = env[name]
    if (v === undefined || v === '') return undefined
    const k = typeof v === 'string' ? v.trim() : ''
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(k)) {
      problems.push({ setting: name, problem: `must be a 32-byte hex private key (wrangler secret put ${name})` })
      return undefined
    }
    return (k.startsWith('0x') ? k.toLowerCase() : `0x${k.toLowerCase()}`) as Hex
  }
  const role = oneOf('ROLE', ['verifier', 'sequencer'] as const, 'verifier')
  const sequencerKey = key('SEQUENCER_KEY')
  const batcherKey = key('BATCHER_KEY')
  if (role === 'sequencer' && !sequencerKey) problems.push({ setting: 'SEQUENCER_KEY', problem: 'is needed when ROLE is sequencer (the unsafe-block signer key)' })
  const sequencer = sequencerKey ? { key: sequencerKey, enabled: env.SEQUENCER_ENABLED === 'true', l1Confs: int('SEQUENCER_L1_CONFS', 4) } : undefined
  const batcher = batcherKey
    ? {
        key: batcherKey,
        da: oneOf('BATCHER_DA', ['calldata', 'blobs', 'auto'] as const, 'blobs'),
        batchType: oneOf('BATCHER_BATCH_TYPE', ['span', 'singular'] as const, 'span'),
        compression: oneOf('BATCHER_COMPRESSION', ['zlib', 'brotli'] as const, 'zlib'),
        maxChannelDuration: int('BATCHER_MAX_CHANNEL_DURATION', 0),
        confirmations: int('BATCHER_CONFIRMATIONS', 1),
        maxPendingTxs: int('BATCHER_MAX_PENDING_TXS', 1) || 1,
      }
    : undefined
  if (problems.length > 0 || !chain) return { ok: false, problems }
  return {
    ok: true,
    config: { chain, adminToken, l1, engine: { url: engineUrl, jwtSecret: jwt, accessHeaders }, relaySecret, relayUrl, role, ...(sequencer ? { sequencer } : {}), ...(batcher ? { batcher } : {}) },
  }
}

export function describeProblems(problems: ConfigProblem[]): string {
  return problems.map((p) => `${p.setting}: ${p.problem}`).join('; ')
}
