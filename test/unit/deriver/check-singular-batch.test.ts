/**
 * Singular batch validity, one test per rule of PROTOCOL.md §2.8. Fixtures and most cases are ported from op-node
 * `op-node/rollup/derive/batches_test.go` (`TestValidBatch`, singular cases; its names are quoted), with fixed numbers
 * in place of its random L1 block.
 */
import { describe, expect, it } from 'vitest'
import { fromHex } from '../../../shared/bytes.ts'
import type { SingularBatch } from '../../../shared/codec/singular-batch.ts'
import { isActive } from '../../../shared/config/forks.ts'
import type { ForkTimes } from '../../../shared/config/rollup-config.ts'
import type { BatchValidityConfig } from '../../../shared/deriver/batch-validity.ts'
import { checkSingularBatch } from '../../../shared/deriver/check-singular-batch.ts'
import type { L1BlockRef, L2BlockRef } from '../../../shared/deriver/types.ts'
import { batchConfig, l1A, l1B, l1C, l1D, l1E, l1F, l1BLate, l2A0, l2A1, l2A2, l2A3, l2A4, l2B0, l1After, l2After } from '../../support/batch-fixtures.ts'
import { labelHash as hash } from '../../support/refs.ts'

const config = (forks: ForkTimes = {}, over: Partial<BatchValidityConfig> = {}): BatchValidityConfig => batchConfig(forks, over)

const l1X: L1BlockRef = { hash: hash('l1X'), number: 42, parentHash: hash('l1X parent'), timestamp: 10_000 }
const l1Y = l1After(l1X, 'l1Y', 12)
const l1Z = l1After(l1Y, 'l1Z', 12)
const l2X0: L2BlockRef = {
  hash: hash('l2X0'),
  number: 1000,
  parentHash: hash('l2X0 parent'),
  timestamp: 10_000 + 24 + 6 - 1, // one more block and it is ahead of the next L1 block by more than the drift
  l1Origin: { hash: l1X.hash, number: l1X.number },
  sequenceNumber: 0,
}
const l2Y0 = l2After(l2X0, 'l2Y0', l1Y, 0) // exceeds the drift: must be empty

const tx = fromHex('0x02f86b0180843b9aca00847735940082520894000000000000000000000000000000000000dead80c0')

/** The batch for `block`, built on its parent, with `txs`. */
function batchFor(block: L2BlockRef, txs: Uint8Array[] = [], over: Partial<SingularBatch> = {}): SingularBatch {
  return {
    parentHash: fromHex(block.parentHash),
    epochNumber: block.l1Origin.number,
    epochHash: fromHex(block.l1Origin.hash),
    timestamp: block.timestamp,
    transactions: txs,
    ...over,
  }
}

/** Runs the check with Holocene decided, as op-node does, by the inclusion block's time. */
function check(
  cfg: BatchValidityConfig,
  l1Blocks: L1BlockRef[],
  safeHead: L2BlockRef,
  batch: SingularBatch,
  inclusion: L1BlockRef,
) {
  return checkSingularBatch(cfg, l1Blocks, safeHead, batch, inclusion, isActive(cfg, 'holocene', inclusion.timestamp))
}

const holoceneAtB = config({ delta: 0, fjord: 0, holocene: l1B.timestamp })

describe('checkSingularBatch', () => {
  it('default: "valid batch same epoch" → accept', () => {
    expect(check(config(), [l1A, l1B], l2A0, batchFor(l2A1, [tx]), l1B)).toEqual({ validity: 'accept' })
    expect(check(holoceneAtB, [l1A, l1B], l2A0, batchFor(l2A1, [tx]), l1B)).toEqual({ validity: 'accept' })
  })

  it('rule 11: "valid batch changing epoch" → accept', () => {
    expect(check(config(), [l1A, l1B, l1C], l2A3, batchFor(l2B0, [tx]), l1C).validity).toBe('accept')
  })

  it('behavior: "missing L1 info" → undecided', () => {
    expect(
      check(config(), [], l2A0, batchFor(l2A1), l1B),
    ).toEqual({ validity: 'undecided', reason: 'missing-l1-blocks' })
  })

  describe('rule 1: timestamp > next_timestamp', () => {
    const batch = batchFor(l2A1, [], { timestamp: l2A1.timestamp + 1 })
    it('pre-Holocene: "future timestamp" → future', () => {
      expect(check(config(), [l1A, l1B, l1C], l2A0, batch, l1B)).toEqual({ validity: 'future' })
    })
    it('Holocene: "future timestamp with Holocene at L1 inc" → drop', () => {
      expect(check(holoceneAtB, [l1A, l1B, l1C], l2A0, batch, l1B)).toEqual({
        validity: 'drop',
        reason: 'future-timestamp',
      })
    })
    it('Holocene is decided by the inclusion block time, not the batch timestamp', () => {
      // The batch timestamp (20003) is before Holocene; the inclusion block (l1B, 20007) is not.
      expect(check(config({ holocene: l1B.timestamp }), [l1A, l1B], l2A0, batch, l1B).validity).toBe('drop')
      expect(check(config({ holocene: l1B.timestamp + 1 }), [l1A, l1B], l2A0, batch, l1B).validity).toBe('future')
    })
  })

  describe('rule 2: timestamp < next_timestamp', () => {
    it('pre-Holocene: "old timestamp" and "misaligned timestamp" → drop', () => {
      const old = batchFor(l2A1, [], { timestamp: l2A0.timestamp })
      const misaligned = batchFor(l2A1, [], { timestamp: l2A1.timestamp - 1 })
      for (const batch of [old, misaligned]) {
        expect(
          check(config(), [l1A, l1B, l1C], l2A0, batch, l1B),
        ).toEqual({ validity: 'drop', reason: 'past-timestamp' })
      }
    })
    it('Holocene: "past timestamp with Holocene at L1 inc" → past', () => {
      const old = batchFor(l2A1, [], { timestamp: l2A0.timestamp })
      expect(check(holoceneAtB, [l1A, l1B, l1C], l2A0, old, l1B)).toEqual({ validity: 'past' })
    })
  })

  it('rule 3: parent_hash != safe_head.hash → drop ("invalid parent block hash")', () => {
    const batch = batchFor(l2A1, [], { parentHash: fromHex(hash('not the safe head')) })
    for (const cfg of [config(), holoceneAtB]) {
      expect(
        check(cfg, [l1A, l1B, l1C], l2A0, batch, l1B),
      ).toEqual({ validity: 'drop', reason: 'parent-hash-mismatch' })
    }
  })

  it('rule 4: epoch_num + seq_window_size < inclusion_block_number → drop ("sequence window expired")', () => {
    const l1 = [l1A, l1B, l1C, l1D, l1E, l1F]
    // l1F is the 5th block after the epoch, the window is 4.
    expect(
      check(config(), l1, l2A0, batchFor(l2A1), l1F),
    ).toEqual({ validity: 'drop', reason: 'sequence-window-expired' })
    expect(check(holoceneAtB, l1, l2A0, batchFor(l2A1), l1F).reason).toBe('sequence-window-expired')
    // Boundary: included in the last block of the window.
    expect(check(config(), l1, l2A0, batchFor(l2A1), l1E).validity).toBe('accept')
  })

  describe('rule 5: the batch epoch is the safe head epoch or the next', () => {
    it('epoch_num < epoch.number → drop ("epoch too old, but good parent hash and timestamp")', () => {
      const batch = batchFor(l2A3, [], { parentHash: fromHex(l2B0.hash), timestamp: l2B0.timestamp + 2 })
      expect(check(config(), [l1B, l1C, l1D], l2B0, batch, l1C)).toEqual({ validity: 'drop', reason: 'epoch-too-old' })
    })
    it('epoch_num == epoch.number + 1, no next_epoch → undecided ("insufficient L1 info for eager derivation")', () => {
      expect(
        check(config(), [l1A], l2A3, batchFor(l2B0), l1C),
      ).toEqual({ validity: 'undecided', reason: 'need-next-epoch' })
    })
    it('epoch_num > epoch.number + 1 → drop ("epoch too new")', () => {
      const batch = batchFor(l2B0, [], { epochNumber: l1C.number, epochHash: fromHex(l1C.hash) })
      expect(
        check(config(), [l1A, l1B, l1C, l1D], l2A3, batch, l1D),
      ).toEqual({ validity: 'drop', reason: 'epoch-too-far' })
    })
  })

  it('rule 6: epoch_hash != batch_origin.hash → drop ("epoch hash wrong")', () => {
    const batch = batchFor(l2B0, [], { epochHash: fromHex(l1A.hash) })
    expect(check(config(), [l1A, l1B], l2A3, batch, l1C)).toEqual({ validity: 'drop', reason: 'epoch-hash-mismatch' })
  })

  it('rule 7: timestamp < batch_origin.time → drop ("batch with L2 time before L1 time")', () => {
    const batch = batchFor(l2B0, [], { parentHash: fromHex(l2A2.hash), timestamp: l2A2.timestamp + 2 })
    expect(check(config(), [l1A, l1B, l1C], l2A2, batch, l1B)).toEqual({
      validity: 'drop',
      reason: 'timestamp-before-origin',
    })
  })

  describe('rule 8: timestamp > batch_origin.time + max_sequencer_drift', () => {
    it('non-empty → drop ("sequencer time drift on same epoch with non-empty txs")', () => {
      expect(check(config(), [l1A, l1B], l2A3, batchFor(l2A4, [tx]), l1B)).toEqual({
        validity: 'drop',
        reason: 'sequencer-drift-exceeded',
      })
    })
    it('non-empty, changing epoch → drop ("sequencer time drift on changing epoch with non-empty txs")', () => {
      expect(check(config(), [l1X, l1Y, l1Z], l2X0, batchFor(l2Y0, [tx]), l1Z).reason).toBe('sequencer-drift-exceeded')
    })
    it('empty, next epoch later than the batch → accept ("… with empty txs and late next epoch")', () => {
      expect(check(config(), [l1A, l1BLate], l2A3, batchFor(l2A4), l1BLate).validity).toBe('accept')
    })
    it('empty, changing epoch → accept ("sequencer time drift on changing epoch with empty txs")', () => {
      expect(check(config(), [l1X, l1Y, l1Z], l2X0, batchFor(l2Y0), l1Z).validity).toBe('accept')
    })
    it('empty, next_epoch unknown → undecided ("… and no next epoch in sight yet")', () => {
      expect(
        check(config(), [l1A], l2A3, batchFor(l2A4), l1B),
      ).toEqual({ validity: 'undecided', reason: 'need-next-epoch' })
    })
    it('empty, timestamp >= next_epoch.time → drop ("… but in-sight epoch that invalidates it")', () => {
      expect(check(config(), [l1A, l1B, l1C], l2A3, batchFor(l2A4), l1C)).toEqual({
        validity: 'drop',
        reason: 'sequencer-drift-next-origin-available',
      })
    })
    it('Fjord: "no sequencer time drift on same epoch with non-empty txs and Fjord" → accept', () => {
      const fjord = config({ delta: 0, fjord: l1A.timestamp })
      expect(check(fjord, [l1A, l1B], l2A3, batchFor(l2A4, [tx]), l1B).validity).toBe('accept')
    })
    it('Fjord boundary: 600 s before, 1800 s from Fjord, chosen by the batch origin time', () => {
      const origin: L1BlockRef = { hash: hash('o'), number: 7, parentHash: hash('o parent'), timestamp: 1000 }
      const next: L1BlockRef = { ...l1After(origin, 'o next', 0), timestamp: 9000 }
      const at = (ts: number, forks: ForkTimes) => {
        const l1Origin = { hash: origin.hash, number: 7 }
        const safe: L2BlockRef = { ...l2A0, hash: hash(`safe ${ts}`), timestamp: ts - 2, l1Origin }
        const batch: SingularBatch = {
          parentHash: fromHex(safe.hash),
          epochNumber: 7,
          epochHash: fromHex(origin.hash),
          timestamp: ts,
          transactions: [tx],
        }
        return check(config(forks, { maxSequencerDrift: 600 }), [origin, next], safe, batch, next).validity
      }
      expect(at(1600, {})).toBe('accept')
      expect(at(1602, {})).toBe('drop')
      expect(at(2800, { fjord: 1000 })).toBe('accept')
      expect(at(2802, { fjord: 1000 })).toBe('drop')
      // Fjord after the origin's time but before the batch's: still 600.
      expect(at(1602, { fjord: 1001 })).toBe('drop')
    })
  })

  describe('rule 9: transaction list', () => {
    it('"empty tx included" → drop', () => {
      expect(check(config(), [l1A, l1B], l2A0, batchFor(l2A1, [tx, new Uint8Array()]), l1B)).toEqual({
        validity: 'drop',
        reason: 'empty-transaction',
      })
    })
    it('"deposit tx included" → drop', () => {
      const deposit = fromHex('0x7ef8f8a0')
      expect(check(holoceneAtB, [l1A, l1B], l2A0, batchFor(l2A1, [deposit]), l1B).reason).toBe('deposit-transaction')
    })
    it('SetCode (0x04) before Isthmus → drop; from Isthmus → accept, by the batch timestamp', () => {
      const setCode = fromHex('0x04f8cd01')
      const batch = batchFor(l2A1, [setCode])
      // Isthmus one block after the batch: the origin (20000) and the inclusion block (20007) do not matter.
      expect(check(config({ isthmus: l2A1.timestamp + 2 }), [l1A, l1B], l2A0, batch, l1B)).toEqual({
        validity: 'drop',
        reason: 'set-code-before-isthmus',
      })
      // Isthmus exactly at the batch timestamp, after the origin time.
      expect(check(config({ isthmus: l2A1.timestamp }), [l1A, l1B], l2A0, batch, l1B).validity).toBe('accept')
    })
    it('PostExec (0x7D) before Interop → drop (op-node checkSequencerTxData, IsSDM = IsInterop)', () => {
      const postExec = fromHex('0x7dc0')
      expect(check(config(), [l1A, l1B], l2A0, batchFor(l2A1, [postExec]), l1B).reason).toBe('post-exec-before-interop')
    })
    it('other transaction types are left to the engine (op-node; PROTOCOL.md §9 item 10)', () => {
      const blob = fromHex('0x03f8')
      expect(check(config(), [l1A, l1B], l2A0, batchFor(l2A1, [blob]), l1B).validity).toBe('accept')
    })
  })

  describe('rule 10: activation block with transactions', () => {
    for (const fork of ['jovian', 'karst', 'interop'] as const) {
      it(`${fork} activation block with ≥1 tx → drop, with 0 txs → accept`, () => {
        const cfg = config({ delta: 0, fjord: 0, holocene: 0, isthmus: 0, [fork]: l2A1.timestamp })
        expect(check(cfg, [l1A, l1B], l2A0, batchFor(l2A1, [tx]), l1B)).toEqual({
          validity: 'drop',
          reason: 'activation-block-has-transactions',
        })
        expect(check(cfg, [l1A, l1B], l2A0, batchFor(l2A1), l1B).validity).toBe('accept')
      })
    }
    it('a fork time between blocks activates at the next block; later blocks may carry txs', () => {
      const cfg = config({ jovian: l2A1.timestamp - 1 })
      expect(check(cfg, [l1A, l1B], l2A0, batchFor(l2A1, [tx]), l1B).reason).toBe('activation-block-has-transactions')
      expect(check(cfg, [l1A, l1B], l2A1, batchFor(l2A2, [tx]), l1B).validity).toBe('accept')
    })
    it('a fork active at genesis has no activation block', () => {
      expect(check(config({ karst: 0 }), [l1A, l1B], l2A0, batchFor(l2A1, [tx]), l1B).validity).toBe('accept')
    })
  })

  it('behavior: Granite is irrelevant to batch validity', () => {
    const cases: [L1BlockRef[], L2BlockRef, SingularBatch, L1BlockRef][] = [
      [[l1A, l1B], l2A0, batchFor(l2A1, [tx]), l1B],
      [[l1A, l1B], l2A3, batchFor(l2A4, [tx]), l1B],
      [[l1A, l1B, l1C, l1D, l1E, l1F], l2A0, batchFor(l2A1), l1F],
    ]
    for (const [l1, safe, batch, inclusion] of cases) {
      expect(
        check(config({ granite: 0 }), l1, safe, batch, inclusion),
      ).toEqual(check(config(), l1, safe, batch, inclusion))
    }
  })
})
