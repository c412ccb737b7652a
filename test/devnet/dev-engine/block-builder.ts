/**
 * Blocks of the development engine: the genesis block, building a block from payload attributes, and re-checking a
 * block handed to `engine_newPayload`. No EVM runs; every root the EVM would produce is a deterministic stand-in, so
 * two dev engines (sequencer and verifier) given the same parent and attributes build byte-identical blocks, and the
 * header hash is the real one over those fields (`payloadBlockHash`).
 *
 * Stand-ins (documented, deliberate):
 * - The state is a real two-account secure trie (`state-trie.ts`): the L2ToL1MessagePasser and a "world" account
 *   whose storage root is `keccak(parent world root ++ keccak(tx_0) ++ … ++ keccak(tx_n))` (genesis: keccak of a
 *   label and the chain id). `stateRoot` is that trie's root, so `eth_getProof` account proofs verify against it.
 * - Message-passer storage root: the parent's, or `keccak(parent root ++ keccak(tx)…)` over the txs whose `to` is
 *   `0x4200…0016`; genesis: the empty trie root. From Isthmus it is the header's `withdrawalsRoot`.
 * - Gas used per tx: a deposit's gas limit (0 for pre-Regolith system deposits), 21000 for any other tx.
 * - Receipts: `type ++ rlp([1, cumulativeGasUsed, zero bloom, []])` per tx (no logs, so `logsBloom` is all zero);
 *   `receiptsRoot` is their real ordered trie root.
 * - Jovian `blobGasUsed` (the DA footprint) is 0: no FastLZ estimate is run, so the base fee follows `gasUsed`.
 */
import { toRlp } from 'viem'
import { bytesEqual, concatBytes, fromHex, type Hex, keccak, toHex, uintToBytes } from '../../../shared/bytes.ts'
import { uintToMinimalBytes } from '../../../shared/codec/rlp.ts'
import type { ExecutionPayload } from '../../../shared/codec/ssz-payload.ts'
import { isActive } from '../../../shared/config/forks.ts'
import type { RollupConfig } from '../../../shared/config/rollup-config.ts'
import type { PayloadAttributes } from '../../../shared/deriver/types.ts'
import { payloadBlockHash } from '../../../shared/protocol/header-hash.ts'
import { EMPTY_TRIE_ROOT, orderedTrieRoot } from '../../../shared/protocol/trie-root.ts'
import { decodeExtraData, encodeExtraData, INITIAL_BASE_FEE, nextBaseFee } from './eip1559.ts'
import { EMPTY_CODE_HASH, type State, stateRoot } from './state-trie.ts'
import { type DecodedTx, decodeTx, type TxRejection, txGasUsed } from './transactions.ts'

export const MESSAGE_PASSER: Hex = '0x4200000000000000000000000000000000000016'
const MESSAGE_PASSER_BYTES = fromHex(MESSAGE_PASSER)
/** The account standing for the rest of the state; its address is a hash, so nothing real collides with it. */
export const WORLD_ACCOUNT: Hex = toHex(keccak(new TextEncoder().encode('op-edge dev-engine world')).slice(12))
const PASSER_CODE_HASH = keccak(new TextEncoder().encode('op-edge dev-engine L2ToL1MessagePasser'))
const ZERO32 = new Uint8Array(32)
const ZERO_BLOOM = new Uint8Array(256)

/** A block the engine knows: the payload (with its real hash) plus what the EVM would have left behind. */
export type DevBlock = {
  hash: Hex
  payload: ExecutionPayload
  /** Ecotone+. */
  parentBeaconBlockRoot?: Uint8Array
  /** Stand-in storage root of the L2ToL1MessagePasser after this block. */
  messagePasserRoot: Uint8Array
  /** Stand-in storage root of the world account after this block. */
  worldRoot: Uint8Array
}

/** The two-account state after `block`. */
export function blockState(block: Pick<DevBlock, 'messagePasserRoot' | 'worldRoot'>): State {
  return new Map([
    [MESSAGE_PASSER, { nonce: 0n, balance: 0n, storageRoot: block.messagePasserRoot, codeHash: PASSER_CODE_HASH }],
    [WORLD_ACCOUNT, { nonce: 0n, balance: 0n, storageRoot: block.worldRoot, codeHash: EMPTY_CODE_HASH }],
  ])
}

/** Overrides for the genesis block; defaults come from the rollup config. */
export type GenesisOptions = {
  number?: number
  timestamp?: number
  gasLimit?: bigint
  baseFeePerGas?: bigint
}

/** Fields the dev engine "executes" into. */
type Execution = {
  stateRoot: Uint8Array
  receiptsRoot: Uint8Array
  logsBloom: Uint8Array
  gasUsed: bigint
  blobGasUsed: bigint
  messagePasserRoot: Uint8Array
  worldRoot: Uint8Array
}

type Config = Pick<RollupConfig, 'forks' | 'chainOpConfig' | 'genesis' | 'l2ChainId'>

/** The genesis L2 block: no transactions, fork fields as of its timestamp, extraData from the genesis SystemConfig. */
export function genesisBlock(config: Config, opts: GenesisOptions = {}): DevBlock {
  const timestamp = opts.timestamp ?? config.genesis.l2Time
  const sc = config.genesis.systemConfig
  const label = new TextEncoder().encode('op-edge dev-engine genesis state')
  const roots = { messagePasserRoot: EMPTY_TRIE_ROOT, worldRoot: keccak(concatBytes(label, uintToBytes(config.l2ChainId, 8))) }
  const payload: ExecutionPayload = {
    parentHash: ZERO32,
    feeRecipient: new Uint8Array(20),
    stateRoot: stateRoot(blockState(roots)),
    receiptsRoot: EMPTY_TRIE_ROOT,
    logsBloom: ZERO_BLOOM,
    prevRandao: ZERO32,
    blockNumber: opts.number ?? config.genesis.l2.number,
    gasLimit: opts.gasLimit ?? sc.gasLimit,
    gasUsed: 0n,
    timestamp,
    // op-geth writes the fee parameters into a Holocene genesis too: block 1's base fee reads them.
    extraData: encodeExtraData(config, timestamp, fromHex(sc.eip1559Params), sc.minBaseFee),
    baseFeePerGas: opts.baseFeePerGas ?? INITIAL_BASE_FEE,
    blockHash: ZERO32,
    transactions: [],
  }
  return seal(config, payload, isActive(config, 'ecotone', timestamp) ? ZERO32 : undefined, roots)
}

/**
 * Builds the child of `parent` from attributes already checked for shape by fork. Returns the block, or why the
 * build fails: an undecodable transaction (op-geth: a plain -32000 error), or anything else (op-geth answers -38003,
 * as when a forced transaction cannot be included).
 */
export function buildBlock(config: Config, parent: DevBlock, attrs: PayloadAttributes): DevBlock | TxRejection {
  const t = attrs.timestamp
  const notAllowed = (reason: string): TxRejection => ({ rejected: 'not-allowed', reason })
  if (t <= parent.payload.timestamp) return notAllowed(`invalid timestamp ${t}: parent has ${parent.payload.timestamp}`)
  const txs = decodeAll(config, t, attrs.transactions.map(fromHex))
  if ('rejected' in txs) return txs
  const run = execute(parent, txs)
  if (run.gasUsed > attrs.gasLimit) return notAllowed(`transactions use ${run.gasUsed} gas, over the gas limit ${attrs.gasLimit}`)
  const payload: ExecutionPayload = {
    parentHash: fromHex(parent.hash),
    feeRecipient: fromHex(attrs.suggestedFeeRecipient),
    stateRoot: run.stateRoot,
    receiptsRoot: run.receiptsRoot,
    logsBloom: run.logsBloom,
    prevRandao: fromHex(attrs.prevRandao),
    blockNumber: parent.payload.blockNumber + 1,
    gasLimit: attrs.gasLimit,
    gasUsed: run.gasUsed,
    timestamp: t,
    extraData: encodeExtraData(config, t, attrs.eip1559Params ? fromHex(attrs.eip1559Params) : undefined, attrs.minBaseFee),
    baseFeePerGas: nextBaseFee(config, parent.payload, t),
    blockHash: ZERO32,
    transactions: txs.map((tx) => tx.raw),
  }
  if (isActive(config, 'ecotone', t)) payload.blobGasUsed = run.blobGasUsed
  const pbbr = attrs.parentBeaconBlockRoot ? fromHex(attrs.parentBeaconBlockRoot) : undefined
  return seal(config, payload, pbbr, run)
}

/**
 * Re-executes a payload from `engine_newPayload` on its parent (its hash already checked): header rules, base fee,
 * extraData, and every stand-in root. Returns the block, or why it is INVALID.
 */
export function checkBlock(
  config: Config,
  parent: DevBlock,
  payload: ExecutionPayload,
  pbbr: Uint8Array | undefined,
): DevBlock | string {
  const p = parent.payload
  const t = payload.timestamp
  if (payload.blockNumber !== p.blockNumber + 1) return `invalid number ${payload.blockNumber}, parent ${p.blockNumber}`
  if (t <= p.timestamp) return `invalid timestamp ${t}, parent ${p.timestamp}`
  if (payload.gasUsed > payload.gasLimit) return `gas used ${payload.gasUsed} above gas limit ${payload.gasLimit}`
  const fee = decodeExtraData(config, t, payload.extraData)
  if (typeof fee === 'string') return `invalid extraData: ${fee}`
  const baseFee = nextBaseFee(config, p, t)
  if (payload.baseFeePerGas !== baseFee) return `invalid baseFee: have ${payload.baseFeePerGas}, want ${baseFee}`
  if (payload.withdrawals !== undefined && payload.withdrawals.length > 0) return 'withdrawals are not allowed on L2'
  if (payload.withdrawalsRoot !== undefined && !isActive(config, 'isthmus', t)) return 'withdrawalsRoot before Isthmus'
  if ((payload.excessBlobGas ?? 0n) !== 0n) return `invalid excessBlobGas ${payload.excessBlobGas}`
  const txs = decodeAll(config, t, payload.transactions)
  if ('rejected' in txs) return txs.reason
  const run = execute(parent, txs)
  const roots: [string, Uint8Array, Uint8Array | undefined][] = [
    ['stateRoot', run.stateRoot, payload.stateRoot],
    ['receiptsRoot', run.receiptsRoot, payload.receiptsRoot],
    ['logsBloom', run.logsBloom, payload.logsBloom],
  ]
  if (isActive(config, 'isthmus', t)) roots.push(['withdrawalsRoot', run.messagePasserRoot, payload.withdrawalsRoot])
  for (const [name, want, have] of roots) {
    if (have === undefined || !bytesEqual(want, have)) {
      return `invalid ${name} (remote: ${have ? toHex(have) : 'none'} local: ${toHex(want)})`
    }
  }
  if (run.gasUsed !== payload.gasUsed) return `invalid gas used (remote: ${payload.gasUsed} local: ${run.gasUsed})`
  if ((payload.blobGasUsed ?? 0n) !== run.blobGasUsed) return `invalid blobGasUsed ${payload.blobGasUsed}`
  return {
    hash: toHex(payload.blockHash),
    payload,
    parentBeaconBlockRoot: pbbr,
    messagePasserRoot: run.messagePasserRoot,
    worldRoot: run.worldRoot,
  }
}

/** Fills the fork-dependent header fields and the real block hash. */
function seal(
  config: Config,
  payload: ExecutionPayload,
  pbbr: Uint8Array | undefined,
  roots: Pick<DevBlock, 'messagePasserRoot' | 'worldRoot'>,
): DevBlock {
  const t = payload.timestamp
  if (isActive(config, 'canyon', t)) payload.withdrawals = []
  if (isActive(config, 'ecotone', t)) {
    payload.blobGasUsed ??= 0n
    payload.excessBlobGas = 0n
  }
  const isthmus = isActive(config, 'isthmus', t)
  if (isthmus) payload.withdrawalsRoot = roots.messagePasserRoot
  payload.blockHash = payloadBlockHash(payload, pbbr, { isthmus })
  const { messagePasserRoot, worldRoot } = roots
  return { hash: toHex(payload.blockHash), payload, parentBeaconBlockRoot: pbbr, messagePasserRoot, worldRoot }
}

function decodeAll(config: Config, t: number, raws: Uint8Array[]): DecodedTx[] | TxRejection {
  const out: DecodedTx[] = []
  for (const [i, raw] of raws.entries()) {
    const tx = decodeTx(config, t, raw)
    if ('rejected' in tx) return { rejected: tx.rejected, reason: `transaction ${i} is not valid: ${tx.reason}` }
    out.push(tx)
  }
  return out
}

function execute(parent: DevBlock, txs: DecodedTx[]): Execution {
  let gasUsed = 0n
  const receipts: Uint8Array[] = []
  for (const tx of txs) {
    gasUsed += txGasUsed(tx)
    const body = toRlp([Uint8Array.of(1), uintToMinimalBytes(gasUsed), ZERO_BLOOM, []], 'bytes')
    receipts.push(tx.type === 0 ? body : concatBytes(Uint8Array.of(tx.type), body))
  }
  const toPasser = txs.filter((tx) => tx.to !== null && bytesEqual(tx.to, MESSAGE_PASSER_BYTES))
  const roots = {
    worldRoot: keccak(concatBytes(parent.worldRoot, ...txs.map((tx) => tx.hash))),
    messagePasserRoot:
      toPasser.length === 0
        ? parent.messagePasserRoot
        : keccak(concatBytes(parent.messagePasserRoot, ...toPasser.map((tx) => tx.hash))),
  }
  return {
    ...roots,
    stateRoot: stateRoot(blockState(roots)),
    receiptsRoot: orderedTrieRoot(receipts),
    logsBloom: ZERO_BLOOM,
    gasUsed,
    blobGasUsed: 0n,
  }
}
