/**
 * Signed gossip blocks for the relay memory benchmark: test/support/unsafe-chain.ts blocks (real L1-info deposit,
 * devnet sequencer signature) with one opaque filler transaction of random bytes added, so a message has the size of
 * a real block and does not compress away. Relays never decode user transactions, so the filler needs no signature.
 */
import { randomBytes } from 'node:crypto'
import { fromHex, toHex, type Hex } from '../shared/bytes.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import type { L2BlockRef } from '../shared/deriver/types.ts'
import { encodeGossipBlock } from '../shared/p2p/encode-gossip-block.ts'
import { payloadBlockHash } from '../shared/protocol/header-hash.ts'
import { l1Block } from '../test/support/chain-harness.ts'
import { DEVNET_SEQUENCER_KEY, unsafeChain } from '../test/support/unsafe-chain.ts'

/** The L1 origin of every streamed block (chain-harness L1 block). */
const L1_ORIGIN = 100

export type StreamBlock = { ref: L2BlockRef; topic: string; data: Uint8Array }

/** The block after `parent` with timestamp `timestamp` and `fillerBytes` of incompressible transaction data. */
export function streamBlock(config: RollupConfig, parent: L2BlockRef, timestamp: number, fillerBytes: number): StreamBlock {
  const [base] = unsafeChain(config, parent, 1, { startTime: timestamp, l1Number: L1_ORIGIN })
  if (fillerBytes === 0) return base
  const payload = { ...base.payload, transactions: [...base.payload.transactions, new Uint8Array([0x02, ...randomBytes(fillerBytes)])] }
  const parentBeaconBlockRoot = fromHex(l1Block(L1_ORIGIN).parentBeaconBlockRoot!)
  payload.blockHash = payloadBlockHash(payload, parentBeaconBlockRoot)
  const { topic, data } = encodeGossipBlock({ config, privateKey: DEVNET_SEQUENCER_KEY, payload, parentBeaconBlockRoot })
  return { ref: { ...base.ref, hash: toHex(payload.blockHash) as Hex }, topic, data }
}
