import { describe, expect, it } from 'vitest'
import type { Hex } from '../../../shared/bytes.ts'
import { devnetConfig } from '../../../shared/config/chains.ts'
import type { L1BlockRef, L2BlockRef } from '../../../shared/deriver/types.ts'
import { noTxPoolFor, selectL1Origin } from '../../../shared/sequencer/origin-selector.ts'

const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}` as Hex
const l1 = (n: number, timestamp: number): L1BlockRef => ({ hash: hash(0x1000 + n), number: n, parentHash: hash(0x1000 + n - 1), timestamp })
const l2 = (timestamp: number, origin: L1BlockRef): L2BlockRef => ({ hash: hash(7), number: 7, parentHash: hash(6), timestamp, l1Origin: { hash: origin.hash, number: origin.number }, sequenceNumber: 1 })
// Fjord is active on the devnet: the max sequencer drift is 1800 s.
const config = devnetConfig()

describe('selectL1Origin (op-node FindL1Origin)', () => {
  it('default: the next L1 block once the next L2 block reaches its time', () => {
    const current = l1(10, 1000)
    const next = l1(11, 1012)
    expect(selectL1Origin({ config, l2Head: l2(1010, current), current, next })).toEqual({ kind: 'origin', origin: next })
    expect(selectL1Origin({ config, l2Head: l2(1008, current), current, next })).toEqual({ kind: 'origin', origin: current })
  })

  it('behavior: the current origin is kept while within the drift, with or without a next block', () => {
    const current = l1(10, 1000)
    expect(selectL1Origin({ config, l2Head: l2(2798, current), current, next: undefined })).toEqual({ kind: 'origin', origin: current })
  })

  it('rule: past the max sequencer drift the next origin is required; the sequencer waits when it is missing', () => {
    const current = l1(10, 1000)
    const r = selectL1Origin({ config, l2Head: l2(2800, current), current, next: undefined })
    expect(r.kind).toBe('wait')
    // The next origin exists but is still ahead of the next L2 block: keep the current one (noTxPool then applies).
    const later = l1(11, 5000)
    expect(selectL1Origin({ config, l2Head: l2(2800, current), current, next: later })).toEqual({ kind: 'origin', origin: current })
    expect(noTxPoolFor(config, current, 2802)).toBe(true)
    expect(noTxPoolFor(config, current, 2800)).toBe(false)
  })

  it('error: a next block that does not extend the current origin (L1 reorg) makes the sequencer wait', () => {
    const current = l1(10, 1000)
    const other = { ...l1(11, 1012), parentHash: hash(0xdead) }
    expect(selectL1Origin({ config, l2Head: l2(1010, current), current, next: other }).kind).toBe('wait')
  })
})
