/**
 * Applying derived attributes to the engine (PROTOCOL.md §2.10; op-node `engine_controller.go`,
 * `attributes/attributes.go`): consolidate against an existing unsafe block when there is one, otherwise build the
 * block (FCU with attributes → getPayload → newPayload). Heads move only after the engine answers VALID; the FCU that
 * makes the new heads canonical in the engine is the caller's ({@link forkchoiceOf}, coalesced over many blocks).
 *
 * The engine is reached through {@link EngineApi}; the RollupNode wires it to the JWT client and runs every call in
 * its task queue.
 */
import type { ExecutionPayload } from '../shared/codec/ssz-payload.ts'
import { toHex, type Hex } from '../shared/bytes.ts'
import type { L2BlockRef, PayloadAttributes } from '../shared/deriver/types.ts'

export type ForkchoiceState = { headBlockHash: Hex; safeBlockHash: Hex; finalizedBlockHash: Hex }
export type PayloadStatusValue = 'VALID' | 'INVALID' | 'SYNCING' | 'ACCEPTED' | 'INVALID_BLOCK_HASH'

/** The engine calls the driver needs (a thin view over the Engine API client). */
export type EngineApi = {
  forkchoiceUpdated(state: ForkchoiceState, attributes?: PayloadAttributes): Promise<{ status: PayloadStatusValue; payloadId?: Hex; validationError?: string | null }>
  getPayload(payloadId: Hex, timestamp: number): Promise<{ payload: ExecutionPayload; parentBeaconBlockRoot?: Uint8Array }>
  newPayload(payload: ExecutionPayload, parentBeaconBlockRoot: Uint8Array | undefined, timestamp: number): Promise<{ status: PayloadStatusValue; validationError?: string | null }>
  /** The engine's canonical block at a height, with its transactions (for consolidation). */
  blockByNumber(number: number): Promise<{ ref: Omit<L2BlockRef, 'l1Origin' | 'sequenceNumber'>; matches(attributes: PayloadAttributes): { ok: true } | { ok: false; reason: string } } | null>
}

/** Forkchoice: derived blocks build on `pendingSafe`; `safe` catches up with it at span ends (always from Holocene). */
export type Heads = { unsafe: L2BlockRef; pendingSafe: L2BlockRef; safe: L2BlockRef; finalized: L2BlockRef }

export type ApplyResult =
  | { kind: 'consolidated'; heads: Heads }
  | { kind: 'built'; heads: Heads }
  /** The engine refused the attributes (INVALID / invalid payload attributes); the deriver decides what next. */
  | { kind: 'invalid'; reason: string }
  /** The engine is syncing or did not answer usefully; retry later. */
  | { kind: 'retry'; reason: string }

export type ApplyInput = {
  attributes: PayloadAttributes
  number: number
  l1Origin: { hash: Hex; number: number }
  sequenceNumber: number
  /** Pre-Holocene span batches: the safe head moves only after the last block of the span. */
  promoteSafe: boolean
}

/** The forkchoice state that records `h` in the engine. */
export function forkchoiceOf(h: Pick<Heads, 'unsafe' | 'safe' | 'finalized'>): ForkchoiceState {
  return { headBlockHash: h.unsafe.hash, safeBlockHash: h.safe.hash, finalizedBlockHash: h.finalized.hash }
}

function fcu(h: Heads): ForkchoiceState {
  return { headBlockHash: h.unsafe.hash, safeBlockHash: h.safe.hash, finalizedBlockHash: h.finalized.hash }
}

function advance(heads: Heads, ref: L2BlockRef, promoteSafe: boolean, unsafe: L2BlockRef): Heads {
  return { unsafe, pendingSafe: ref, safe: promoteSafe ? ref : heads.safe, finalized: heads.finalized }
}

/** Apply one derived block on top of `heads.pendingSafe`. */
export async function applyDerivedAttributes(engine: EngineApi, heads: Heads, input: ApplyInput): Promise<ApplyResult> {
  const parent = heads.pendingSafe
  if (input.number !== parent.number + 1) return { kind: 'retry', reason: `attributes for ${input.number} do not follow safe head ${parent.number}` }
  // Consolidation: the unsafe chain is ahead; if its block at this height matches, promote it without executing.
  if (heads.unsafe.number > parent.number) {
    const existing = await engine.blockByNumber(input.number)
    if (existing && existing.ref.parentHash === parent.hash) {
      const m = existing.matches(input.attributes)
      if (m.ok) {
        const ref: L2BlockRef = { ...existing.ref, l1Origin: input.l1Origin, sequenceNumber: input.sequenceNumber }
        // The forkchoice update that records the new safe head is coalesced by the caller (DESIGN.md).
        return { kind: 'consolidated', heads: advance(heads, ref, input.promoteSafe, heads.unsafe) }
      }
    }
    // Mismatch (or gap): build from the attributes; the unsafe chain is reorged onto the derived block below.
  }
  const building: Heads = { ...heads, unsafe: parent, safe: heads.safe }
  const started = await engine.forkchoiceUpdated(fcu(building), input.attributes)
  if (started.status === 'INVALID' || started.status === 'INVALID_BLOCK_HASH') return { kind: 'invalid', reason: started.validationError ?? 'forkchoice with attributes was INVALID' }
  if (started.status !== 'VALID' || !started.payloadId) return { kind: 'retry', reason: `engine answered ${started.status} to the forkchoice update` }
  const { payload, parentBeaconBlockRoot } = await engine.getPayload(started.payloadId, input.attributes.timestamp)
  const inserted = await engine.newPayload(payload, parentBeaconBlockRoot, input.attributes.timestamp)
  if (inserted.status === 'INVALID' || inserted.status === 'INVALID_BLOCK_HASH') return { kind: 'invalid', reason: inserted.validationError ?? 'new payload was INVALID' }
  if (inserted.status !== 'VALID') return { kind: 'retry', reason: `engine answered ${inserted.status} to the new payload` }
  const ref: L2BlockRef = {
    hash: toHex(payload.blockHash),
    number: Number(payload.blockNumber),
    parentHash: parent.hash,
    timestamp: Number(payload.timestamp),
    l1Origin: input.l1Origin,
    sequenceNumber: input.sequenceNumber,
  }
  // No head update here: the next block's FCU-with-attributes names this block as head, and the caller coalesces
  // the FCU that records the new heads (DESIGN.md "Safe and finalized forkchoice updates are coalesced"), so a
  // catch-up costs three engine calls per built block and one FCU per tick.
  return { kind: 'built', heads: advance(heads, ref, input.promoteSafe, ref) }
}
