/**
 * The batcher tick against an in-memory ledger (the RollupNode's semantics), a fake L1 and a deterministic signer:
 * open a channel (ledger first, then sends), inclusion and confirmation depth, rebroadcast after an L1 reorg, fee
 * bumps with the same nonce, abandon on revert, resubmission after the L1 block of a confirmed channel is reorged.
 */
import { describe, expect, it } from 'vitest'
import { keccak, toHex, type Hex } from '../../../shared/bytes.ts'
import type { BatcherChannel, BatcherTx, Submitted } from '../../../durable-objects/batcher-ledger.ts'
import { planChannel, type BatchBlock, type BatcherSettings } from '../../../workers/batcher-channel.ts'
import { prng, randomBytes } from '../../support/random.ts'
import { batcherTick, RESUBMISSION_TIMEOUT_MS, type BatcherNode, type BatcherSigner, type SignBatcherTx } from '../../../workers/batcher-tick.ts'
import { genesisRef, makeConfig, planL2, signedTx } from '../../support/chain-harness.ts'

const config = makeConfig({ regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0, isthmus: 0 })
const plan = planL2(config, 10, (n) => [signedTx(config.l2ChainId, n)])
const blocks: BatchBlock[] = plan.slice(1).map((p) => ({ ref: p.ref, transactions: p.transactions }))
const settings: BatcherSettings = { da: 'calldata', batchType: 'span', compression: 'zlib', maxChannelDuration: 0, confirmations: 2, maxPendingTxs: 1 }

function world(over: Partial<typeof settings> = {}) {
  const log: string[] = []
  const ledger = { submitted: null as Submitted | null, channel: null as BatcherChannel | null, txs: [] as BatcherTx[] }
  let safe = genesisRef()
  let chain = blocks
  const node: BatcherNode = {
    async batcherState() {
      return { safe, unsafe: chain.at(-1)!.ref, submitted: ledger.submitted, channel: ledger.channel, txs: ledger.txs.map((t) => ({ ...t })) }
    },
    async batchBlocks(from, to) {
      return chain.filter((b) => b.ref.number >= from && b.ref.number <= to)
    },
    async batcherOpenChannel(channel, txs) {
      log.push(`open ${txs.length}`)
      ledger.channel = channel
      ledger.txs = txs
    },
    async batcherUpdateTx(index, tx) {
      ledger.txs[index] = tx
    },
    async batcherCloseChannel(confirmed, reason) {
      log.push(`close ${confirmed} ${reason}`)
      if (confirmed && ledger.channel) {
        const l1 = ledger.txs.reduce<{ number: number; hash: Hex } | null>((a, t) => (t.includedIn && (!a || t.includedIn.number > a.number) ? t.includedIn : a), null)
        ledger.submitted = { ...ledger.channel.lastBlock, l1 }
      }
      ledger.channel = null
      ledger.txs = []
    },
  }
  const l1 = { head: 100, receipts: new Map<Hex, { status: string; blockNumber: string; blockHash: Hex }>(), canonical: new Map<number, Hex>(), sent: [] as Hex[], nonce: 7 }
  const l1Hash = (n: number) => l1.canonical.get(n) ?? (`0x${n.toString(16).padStart(64, '0')}` as Hex)
  const call = async (method: string, params: unknown[]): Promise<unknown> => {
    switch (method) {
      case 'eth_getBlockByNumber': {
        const n = params[0] === 'latest' ? l1.head : Number(BigInt(params[0] as string))
        return { number: `0x${n.toString(16)}`, hash: l1Hash(n), baseFeePerGas: '0x3b9aca00', timestamp: `0x${config.genesis.l2Time.toString(16)}` }
      }
      case 'eth_getTransactionReceipt':
        return l1.receipts.get(params[0] as Hex) ?? null
      case 'eth_sendRawTransaction':
        log.push('send')
        l1.sent.push(params[0] as Hex)
        return keccak(new TextEncoder().encode(String(params[0])))
      case 'eth_getTransactionCount':
        return `0x${l1.nonce.toString(16)}`
      case 'eth_maxPriorityFeePerGas':
        return '0x3b9aca00'
      case 'eth_estimateGas':
        return '0x5208'
      case 'eth_blobBaseFee':
        return '0x1'
      default:
        throw new Error(`unexpected ${method}`)
    }
  }
  const signed: SignBatcherTx[] = []
  const signer: BatcherSigner = {
    address: '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc' as Hex,
    async sign(tx) {
      signed.push(tx)
      const raw = toHex(new TextEncoder().encode(JSON.stringify({ ...tx, parts: tx.parts.map(toHex) }, (_k, v) => (typeof v === 'bigint' ? String(v) : v))))
      return { raw, hash: toHex(keccak(new TextEncoder().encode(raw))) }
    },
  }
  let now = 1_000_000
  const tick = () => batcherTick({ config, settings: { ...settings, ...over }, node, l1: { call }, signer, plan: planChannel, randomChannelId: () => new Uint8Array(16).fill(9), now: () => now })
  const include = (at: number) => {
    for (const t of ledger.txs) l1.receipts.set(t.hash, { status: '0x1', blockNumber: `0x${at.toString(16)}`, blockHash: l1Hash(at) })
  }
  return {
    log, ledger, l1, signed, tick, include,
    setSafe: (n: number) => (safe = plan[n].ref),
    setBlocks: (b: BatchBlock[]) => (chain = b),
    setSignerAddress: (a: Hex) => (signer.address = a),
    advance: (ms: number) => (now += ms),
  }
}

describe('batcherTick', () => {
  it('default: opens one channel for the unsafe blocks after the safe head, records it before sending, confirms at depth', async () => {
    const w = world()
    const r = await w.tick()
    expect(r).toMatchObject({ outcome: 'opened', blocks: [1, 10], da: 'calldata' })
    expect(w.log[0]).toMatch(/^open/)
    expect(w.log.slice(1).every((l) => l === 'send')).toBe(true)
    expect(w.ledger.txs.map((t) => t.nonce)).toEqual(w.ledger.txs.map((_, i) => 7 + i))
    // Sent, not yet included: in flight; a second channel is never opened meanwhile.
    expect(await w.tick()).toMatchObject({ outcome: 'in-flight', included: 0 })
    w.include(100)
    expect(await w.tick()).toMatchObject({ outcome: 'in-flight', included: w.ledger.txs.length })
    w.l1.head = 101
    expect(await w.tick()).toMatchObject({ outcome: 'confirmed', lastBlock: 10 })
    expect(w.ledger.submitted).toMatchObject({ number: 10, l1: { number: 100 } })
    expect(await w.tick()).toEqual({ outcome: 'idle', reason: 'no unsafe blocks to submit' })
  })

  it('behavior: a transaction whose block is reorged out is broadcast again; a stuck one is re-signed with ≥10% more, same nonce', async () => {
    const w = world()
    await w.tick()
    w.include(100)
    await w.tick()
    const sent = w.l1.sent.length
    w.l1.receipts.clear() // L1 reorg: the inclusion is gone
    expect(await w.tick()).toMatchObject({ outcome: 'in-flight', rebroadcast: w.ledger.txs.length })
    expect(w.l1.sent.length).toBe(sent + w.ledger.txs.length)
    const before = w.ledger.txs[0]
    w.advance(RESUBMISSION_TIMEOUT_MS)
    expect(await w.tick()).toMatchObject({ outcome: 'in-flight', bumped: w.ledger.txs.length })
    const after = w.ledger.txs[0]
    expect(after.nonce).toBe(before.nonce)
    expect(BigInt(after.maxFeePerGas) * 100n).toBeGreaterThanOrEqual(BigInt(before.maxFeePerGas) * 110n)
    expect(BigInt(after.maxPriorityFeePerGas) * 100n).toBeGreaterThanOrEqual(BigInt(before.maxPriorityFeePerGas) * 110n)
    expect(after.hash).not.toBe(before.hash)
  })

  it('error: a reverted batcher tx abandons the channel; its blocks go into a new one', async () => {
    const w = world()
    await w.tick()
    w.l1.receipts.set(w.ledger.txs[0].hash, { status: '0x0', blockNumber: '0x64', blockHash: `0x${'64'.padStart(64, '0')}` })
    expect(await w.tick()).toMatchObject({ outcome: 'abandoned' })
    expect(await w.tick()).toMatchObject({ outcome: 'opened', blocks: [1, 10] })
  })

  it('behavior: derivation making the last block safe closes the channel', async () => {
    const w = world()
    await w.tick()
    w.setSafe(10)
    expect(await w.tick()).toMatchObject({ outcome: 'confirmed', lastBlock: 10 })
    expect(w.log).toContain('close true derived')
  })

  it('rule: when the L1 block holding a confirmed channel is reorged out, its blocks are submitted again', async () => {
    const w = world()
    await w.tick()
    w.include(100)
    w.l1.head = 101
    await w.tick()
    await w.tick()
    expect(w.ledger.submitted?.number).toBe(10)
    expect(await w.tick()).toMatchObject({ outcome: 'idle' })
    w.l1.canonical.set(100, `0x${'ab'.repeat(32)}`) // block 100 now has another hash
    expect(await w.tick()).toMatchObject({ outcome: 'opened', blocks: [1, 10] })
  })

  it('rule: at most BATCHER_MAX_PENDING_TXS are in the mempool; the others wait, signed, and go out as earlier ones land', async () => {
    const rand = prng(11)
    const big: BatchBlock[] = blocks.slice(0, 3).map((b) => ({ ...b, transactions: [randomBytes(rand, 150_000)] }))
    const w = world({ batchType: 'singular' })
    w.setBlocks(big)
    await w.tick()
    expect(w.ledger.txs.length).toBeGreaterThan(2)
    expect(w.ledger.txs.map((t) => t.status)).toEqual(w.ledger.txs.map((_, i) => (i === 0 ? 'sent' : 'queued')))
    expect(w.l1.sent).toHaveLength(1)
    w.include(100)
    await w.tick()
    expect(w.ledger.txs[1].status).toBe('sent')
    expect(w.l1.sent).toHaveLength(2)
  })

  it('rule: max channel duration — blocks wait until their L1 origin is that many L1 blocks old', async () => {
    const w = world({ maxChannelDuration: 200 })
    expect(await w.tick()).toMatchObject({ outcome: 'idle', reason: expect.stringMatching(/channel open for/) })
    w.l1.head = blocks[0].ref.l1Origin.number + 200
    expect(await w.tick()).toMatchObject({ outcome: 'opened' })
  })

  it('error: a BATCHER_KEY that is not the SystemConfig batcher submits nothing', async () => {
    const w = world()
    w.setSignerAddress('0x0000000000000000000000000000000000000bad')
    expect(await w.tick()).toMatchObject({ outcome: 'idle', reason: expect.stringMatching(/SystemConfig batcher/) })
    expect(w.l1.sent).toHaveLength(0)
  })

  it('rule: a channel whose L2 blocks were replaced (the sequencer rebuilt after an L1 reorg) is abandoned', async () => {
    const w = world()
    await w.tick()
    w.setBlocks(blocks.map((b) => (b.ref.number >= 8 ? { ...b, ref: { ...b.ref, hash: `0x${'99'.repeat(32)}` as Hex } } : b)))
    expect(await w.tick()).toMatchObject({ outcome: 'abandoned', reason: 'L2 blocks replaced' })
  })
})
