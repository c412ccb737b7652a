/**
 * End to end on real processes: an L1 reorg (anvil snapshot/revert) removes the L1 block holding a deposit after the
 * verifier derived it into the safe chain. The node must notice (parent-hash mismatch), re-run sync start, and
 * re-derive: the L2 block that held the deposit is replaced by one without it, and the safe chain stays contiguous.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { toHex, type Hex } from '../../shared/bytes.ts'
import { depositFromLog } from '../../shared/protocol/deposit-log.ts'
import { encodeDepositTx } from '../../shared/protocol/deposit-tx.ts'
import { encodeRpcTransaction } from '../../shared/protocol/rpc-block-lists.ts'
import { depositCalldata } from '../devnet/l1-contracts.ts'
import { rpc, startStack, until, type Stack } from '../devnet/stack.ts'

let stack: Stack | undefined
afterAll(async () => {
  await stack?.stop()
})

type Status = { safe_l2: { number: number; hash: Hex; l1origin: { number: number; hash: Hex } }; unsafe_l2: { number: number } }

describe('L1 reorg end to end (anvil snapshot/revert)', () => {
  it('behavior: a reorg that removes a derived deposit reorgs the L2 safe chain', async () => {
    stack = await startStack({ l1BlockTime: 1 })
    const s = stack
    const status = async () => (await s.rollupRpc('optimism_syncStatus')) as Status
    const ticking = setInterval(() => s.tick().catch(() => {}), 1000)
    try {
      await until('the first safe blocks', 90_000, async () => ((await status()).safe_l2.number > 0 ? true : undefined))
      const snapshot = await rpc(s.l1Url, 'evm_snapshot')
      const [from] = (await rpc(s.l1Url, 'eth_accounts')) as Hex[]
      const txHash = await rpc(s.l1Url, 'eth_sendTransaction', [
        { from, to: s.config.depositContractAddress, data: depositCalldata(from, '0x000000000000000000000000000000000000beef', { mint: 5n, value: 0n, gas: 50_000n, isCreation: false, data: new Uint8Array([9, 9]) }), gas: '0x30000' },
      ])
      const receipt = await until('the deposit receipt', 20_000, () => rpc(s.l1Url, 'eth_getTransactionReceipt', [txHash]).then((r) => r ?? undefined))
      const log = receipt.logs[0]
      const deposit = toHex(encodeDepositTx(depositFromLog({ address: log.address, topics: log.topics, data: log.data, blockHash: log.blockHash, logIndex: Number(BigInt(log.logIndex)) }, s.config.depositContractAddress)!))
      const depositL1 = Number(BigInt(receipt.blockNumber))

      await until('the deposit in the safe chain', 120_000, async () => ((await status()).safe_l2.l1origin.number > depositL1 ? true : undefined))
      const withDeposit = await findBlockWith(s, deposit)
      expect(withDeposit, 'an L2 block carrying the deposit').toBeDefined()

      // The reorg: L1 goes back to before the deposit and grows a different chain.
      expect(await rpc(s.l1Url, 'evm_revert', [snapshot])).toBe(true)
      const before = await status()
      await until('re-derivation past the old deposit block on the new L1 chain', 150_000, async () => {
        const now = await status()
        const origin = await rpc(s.l1Url, 'eth_getBlockByNumber', [`0x${now.safe_l2.l1origin.number.toString(16)}`, false]).catch(() => null)
        // Past the reorg point, and the safe head's L1 origin is on the new L1 chain.
        return now.safe_l2.l1origin.number > depositL1 && origin?.hash === now.safe_l2.l1origin.hash ? true : undefined
      })
      const replaced = s.engine.block(withDeposit!.number)
      expect(replaced, 'the L2 height that held the deposit is derived again').toBeDefined()
      expect(replaced!.hash).not.toBe(withDeposit!.hash)
      expect(await findBlockWith(s, deposit)).toBeUndefined()
      // The safe chain is one contiguous chain in the engine, with L1 origins on the new L1 chain.
      const after = await status()
      expect(after.safe_l2.number).toBeGreaterThanOrEqual(withDeposit!.number)
      for (let n = 1; n <= after.safe_l2.number; n++) expect(toHex(s.engine.block(n)!.payload.parentHash)).toBe(s.engine.block(n - 1)!.hash)
      expect(before.safe_l2.number).toBeGreaterThan(0)
    } finally {
      clearInterval(ticking)
    }
  }, 300_000)
})

/** The canonical L2 block (in the engine) whose transactions include `tx`. */
async function findBlockWith(s: Stack, tx: Hex): Promise<{ number: number; hash: Hex } | undefined> {
  const head = s.engine.head().number
  for (let n = 1; n <= head; n++) {
    const b = await s.engine.blockJson(n, true)
    const txs = ((b?.transactions ?? []) as unknown[]).map((t, i) => toHex(encodeRpcTransaction(t, i)))
    if (txs.includes(tx)) return { number: n, hash: b!.hash as Hex }
  }
  return undefined
}
