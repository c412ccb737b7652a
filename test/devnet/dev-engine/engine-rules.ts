/**
 * Which Engine API method version a payload or attributes timestamp requires (PROTOCOL.md §3 table, §10), and the
 * JSON-RPC errors the dev engine answers with (execution-apis `src/engine/common.md#errors`).
 *
 * shared/engine/versions.ts (the node's own table) did not exist when this was written; the rules are repeated here
 * on purpose, so the double checks the node's choice against an independent copy of the table.
 */
import { isActive } from '../../../shared/config/forks.ts'
import type { RollupConfig } from '../../../shared/config/rollup-config.ts'

/**
 * The EL fork a timestamp is in, as far as the Engine API can tell: Bedrock = Paris, Canyon = Shanghai,
 * Ecotone = Cancun, Isthmus = Prague, Karst = Osaka.
 */
export type EngineFork = 'bedrock' | 'canyon' | 'ecotone' | 'isthmus' | 'karst'

export function engineFork(config: Pick<RollupConfig, 'forks'>, timestamp: number): EngineFork {
  if (isActive(config, 'karst', timestamp)) return 'karst'
  if (isActive(config, 'isthmus', timestamp)) return 'isthmus'
  if (isActive(config, 'ecotone', timestamp)) return 'ecotone'
  if (isActive(config, 'canyon', timestamp)) return 'canyon'
  return 'bedrock'
}

/**
 * `engine_forkchoiceUpdatedVn` with attributes: V1 before Canyon (geth ≥ 1.13.11 refuses V2 before Shanghai, which
 * is why op-node sends V1), V2 for Canyon/Delta, V3 from Ecotone (no V4 on OP). Without attributes any version.
 */
export function fcuVersion(fork: EngineFork): 1 | 2 | 3 {
  switch (fork) {
    case 'bedrock':
      return 1
    case 'canyon':
      return 2
    case 'ecotone':
    case 'isthmus':
    case 'karst':
      return 3
  }
}

/** `engine_getPayloadVn`: V2 through Delta, V3 Ecotone–Holocene, V4 Isthmus/Jovian, V5 Karst (op-reth). */
export function getPayloadVersion(fork: EngineFork): 2 | 3 | 4 | 5 {
  switch (fork) {
    case 'bedrock':
    case 'canyon':
      return 2
    case 'ecotone':
      return 3
    case 'isthmus':
      return 4
    case 'karst':
      return 5
  }
}

/** `engine_newPayloadVn`: V2 through Delta, V3 Ecotone–Holocene, V4 from Isthmus (Karst unchanged). */
export function newPayloadVersion(fork: EngineFork): 2 | 3 | 4 {
  switch (fork) {
    case 'bedrock':
    case 'canyon':
      return 2
    case 'ecotone':
      return 3
    case 'isthmus':
    case 'karst':
      return 4
  }
}

/** JSON-RPC error codes the Engine API uses. */
export const RPC_ERRORS = {
  methodNotFound: -32601,
  invalidParams: -32602,
  /** geth's generic server error (e.g. an undecodable transaction in attributes). */
  server: -32000,
  unknownPayload: -38001,
  invalidForkchoiceState: -38002,
  invalidPayloadAttributes: -38003,
  tooLargeRequest: -38004,
  unsupportedFork: -38005,
} as const

/** A JSON-RPC error response; the server turns it into `{ error: { code, message } }`. */
export class RpcError extends Error {
  override name = 'RpcError'
  readonly code: number

  constructor(code: number, message: string) {
    super(message)
    this.code = code
  }
}

export const invalidParams = (message: string) => new RpcError(RPC_ERRORS.invalidParams, `Invalid parameters: ${message}`)
export const unsupportedFork = (message: string) => new RpcError(RPC_ERRORS.unsupportedFork, `Unsupported fork: ${message}`)
export const invalidAttributes = (message: string) =>
  new RpcError(RPC_ERRORS.invalidPayloadAttributes, `Invalid payload attributes: ${message}`)
export const invalidForkchoice = (message: string) =>
  new RpcError(RPC_ERRORS.invalidForkchoiceState, `Invalid forkchoice state: ${message}`)
