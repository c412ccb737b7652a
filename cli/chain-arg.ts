/** `--chain <name|rollup.json>`: a registry chain by name or an op-node rollup.json file. */
import { readFileSync } from 'node:fs'
import { CHAIN_NAMES, chainByName } from '../shared/config/chains.ts'
import { parseRollupJson } from '../shared/config/parse-rollup-json.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import { UsageError } from './args.ts'

export function chainArg(value: string): RollupConfig {
  const named = chainByName(value)
  if (named) return named
  if (!value.endsWith('.json') && !value.includes('/')) {
    throw new UsageError(`--chain: unknown chain "${value}" (one of ${CHAIN_NAMES.join(', ')}, or a rollup.json path)`)
  }
  const path = value.startsWith('@') ? value.slice(1) : value
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new UsageError(`--chain: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new UsageError(`--chain: ${path} is not valid JSON`)
  }
  return parseRollupJson(json, path)
}
