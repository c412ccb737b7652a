/**
 * The engine as the driver sees it: the Engine API client plus op-node's attributes-match rules for consolidation
 * (`shared/engine/attributes-match.ts`; PROTOCOL.md §2.10).
 */
import { toHex } from '../shared/bytes.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import type { PayloadAttributes } from '../shared/deriver/types.ts'
import { attributesMatchBlock } from '../shared/engine/attributes-match.ts'
import type { EngineClient } from '../shared/engine/engine-client.ts'
import type { EngineApi } from './engine-driver.ts'

/** The driver's view of an engine behind a client. */
export function engineApi(client: EngineClient, config: Pick<RollupConfig, 'forks' | 'chainOpConfig'>): EngineApi {
  return {
    forkchoiceUpdated: (state, attributes) => client.forkchoiceUpdated(state, attributes),
    getPayload: (id, t) => client.getPayload(id, t),
    newPayload: (payload, root, t) => client.newPayload(payload, root, t),
    async blockByNumber(n) {
      const b = await client.ethGetBlockByNumber(n)
      if (!b) return null
      const parentHash = toHex(b.parentHash)
      return {
        ref: { hash: b.hash, number: b.number, parentHash, timestamp: b.timestamp },
        matches: (a: PayloadAttributes) => attributesMatchBlock(config, a, b, parentHash),
      }
    },
  }
}
