/**
 * `op-edge <command>`: a batch decoder and protocol debugger. Output is one JSON object on stdout; bad input gives
 * exit code 1 and one line on stderr, never a stack trace.
 */
import { DecodeError, OpEdgeError } from '../shared/errors.ts'
import { UsageError } from './args.ts'
import { stringify } from './json.ts'
import { decodeBlobCommand } from './commands/decode-blob.ts'
import { decodeChannelCommand } from './commands/decode-channel.ts'
import { decodeTxCommand } from './commands/decode-tx.ts'
import { deriveCommand } from './commands/derive.ts'
import { depositCommand } from './commands/deposit.ts'
import { headerHashCommand } from './commands/header-hash.ts'
import { l1InfoCommand } from './commands/l1-info.ts'
import { upgradeTxsCommand } from './commands/upgrade-txs.ts'

type Command = { run: (args: string[]) => unknown | Promise<unknown>; usage: string }

const COMMANDS: Record<string, Command> = {
  'decode-tx': { run: decodeTxCommand, usage: 'decode-tx <rawTx>' },
  'decode-channel': { run: decodeChannelCommand, usage: 'decode-channel [--chain <name|rollup.json>] <dataUnit>...' },
  'decode-blob': { run: decodeBlobCommand, usage: 'decode-blob <blob>' },
  'l1-info': { run: l1InfoCommand, usage: 'l1-info <rawDepositTx | calldata>' },
  deposit: { run: depositCommand, usage: 'deposit <log JSON>' },
  'header-hash': { run: headerHashCommand, usage: 'header-hash <block JSON>' },
  'upgrade-txs': { run: upgradeTxsCommand, usage: 'upgrade-txs <ecotone|fjord|isthmus|jovian|karst>' },
  derive: { run: deriveCommand, usage: 'derive --chain <name|rollup.json> --input <file.json>' },
}

function help(): string {
  return [
    'usage: op-edge <command> [args]',
    'Arguments are 0x hex or @path to a file holding hex (JSON commands: JSON or @path).',
    '',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
  ].join('\n')
}

/** One line describing any failure, without a stack trace. */
export function describeError(e: unknown): string {
  if (e instanceof UsageError) return e.message
  if (e instanceof DecodeError) return `${e.code}: ${e.message}`
  if (e instanceof OpEdgeError) return e.shortMessage
  if (e instanceof Error) return e.message.split('\n')[0]
  return String(e)
}

/** Run the CLI; returns the exit code. Writes go through the given streams (tests capture them). */
export async function main(
  argv: string[],
  io: { out: (s: string) => void; err: (s: string) => void } = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  },
): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(`${help()}\n`)
    return name === undefined ? 1 : 0
  }
  const command = COMMANDS[name]
  if (!command) {
    io.err(`op-edge: unknown command "${name}" (try op-edge --help)\n`)
    return 1
  }
  try {
    const result = await command.run(args)
    io.out(`${stringify(result)}\n`)
    return 0
  } catch (e) {
    io.err(`op-edge ${name}: ${describeError(e).replace(/\s*\n\s*/g, ' ')}\n`)
    return 1
  }
}
