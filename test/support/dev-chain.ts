/**
 * An L2 chain built in process by the development engine's block builder (no HTTP, so it runs in Node and in workerd):
 * real L1-info deposits from the attributes builder, real header hashes, and a real state trie whose `eth_getProof`
 * answers verify against each block's state root. `fetch` speaks JSON-RPC to the dev engine's `eth_*` handlers, for an
 * engine client; `tamper` lets a test make the engine lie.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak256, serializeTransaction } from 'viem'
import { fromHex, type Hex, toHex } from '../../shared/bytes.ts'
import type { RollupConfig } from '../../shared/config/rollup-config.ts'
import { buildAttributes } from '../../shared/deriver/attributes-builder.ts'
import type { L1BlockInfo, L2BlockRef } from '../../shared/deriver/types.ts'
import type { FetchFn } from '../../shared/engine/engine-client.ts'
import { buildBlock, type DevBlock, genesisBlock, MESSAGE_PASSER } from '../devnet/dev-engine/block-builder.ts'
import { ChainStore } from '../devnet/dev-engine/chain-store.ts'
import { RpcError } from '../devnet/dev-engine/engine-rules.ts'
import { ethHandlers } from '../devnet/dev-engine/eth-api.ts'

const KEY = fromHex('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')

export type DevChain = {
  /** `base` with `genesis.l2` set to the dev genesis block (so block 0 has a block ref). */
  config: RollupConfig
  store: ChainStore
  /** The canonical blocks, genesis first. */
  blocks: DevBlock[]
  /** JSON-RPC over the dev engine's `eth_*` handlers; every call is logged. */
  fetch: FetchFn
  calls: { method: string; params: unknown[] }[]
  /** Rewrites a successful answer (default: as is). */
  tamper: { fn?: (method: string, params: unknown[], result: unknown) => unknown }
}

/**
 * Genesis plus `count` blocks, all in the genesis L1 epoch. Block `n` holds its L1-info deposit and, when
 * `toPasser(n)`, a signed transaction to the L2ToL1MessagePasser (which changes the passer's storage root).
 *
 * @param keepGenesisHash keep `base.genesis.l2` (a config that does not know the dev genesis, like the Worker's).
 */
export function devChain(base: RollupConfig, count: number, toPasser: (n: number) => boolean, keepGenesisHash = false): DevChain {
  const genesis = genesisBlock(base)
  const config: RollupConfig = keepGenesisHash
    ? base
    : { ...base, genesis: { ...base.genesis, l2: { hash: genesis.hash, number: genesis.payload.blockNumber } } }
  const epoch: L1BlockInfo = {
    hash: config.genesis.l1.hash,
    number: config.genesis.l1.number,
    parentHash: keccak256(new TextEncoder().encode('dev-chain l1 parent')),
    timestamp: config.genesis.l2Time,
    baseFeePerGas: 1_000_000_000n,
    mixHash: keccak256(new TextEncoder().encode('dev-chain mix')),
    excessBlobGas: 0n,
  }
  const store = new ChainStore(genesis)
  const blocks = [genesis]
  let parent: L2BlockRef = {
    hash: genesis.hash,
    number: genesis.payload.blockNumber,
    parentHash: toHex(genesis.payload.parentHash),
    timestamp: genesis.payload.timestamp,
    l1Origin: { ...config.genesis.l1 },
    sequenceNumber: 0,
  }
  for (let n = 1; n <= count; n++) {
    const timestamp = parent.timestamp + config.blockTime
    const batch = toPasser(n) ? [passerTx(config.l2ChainId, n)] : []
    const r = buildAttributes(config, { parent, parentSystemConfig: config.genesis.systemConfig, epoch, timestamp, batchTransactions: batch })
    if (r.kind !== 'attributes') throw new Error(`dev chain block ${n}: ${r.kind} ${r.reason}`)
    const block = buildBlock(config, blocks[blocks.length - 1], r.attributes)
    if ('rejected' in block) throw new Error(`dev chain block ${n}: ${block.reason}`)
    store.add(block)
    store.setForkchoice(block, undefined, undefined)
    blocks.push(block)
    parent = { hash: block.hash, number: n, parentHash: parent.hash, timestamp, l1Origin: r.l1Origin, sequenceNumber: r.sequenceNumber }
  }
  const handlers = ethHandlers(config, store)
  const calls: DevChain['calls'] = []
  const tamper: DevChain['tamper'] = {}
  const fetch: FetchFn = async (_url, init) => {
    const { id, method, params } = JSON.parse(String(init.body)) as { id: number; method: string; params: unknown[] }
    calls.push({ method, params })
    const handler = handlers[method]
    if (handler === undefined) return Response.json({ jsonrpc: '2.0', id, error: { code: -32601, message: `the method ${method} does not exist/is not available` } })
    try {
      const result = await handler(params)
      return Response.json({ jsonrpc: '2.0', id, result: tamper.fn ? tamper.fn(method, params, result) : result })
    } catch (e) {
      if (e instanceof RpcError) return Response.json({ jsonrpc: '2.0', id, error: { code: e.code, message: e.message } })
      throw e
    }
  }
  return { config, store, blocks, fetch, calls, tamper }
}

/** A signed EIP-1559 transaction from a fixed key to the L2ToL1MessagePasser. */
function passerTx(chainId: number, nonce: number): Uint8Array {
  const unsigned = { type: 'eip1559' as const, chainId, nonce, to: MESSAGE_PASSER as Hex, value: 1n, gas: 100_000n, maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 1n, data: '0x' as Hex }
  const sig = secp256k1.sign(fromHex(keccak256(serializeTransaction(unsigned))), KEY, { prehash: false, format: 'recovered' })
  return fromHex(serializeTransaction(unsigned, { r: toHex(sig.slice(1, 33)), s: toHex(sig.slice(33, 65)), yParity: sig[0] }))
}
