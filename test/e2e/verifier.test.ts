/**
 * End to end on real processes (all on 127.0.0.1): anvil as L1 with the devnet's portal emitter, the development
 * engine, and the worker with its Durable Object under `wrangler dev`. A deposit sent on L1 must appear, byte for
 * byte, in the L2 block whose L1 origin is the deposit's block, once the sequencing window has passed (no batcher).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { fromHex, toHex, type Hex } from '../../shared/bytes.ts'
import { outputRootV0 } from '../../shared/protocol/output-root.ts'
import { depositFromLog } from '../../shared/protocol/deposit-log.ts'
import { encodeDepositTx } from '../../shared/protocol/deposit-tx.ts'
import { encodeRpcTransaction } from '../../shared/protocol/rpc-block-lists.ts'
import { depositCalldata } from '../devnet/l1-contracts.ts'
import { rpc, startStack, until, type Stack } from '../devnet/stack.ts'

let stack: Stack | undefined
afterAll(async () => {
  await stack?.stop()
})

describe('verifier end to end (anvil + development engine + wrangler dev)', () => {
  it('default: an L1 deposit becomes part of the derived L2 chain', async () => {
    stack = await startStack({ l1BlockTime: 1 })
    const { l1Url, worker, engine, config: base } = stack
    // A deposit from anvil's first account, through the portal emitter.
    const [from] = (await rpc(l1Url, 'eth_accounts')) as Hex[]
    const to = '0x000000000000000000000000000000000000beef' as Hex
    const txHash = await rpc(l1Url, 'eth_sendTransaction', [{ from, to: base.depositContractAddress, data: depositCalldata(from, to, { mint: 10n ** 18n, value: 0n, gas: 100_000n, isCreation: false, data: new Uint8Array([1, 2, 3]) }), gas: '0x30000' }])
    const receipt = await until('the deposit receipt', 20_000, () => rpc(l1Url, 'eth_getTransactionReceipt', [txHash]).then((r) => r ?? undefined))
    expect(receipt.status).toBe('0x1')
    const log = receipt.logs[0]
    const expected = depositFromLog({ address: log.address, topics: log.topics, data: log.data, blockHash: log.blockHash, logIndex: Number(BigInt(log.logIndex)) }, base.depositContractAddress)!
    const depositBlock = Number(BigInt(receipt.blockNumber))

    // Tick until the safe chain has an L2 block whose L1 origin is the deposit's block.
    const tick = setInterval(() => stack!.tick().catch(() => {}), 1000)
    try {
      const status = await until('a safe block with the deposit origin', 150_000, async () => {
        const res = await fetch(worker, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'optimism_syncStatus' }) })
        const s = ((await res.json()) as { result: any }).result
        return s.safe_l2.l1origin.number > depositBlock ? s : undefined
      })
      expect(status.safe_l2.number).toBeGreaterThan(0)
      expect(status.unsafe_l2.number).toBeGreaterThanOrEqual(status.safe_l2.number)
      // Find the first L2 block of the deposit's epoch: [L1-info, the deposit].
      let found: Uint8Array[] | undefined
      for (let n = 1; n <= status.safe_l2.number && !found; n++) {
        const b = await engine.blockJson(n, true)
        const txs = (b?.transactions ?? []) as unknown[]
        if (txs.length === 2) found = txs.map((t, i) => encodeRpcTransaction(t, i))
      }
      expect(found, 'an L2 block carrying the deposit').toBeDefined()
      expect(toHex(found![1])).toBe(toHex(encodeDepositTx(expected)))

      // op-node's JSON shapes: optimism_syncStatus fields and optimism_outputAtBlock with a recomputable output root.
      expect(Object.keys(status).sort()).toEqual(['cross_unsafe_l2', 'current_l1', 'current_l1_finalized', 'finalized_l1', 'finalized_l2', 'head_l1', 'local_safe_l2', 'pending_safe_l2', 'safe_l1', 'safe_l2', 'unsafe_l2'])
      const n = status.safe_l2.number
      const out = await stack!.rollupRpc('optimism_outputAtBlock', [`0x${n.toString(16)}`])
      expect(Object.keys(out)).toEqual(['version', 'outputRoot', 'blockRef', 'withdrawalStorageRoot', 'stateRoot', 'syncStatus'])
      const header = (await engine.blockJson(n))!
      expect(out.blockRef).toMatchObject({ number: n, hash: header.hash, l1origin: { number: expect.any(Number) }, sequenceNumber: expect.any(Number) })
      expect(out.stateRoot).toBe(header.stateRoot)
      // Isthmus is active on the devnet: the message-passer storage root is the header's withdrawalsRoot.
      expect(out.withdrawalStorageRoot).toBe(header.withdrawalsRoot)
      expect(out.outputRoot).toBe(toHex(outputRootV0({ stateRoot: fromHex(out.stateRoot), withdrawalStorageRoot: fromHex(out.withdrawalStorageRoot), blockHash: fromHex(header.hash as Hex) })))
    } finally {
      clearInterval(tick)
    }
  }, 240_000)
})
