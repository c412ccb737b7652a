import { describe, expect, it } from 'vitest'
import { toHex, type Hex } from '../../../shared/bytes.ts'
import { dataToBlob } from '../../../shared/codec/blob.ts'
import { configUpdateLog } from '../../../shared/protocol/system-config.ts'
import { Deriver, type DeriverStep } from '../../../shared/deriver/deriver.ts'
import type { L1Input, L2BlockRef } from '../../../shared/deriver/types.ts'
import { BATCHER, channelFor, dataUnit, framesOf, genesisRef, h, l1Block, l1Inputs, makeConfig, planL2, signedTx } from '../../support/chain-harness.ts'

const FORKS = { regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0, isthmus: 0 }

function drive(d: Deriver, plan: { ref: L2BlockRef }[]) {
  let safe = genesisRef()
  const out: Extract<DeriverStep, { kind: 'attributes' }>[] = []
  for (;;) {
    const s = d.next(safe)
    if (s.kind !== 'attributes') return { out, end: s, trace: d.takeTrace() }
    out.push(s)
    safe = plan[s.number].ref
  }
}

describe('Deriver L1 retrieval', () => {
  it('rule: from Ecotone, blob data units and calldata in one loop, block order preserved; blob-tx calldata ignored', () => {
    const config = makeConfig(FORKS)
    const plan = planL2(config, 12, (n) => [signedTx(config.l2ChainId, n)])
    const frames = framesOf(channelFor(config, plan.slice(1), 'singular'), new Uint8Array(16).fill(9), 300)
    expect(frames.length).toBeGreaterThanOrEqual(3)
    const [u0, u1, rest] = [dataUnit([frames[0]]), dataUnit([frames[1]]), dataUnit(frames.slice(2))]
    const vh0 = `0x01${'aa'.repeat(31)}` as Hex
    const vh1 = `0x01${'bb'.repeat(31)}` as Hex
    const inputs = l1Inputs(config, 106, new Map())
    const target = inputs.find((i) => i.header.number === 104) as L1Input
    target.transactions.push(
      // a non-batcher blob tx first (its blobs are someone else's)
      { from: h('other').slice(0, 42) as Hex, to: config.batchInboxAddress, type: 3, input: '0x', blobVersionedHashes: [`0x01${'cc'.repeat(31)}`] },
      // the batcher's blob tx: two blobs = frames 0 and 1; its calldata (garbage) must be ignored
      { from: BATCHER, to: config.batchInboxAddress, type: 3, input: '0xdeadbeef', blobVersionedHashes: [vh0, vh1] },
      // then calldata with the remaining frames
      { from: BATCHER, to: config.batchInboxAddress, type: 2, input: toHex(rest) },
    )
    target.blobs = { [vh0]: toHex(dataToBlob(u0)), [vh1]: toHex(dataToBlob(u1)) }
    const d = Deriver.start(config, genesisRef(), config.genesis.systemConfig)
    for (const i of inputs) d.addL1Input(i)
    const r = drive(d, plan)
    expect(r.out).toHaveLength(12)
    expect(r.out[11].attributes.transactions.slice(1)).toEqual(plan[12].transactions.map(toHex))
  })

  it('behavior: a batcher blob that is not supplied is a reset signal (fetch it again)', () => {
    const config = makeConfig(FORKS)
    const inputs = l1Inputs(config, 102, new Map())
    inputs[1].transactions.push({ from: BATCHER, to: config.batchInboxAddress, type: 3, input: '0x', blobVersionedHashes: [`0x01${'dd'.repeat(31)}`] })
    const d = Deriver.start(config, genesisRef(), config.genesis.systemConfig)
    for (const i of inputs) d.addL1Input(i)
    expect(d.next(genesisRef())).toMatchObject({ kind: 'reset' })
  })

  it('rule: pre-Ecotone a blob tx is read as calldata', () => {
    const config = makeConfig({ regolith: 0, canyon: 0, delta: 0 })
    const plan = planL2(config, 4, () => [])
    const unit = dataUnit(framesOf(channelFor(config, plan.slice(1), 'singular'), new Uint8Array(16).fill(1), 10_000))
    const inputs = l1Inputs(config, 104, new Map())
    inputs[3].transactions.push({ from: BATCHER, to: config.batchInboxAddress, type: 3, input: toHex(unit), blobVersionedHashes: [`0x01${'ee'.repeat(31)}`] })
    const d = Deriver.start(config, genesisRef(), config.genesis.systemConfig)
    for (const i of inputs) d.addL1Input(i)
    expect(drive(d, plan).out).toHaveLength(4)
  })

  it('rule: batcher address change by SystemConfig update applies from its own L1 block', () => {
    const config = makeConfig(FORKS)
    const newBatcher = '0x00000000000000000000000000000000000b0b0b' as Hex
    const plan = planL2(config, 12, (n) => [signedTx(config.l2ChainId, n)])
    const first = framesOf(channelFor(config, plan.slice(1, 7), 'singular'), new Uint8Array(16).fill(1), 100_000)
    const second = framesOf(channelFor(config, plan.slice(7), 'singular'), new Uint8Array(16).fill(2), 100_000)
    const update = { ...configUpdateLog('batcher', { batcherAddress: newBatcher }, config.l1SystemConfigAddress), logIndex: 0, blockHash: l1Block(104).hash }
    const inputs = l1Inputs(config, 106, new Map([[102, [dataUnit(first)]]]), new Map([[104, [update]]]))
    // In block 104 the old batcher posts the second channel (ignored: the update in this block already applies) ...
    inputs[4].transactions.push({ from: BATCHER, to: config.batchInboxAddress, type: 2, input: toHex(dataUnit(second)) })
    // ... and in 105 the new batcher posts it again (accepted).
    inputs[5].transactions.push({ from: newBatcher, to: config.batchInboxAddress, type: 2, input: toHex(dataUnit(second)) })
    const d = Deriver.start(config, genesisRef(), config.genesis.systemConfig)
    for (const i of inputs) d.addL1Input(i)
    const r = drive(d, plan)
    expect(r.out).toHaveLength(12)
    expect(r.out[6].derivedFrom.number).toBe(105)
    expect(r.out[5].derivedFrom.number).toBe(102)
  })

  it('rule: only transactions to the inbox from the batcher with types 0-3 / 0x7E count', () => {
    const config = makeConfig(FORKS)
    const plan = planL2(config, 3, () => [])
    const unit = toHex(dataUnit(framesOf(channelFor(config, plan.slice(1), 'singular'), new Uint8Array(16).fill(5), 10_000)))
    const inputs = l1Inputs(config, 104, new Map())
    inputs[2].transactions.push(
      { from: BATCHER, to: h('not-inbox').slice(0, 42) as Hex, type: 2, input: unit },
      { from: BATCHER, to: config.batchInboxAddress, type: 4, input: unit },
      { from: BATCHER, to: null, type: 2, input: unit },
    )
    const d = Deriver.start(config, genesisRef(), config.genesis.systemConfig)
    for (const i of inputs) d.addL1Input(i)
    const r = drive(d, plan)
    expect(r.out).toHaveLength(0)
    expect(r.end).toMatchObject({ kind: 'need-l1-input' })
  })
})
