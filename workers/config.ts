/**
 * All settings, parsed and checked in one place (DESIGN.md "Configuration", STYLE.md #9). Nothing else reads the
 * environment. A problem is reported with the name of the setting, never as a crash.
 */
import { chainByName, CHAIN_NAMES } from '../shared/config/chains.ts'
import { parseRollupJson, RollupConfigError } from '../shared/config/parse-rollup-json.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'

export type NodeConfig = {
  chain: RollupConfig
  /** Bearer token for `admin_*` methods; admin is off without it. */
  adminToken: string | undefined
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
  if (problems.length > 0 || !chain) return { ok: false, problems }
  return { ok: true, config: { chain, adminToken } }
}

export function describeProblems(problems: ConfigProblem[]): string {
  return problems.map((p) => `${p.setting}: ${p.problem}`).join('; ')
}
