/**
 * The few `eth_*` methods a rollup node asks its engine: chain id, block number, blocks by number / tag / hash (with
 * transaction hashes or full objects, shaped like op-geth's so `header-hash.ts` can verify them), and `eth_getProof`
 * (op-node reads the L2ToL1MessagePasser's storage root from it for output roots).
 */
import { type Hex, toHex } from '../../../shared/bytes.ts'
import { isActive } from '../../../shared/config/forks.ts'
import type { RollupConfig } from '../../../shared/config/rollup-config.ts'
import { EMPTY_REQUESTS_HASH, EMPTY_UNCLES_HASH } from '../../../shared/protocol/header-hash.ts'
import { EMPTY_TRIE_ROOT, orderedTrieRoot } from '../../../shared/protocol/trie-root.ts'
import { blockState, type DevBlock } from './block-builder.ts'
import type { ChainStore } from './chain-store.ts'
import { data, quantity } from './engine-params.ts'
import { invalidParams, RPC_ERRORS, RpcError } from './engine-rules.ts'
import { accountProof, EMPTY_ACCOUNT } from './state-trie.ts'
import { decodeTx, q, txJson } from './transactions.ts'

type Handler = (params: unknown[]) => unknown

export function ethHandlers(config: RollupConfig, store: ChainStore): Record<string, Handler> {
  return {
    eth_chainId: () => q(config.l2ChainId),
    eth_blockNumber: () => q(store.head.payload.blockNumber),
    eth_getBlockByNumber: (p) => {
      const block = resolveTag(store, p[0])
      return block === undefined ? null : blockJson(config, block, fullFlag(p[1]))
    },
    eth_getBlockByHash: (p) => {
      const block = store.get(data(p[0], 'block hash', 32))
      return block === undefined ? null : blockJson(config, block, fullFlag(p[1]))
    },
    eth_getProof: (p) => getProof(store, p),
  }
}

/** `latest`/`pending`, `safe`, `finalized`, `earliest` or a canonical number. */
function resolveTag(store: ChainStore, tag: unknown): DevBlock | undefined {
  switch (tag) {
    case 'latest':
    case 'pending':
      return store.head
    case 'safe':
      return store.safe
    case 'finalized':
      return store.finalized
    case 'earliest':
      return store.genesis
  }
  const n = quantity(tag, 'block number', BigInt(Number.MAX_SAFE_INTEGER))
  return store.byNumber(Number(n))
}

function fullFlag(v: unknown): boolean {
  if (typeof v !== 'boolean') throw invalidParams('second argument must be a bool (full transactions)')
  return v
}

/** An `eth_getBlockBy*` result; its header fields hash to `hash`. */
export async function blockJson(config: RollupConfig, block: DevBlock, full: boolean): Promise<Record<string, unknown>> {
  const p = block.payload
  const t = p.timestamp
  const canyon = isActive(config, 'canyon', t)
  const decoded = p.transactions.map((raw) => decodeTx(config, t, raw))
  const at = (index: number) => ({ blockHash: block.hash, blockNumber: p.blockNumber, index, canyon })
  const json: Record<string, unknown> = {
    hash: block.hash,
    parentHash: toHex(p.parentHash),
    sha3Uncles: toHex(EMPTY_UNCLES_HASH),
    miner: toHex(p.feeRecipient),
    stateRoot: toHex(p.stateRoot),
    transactionsRoot: toHex(orderedTrieRoot(p.transactions)),
    receiptsRoot: toHex(p.receiptsRoot),
    logsBloom: toHex(p.logsBloom),
    difficulty: '0x0',
    number: q(p.blockNumber),
    gasLimit: q(p.gasLimit),
    gasUsed: q(p.gasUsed),
    timestamp: q(t),
    extraData: toHex(p.extraData),
    mixHash: toHex(p.prevRandao),
    nonce: '0x0000000000000000',
    baseFeePerGas: q(p.baseFeePerGas),
    uncles: [],
    transactions: full
      ? await Promise.all(decoded.map((tx, i) => ('rejected' in tx ? toHex(p.transactions[i]) : txJson(tx, at(i)))))
      : decoded.map((tx, i) => ('rejected' in tx ? toHex(p.transactions[i]) : toHex(tx.hash))),
  }
  if (p.withdrawals !== undefined) {
    json.withdrawalsRoot = toHex(p.withdrawalsRoot ?? EMPTY_TRIE_ROOT)
    json.withdrawals = []
  }
  if (p.blobGasUsed !== undefined) json.blobGasUsed = q(p.blobGasUsed)
  if (p.excessBlobGas !== undefined) json.excessBlobGas = q(p.excessBlobGas)
  if (block.parentBeaconBlockRoot !== undefined) json.parentBeaconBlockRoot = toHex(block.parentBeaconBlockRoot)
  if (isActive(config, 'isthmus', t)) json.requestsHash = toHex(EMPTY_REQUESTS_HASH)
  return json
}

/**
 * `eth_getProof(address, storageKeys, block)`: a real account proof against the block's state root. The dev state
 * has no storage slots, so every storage value is 0 with an empty proof (documented limitation).
 */
function getProof(store: ChainStore, params: unknown[]) {
  const address = data(params[0], 'address', 20)
  if (!Array.isArray(params[1])) throw invalidParams('storage keys must be an array')
  const keys = params[1].map((k, i) => data(k, `storageKeys[${i}]`))
  const ref = params[2]
  const block =
    typeof ref === 'string' && ref.length === 66
      ? store.get(data(ref, 'block hash', 32))
      : typeof ref === 'object' && ref !== null && 'blockHash' in ref
        ? store.get(data((ref as { blockHash: unknown }).blockHash, 'blockHash', 32))
        : resolveTag(store, ref ?? 'latest')
  if (block === undefined) throw new RpcError(RPC_ERRORS.server, 'header not found')
  const state = blockState(block)
  const account = state.get(address) ?? EMPTY_ACCOUNT
  return {
    address,
    balance: q(account.balance),
    nonce: q(account.nonce),
    codeHash: toHex(account.codeHash),
    storageHash: toHex(account.storageRoot),
    accountProof: accountProof(state, address).map((n) => toHex(n)),
    storageProof: keys.map((key) => ({ key, value: '0x0', proof: [] as Hex[] })),
  }
}
