/**
 * End to end on real processes: a sequencer node (ROLE=sequencer under wrangler dev, the development engine, anvil)
 * builds a block every block time from its alarm, picks L1 origins as op-node does, and includes an L1 deposit in
 * the first block of the deposit's epoch.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { toHex, type Hex } from '../../shared/bytes.ts'
import { decodeDepositTx } from '../../shared/protocol/deposit-tx.ts'
import { decodeL1InfoCalldata } from '../../shared/protocol/l1-info-calldata.ts'
import { depositFromLog } from '../../shared/protocol/deposit-log.ts'
import { encodeDepositTx } from '../../shared/protocol/deposit-tx.ts'
import { encodeRpcTransaction } from '../../shared/protocol/rpc-block-lists.ts'
import { depositCalldata } from '../devnet/l1-contracts.ts'
import { rpc, startStack, until, type Stack } from '../devnet/stack.ts'
import { DEVNET_SEQUENCER_KEY } from '../support/unsafe-chain.ts'

let stack: Stack | undefined
afterAll(async () => {
  await stack?.stop()
})

type Status = { unsafe_l2: { number: number; hash: Hex; timestamp: number; l1origin: { number: number } }; safe_l2: { number: number } }

describe('sequencer end to end (anvil + development engine + wrangler dev)', () => {
  it('default: blocks every block time, L1 origins advancing, a deposit included in its epoch', async () => {
    stack = await startStack({
      l1BlockTime: 1,
      env: { ROLE: 'sequencer', SEQUENCER_KEY: toHex(DEVNET_SEQUENCER_KEY), SEQUENCER_ENABLED: 'true', SEQUENCER_L1_CONFS: '0' },
    })
    const s = stack
    const status = async () => (await s.rollupRpc('optimism_syncStatus')) as Status
    await s.tick() // sync start, then the watchdog starts the sequencer
    expect(await s.rollupRpc('admin_sequencerActive', [], { authorization: `Bearer ${s.adminToken}` })).toBe(true)
    const first = await until('the sequencer to build blocks', 60_000, async () => {
      const st = await status()
      return st.unsafe_l2.number >= 3 ? st : undefined
    })
    const [from] = (await rpc(s.l1Url, 'eth_accounts')) as Hex[]
    const txHash = await rpc(s.l1Url, 'eth_sendTransaction', [{ from, to: s.config.depositContractAddress, data: depositCalldata(from, '0x000000000000000000000000000000000000beef', { mint: 7n, value: 0n, gas: 60_000n, isCreation: false, data: new Uint8Array([4]) }), gas: '0x30000' }])
    const receipt = await until('the deposit receipt', 20_000, () => rpc(s.l1Url, 'eth_getTransactionReceipt', [txHash]).then((r) => r ?? undefined))
    const log = receipt.logs[0]
    const deposit = toHex(encodeDepositTx(depositFromLog({ address: log.address, topics: log.topics, data: log.data, blockHash: log.blockHash, logIndex: Number(BigInt(log.logIndex)) }, s.config.depositContractAddress)!))
    const depositL1 = Number(BigInt(receipt.blockNumber))
    const later = await until('an L2 block with the deposit origin', 60_000, async () => {
      const st = await status()
      return st.unsafe_l2.l1origin.number > depositL1 ? st : undefined
    })
    expect(later.unsafe_l2.number).toBeGreaterThan(first.unsafe_l2.number)
    // Every block: one slot after its parent, L1-info first, origins never going back, sequence numbers consistent.
    let prevOrigin = 0
    let found = false
    for (let n = 1; n <= later.unsafe_l2.number; n++) {
      const b = s.engine.block(n)!
      expect(b.payload.timestamp).toBe(s.config.genesis.l2Time + n * s.config.blockTime)
      const json = (await s.engine.blockJson(n, true))!
      const txs = (json.transactions as unknown[]).map((t, i) => encodeRpcTransaction(t, i))
      const info = decodeL1InfoCalldata(decodeDepositTx(txs[0]).data)
      expect(info.number).toBeGreaterThanOrEqual(prevOrigin)
      if (info.number === depositL1 && info.sequenceNumber === 0) {
        expect(txs.map(toHex)).toContain(deposit)
        found = true
      }
      prevOrigin = info.number
    }
    expect(found, 'the first block of the deposit epoch carries the deposit').toBe(true)
    // The blocks come one slot apart in wall-clock time too (no burst, no skipped slot).
    const now = Math.floor(Date.now() / 1000)
    expect(Math.abs(s.engine.head().timestamp - now)).toBeLessThanOrEqual(4)
  }, 180_000)
})
