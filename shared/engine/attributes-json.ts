/**
 * PayloadAttributes as the OP engines read them (op-node `eth.PayloadAttributes` JSON: optional fields omitted when
 * absent — `withdrawals`, `parentBeaconBlockRoot`, `gasLimit`, `eip1559Params`, `minBaseFee` are `omitempty`).
 */
import type { PayloadAttributes } from '../deriver/types.ts'

const q = (v: number | bigint) => `0x${v.toString(16)}`

export function payloadAttributesToJson(a: PayloadAttributes): Record<string, unknown> {
  const out: Record<string, unknown> = {
    timestamp: q(a.timestamp),
    prevRandao: a.prevRandao,
    suggestedFeeRecipient: a.suggestedFeeRecipient,
  }
  if (a.withdrawals !== undefined) out.withdrawals = []
  if (a.parentBeaconBlockRoot !== undefined) out.parentBeaconBlockRoot = a.parentBeaconBlockRoot
  out.transactions = a.transactions
  out.noTxPool = a.noTxPool
  out.gasLimit = q(a.gasLimit)
  if (a.eip1559Params !== undefined) out.eip1559Params = a.eip1559Params
  if (a.minBaseFee !== undefined) out.minBaseFee = q(a.minBaseFee)
  return out
}
