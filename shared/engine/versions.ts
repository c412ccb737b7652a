/**
 * The one table of Engine API method versions by fork, and the params each method takes (PROTOCOL.md §3, §9 item 4,
 * §10). Sources: op-node `rollup/types.go` `ForkchoiceUpdatedVersion` / `NewPayloadVersion` / `GetPayloadVersion`;
 * op-service `sources/engine_client.go` (params per version); kona `crates/node/engine/src/versions.rs`;
 * https://specs.optimism.io/protocol/exec-engine.html#engine-api-usage.
 *
 * ```text
 * from      forkchoiceUpdated  newPayload  getPayload
 * Bedrock   V1                 V2          V2     geth ≥ 1.13.11 refuses FCU V2 before Shanghai, so op-node sends V1
 * Canyon    V2                 V2          V2     Shanghai: withdrawals: []
 * Ecotone   V3                 V3          V3     Cancun: parentBeaconBlockRoot, expectedBlobVersionedHashes = []
 * Isthmus   V3                 V4          V4     Prague: executionRequests = []; there is no FCU V4 on OP
 * Karst     V3                 V4          V5     Osaka: op-reth refuses getPayloadV4 for Karst timestamps (-38005)
 * ```
 * A forkchoice update without attributes is always V3, whatever the fork (op-node: "Don't begin payload build
 * process" → `FCUV3`); every engine accepts it for a plain head update.
 *
 * @example
 * forkchoiceUpdatedMethod(opMainnet, attributes.timestamp) // 'engine_forkchoiceUpdatedV3'
 * newPayloadParams(newPayloadMethod(opMainnet, t), payloadJson, root) // [payload, [], root, []]
 */
import type { Hex } from '../bytes.ts'
import type { ExecutionPayloadJson } from '../codec/payload-json.ts'
import { isActive } from '../config/forks.ts'
import type { Fork, RollupConfig } from '../config/rollup-config.ts'

export type ForkchoiceUpdatedMethod = 'engine_forkchoiceUpdatedV1' | 'engine_forkchoiceUpdatedV2' | 'engine_forkchoiceUpdatedV3'
export type NewPayloadMethod = 'engine_newPayloadV2' | 'engine_newPayloadV3' | 'engine_newPayloadV4'
export type GetPayloadMethod = 'engine_getPayloadV2' | 'engine_getPayloadV3' | 'engine_getPayloadV4' | 'engine_getPayloadV5'

export type EngineApiVersions = {
  /** First fork of the row; `bedrock` is genesis. */
  since: Fork | 'bedrock'
  forkchoiceUpdated: ForkchoiceUpdatedMethod
  newPayload: NewPayloadMethod
  getPayload: GetPayloadMethod
}

/** Newest first: the first row whose fork is active at the timestamp applies. */
export const ENGINE_API_VERSIONS: readonly EngineApiVersions[] = [
  { since: 'karst', forkchoiceUpdated: 'engine_forkchoiceUpdatedV3', newPayload: 'engine_newPayloadV4', getPayload: 'engine_getPayloadV5' },
  { since: 'isthmus', forkchoiceUpdated: 'engine_forkchoiceUpdatedV3', newPayload: 'engine_newPayloadV4', getPayload: 'engine_getPayloadV4' },
  { since: 'ecotone', forkchoiceUpdated: 'engine_forkchoiceUpdatedV3', newPayload: 'engine_newPayloadV3', getPayload: 'engine_getPayloadV3' },
  { since: 'canyon', forkchoiceUpdated: 'engine_forkchoiceUpdatedV2', newPayload: 'engine_newPayloadV2', getPayload: 'engine_getPayloadV2' },
  { since: 'bedrock', forkchoiceUpdated: 'engine_forkchoiceUpdatedV1', newPayload: 'engine_newPayloadV2', getPayload: 'engine_getPayloadV2' },
]

/** op-node `ForkchoiceUpdatedVersion(nil)`. */
export const FORKCHOICE_UPDATED_WITHOUT_ATTRIBUTES: ForkchoiceUpdatedMethod = 'engine_forkchoiceUpdatedV3'

/** The table row for a payload or attributes timestamp. */
export function engineApiVersions(config: Pick<RollupConfig, 'forks'>, timestamp: number): EngineApiVersions {
  for (const row of ENGINE_API_VERSIONS) {
    if (row.since === 'bedrock' || isActive(config, row.since, timestamp)) return row
  }
  // Unreachable: the last row always matches.
  return ENGINE_API_VERSIONS[ENGINE_API_VERSIONS.length - 1]
}

/** FCU version for attributes with this timestamp, or V3 when the update carries no attributes. */
export function forkchoiceUpdatedMethod(
  config: Pick<RollupConfig, 'forks'>,
  attributesTimestamp: number | undefined,
): ForkchoiceUpdatedMethod {
  if (attributesTimestamp === undefined) return FORKCHOICE_UPDATED_WITHOUT_ATTRIBUTES
  return engineApiVersions(config, attributesTimestamp).forkchoiceUpdated
}

/** newPayload version by the payload timestamp. */
export function newPayloadMethod(config: Pick<RollupConfig, 'forks'>, timestamp: number): NewPayloadMethod {
  return engineApiVersions(config, timestamp).newPayload
}

/** getPayload version by the timestamp of the payload being built. */
export function getPayloadMethod(config: Pick<RollupConfig, 'forks'>, timestamp: number): GetPayloadMethod {
  return engineApiVersions(config, timestamp).getPayload
}

/**
 * `engine_newPayloadV2(payload)`; V3 `(payload, expectedBlobVersionedHashes, parentBeaconBlockRoot)`; V4 adds
 * `executionRequests`. OP L2 blocks carry no blobs and no requests, so both lists are empty.
 */
export type NewPayloadParams =
  | readonly [payload: ExecutionPayloadJson]
  | readonly [payload: ExecutionPayloadJson, expectedBlobVersionedHashes: readonly Hex[], parentBeaconBlockRoot: Hex]
  | readonly [
      payload: ExecutionPayloadJson,
      expectedBlobVersionedHashes: readonly Hex[],
      parentBeaconBlockRoot: Hex,
      executionRequests: readonly Hex[],
    ]

/**
 * The params of a newPayload call. `parentBeaconBlockRoot` is required from V3 (the L1 origin's beacon root, from the
 * getPayload envelope) and ignored by V2.
 *
 * @throws TypeError when V3/V4 is asked for without a beacon root (a caller bug, not an engine answer).
 */
export function newPayloadParams(
  method: NewPayloadMethod,
  payload: ExecutionPayloadJson,
  parentBeaconBlockRoot: Hex | undefined,
): NewPayloadParams {
  switch (method) {
    case 'engine_newPayloadV2':
      return [payload]
    case 'engine_newPayloadV3':
      return [payload, [], requireRoot(method, parentBeaconBlockRoot)]
    case 'engine_newPayloadV4':
      return [payload, [], requireRoot(method, parentBeaconBlockRoot), []]
    default: {
      const never: never = method
      throw new TypeError(`unknown newPayload method ${String(never)}`)
    }
  }
}

function requireRoot(method: NewPayloadMethod, root: Hex | undefined): Hex {
  if (root === undefined) throw new TypeError(`${method} needs the parent beacon block root`)
  return root
}
