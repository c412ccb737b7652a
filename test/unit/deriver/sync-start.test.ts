import { describe, expect, it } from 'vitest'
import type { Hex } from '../../../shared/bytes.ts'
import { findSyncStart, type SyncStartLookups } from '../../../shared/deriver/sync-start.ts'
import type { L1BlockRef, L2BlockRef } from '../../../shared/deriver/types.ts'
import { h, l1Block, L1_START, makeConfig, planL2 } from '../../support/chain-harness.ts'

const config = makeConfig({ regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0 }, { seqWindowSize: 10 })

function world(opts: { l2Count: number; reorgL1From?: number; l1Head?: number }) {
  const plan = planL2(config, opts.l2Count, () => [])
  const l2 = new Map<string, L2BlockRef>(plan.map((b) => [b.ref.hash, b.ref]))
  const canonical = (n: number): L1BlockRef | undefined => {
    if (opts.l1Head !== undefined && n > opts.l1Head) return undefined
    const b = l1Block(n)
    if (opts.reorgL1From !== undefined && n >= opts.reorgL1From) {
      return { ...b, hash: h(`reorged-l1-${n}`), parentHash: n === opts.reorgL1From ? b.parentHash : h(`reorged-l1-${n - 1}`) }
    }
    return b
  }
  const lookups = (heads: { unsafe: number; safe?: number; finalized?: number }): SyncStartLookups & { calls: number } => {
    const api = {
      calls: 0,
      l2Heads: async () => ({ unsafe: plan[heads.unsafe].ref, safe: heads.safe === undefined ? undefined : plan[heads.safe].ref, finalized: heads.finalized === undefined ? undefined : plan[heads.finalized].ref }),
      l2BlockByHash: async (hash: string) => {
        api.calls++
        const b = l2.get(hash)
        if (!b) throw new Error(`unknown L2 block ${hash}`)
        return b
      },
      l1BlockByNumber: async (n: number) => canonical(n),
    }
    return api
  }
  return { plan, lookups }
}

describe('findSyncStart', () => {
  it('default: a consistent chain keeps its unsafe head; safe is a seq-0 block a window behind', async () => {
    const w = world({ l2Count: 200 })
    const r = await findSyncStart(config, w.lookups({ unsafe: 200, safe: 150, finalized: 10 }))
    expect(r.kind).toBe('ok')
    if (r.kind !== 'ok') return
    expect(r.unsafe.number).toBe(200)
    expect(r.safe.number).toBeLessThanOrEqual(150)
    expect(r.finalized.number).toBe(10)
    // The safe start is the parent of a seq-0 block whose origin is more than a window behind the highest canonical one.
    const child = w.plan[r.safe.number + 1].ref
    expect(child.sequenceNumber).toBe(0)
    expect(child.l1Origin.number + config.seqWindowSize).toBeLessThan(w.plan[200].ref.l1Origin.number)
    // Pipeline base: a channel timeout (Granite: 50) behind the safe head's origin, or genesis.
    expect(r.pipelineL2.number).toBeLessThanOrEqual(r.safe.number)
  })

  it('behavior: an L1 reorg revises the unsafe head to the last block with a canonical origin', async () => {
    const w = world({ l2Count: 120, reorgL1From: 115 })
    const r = await findSyncStart(config, w.lookups({ unsafe: 120, safe: 40, finalized: 5 }))
    expect(r.kind).toBe('ok')
    if (r.kind !== 'ok') return
    expect(r.unsafe.l1Origin.number).toBeLessThan(115)
    expect(w.plan[r.unsafe.number + 1].ref.l1Origin.number).toBeGreaterThanOrEqual(115)
  })

  it('behavior: L2 ahead of our L1 view keeps the unsafe head (plausible)', async () => {
    const w = world({ l2Count: 120, l1Head: L1_START + 15 })
    const r = await findSyncStart(config, w.lookups({ unsafe: 120, safe: 30 }))
    expect(r.kind === 'ok' && r.unsafe.number).toBe(120)
  })

  it('behavior: a fresh engine walks back to genesis', async () => {
    const w = world({ l2Count: 30 })
    const r = await findSyncStart(config, w.lookups({ unsafe: 30 }))
    expect(r.kind === 'ok' && r.safe.number).toBe(0)
    expect(r.kind === 'ok' && r.pipelineL2.number).toBe(0)
  })

  it('error: wrong genesis is critical', async () => {
    const w = world({ l2Count: 5 })
    const bad = { ...config, genesis: { ...config.genesis, l1: { hash: h('other-l1') as Hex, number: L1_START } } }
    const r = await findSyncStart(bad, w.lookups({ unsafe: 5 }))
    expect(r).toMatchObject({ kind: 'critical' })
  })
})
