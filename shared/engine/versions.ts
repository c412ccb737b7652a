/**
 * The one table of Engine API method versions (PROTOCOL.md §3, §10; op-node `eth.ForkchoiceUpdatedVersion`,
 * `NewPayloadVersion`, `GetPayloadVersion`; kona `engine/src/versions.rs`).
 */
import { isActive } from '../config/forks.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import type { PayloadAttributes } from '../deriver/types.ts'

export type ForkchoiceUpdatedMethod = 'engine_forkchoiceUpdatedV1' | 'engine_forkchoiceUpdatedV2' | 'engine_forkchoiceUpdatedV3'
export type NewPayloadMethod = 'engine_newPayloadV2' | 'engine_newPayloadV3' | 'engine_newPayloadV4'
export type GetPayloadMethod = 'engine_getPayloadV2' | 'engine_getPayloadV3' | 'engine_getPayloadV4' | 'engine_getPayloadV5'

/**
 * FCU version by the attributes' shape, as op-node decides it: no attributes → V3 (any engine accepts it for a plain
 * forkchoice update); a beacon root (Ecotone+) → V3; withdrawals (Canyon+) → V2; otherwise V1 (geth refuses V2 before
 * Shanghai, which is why op-node sends V1 there, PROTOCOL.md §9 item 4).
 */
export function forkchoiceUpdatedMethod(attributes?: Pick<PayloadAttributes, 'parentBeaconBlockRoot' | 'withdrawals'>): ForkchoiceUpdatedMethod {
  if (!attributes) return 'engine_forkchoiceUpdatedV3'
  if (attributes.parentBeaconBlockRoot !== undefined) return 'engine_forkchoiceUpdatedV3'
  if (attributes.withdrawals !== undefined) return 'engine_forkchoiceUpdatedV2'
  return 'engine_forkchoiceUpdatedV1'
}

/** newPayload by the payload timestamp: V4 from Isthmus (execution requests), V3 from Ecotone, else V2. */
export function newPayloadMethod(config: Pick<RollupConfig, 'forks'>, timestamp: number): NewPayloadMethod {
  if (isActive(config, 'isthmus', timestamp)) return 'engine_newPayloadV4'
  if (isActive(config, 'ecotone', timestamp)) return 'engine_newPayloadV3'
  return 'engine_newPayloadV2'
}

/** getPayload by the payload timestamp: V5 from Karst (op-reth refuses V4 there), V4 from Isthmus, V3 from Ecotone. */
export function getPayloadMethod(config: Pick<RollupConfig, 'forks'>, timestamp: number): GetPayloadMethod {
  if (isActive(config, 'karst', timestamp)) return 'engine_getPayloadV5'
  if (isActive(config, 'isthmus', timestamp)) return 'engine_getPayloadV4'
  if (isActive(config, 'ecotone', timestamp)) return 'engine_getPayloadV3'
  return 'engine_getPayloadV2'
}
