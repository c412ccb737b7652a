/**
 * An OP-Mainnet-like derivation load: span batches of ~40 txs per L2 block, posted as channels in successive L1
 * blocks, for the derivation benchmark (Node and workerd).
 */
import type { CompressionAlgo } from '../shared/codec/compression.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import type { L1Input } from '../shared/deriver/types.ts'
import { channelFor, dataUnit, framesOf, l1Inputs, makeConfig, planL2, signedTx, type PlannedBlock } from '../test/support/chain-harness.ts'

export type DeriveFixture = { config: RollupConfig; plan: PlannedBlock[]; inputs: L1Input[]; channels: Uint8Array[]; blocks: number; txs: number }

export function buildDeriveFixture(opts: { blocks: number; txsPerBlock: number; blocksPerChannel: number; algo: CompressionAlgo }): DeriveFixture {
  const config = makeConfig({ regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0, isthmus: 0, jovian: 0 })
  // A pool of signed transactions reused across blocks (signing is not what is measured).
  const pool = Array.from({ length: 400 }, (_, i) => signedTx(config.l2ChainId, i + 1))
  let k = 0
  const plan = planL2(config, opts.blocks, () => Array.from({ length: opts.txsPerBlock }, () => pool[k++ % pool.length]))
  const posts = new Map<number, Uint8Array[]>()
  const channels: Uint8Array[] = []
  for (let start = 1, c = 0; start <= opts.blocks; start += opts.blocksPerChannel, c++) {
    const blocks = plan.slice(start, Math.min(start + opts.blocksPerChannel, opts.blocks + 1))
    const channel = channelFor(config, blocks, 'span', opts.algo)
    channels.push(channel)
    // Post in the first L1 block after the last block's origin.
    const at = blocks.at(-1)!.ref.l1Origin.number + 1
    const id = new Uint8Array(16)
    new DataView(id.buffer).setUint32(0, c)
    posts.set(at, [...(posts.get(at) ?? []), dataUnit(framesOf(channel, id, 130_000))])
  }
  const last = plan.at(-1)!.ref.l1Origin.number + 2
  return { config, plan, inputs: l1Inputs(config, last, posts), channels, blocks: opts.blocks, txs: opts.blocks * opts.txsPerBlock }
}

