/**
 * PayloadAttributes → Engine API JSON for `engine_forkchoiceUpdatedV1/V2/V3` (PROTOCOL.md §2.9.6, §3;
 * https://specs.optimism.io/protocol/exec-engine.html#extended-payloadattributesv1, holocene/exec-engine.md,
 * jovian/exec-engine.md).
 *
 * Field by field as op-node's `eth.PayloadAttributes` marshals it (op-service `eth/types.go`; every OP field is
 * `omitempty`) and as op-geth's `engine.PayloadAttributes` reads it (`beacon/engine/gen_blockparams.go`):
 *
 * ```text
 * timestamp, prevRandao, suggestedFeeRecipient   always
 * transactions                                   omitted when empty (`[]Data` omitempty)
 * noTxPool                                       omitted when false
 * gasLimit                                       always (op-geth refuses attributes without it)
 * withdrawals: []                                Canyon+  (V2, V3); absent before — geth's FCU V1 refuses it
 * parentBeaconBlockRoot                          Ecotone+ (V3)
 * eip1559Params (8 bytes)                        Holocene+; absent before
 * minBaseFee                                     Jovian+; absent before — a JSON *number*, not a 0x quantity
 * ```
 * `minBaseFee` is the one surprise: the spec text says QUANTITY, but op-geth decodes it as a plain Go `*uint64` (no
 * hexutil override in `gen_blockparams.go`), op-node encodes `*uint64` the same way, and op-alloy's
 * `OpPayloadAttributes::min_base_fee` is a `u64` without the quantity serde. A `"0x…"` string would be refused by
 * both engines, so the value is kept as a `bigint` here and written as a bare JSON integer by the engine client.
 *
 * A field present outside its forks, or missing inside them, is a bug in whoever built the attributes: it throws
 * instead of letting the engine answer -38003 later.
 *
 * @example
 * payloadAttributesToJson(opMainnet, attributes)
 * // { timestamp: '0x…', prevRandao, suggestedFeeRecipient, transactions: [...], noTxPool: true, gasLimit: '0x…',
 * //   withdrawals: [], parentBeaconBlockRoot, eip1559Params: '0x…', minBaseFee: 0n }
 */
import type { Hex } from '../bytes.ts'
import { isActive } from '../config/forks.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import type { PayloadAttributes } from '../deriver/types.ts'
import { OpEdgeError } from '../errors.ts'

/** `PayloadAttributesV1` + OP fields (Bedrock/Regolith). */
export type PayloadAttributesV1Json = {
  timestamp: Hex
  prevRandao: Hex
  suggestedFeeRecipient: Hex
  transactions?: Hex[]
  noTxPool?: true
  gasLimit: Hex
}

/** `PayloadAttributesV2` + OP fields (Canyon, Delta). */
export type PayloadAttributesV2Json = PayloadAttributesV1Json & { withdrawals: [] }

/** `PayloadAttributesV3` + OP fields (Ecotone onwards). `minBaseFee` is serialized as a JSON integer. */
export type PayloadAttributesV3Json = PayloadAttributesV2Json & {
  parentBeaconBlockRoot: Hex
  eip1559Params?: Hex
  minBaseFee?: bigint
}

export type PayloadAttributesJson = PayloadAttributesV1Json | PayloadAttributesV2Json | PayloadAttributesV3Json

export type AttributesJsonErrorCode =
  | 'missing-withdrawals'
  | 'unexpected-withdrawals'
  | 'missing-parent-beacon-block-root'
  | 'unexpected-parent-beacon-block-root'
  | 'missing-eip1559-params'
  | 'unexpected-eip1559-params'
  | 'bad-eip1559-params'
  | 'missing-min-base-fee'
  | 'unexpected-min-base-fee'
  | 'bad-min-base-fee'

/** Attributes whose fields do not match the forks at their timestamp. Critical: the builder is wrong. */
export class AttributesJsonError extends OpEdgeError {
  override name = 'AttributesJsonError'
  readonly code: AttributesJsonErrorCode

  constructor(code: AttributesJsonErrorCode, details: string) {
    super('critical', `payload attributes do not fit their fork: ${code}`, { details })
    this.code = code
  }
}

const U64_MAX = (1n << 64n) - 1n

function quantity(value: number | bigint): Hex {
  return `0x${value.toString(16)}`
}

/**
 * Attributes → the JSON object of the FCU version their timestamp selects (V1 before Canyon, V2 before Ecotone, V3
 * after; see `versions.ts`).
 *
 * @throws AttributesJsonError when a fork-gated field is missing or present where its fork says otherwise.
 */
export function payloadAttributesToJson(
  config: Pick<RollupConfig, 'forks'>,
  attributes: PayloadAttributes,
): PayloadAttributesJson {
  const a = attributes
  const t = a.timestamp
  const at = `attributes at ${t}`
  const canyon = isActive(config, 'canyon', t)
  const ecotone = isActive(config, 'ecotone', t)
  const holocene = isActive(config, 'holocene', t)
  const jovian = isActive(config, 'jovian', t)

  if (canyon && a.withdrawals === undefined) fail('missing-withdrawals', `${at} are Canyon or later`)
  if (!canyon && a.withdrawals !== undefined) fail('unexpected-withdrawals', `${at} are before Canyon`)
  if (a.withdrawals !== undefined && a.withdrawals.length !== 0) fail('unexpected-withdrawals', `${at}: OP blocks carry none`)
  if (ecotone && a.parentBeaconBlockRoot === undefined) fail('missing-parent-beacon-block-root', `${at} are Ecotone or later`)
  if (!ecotone && a.parentBeaconBlockRoot !== undefined) fail('unexpected-parent-beacon-block-root', `${at} are before Ecotone`)
  if (holocene && a.eip1559Params === undefined) fail('missing-eip1559-params', `${at} are Holocene or later`)
  if (!holocene && a.eip1559Params !== undefined) fail('unexpected-eip1559-params', `${at} are before Holocene`)
  if (a.eip1559Params !== undefined && !/^0x[0-9a-fA-F]{16}$/.test(a.eip1559Params)) {
    fail('bad-eip1559-params', `${at}: eip1559Params must be 8 bytes of hex`)
  }
  if (jovian && a.minBaseFee === undefined) fail('missing-min-base-fee', `${at} are Jovian or later`)
  if (!jovian && a.minBaseFee !== undefined) fail('unexpected-min-base-fee', `${at} are before Jovian`)
  if (a.minBaseFee !== undefined && (a.minBaseFee < 0n || a.minBaseFee > U64_MAX)) {
    fail('bad-min-base-fee', `${at}: minBaseFee must fit in a uint64`)
  }

  // Key order as op-node's struct: standard fields, then the OP extensions.
  const json: Record<string, unknown> = {
    timestamp: quantity(t),
    prevRandao: a.prevRandao,
    suggestedFeeRecipient: a.suggestedFeeRecipient,
  }
  if (canyon) json.withdrawals = []
  if (ecotone) json.parentBeaconBlockRoot = a.parentBeaconBlockRoot
  if (a.transactions.length > 0) json.transactions = [...a.transactions]
  if (a.noTxPool) json.noTxPool = true
  json.gasLimit = quantity(a.gasLimit)
  if (holocene) json.eip1559Params = a.eip1559Params
  if (jovian) json.minBaseFee = a.minBaseFee
  // The checks above establish exactly the shape of the version this timestamp selects.
  return json as PayloadAttributesJson
}

function fail(code: AttributesJsonErrorCode, details: string): never {
  throw new AttributesJsonError(code, details)
}
