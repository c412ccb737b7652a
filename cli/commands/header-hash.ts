/** `op-edge header-hash <block JSON>`: the hash of an L1 or L2 header given as a JSON-RPC block or header object. */
import { hashHeader, headerFromRpcBlock } from '../../shared/protocol/header-hash.ts'
import { jsonArg, UsageError } from '../args.ts'

export function headerHashCommand(args: string[]) {
  if (args.length !== 1) throw new UsageError('usage: header-hash <block JSON>')
  let json = jsonArg(args[0], 'block')
  // Accept a whole JSON-RPC response too.
  if (json && typeof json === 'object' && 'result' in json && 'jsonrpc' in json) json = (json as { result: unknown }).result
  return { hash: hashHeader(headerFromRpcBlock(json)) }
}
