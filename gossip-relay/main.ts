/**
 * `npm run relay -- --chain <name> --ingress <url> …` (flags: config.ts). Starts the relay, logs JSON lines on stdout,
 * and stops cleanly on SIGTERM/SIGINT (exit 0). A bad setting prints one line naming it and exits 2.
 */
import { loadIdentity } from './identity.ts'
import { parseRelayConfig, RelayConfigError, USAGE } from './config.ts'
import { createLogger } from './log.ts'
import { Relay } from './relay.ts'

/** How long a graceful stop may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 10_000

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const log = createLogger()
  let config: ReturnType<typeof parseRelayConfig>
  try {
    config = parseRelayConfig(argv, process.env)
  } catch (e) {
    if (!(e instanceof RelayConfigError)) throw e
    process.stderr.write(`gossip-relay: ${e.message}\n${USAGE}\n`)
    process.exit(2)
  }
  let identity: Awaited<ReturnType<typeof loadIdentity>>
  try {
    identity = await loadIdentity(config.keyFile)
  } catch (e) {
    if (!(e instanceof RelayConfigError)) throw e
    process.stderr.write(`gossip-relay: ${e.message}\n`)
    process.exit(2)
  }
  log(identity.source === 'loaded' ? 'key-loaded' : identity.source === 'created' ? 'key-created' : 'key-ephemeral', {
    keyFile: config.keyFile ?? null,
  })

  const starting = Relay.start({ config, privateKey: identity.privateKey, log })
  // Handlers go in before the relay is up: a signal that arrives while it starts (or right after "relay-started" is
  // logged) must stop it cleanly, not kill the process with the default action.
  let stopping = false
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    log('shutdown-signal', { signal })
    setTimeout(() => {
      log('fatal', { error: 'stop timed out' })
      process.exit(1)
    }, STOP_TIMEOUT_MS).unref()
    starting
      .then((relay) => relay.stop())
      .then(
        () => process.exit(0),
        (e) => {
          log('fatal', { error: e as Error })
          process.exit(1)
        },
      )
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
  await starting
}

main().catch((e) => {
  process.stderr.write(`gossip-relay: ${(e as Error).stack ?? String(e)}\n`)
  process.exit(1)
})
