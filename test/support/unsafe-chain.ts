/**
 * Signed gossip messages for a chain of unsafe L2 blocks that a node can insert: each block's tx 0 is a real L1-info
 * deposit (so its L1 origin and sequence number decode), extraData in the fork's format, the block hash computed by
 * the header hashing, signed with the devnet's unsafe-block signer key (anvil account 3).
 */
import { concatBytes, fromHex, toHex, type Hex } from '../../shared/bytes.ts'
import type { ExecutionPayload } from '../../shared/codec/ssz-payload.ts'
import type { RollupConfig } from '../../shared/config/rollup-config.ts'
import type { L2BlockRef } from '../../shared/deriver/types.ts'
import { payloadBlockHash } from '../../shared/protocol/header-hash.ts'
import { encodeDepositTx } from '../../shared/protocol/deposit-tx.ts'
import { l1InfoDepositTx, l1InfoFromHeader } from '../../shared/protocol/l1-info.ts'
import { encodeGossipBlock } from '../../shared/p2p/encode-gossip-block.ts'
import { l1Block } from './chain-harness.ts'

/** anvil account 3: the devnet's unsafe-block signer. */
export const DEVNET_SEQUENCER_KEY = fromHex('0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6')

export type UnsafeBlock = { ref: L2BlockRef; topic: string; data: Uint8Array; payload: ExecutionPayload }

/**
 * `count` blocks on top of `parent`, `config.blockTime` apart from `startTime`, L1 origin `l1Number` (chain-harness
 * L1 blocks). `seed` varies the blocks' contents (two seeds give two competing chains).
 */
export function unsafeChain(config: RollupConfig, parent: L2BlockRef, count: number, opts: { startTime: number; l1Number?: number; seed?: number; key?: Uint8Array }): UnsafeBlock[] {
  const out: UnsafeBlock[] = []
  let prev = parent
  const l1 = l1Block(opts.l1Number ?? 100)
  for (let i = 0; i < count; i++) {
    const number = prev.number + 1
    const timestamp = opts.startTime + i * config.blockTime
    const sequenceNumber = prev.l1Origin.number === l1.number ? prev.sequenceNumber + 1 : 0
    const info = l1InfoFromHeader(config, l1, config.genesis.systemConfig, sequenceNumber, timestamp)
    const l1InfoTx = encodeDepositTx(l1InfoDepositTx(info, true))
    const user = fromHex(`0x02${(opts.seed ?? 0).toString(16).padStart(2, '0')}${number.toString(16).padStart(8, '0')}`)
    const payload: ExecutionPayload = {
      parentHash: fromHex(prev.hash),
      feeRecipient: fromHex('0x4200000000000000000000000000000000000011'),
      stateRoot: fromHex(`0x${(number + 0x1000 * (opts.seed ?? 0)).toString(16).padStart(64, '0')}`),
      receiptsRoot: new Uint8Array(32),
      logsBloom: new Uint8Array(256),
      prevRandao: fromHex(l1.mixHash),
      blockNumber: number,
      gasLimit: 60_000_000n,
      gasUsed: 50_000n,
      timestamp,
      // Jovian: version 1 ‖ denominator ‖ elasticity ‖ minBaseFee (u64).
      extraData: concatBytes(new Uint8Array([1]), fromHex('0x000000fa'), fromHex('0x00000006'), new Uint8Array(8)),
      baseFeePerGas: 1_000_000n,
      blockHash: new Uint8Array(32),
      transactions: [l1InfoTx, user],
      withdrawals: [],
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      withdrawalsRoot: new Uint8Array(32),
    }
    const parentBeaconBlockRoot = fromHex(l1.parentBeaconBlockRoot!)
    payload.blockHash = payloadBlockHash(payload, parentBeaconBlockRoot)
    const { topic, data } = encodeGossipBlock({ config, privateKey: opts.key ?? DEVNET_SEQUENCER_KEY, payload, parentBeaconBlockRoot })
    const ref: L2BlockRef = { hash: toHex(payload.blockHash) as Hex, number, parentHash: prev.hash, timestamp, l1Origin: { hash: l1.hash, number: l1.number }, sequenceNumber }
    out.push({ ref, topic, data, payload })
    prev = ref
  }
  return out
}
