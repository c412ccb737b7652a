/**
 * The full loop across every hard fork in sequence, mid-run: Ecotone → Fjord → Granite → Holocene → Isthmus → Jovian
 * → Karst activate while the sequencer builds, the batcher posts and the verifier derives. Both chains must be the
 * same block for block, each activation block must carry its network-upgrade transactions (PROTOCOL.md §2.9.5, §10)
 *, in order after the L1-info deposit.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { toHex, type Hex } from '../../shared/bytes.ts'
import { UPGRADE_FORKS } from '../../shared/config/forks.ts'
import type { Fork } from '../../shared/config/rollup-config.ts'
import { encodeDepositTx } from '../../shared/protocol/deposit-tx.ts'
import { upgradeTransactions } from '../../shared/protocol/upgrade-txs/upgrade-transactions.ts'
import { encodeRpcTransaction } from '../../shared/protocol/rpc-block-lists.ts'
import { startFullLoop, until, type FullLoop } from '../devnet/stack.ts'

let loop: FullLoop | undefined
afterAll(async () => {
  await loop?.stop()
})

type Status = { unsafe_l2: { number: number; timestamp: number }; safe_l2: { number: number; timestamp: number } }

const SEQUENCE: Fork[] = ['ecotone', 'fjord', 'granite', 'holocene', 'isthmus', 'jovian', 'karst']

describe('hard forks activating mid-run (full loop)', () => {
  it('behavior: Ecotone → … → Karst, upgrade transactions in place, identical chains', async () => {
    const at: Partial<Record<Fork, number>> = {}
    loop = await startFullLoop({
      sequencerEnv: { BATCHER_DA: 'blobs', BATCHER_BATCH_TYPE: 'span', BATCHER_COMPRESSION: 'brotli' },
      configure: (c, t0) => {
        // Regolith, Canyon and Delta at genesis; then one fork every 6 s (three L2 blocks) from t0 + 30.
        const forks: Partial<Record<Fork, number>> = { regolith: 0, canyon: 0, delta: 0 }
        SEQUENCE.forEach((f, i) => (forks[f] = t0 + 30 + 6 * i))
        Object.assign(at, forks)
        return { ...c, forks, seqWindowSize: 600 }
      },
    })
    const { verifier, sequencer } = loop
    const last = at.karst!
    const status = async (n: { rollupRpc: FullLoop['verifier']['rollupRpc'] }) => (await n.rollupRpc('optimism_syncStatus')) as Status
    const safe = await until('the verifier safe chain past Karst', 240_000, async () => {
      const st = await status(verifier)
      return st.safe_l2.timestamp >= last + 4 ? st : undefined
    })
    // One chain: every safe block of the verifier is the sequencer's.
    for (let n = 1; n <= safe.safe_l2.number; n++) expect(verifier.engine.block(n)?.hash, `block ${n}`).toBe(sequencer.engine.block(n)?.hash)
    // Every activation block carries its upgrade transactions right after the L1-info deposit.
    const txsOf = async (n: number) => (((await verifier.engine.blockJson(n, true))?.transactions ?? []) as unknown[]).map((t, i) => toHex(encodeRpcTransaction(t, i)))
    for (const fork of SEQUENCE) {
      const t = at[fork]!
      let n = 1
      while (verifier.engine.block(n)!.payload.timestamp < t) n++
      expect(verifier.engine.block(n - 1)!.payload.timestamp).toBeLessThan(t)
      const txs = await txsOf(n)
      const expected = (UPGRADE_FORKS as readonly string[]).includes(fork) ? upgradeTransactions(fork as (typeof UPGRADE_FORKS)[number]).map((u) => toHex(encodeDepositTx(u.tx))) : []
      // [L1-info, user deposits of a new epoch…, upgrade txs]: the upgrade txs end the deposit run, in order.
      const deposits = txs.filter((x) => x.startsWith('0x7e'))
      expect(deposits.slice(deposits.length - expected.length), `${fork} upgrade transactions in block ${n}`).toEqual(expected)
      // The next block has none of them.
      const after = await txsOf(n + 1)
      for (const e of expected) expect(after).not.toContain(e)
    }
  }, 300_000)
})
