/**
 * The full loop survives an L1 reorg that removes batcher transactions (anvil snapshot/revert): the verifier resets
 * and re-derives, the sequencer rebuilds on canonical L1 origins, the batcher notices its confirmed batches are gone
 * and submits again, and the verifier's safe chain ends up past the old safe head and identical to the sequencer's.
 */
import { afterAll, describe, expect, it } from 'vitest'
import type { Hex } from '../../shared/bytes.ts'
import { rpc, startFullLoop, until, type FullLoop } from '../devnet/stack.ts'

let loop: FullLoop | undefined
afterAll(async () => {
  await loop?.stop()
})

type Status = { unsafe_l2: { number: number }; safe_l2: { number: number; hash: Hex; l1origin: { number: number; hash: Hex } } }

async function inboxTxs(l1Url: string, inbox: Hex, from: number): Promise<number> {
  const head = Number(BigInt(await rpc(l1Url, 'eth_blockNumber')))
  let n = 0
  for (let b = from; b <= head; b++) {
    const block = await rpc(l1Url, 'eth_getBlockByNumber', [`0x${b.toString(16)}`, true])
    n += block.transactions.filter((t: { to: string | null }) => t.to?.toLowerCase() === inbox.toLowerCase()).length
  }
  return n
}

describe('L1 reorg of batcher transactions (full loop)', () => {
  it('behavior: the chain is re-derived and the batches re-submitted', async () => {
    loop = await startFullLoop({ configure: (c) => ({ ...c, seqWindowSize: 600 }), sequencerEnv: { BATCHER_DA: 'calldata', BATCHER_BATCH_TYPE: 'span' } })
    const { verifier, sequencer } = loop
    const status = async (n: { rollupRpc: FullLoop['verifier']['rollupRpc'] }) => (await n.rollupRpc('optimism_syncStatus')) as Status
    await until('a first safe chain', 90_000, async () => ((await status(verifier)).safe_l2.number >= 6 ? true : undefined))
    const snapshot = await rpc(verifier.l1Url, 'evm_snapshot')
    const snapshotBlock = Number(BigInt(await rpc(verifier.l1Url, 'eth_blockNumber')))
    // More batches land after the snapshot and become safe.
    const before = await until('batches after the snapshot to become safe', 90_000, async () => {
      const st = await status(verifier)
      return st.safe_l2.l1origin.number > snapshotBlock + 2 ? st : undefined
    })
    expect(await inboxTxs(verifier.l1Url, verifier.config.batchInboxAddress, snapshotBlock + 1)).toBeGreaterThan(0)

    // The reorg: L1 goes back to the snapshot; the batcher transactions after it are gone.
    expect(await rpc(verifier.l1Url, 'evm_revert', [snapshot])).toBe(true)
    const after = await until('the verifier to re-derive past the old safe head on the new L1 chain', 180_000, async () => {
      const st = await status(verifier)
      if (st.safe_l2.number <= before.safe_l2.number) return undefined
      const origin = await rpc(verifier.l1Url, 'eth_getBlockByNumber', [`0x${st.safe_l2.l1origin.number.toString(16)}`, false])
      return origin?.hash === st.safe_l2.l1origin.hash ? st : undefined
    })
    // Re-submitted: the new L1 chain holds batcher transactions after the snapshot point again.
    expect(await inboxTxs(verifier.l1Url, verifier.config.batchInboxAddress, snapshotBlock + 1)).toBeGreaterThan(0)
    // One chain again: the verifier's safe blocks are the sequencer's, and their L1 origins are canonical.
    for (let n = 1; n <= after.safe_l2.number; n++) expect(verifier.engine.block(n)?.hash, `block ${n}`).toBe(sequencer.engine.block(n)?.hash)
  }, 300_000)
})
