/**
 * The whole Deriver fed malformed L1 inputs (issue #8): a real devnet-like scenario (singular and span channels, zlib
 * and brotli, from the chain harness) whose batcher calldata is mutated, with garbage data units, bad hex and foreign
 * senders mixed in. The Deriver documents no thrown errors: malformed data is a trace entry, never an exception.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { toHex } from '../../shared/bytes.ts'
import { Deriver } from '../../shared/deriver/deriver.ts'
import type { L1Input, L2BlockRef } from '../../shared/deriver/types.ts'
import { BATCHER, channelFor, dataUnit, framesOf, genesisRef, l1Inputs, makeConfig, planL2, signedTx } from '../support/chain-harness.ts'
import { assertClean, FUZZ_RUNS, fuzz, mutatedBytes, printReportsAfterAll } from './harness.ts'

const CONFIG = makeConfig({ regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0, isthmus: 0 }, { seqWindowSize: 12 })
const PLAN = planL2(CONFIG, 12, (n) => (n % 3 === 0 ? [signedTx(CONFIG.l2ChainId, n)] : []))
const CHANNELS = [
  channelFor(CONFIG, PLAN.slice(1, 7), 'span', 'zlib'),
  channelFor(CONFIG, PLAN.slice(7, 13), 'singular', 'brotli'),
]
const UNITS = CHANNELS.flatMap((c, i) => framesOf(c, new Uint8Array(16).fill(i + 1), 200).map((f) => dataUnit([f])))
const POST_AT = PLAN[12].ref.l1Origin.number + 1
const BASE: L1Input[] = l1Inputs(CONFIG, POST_AT + 14, new Map([[POST_AT, UNITS]]))
/** A whole derivation of ~30 L1 blocks: its budget is per scenario, not per step. */
const MAX_MS_PER_SCENARIO = 1_000

type Tx = L1Input['transactions'][number]

printReportsAfterAll()

const batcherTx = (u: Uint8Array): Tx => ({ from: BATCHER, to: CONFIG.batchInboxAddress, type: 2, input: toHex(u) })
const CLEAN: Tx[] = UNITS.map(batcherTx)

type Edit = (txs: Tx[]) => Tx[]
const at = (i: number, txs: Tx[]) => (txs.length === 0 ? 0 : i % txs.length)
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.nat(), mutatedBytes(UNITS, 128)).map(([i, u]): Edit => (txs) => txs.map((t, j) => (j === at(i, txs) ? batcherTx(u) : t))),
  fc.nat().map((i): Edit => (txs) => txs.filter((_, j) => j !== at(i, txs))),
  fc.nat().map((i): Edit => (txs) => [...txs.slice(0, at(i, txs) + 1), ...txs.slice(at(i, txs))]),
  fc.tuple(fc.nat(), fc.nat()).map(([i, k]): Edit => (txs) => {
    const swapped = [...txs]
    const [x, y] = [at(i, txs), at(k, txs)]
    ;[swapped[x], swapped[y]] = [swapped[y], swapped[x]]
    return swapped
  }),
  // A foreign sender, a blob-type tx without blobs' hashes, and an empty calldata: all ignored or dropped by rule.
  // Always well-formed hex: L1Input is typed, and workers/l1-block-json.ts (hexField) validates it at the JSON edge.
  fc.tuple(fc.nat(), fc.constantFrom<(t: Tx) => Tx>(
    (t) => ({ ...t, from: `0x${'11'.repeat(20)}` }),
    (t) => ({ ...t, type: 3 }),
    (t) => ({ ...t, input: '0x' }),
  )).map(([i, f]): Edit => (txs) => txs.map((t, j) => (j === at(i, txs) ? f(t) : t))),
)
/** The batcher txs of the post block after 0–3 edits: mutated, dropped, duplicated, swapped or foreign units. */
const postTxs: fc.Arbitrary<Tx[]> = fc.array(edit, { maxLength: 3 }).map((edits) => edits.reduce((txs, e) => e(txs), CLEAN))

/** Runs the Deriver over the scenario with `txs` as the post block's batcher txs; the outcome is user txs derived. */
function derive([txs, feedSize]: [Tx[], number]): string {
  const inputs = BASE.map((b) => (b.header.number === POST_AT ? { ...b, transactions: [b.transactions[0], ...txs] } : b))
  const d = Deriver.start(CONFIG, genesisRef(), CONFIG.genesis.systemConfig)
  let safe: L2BlockRef = genesisRef()
  let userTxs = 0
  for (let i = 0; i < 10_000; i++) {
    const step = d.next(safe)
    if (step.kind === 'attributes') {
      const planned = PLAN[step.number]
      safe =
        planned?.ref.timestamp === step.attributes.timestamp
          ? planned.ref
          : { hash: `0x${step.number.toString(16).padStart(64, 'f')}`, number: step.number, parentHash: safe.hash, timestamp: step.attributes.timestamp, l1Origin: step.l1Origin, sequenceNumber: step.sequenceNumber }
      userTxs += step.attributes.transactions.filter((t) => !t.startsWith('0x7e')).length
      continue
    }
    if (step.kind === 'need-l1-input') {
      const next = inputs.splice(0, 1 + feedSize)
      if (next.length === 0) return `user-txs-derived:${userTxs}/4`
      for (const input of next) {
        const r = d.addL1Input(input)
        if (!r.ok) return `add-l1:${r.kind}`
      }
      continue
    }
    d.takeTrace()
    return `stopped:${step.kind}`
  }
  return 'step-limit'
  }

describe('fuzz: the Deriver', () => {
  it('baseline: the clean scenario derives every planned user tx', async () => {
    const r = await fuzz({ name: 'deriver.baseline', input: fc.constant<[Tx[], number]>([CLEAN, 0]), run: derive, runs: 1 })
    expect(r.outcomes).toEqual({ 'user-txs-derived:4/4': 1 })
  })

  it('Deriver: malformed batcher data never throws', async () => {
    const report = await fuzz({
      name: 'deriver.Deriver',
      input: fc.tuple(postTxs, fc.nat({ max: 3 })),
      // A scenario is ~30 L1 blocks and ~25 derived blocks, so a tenth as many inputs as the single decoders.
      runs: Math.max(100, Math.floor(FUZZ_RUNS / 10)),
      expected: () => undefined,
      run: derive,
    })
    assertClean(report, MAX_MS_PER_SCENARIO)
  })
})
