/**
 * CLI for the development engine, used by `npm start`:
 *
 *   node test/devnet/dev-engine-main.ts --port 8551 --jwt-secret <hex | path to a hex file> --chain devnet
 *        [--genesis-time <unix seconds, default now>]
 *
 * Prints one JSON line `{ url, port, chain, chainId, genesis: { hash, number, timestamp } }` on stdout once it
 * listens, so the devnet script can build the rollup config (`genesis.l2`); exits 0 on SIGTERM / SIGINT.
 */
import { existsSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { chainByName } from '../../shared/config/chains.ts'
import { startDevEngine } from './dev-engine.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8551' },
    'jwt-secret': { type: 'string' },
    chain: { type: 'string', default: 'devnet' },
    'genesis-time': { type: 'string' },
  },
  strict: true,
})

function fail(message: string): never {
  process.stderr.write(`dev-engine: ${message}\n`)
  process.exit(2)
}

const secretArg = values['jwt-secret'] ?? fail('--jwt-secret <hex or file> is required')
const jwtSecret = /^(0x)?[0-9a-fA-F]{64}$/.test(secretArg.trim())
  ? secretArg
  : existsSync(secretArg)
    ? readFileSync(secretArg, 'utf8').trim()
    : fail('--jwt-secret must be 32 bytes of hex or a file holding them')
const base = chainByName(values.chain) ?? fail(`unknown chain ${values.chain}`)
const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad --port ${values.port}`)
const genesisTime = values['genesis-time'] !== undefined ? Number(values['genesis-time']) : Math.floor(Date.now() / 1000)
if (!Number.isSafeInteger(genesisTime) || genesisTime <= 0) fail(`bad --genesis-time ${values['genesis-time']}`)

const config = { ...base, genesis: { ...base.genesis, l2Time: genesisTime } }
const engine = await startDevEngine({ config, jwtSecret, port, host: '127.0.0.1' }).catch((e: Error) => fail(e.message))
process.stdout.write(
  `${JSON.stringify({ url: engine.url, port: engine.port, chain: config.name, chainId: config.l2ChainId, genesis: engine.genesis })}\n`,
)

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  await engine.close()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
