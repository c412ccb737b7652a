import { describe, expect, it } from 'vitest'
import { fromHex, type Hex } from '../../../shared/bytes.ts'
import type { ExecutionPayload } from '../../../shared/codec/ssz-payload.ts'
import type { L2BlockRef, PayloadAttributes } from '../../../shared/deriver/types.ts'
import { applyDerivedAttributes, forkchoiceOf, type EngineApi, type Heads, type PayloadStatusValue } from '../../../durable-objects/engine-driver.ts'

const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex
const ref = (n: number): L2BlockRef => ({ hash: hash(n), number: n, parentHash: hash(n - 1), timestamp: 1000 + 2 * n, l1Origin: { hash: hash(0xa0), number: 7 }, sequenceNumber: n })
const attrs = (n: number): PayloadAttributes => ({ timestamp: 1000 + 2 * n, prevRandao: hash(1), suggestedFeeRecipient: '0x4200000000000000000000000000000000000011', transactions: ['0x7e00'], noTxPool: true, gasLimit: 30_000_000n, withdrawals: [] })

function fakeEngine(opts: { fcu?: PayloadStatusValue; newPayload?: PayloadStatusValue; existing?: { n: number; match: boolean } } = {}) {
  const calls: string[] = []
  const engine: EngineApi = {
    async forkchoiceUpdated(state, a) {
      calls.push(a ? `fcu+attrs head=${Number(BigInt(state.headBlockHash))}` : `fcu head=${Number(BigInt(state.headBlockHash))} safe=${Number(BigInt(state.safeBlockHash))}`)
      return { status: opts.fcu ?? 'VALID', payloadId: a ? '0x0102030405060708' : undefined }
    },
    async getPayload(id, t) {
      calls.push(`getPayload ${id}`)
      const n = (t - 1000) / 2
      return { payload: { blockHash: fromHex(hash(0xb00 + n)), blockNumber: n, timestamp: t } as unknown as ExecutionPayload }
    },
    async newPayload() {
      calls.push('newPayload')
      return { status: opts.newPayload ?? 'VALID' }
    },
    async blockByNumber(n) {
      calls.push(`block ${n}`)
      if (!opts.existing || opts.existing.n !== n) return null
      const r = ref(n)
      return { ref: { hash: r.hash, number: r.number, parentHash: r.parentHash, timestamp: r.timestamp }, matches: () => (opts.existing!.match ? { ok: true } : { ok: false, reason: 'tx-mismatch' }) }
    },
  }
  return { engine, calls }
}

const heads = (unsafe: number, safe: number): Heads => ({ unsafe: ref(unsafe), pendingSafe: ref(safe), safe: ref(safe), finalized: ref(0) })
const input = (n: number, promoteSafe = true) => ({ attributes: attrs(n), number: n, l1Origin: { hash: hash(0xa0), number: 7 }, sequenceNumber: n, promoteSafe })

describe('applyDerivedAttributes', () => {
  it('default: builds the block (FCU with attributes → getPayload → newPayload; the head FCU is coalesced by the caller) when safe == unsafe', async () => {
    const { engine, calls } = fakeEngine()
    const r = await applyDerivedAttributes(engine, heads(5, 5), input(6))
    expect(calls).toEqual(['fcu+attrs head=5', 'getPayload 0x0102030405060708', 'newPayload'])
    expect(r.kind).toBe('built')
    if (r.kind === 'built') {
      expect(r.heads.safe.hash).toBe(hash(0xb06))
      expect(r.heads.unsafe.hash).toBe(hash(0xb06))
      expect(r.heads.safe.l1Origin.number).toBe(7)
    }
  })

  it('rule: consolidation — a matching unsafe block is promoted without executing', async () => {
    const { engine, calls } = fakeEngine({ existing: { n: 6, match: true } })
    const r = await applyDerivedAttributes(engine, heads(9, 5), input(6))
    expect(calls).toEqual(['block 6'])
    expect(r).toMatchObject({ kind: 'consolidated', heads: { safe: { number: 6, hash: hash(6) }, unsafe: { number: 9 } } })
  })

  it('rule: consolidation mismatch builds from the attributes and reorgs the unsafe chain', async () => {
    const { engine, calls } = fakeEngine({ existing: { n: 6, match: false } })
    const r = await applyDerivedAttributes(engine, heads(9, 5), input(6))
    expect(calls[0]).toBe('block 6')
    expect(calls[1]).toBe('fcu+attrs head=5')
    expect(r.kind === 'built' && r.heads.unsafe.number).toBe(6)
  })

  it('rule: pre-Holocene, blocks inside a span batch move only the pending safe head', async () => {
    const { engine } = fakeEngine()
    const r = await applyDerivedAttributes(engine, heads(5, 5), input(6, false))
    expect(r.kind === 'built' && r.heads.safe.number).toBe(5)
    expect(r.kind === 'built' && r.heads.pendingSafe.number).toBe(6)
  })

  it('behavior: INVALID → invalid; SYNCING → retry; attributes not on the pending safe head → retry', async () => {
    expect((await applyDerivedAttributes(fakeEngine({ newPayload: 'INVALID' }).engine, heads(5, 5), input(6))).kind).toBe('invalid')
    expect((await applyDerivedAttributes(fakeEngine({ fcu: 'INVALID' }).engine, heads(5, 5), input(6))).kind).toBe('invalid')
    expect((await applyDerivedAttributes(fakeEngine({ fcu: 'SYNCING' }).engine, heads(5, 5), input(6))).kind).toBe('retry')
    expect((await applyDerivedAttributes(fakeEngine().engine, heads(5, 5), input(8))).kind).toBe('retry')
  })
})

describe('forkchoiceOf', () => {
  it('default: head, safe and finalized hashes of the heads', () => {
    expect(forkchoiceOf(heads(9, 5))).toEqual({ headBlockHash: hash(9), safeBlockHash: hash(5), finalizedBlockHash: hash(0) })
  })
})
