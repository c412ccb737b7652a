/**
 * Span batch validity, one test per rule of PROTOCOL.md §2.8. Fixtures and most cases are ported from op-node
 * `op-node/rollup/derive/batches_test.go` (`TestValidBatch`, span cases; its names are quoted) and
 * `overlap_content_test.go` (`TestBatchStage_OverlapContent`, optimism PR #22215), with fixed numbers in place of
 * op-node's random L1 block. The safe chain's blocks carry only their L1-info deposit unless a test says otherwise.
 */
import { describe, expect, it } from 'vitest'
import { fromHex } from '../../../shared/bytes.ts'
import type { SingularBatch } from '../../../shared/codec/singular-batch.ts'
import type { SpanBatch } from '../../../shared/codec/span-batch.ts'
import { isActive } from '../../../shared/config/forks.ts'
import type { ForkTimes } from '../../../shared/config/rollup-config.ts'
import type { BatchValidityConfig, L2BlockSource } from '../../../shared/deriver/batch-validity.ts'
import { checkSingularBatch } from '../../../shared/deriver/check-singular-batch.ts'
import { checkSpanBatch, checkSpanBatchPrefix } from '../../../shared/deriver/check-span-batch.ts'
import type { L1BlockRef, L2BlockRef } from '../../../shared/deriver/types.ts'
import { batchConfig, l1A, l1B, l1C, l1D, l1BLate, l2A0, l2A1, l2A2, l2A3, l2A4, l2B0, l2B1, l2B2, l1After, l2After } from '../../support/batch-fixtures.ts'
import { labelHash as hash } from '../../support/refs.ts'

const config = (forks: ForkTimes = { delta: 0 }, over: Partial<BatchValidityConfig> = {}): BatchValidityConfig => batchConfig(forks, over)

const l1X: L1BlockRef = { hash: hash('l1X'), number: 42, parentHash: hash('l1X parent'), timestamp: 10_000 }
const l1Y = l1After(l1X, 'l1Y', 12)
const l1Z = l1After(l1Y, 'l1Z', 12)
const l2X0: L2BlockRef = {
  hash: hash('l2X0'),
  number: 1000,
  parentHash: hash('l2X0 parent'),
  timestamp: 10_029,
  l1Origin: { hash: l1X.hash, number: l1X.number },
  sequenceNumber: 0,
}
const l2Y0 = l2After(l2X0, 'l2Y0', l1Y, 0)
const l2Z0 = l2After(l2Y0, 'l2Z0', l1Z, 0)

const tx = fromHex('0x02f86b0180843b9aca00847735940082520894000000000000000000000000000000000000dead80c0')
const otherTx = fromHex('0x02f86b0180843b9aca00847735940082520894000000000000000000000000000000000000beef80c0')

type Element = { block: L2BlockRef; txs?: Uint8Array[]; origin?: L1BlockRef | number | bigint; timestamp?: bigint }

/**
 * op-node `initializedSpanBatch`: parent_check from the first element's parent, l1_origin_check from the last
 * element's origin. An element's origin defaults to its block's.
 */
function span(elements: Element[], over: Partial<SpanBatch> = {}): SpanBatch {
  const origin = ({ block, origin }: Element) => (origin === undefined ? block.l1Origin : origin)
  const originNumber = (e: Element): bigint => {
    const o = origin(e)
    return BigInt(typeof o === 'object' ? o.number : o)
  }
  const last = origin(elements[elements.length - 1])
  return {
    parentCheck: fromHex(elements[0].block.parentHash).slice(0, 20),
    l1OriginCheck: fromHex(typeof last === 'object' ? last.hash : hash('unknown origin')).slice(0, 20),
    blocks: elements.map((e) => ({
      timestamp: e.timestamp ?? BigInt(e.block.timestamp),
      l1OriginNumber: originNumber(e),
      transactions: e.txs ?? [],
    })),
    ...over,
  }
}

/** The safe chain: each block with its non-deposit transactions (none by default). */
function safeChain(...blocks: (L2BlockRef | [L2BlockRef, Uint8Array[]])[]): L2BlockSource {
  const byNumber = new Map<number, { ref: L2BlockRef; transactions: Uint8Array[] }>()
  for (const b of blocks) {
    const [ref, transactions] = Array.isArray(b) ? b : [b, []]
    byNumber.set(ref.number, { ref, transactions })
  }
  return { blockAt: (n) => byNumber.get(n) }
}
// op-node's mock: refs and payloads for A0, A1, A2, B0; A3's payload and A0's parent fail.
const l2 = safeChain(l2A0, l2A1, l2A2, l2B0)
const l2Full = safeChain(l2A0, l2A1, l2A2, l2A3, l2B0)

/** Runs the full check with Holocene decided, as op-node does, by the inclusion block's time. */
function check(
  cfg: BatchValidityConfig,
  l1Blocks: L1BlockRef[],
  safeHead: L2BlockRef,
  batch: SpanBatch,
  inclusion: L1BlockRef,
  source: L2BlockSource = l2,
) {
  const holocene = isActive(cfg, 'holocene', inclusion.timestamp)
  return checkSpanBatch(cfg, l1Blocks, safeHead, batch, inclusion, holocene, source)
}

const holoceneAtB = config({ delta: 0, fjord: 0, holocene: l1B.timestamp })
const eras = [
  ['pre-Holocene', config()],
  ['Holocene', holoceneAtB],
] as const

describe('checkSpanBatchPrefix', () => {
  it('default: accept returns the parent (the safe head, or the overlap parent)', () => {
    const plain = checkSpanBatchPrefix(config(), [l1A, l1B], l2A0, span([{ block: l2A1 }]), l1B, false, l2)
    expect(plain).toEqual({ validity: 'accept', parent: l2A0 })
    const overlap = span([{ block: l2A2 }, { block: l2A3 }])
    expect(checkSpanBatchPrefix(config(), [l1A, l1B], l2A2, overlap, l1B, false, l2).parent).toEqual(l2A1)
  })
})

describe('checkSpanBatch', () => {
  for (const [era, cfg] of eras) {
    it(`default (${era}): "valid batch same epoch", "valid batch changing epoch" → accept`, () => {
      expect(check(cfg, [l1A, l1B], l2A0, span([{ block: l2A1, txs: [tx] }]), l1B)).toEqual({ validity: 'accept' })
      expect(check(cfg, [l1A, l1B, l1C], l2A3, span([{ block: l2B0, txs: [tx] }]), l1C).validity).toBe('accept')
    })
  }

  it('behavior: "missing L1 info" → undecided', () => {
    expect(check(config(), [], l2A0, span([{ block: l2A1 }]), l1B)).toEqual({
      validity: 'undecided',
      reason: 'missing-l1-blocks',
    })
  })

  it('behavior: an empty span (which the codec never yields) → drop', () => {
    expect(check(config(), [l1A], l2A0, { ...span([{ block: l2A1 }]), blocks: [] }, l1B).reason).toBe('span-empty')
  })

  describe('span before Delta, by the batch origin time', () => {
    const deltaAtB = config({ delta: l1B.timestamp })
    it('"span batch before hard fork" → drop (origin l1A, though included in l1B after Delta)', () => {
      expect(check(deltaAtB, [l1A, l1B], l2A0, span([{ block: l2A1, txs: [tx] }]), l1B)).toEqual({
        validity: 'drop',
        reason: 'span-before-delta',
      })
    })
    it('"span batch after hard fork" → accept; a span starting at next_epoch uses its time', () => {
      const deltaAtA = config({ delta: l1A.timestamp })
      expect(check(deltaAtA, [l1A, l1B], l2A0, span([{ block: l2A1, txs: [tx] }]), l1B).validity).toBe('accept')
      expect(check(deltaAtB, [l1A, l1B, l1C], l2A3, span([{ block: l2B0 }]), l1C).validity).toBe('accept')
    })
    it('starting at next_epoch without it buffered → undecided ("insufficient L1 info for eager derivation")', () => {
      expect(check(config(), [l1A], l2A3, span([{ block: l2B0 }]), l1C)).toEqual({
        validity: 'undecided',
        reason: 'need-next-epoch',
      })
    })
  })

  describe('span_start.timestamp > next_timestamp', () => {
    const future = span([{ block: l2A1, timestamp: BigInt(l2A1.timestamp + 1) }])
    it('pre-Holocene: "future timestamp" → future', () => {
      expect(check(config(), [l1A, l1B, l1C], l2A0, future, l1B)).toEqual({ validity: 'future' })
    })
    it('Holocene: "future timestamp with Holocene at L1 inc" → drop', () => {
      expect(
        check(holoceneAtB, [l1A, l1B, l1C], l2A0, future, l1B),
      ).toEqual({ validity: 'drop', reason: 'future-timestamp' })
    })
  })

  describe('span_end.timestamp < next_timestamp', () => {
    const old = span([{ block: l2A1 }, { block: l2A2 }])
    it('pre-Holocene: "fully overlapping batch" → drop', () => {
      expect(check(config(), [l1A, l1B], l2A2, old, l1B)).toEqual({ validity: 'drop', reason: 'span-no-new-blocks' })
    })
    it('Holocene: "fully overlapping batch with Holocene" → past', () => {
      expect(check(holoceneAtB, [l1A, l1B], l2A2, old, l1B)).toEqual({ validity: 'past' })
    })
  })

  for (const [era, cfg] of eras) {
    describe(`prev_l2_block for an overlapping span (${era})`, () => {
      it('start between safe head and next_timestamp → drop ("short block time")', () => {
        const batch = span([
          { block: l2A1, timestamp: BigInt(l2A0.timestamp + 1) },
          { block: l2A2, timestamp: BigInt(l2A1.timestamp + 1) },
        ])
        expect(check(cfg, [l1A, l1B], l2A0, batch, l1B).reason).toBe('span-misaligned-timestamp')
      })
      it('(safe_head.timestamp − start) % block_time ≠ 0 → drop ("misaligned batch")', () => {
        const batch = span([
          { block: l2A1, timestamp: BigInt(l2A0.timestamp - 1) },
          { block: l2A2, timestamp: BigInt(l2A1.timestamp) },
        ])
        expect(check(cfg, [l1A, l1B], l2A0, batch, l1B).reason).toBe('span-not-overlapped-exactly')
      })
      it('parent not available → undecided with needL2Block ("overlapping batch l2 fetcher error")', () => {
        const batch = span([{ block: l2A0 }, { block: l2A1 }, { block: l2A2 }])
        expect(check(cfg, [l1A, l1B], l2A1, batch, l1B)).toEqual({
          validity: 'undecided',
          reason: 'need-l2-block',
          needL2Block: l2A0.number - 1,
        })
      })
      it('parent below block 0 → undecided, nothing to fetch', () => {
        const genesis: L2BlockRef = { ...l2A0, number: 0 }
        const batch = span([{ block: l2A0 }, { block: l2A1 }])
        expect(
          check(cfg, [l1A, l1B], genesis, batch, l1B),
        ).toEqual({ validity: 'undecided', reason: 'l2-block-unavailable' })
      })
    })
  }

  for (const [era, cfg] of eras) {
    it(`parent_check != prev_l2_block.hash[:20] → drop ("overlapping batch with invalid parent hash", ${era})`, () => {
      const batch = span([{ block: l2A2 }, { block: l2A3 }], { parentCheck: fromHex(l2A0.hash).slice(0, 20) })
      expect(
        check(cfg, [l1A, l1B], l2A2, batch, l1B),
      ).toEqual({ validity: 'drop', reason: 'span-parent-check-mismatch' })
      const plain = span([{ block: l2A1 }], { parentCheck: fromHex(hash('x')).slice(0, 20) })
      expect(check(cfg, [l1A, l1B], l2A0, plain, l1B).reason).toBe('span-parent-check-mismatch')
    })

    it(`start_epoch_num + seq_window_size < inclusion_block_number → drop (${era})`, () => {
      const l1E = l1After(l1D, 'l1E', 7)
      const l1F = l1After(l1E, 'l1F', 7)
      expect(check(cfg, [l1A, l1B, l1C, l1D, l1E, l1F], l2A0, span([{ block: l2A1 }]), l1F).reason).toBe(
        'sequence-window-expired',
      )
      expect(check(cfg, [l1A, l1B, l1C, l1D, l1E], l2A0, span([{ block: l2A1 }]), l1E).validity).toBe('accept')
    })

    it(`start_epoch_num > prev_l2_block.l1_origin.number + 1 → drop ("epoch too new", ${era})`, () => {
      const batch = span([{ block: l2B0, origin: l1C }])
      expect(check(cfg, [l1A, l1B, l1C, l1D], l2A3, batch, l1D)).toEqual({ validity: 'drop', reason: 'epoch-too-far' })
    })

    it(`l1_origin_check mismatch → drop ("epoch hash wrong", "… - long span", ${era})`, () => {
      const wrong = fromHex(l1A.hash).slice(0, 20)
      expect(check(cfg, [l1A, l1B], l2A3, span([{ block: l2B0 }], { l1OriginCheck: wrong }), l1C).reason).toBe(
        'span-origin-check-mismatch',
      )
      const long = span([{ block: l2A3 }, { block: l2B0 }], { l1OriginCheck: wrong })
      expect(check(cfg, [l1A, l1B], l2A2, long, l1C).reason).toBe('span-origin-check-mismatch')
    })

    it(`end epoch not buffered → undecided ("insufficient L1 info for eager derivation - long span", ${era})`, () => {
      const long = span([{ block: l2A3 }, { block: l2B0 }])
      expect(check(cfg, [l1A], l2A2, long, l1C)).toEqual({ validity: 'undecided', reason: 'need-origin-check-block' })
    })

    it(`start_epoch_num < prev_l2_block.l1_origin.number → drop ("epoch too old, but good parent…", ${era})`, () => {
      const after = { ...l2B0, timestamp: l2B0.timestamp + 2, parentHash: l2B0.hash }
      const batch = span([
        { block: after, origin: l1A },
        { block: { ...after, timestamp: after.timestamp + 2 }, origin: l1B },
      ])
      expect(check(cfg, [l1B, l1C, l1D], l2B0, batch, l1C)).toEqual({ validity: 'drop', reason: 'epoch-too-old' })
    })
  }

  describe('per-block checks after the safe head (pre-Holocene full checks)', () => {
    const cfg = config()
    it('timestamp < origin.time → drop ("batch with L2 time before L1 time", "… - long span")', () => {
      const early = { ...l2B0, parentHash: l2A2.hash, timestamp: l2A2.timestamp + 2 }
      expect(check(cfg, [l1A, l1B, l1C], l2A2, span([{ block: early }]), l1B).reason).toBe('timestamp-before-origin')
      const long = span([{ block: l2A2 }, { block: early }])
      expect(check(cfg, [l1A, l1B, l1C], l2A1, long, l1B).reason).toBe('timestamp-before-origin')
    })
    it('drift exceeded with txs → drop ("sequencer time drift on … with non-empty txs", "… - long span")', () => {
      expect(
        check(cfg, [l1A, l1B], l2A3, span([{ block: l2A4, txs: [tx] }]), l1B).reason,
      ).toBe('sequencer-drift-exceeded')
      const long = span([{ block: l2A3, txs: [tx] }, { block: l2A4, txs: [tx] }])
      expect(check(cfg, [l1A, l1B], l2A2, long, l1B).reason).toBe('sequencer-drift-exceeded')
      const changing = span([{ block: l2Y0, txs: [tx] }])
      expect(check(cfg, [l1X, l1Y, l1Z], l2X0, changing, l1Z).reason).toBe('sequencer-drift-exceeded')
    })
    it('Fjord: "no sequencer time drift on same epoch with non-empty txs and Fjord" → accept', () => {
      const fjord = config({ delta: 0, fjord: l1A.timestamp })
      expect(check(fjord, [l1A, l1B], l2A3, span([{ block: l2A4, txs: [tx] }]), l1B).validity).toBe('accept')
    })
    it('empty block over the drift: accepted before a late next epoch or when advancing the origin', () => {
      expect(check(cfg, [l1A, l1BLate], l2A3, span([{ block: l2A4 }]), l1BLate).validity).toBe('accept')
      expect(check(cfg, [l1X, l1Y, l1Z], l2X0, span([{ block: l2Y0 }, { block: l2Z0 }]), l1Z).validity).toBe('accept')
    })
    it('empty block over the drift, no next_epoch → undecided ("… no next epoch in sight yet", "… long span")', () => {
      expect(
        check(cfg, [l1A], l2A3, span([{ block: l2A4 }]), l1B),
      ).toEqual({ validity: 'undecided', reason: 'need-next-epoch' })
      expect(check(cfg, [l1A], l2A2, span([{ block: l2A3 }, { block: l2A4 }]), l1B).reason).toBe('need-next-epoch')
    })
    it('empty block over the drift that could adopt next_epoch → drop ("… in-sight epoch that invalidates it")', () => {
      expect(check(cfg, [l1A, l1B, l1C], l2A3, span([{ block: l2A4 }]), l1C).reason).toBe(
        'sequencer-drift-next-origin-available',
      )
      expect(check(cfg, [l1A, l1B, l1C], l2A2, span([{ block: l2A3 }, { block: l2A4 }]), l1C).reason).toBe(
        'sequencer-drift-next-origin-available',
      )
    })
    it('transactions: "empty tx included", "deposit tx included" → drop', () => {
      expect(check(cfg, [l1A, l1B], l2A0, span([{ block: l2A1, txs: [new Uint8Array()] }]), l1B).reason).toBe(
        'empty-transaction',
      )
      expect(check(cfg, [l1A, l1B], l2A0, span([{ block: l2A1, txs: [fromHex('0x7ef8')] }]), l1B).reason).toBe(
        'deposit-transaction',
      )
    })
    it('SetCode before Isthmus by each block timestamp → drop (optimism PR #19150)', () => {
      const setCode = fromHex('0x04f8cd01')
      const isthmusAtA2 = config({ delta: 0, isthmus: l2A2.timestamp })
      const inFirst = span([{ block: l2A1, txs: [setCode] }, { block: l2A2 }])
      const inSecond = span([{ block: l2A1 }, { block: l2A2, txs: [setCode] }])
      expect(check(isthmusAtA2, [l1A, l1B], l2A0, inFirst, l1B).reason).toBe('set-code-before-isthmus')
      expect(check(isthmusAtA2, [l1A, l1B], l2A0, inSecond, l1B).validity).toBe('accept')
    })
    it('a block origin before the safe head origin → drop (optimism PR #18283)', () => {
      const batch = span([{ block: l2A3 }, { block: l2B0, origin: l1A }, { block: l2B1, origin: l1A }], {
        l1OriginCheck: fromHex(l1A.hash).slice(0, 20),
      })
      expect(check(cfg, [l1A, l1B], l2B0, batch, l1B, l2Full)).toEqual({
        validity: 'drop',
        reason: 'span-epoch-before-safe-head',
      })
      // Holocene reaches the overlap check first, which already disagrees with the safe block's origin.
      expect(check(holoceneAtB, [l1A, l1B], l2B0, batch, l1B, l2Full).reason).toBe('span-overlap-origin-mismatch')
    })
  })

  describe('Holocene: the per-block rules move to the singular checks of the expanded batches', () => {
    it('a span breaking the drift rule passes the span checks; its expanded singular batch is dropped', () => {
      // Holocene without Fjord's 1800 s drift, so that the drift of 6 applies in both eras.
      const holocene = config({ delta: 0, holocene: l1B.timestamp })
      const batch = span([{ block: l2A4, txs: [tx] }])
      expect(check(config(), [l1A, l1B], l2A3, batch, l1B).reason).toBe('sequencer-drift-exceeded')
      expect(check(holocene, [l1A, l1B], l2A3, batch, l1B).validity).toBe('accept')
      const expanded: SingularBatch = {
        parentHash: fromHex(l2A3.hash),
        epochNumber: l1A.number,
        epochHash: fromHex(l1A.hash),
        timestamp: l2A4.timestamp,
        transactions: [tx],
      }
      expect(
        checkSingularBatch(holocene, [l1A, l1B], l2A3, expanded, l1B, true).reason,
      ).toBe('sequencer-drift-exceeded')
    })

    for (const fork of ['jovian', 'karst'] as const) {
      it(`${fork} activation block: not a span rule (optimism #20625); expanded with ≥1 tx → drop, 0 → accept`, () => {
        const forks = { delta: 0, fjord: 0, holocene: 0, isthmus: 0, [fork]: l2A1.timestamp }
        const cfg = config(forks)
        expect(check(cfg, [l1A, l1B], l2A0, span([{ block: l2A1, txs: [tx] }]), l1B).validity).toBe('accept')
        const expanded = (txs: Uint8Array[]): SingularBatch => ({
          parentHash: fromHex(l2A0.hash),
          epochNumber: l1A.number,
          epochHash: fromHex(l1A.hash),
          timestamp: l2A1.timestamp,
          transactions: txs,
        })
        expect(checkSingularBatch(cfg, [l1A, l1B], l2A0, expanded([tx]), l1B, true).reason).toBe(
          'activation-block-has-transactions',
        )
        expect(checkSingularBatch(cfg, [l1A, l1B], l2A0, expanded([]), l1B, true).validity).toBe('accept')
      })
    }
  })

  for (const [era, cfg] of eras) {
    describe(`overlap with the safe chain (${era})`, () => {
      it('matching overlap → accept ("valid overlapping batch", "longer overlapping batch")', () => {
        const valid = span([{ block: l2A2 }, { block: l2A3 }])
        const longer = span([{ block: l2A1 }, { block: l2A2 }, { block: l2A3 }])
        expect(check(cfg, [l1A, l1B], l2A2, valid, l1B)).toEqual({ validity: 'accept' })
        expect(check(cfg, [l1A, l1B], l2A2, longer, l1B).validity).toBe('accept')
      })
      it('different L1 origin number → drop ("overlapping batch with invalid origin number")', () => {
        // As in op-node's case: only the overlapped element's origin is off (the in-memory span does not re-derive it).
        const batch = span([{ block: l2A2, origin: l1A.number + 1 }, { block: l2A3 }])
        expect(
          check(cfg, [l1A, l1B], l2A2, batch, l1B),
        ).toEqual({ validity: 'drop', reason: 'span-overlap-origin-mismatch' })
      })
      it('different tx count → drop ("overlapping batch with invalid tx")', () => {
        const batch = span([{ block: l2A2, txs: [tx] }, { block: l2A3 }])
        expect(check(cfg, [l1A, l1B], l2A2, batch, l1B)).toEqual({ validity: 'drop', reason: 'span-overlap-mismatch' })
      })
      it('different tx bytes → drop ("different_tx_overlapping_batch")', () => {
        const chain = safeChain(l2B0, [l2B1, [tx]])
        const batch = span([{ block: l2B1, txs: [otherTx] }, { block: l2B2 }])
        expect(
          check(cfg, [l1B], l2B1, batch, l1B, chain),
        ).toEqual({ validity: 'drop', reason: 'span-overlap-mismatch' })
        const same = span([{ block: l2B1, txs: [tx] }, { block: l2B2 }])
        expect(check(cfg, [l1B], l2B1, same, l1B, chain).validity).toBe('accept')
      })
      it('early match, late mismatch → drop (TestBatchStage_OverlapContent)', () => {
        const chain = safeChain(l2A0, [l2A1, [tx]], [l2A2, [tx]])
        const batch = span([{ block: l2A1, txs: [tx] }, { block: l2A2 }, { block: l2A3, txs: [tx] }])
        expect(check(cfg, [l1A, l1B], l2A2, batch, l1B, chain).reason).toBe('span-overlap-mismatch')
      })
      it('overlapped safe block missing → undecided, needL2Block ("failed to fetch overlapping block payload")', () => {
        const batch = span([{ block: l2A3 }, { block: l2B0 }])
        expect(check(cfg, [l1A, l1B], l2A3, batch, l1B)).toEqual({
          validity: 'undecided',
          reason: 'need-l2-block',
          needL2Block: l2A3.number,
        })
        expect(check(cfg, [l1A, l1B], l2A3, batch, l1B, l2Full).validity).toBe('accept')
      })
    })
  }

  describe('uint64 values of derived span batches get op-node verdicts', () => {
    for (const [era, cfg] of eras) {
      it(`an L1 origin beyond 2^53 (op-node's span batch vector) → drop as too far (${era})`, () => {
        const batch = span([{ block: l2A1, origin: 16988980031808077784n }])
        expect(check(cfg, [l1A, l1B], l2A0, batch, l1B)).toEqual({ validity: 'drop', reason: 'epoch-too-far' })
      })
      it(`a start epoch whose sequencing window wraps uint64 → drop as expired, like Go (${era})`, () => {
        const batch = span([{ block: l2A1, origin: (1n << 64n) - 2n }])
        expect(check(cfg, [l1A, l1B], l2A0, batch, l1B).reason).toBe('sequence-window-expired')
      })
    }
    it('a timestamp near 2^64 → future before Holocene, drop from Holocene', () => {
      const batch = span([{ block: l2A1, timestamp: (1n << 64n) - 1n }])
      expect(check(config(), [l1A, l1B], l2A0, batch, l1B)).toEqual({ validity: 'future' })
      expect(check(holoceneAtB, [l1A, l1B], l2A0, batch, l1B).reason).toBe('future-timestamp')
    })
  })
})
