import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../../cli/main.ts'
import { toRollupJson } from '../../../shared/config/parse-rollup-json.ts'
import type { L1Input } from '../../../shared/deriver/types.ts'
import { channelFor, dataUnit, framesOf, genesisRef, l1Inputs, makeConfig, planL2, signedTx } from '../../support/chain-harness.ts'

async function run(...argv: string[]) {
  let out = ''
  let err = ''
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) })
  return { code, out, err, json: out ? JSON.parse(out) : undefined }
}

const hex = (n: number | bigint) => `0x${n.toString(16)}`

function rpcInput(input: L1Input) {
  const hd = input.header
  return {
    header: { hash: hd.hash, number: hex(hd.number), parentHash: hd.parentHash, timestamp: hd.timestamp, baseFeePerGas: hex(hd.baseFeePerGas), mixHash: hd.mixHash, excessBlobGas: hex(hd.excessBlobGas ?? 0n), parentBeaconBlockRoot: hd.parentBeaconBlockRoot },
    transactions: input.transactions.map((t) => ({ from: t.from, to: t.to, type: hex(t.type), input: t.input })),
    logs: input.logs,
    blobs: {},
  }
}

describe('op-edge derive', () => {
  it('default: replays a recorded L1 range into attributes', async () => {
    const config = makeConfig({ regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0, isthmus: 0, jovian: 0 })
    const plan = planL2(config, 12, (n) => [signedTx(config.l2ChainId, n)])
    const channel = channelFor(config, plan.slice(1), 'span', 'brotli')
    const posts = new Map([[104, [dataUnit(framesOf(channel, new Uint8Array(16).fill(3), 100_000))]]])
    const dir = mkdtempSync(join(tmpdir(), 'op-edge-derive-'))
    const rollup = join(dir, 'rollup.json')
    writeFileSync(rollup, JSON.stringify(toRollupJson(config)))
    const g = genesisRef()
    const input = {
      safeHead: { hash: g.hash, number: g.number, timestamp: g.timestamp, l1Origin: g.l1Origin, sequenceNumber: 0 },
      systemConfig: { ...config.genesis.systemConfig, gasLimit: Number(config.genesis.systemConfig.gasLimit), minBaseFee: 0 },
      l1: l1Inputs(config, 106, posts).map(rpcInput),
      l2Hashes: Object.fromEntries(plan.slice(1).map((b) => [b.ref.number, b.ref.hash])),
    }
    const file = join(dir, 'input.json')
    writeFileSync(file, JSON.stringify(input))
    const r = await run('derive', '--chain', rollup, '--input', file)
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.json.end).toBe('need-l1-input')
    expect(r.json.attributes).toHaveLength(12)
    const a = r.json.attributes[0]
    expect(Object.keys(a).sort()).toEqual(['derivedFrom', 'eip1559Params', 'gasLimit', 'l1Origin', 'minBaseFee', 'noTxPool', 'parentBeaconBlockRoot', 'prevRandao', 'sequenceNumber', 'suggestedFeeRecipient', 'timestamp', 'transactions', 'withdrawals'].sort())
    expect(a.timestamp).toBe(plan[1].ref.timestamp)
    expect(a.suggestedFeeRecipient).toBe('0x4200000000000000000000000000000000000011')
    expect(a.withdrawals).toEqual([])
    expect(a.noTxPool).toBe(true)
    expect(a.derivedFrom.number).toBe(104)
    expect(r.json.attributes.map((x: { transactions: string[] }) => x.transactions.length)).toEqual(Array(12).fill(2))
    expect(r.json.trace.length).toBeGreaterThan(0)
  })

  it('behavior: without l2Hashes derivation stops after the first block with end "idle"', async () => {
    const config = makeConfig({ regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0 })
    const plan = planL2(config, 4, () => [])
    const posts = new Map([[103, [dataUnit(framesOf(channelFor(config, plan.slice(1), 'singular'), new Uint8Array(16).fill(4), 100_000))]]])
    const dir = mkdtempSync(join(tmpdir(), 'op-edge-derive-'))
    const rollup = join(dir, 'rollup.json')
    writeFileSync(rollup, JSON.stringify(toRollupJson(config)))
    const g = genesisRef()
    const file = join(dir, 'input.json')
    writeFileSync(file, JSON.stringify({ safeHead: g, systemConfig: { batcherAddress: config.genesis.systemConfig.batcherAddress }, l1: l1Inputs(config, 104, posts).map(rpcInput) }))
    const r = await run('derive', '--chain', rollup, '--input', file)
    expect(r.code).toBe(0)
    expect(r.json.attributes).toHaveLength(1)
    expect(r.json.end).toBe('idle')
  })

  it('error: bad input is one line, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'op-edge-derive-'))
    const file = join(dir, 'bad.json')
    writeFileSync(file, JSON.stringify({ safeHead: { hash: '0x12' } }))
    for (const args of [['derive'], ['derive', '--chain', 'op-mainnet'], ['derive', '--chain', 'op-mainnet', '--input', file], ['derive', '--chain', 'op-mainnet', '--input', join(dir, 'missing.json')]]) {
      const r = await run(...args)
      expect(r.code, args.join(' ')).toBe(1)
      expect(r.err.trim().split('\n')).toHaveLength(1)
    }
  })
})
