/**
 * End to end on real processes: the sequencer node publishes each block through its relay; a second relay receives
 * it over libp2p gossipsub, validates it and forwards it to the verifier's `POST /p2p/blocks`; the verifier's
 * RollupNode re-validates and inserts it into its own engine. The verifier's unsafe chain must be the sequencer's,
 * block for block, seconds behind it — with no L1 batches at all (long sequencing window).
 */
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { toHex, type Hex } from '../../shared/bytes.ts'
import { startNode, startRelay, startStack, until, type DevnetNode, type DevnetRelay, type Stack } from '../devnet/stack.ts'
import { DEVNET_SEQUENCER_KEY } from '../support/unsafe-chain.ts'

const secret = randomBytes(24).toString('hex')
let stack: Stack | undefined
let sequencer: DevnetNode | undefined
const relays: DevnetRelay[] = []
afterAll(async () => {
  await Promise.all(relays.map((r) => r.stop()))
  await sequencer?.stop()
  await stack?.stop()
})

type Status = { unsafe_l2: { number: number; hash: Hex }; safe_l2: { number: number } }

describe('unsafe blocks over gossip (sequencer → relay → relay → verifier)', () => {
  it('default: the verifier follows the sequencer unsafe chain block for block', async () => {
    // The verifier (the stack's node) and its relay.
    stack = await startStack({ l1BlockTime: 1, configure: (c) => ({ ...c, seqWindowSize: 600 }), env: { RELAY_SECRET: secret } })
    const verifierRelay = await startRelay(stack.config, { ingress: stack.worker, secret })
    relays.push(verifierRelay)
    // The sequencer's relay peers with the verifier's; the sequencer publishes through it.
    const sequencerRelay = await startRelay(stack.config, { ingress: 'http://127.0.0.1:9', secret, peers: verifierRelay.multiaddrs })
    relays.push(sequencerRelay)
    sequencer = await startNode(stack, {
      env: { ROLE: 'sequencer', SEQUENCER_KEY: toHex(DEVNET_SEQUENCER_KEY), SEQUENCER_ENABLED: 'true', SEQUENCER_L1_CONFS: '0', RELAY_URL: sequencerRelay.http, RELAY_SECRET: secret },
    })
    await until('the relays to peer', 30_000, async () => ((await sequencerRelay.status()).peers > 0 ? true : undefined))
    await stack.tick() // the verifier anchors at genesis
    await sequencer.tick() // the sequencer anchors and starts
    const seq = sequencer
    const v = stack
    const target = await until('the sequencer to build 10 blocks', 90_000, async () => {
      const st = (await seq.rollupRpc('optimism_syncStatus')) as Status
      return st.unsafe_l2.number >= 10 ? st : undefined
    })
    const followed = await until('the verifier to follow through gossip', 60_000, async () => {
      const st = (await v.rollupRpc('optimism_syncStatus')) as Status
      return st.unsafe_l2.number >= target.unsafe_l2.number ? st : undefined
    })
    expect(followed.safe_l2.number).toBe(0)
    for (let n = 1; n <= target.unsafe_l2.number; n++) expect(v.engine.block(n)?.hash, `block ${n}`).toBe(seq.engine.block(n)?.hash)
    const status = await verifierRelay.status()
    expect(status.counts.accepted).toBeGreaterThanOrEqual(target.unsafe_l2.number)
    expect(status.lastForwarded.number).toBeGreaterThanOrEqual(target.unsafe_l2.number)
    // Seconds behind: the verifier's head is at most a couple of blocks behind the sequencer's.
    const [a, b] = await Promise.all([seq.rollupRpc('optimism_syncStatus'), v.rollupRpc('optimism_syncStatus')])
    expect((a as Status).unsafe_l2.number - (b as Status).unsafe_l2.number).toBeLessThanOrEqual(3)
  }, 240_000)
})
