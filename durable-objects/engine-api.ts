/**
 * The engine as the driver sees it: the Engine API client plus op-node's attributes-match rules for consolidation
 * (op-node `attributes/engine_consolidate.go` AttributesMatchBlock; PROTOCOL.md §2.10).
 */
import { bytesEqual, fromHex, toHex, type Hex } from '../shared/bytes.ts'
import { isActive } from '../shared/config/forks.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import type { PayloadAttributes } from '../shared/deriver/types.ts'
import type { EngineClient } from '../shared/engine/engine-client.ts'
import { encodeRpcTransaction } from '../shared/protocol/rpc-block-lists.ts'
import type { EngineApi } from './engine-driver.ts'

export type MatchResult = { ok: true } | { ok: false; reason: 'parent-hash' | 'timestamp' | 'prev-randao' | 'fee-recipient' | 'gas-limit' | 'tx-count' | 'tx' | 'withdrawals' | 'parent-beacon-root' | 'extra-data' }

const lower = (v: unknown) => String(v ?? '').toLowerCase()
const num = (v: unknown) => Number(BigInt(String(v)))

/** Holocene extraData: `0x00 ‖ denominator ‖ elasticity`; Jovian `0x01 ‖ … ‖ minBaseFee` (PROTOCOL.md §2.12). */
function expectedExtraData(config: Pick<RollupConfig, 'forks' | 'chainOpConfig'>, a: PayloadAttributes): Hex | undefined {
  if (!isActive(config, 'holocene', a.timestamp) || a.eip1559Params === undefined) return undefined
  let params = fromHex(a.eip1559Params)
  if (params.every((b) => b === 0)) {
    // (0,0) means the chain's Canyon constants, which is what the engine writes into extraData.
    const d = config.chainOpConfig.eip1559DenominatorCanyon
    const e = config.chainOpConfig.eip1559Elasticity
    params = Uint8Array.from([d >>> 24, (d >>> 16) & 255, (d >>> 8) & 255, d & 255, e >>> 24, (e >>> 16) & 255, (e >>> 8) & 255, e & 255])
  }
  if (isActive(config, 'jovian', a.timestamp)) {
    const fee = new Uint8Array(8)
    let v = a.minBaseFee ?? 0n
    for (let i = 7; i >= 0; i--, v >>= 8n) fee[i] = Number(v & 255n)
    return toHex(Uint8Array.from([1, ...params, ...fee]))
  }
  return toHex(Uint8Array.from([0, ...params]))
}

/** Whether an engine block (JSON-RPC, full transactions) is what the attributes would build. */
export function attributesMatchBlock(config: Pick<RollupConfig, 'forks' | 'chainOpConfig'>, a: PayloadAttributes, block: Record<string, unknown>, parentHash: Hex): MatchResult {
  if (lower(block.parentHash) !== parentHash.toLowerCase()) return { ok: false, reason: 'parent-hash' }
  if (num(block.timestamp) !== a.timestamp) return { ok: false, reason: 'timestamp' }
  if (lower(block.mixHash ?? block.prevRandao) !== a.prevRandao.toLowerCase()) return { ok: false, reason: 'prev-randao' }
  if (lower(block.miner) !== a.suggestedFeeRecipient.toLowerCase()) return { ok: false, reason: 'fee-recipient' }
  if (BigInt(String(block.gasLimit)) !== a.gasLimit) return { ok: false, reason: 'gas-limit' }
  const txs = Array.isArray(block.transactions) ? block.transactions : []
  if (txs.length !== a.transactions.length) return { ok: false, reason: 'tx-count' }
  for (let i = 0; i < txs.length; i++) {
    if (typeof txs[i] !== 'object' || !bytesEqual(encodeRpcTransaction(txs[i], i), fromHex(a.transactions[i]))) return { ok: false, reason: 'tx' }
  }
  const hasWithdrawals = Array.isArray(block.withdrawals)
  if (hasWithdrawals !== (a.withdrawals !== undefined) || (hasWithdrawals && (block.withdrawals as unknown[]).length !== 0)) return { ok: false, reason: 'withdrawals' }
  const root = block.parentBeaconBlockRoot
  if ((root === undefined || root === null) !== (a.parentBeaconBlockRoot === undefined) || (root && lower(root) !== a.parentBeaconBlockRoot?.toLowerCase())) {
    return { ok: false, reason: 'parent-beacon-root' }
  }
  const extra = expectedExtraData(config, a)
  if (extra !== undefined ? lower(block.extraData) !== extra : lower(block.extraData) !== '0x') return { ok: false, reason: 'extra-data' }
  return { ok: true }
}

/** The driver's view of an engine behind a client. */
export function engineApi(client: EngineClient, config: Pick<RollupConfig, 'forks' | 'chainOpConfig'>): EngineApi {
  return {
    forkchoiceUpdated: (state, attributes) => client.forkchoiceUpdated(state, attributes),
    getPayload: (id, t) => client.getPayload(id, t),
    newPayload: (payload, root, t) => client.newPayload(payload, root, t),
    async blockByNumber(n) {
      const b = await client.blockByNumber(n, true)
      if (!b) return null
      return {
        ref: { hash: lower(b.hash) as Hex, number: num(b.number), parentHash: lower(b.parentHash) as Hex, timestamp: num(b.timestamp) },
        matches: (a: PayloadAttributes) => attributesMatchBlock(config, a, b, lower(b.parentHash) as Hex),
      }
    },
  }
}
