/**
 * Consolidation: do derived attributes describe the unsafe block the engine already has? (PROTOCOL.md §2.10;
 * op-node `op-node/rollup/attributes/engine_consolidate.go` `AttributesMatchBlock`, `checkWithdrawals`,
 * `checkParentBeaconBlockRootMatch`, `checkExtraDataParamsMatch`; op-geth `consensus/misc/eip1559` validators;
 * kona `crates/node/engine/src/attributes.rs`.) A match promotes the block to safe without executing it; any mismatch
 * makes the node build the block from the attributes instead, reorging the unsafe chain.
 *
 * Checks, in op-node's order (the first failure is reported):
 * ```text
 * parent-hash            block.parentHash == the pending safe head
 * timestamp, prev-randao equal
 * transaction-count      equal counts, then
 * transaction            each transaction byte-equal (deposits included)
 * gas-limit-missing      attributes must carry a gas limit;  gas-limit: equal
 * withdrawals-*          pre-Canyon: attributes carry none; Canyon+: both lists present and empty; Canyon before
 *                        Isthmus: withdrawalsRoot absent or the empty-trie root; Isthmus+: withdrawalsRoot present
 * parent-beacon-root-*   both absent, or both present and equal
 * fee-recipient          equal
 * extra-data-*          attributes with eip1559Params (Holocene+): both encodings valid, block params equal the
 *                        attributes' with (0,0) read as the chain's Canyon denominator and elasticity, and (Jovian)
 *                        minBaseFee equal; attributes without: block extraData empty
 * ```
 * Security note: the extraData check closed a chain split (op-node v1.11.0, PR #14179) — a gossiped block with foreign
 * EIP-1559 parameters used to be promoted to safe. Keep every fork-added header field covered here.
 *
 * @example
 * const m = attributesMatchBlock(config, attributes, { ...payload, parentBeaconBlockRoot }, pendingSafe.hash)
 * if (!m.ok) trace({ reason: m.reason, detail: m.detail }) // then build from the attributes
 */
import { bytesEqual, bytesToBigint, fromHex, type Hex, toHex } from '../bytes.ts'
import { isActive } from '../config/forks.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import type { PayloadAttributes } from '../deriver/types.ts'
import { EMPTY_TRIE_ROOT } from '../protocol/trie-root.ts'

/** The block fields compared. An `ExecutionPayload` plus its envelope's `parentBeaconBlockRoot` fits as is. */
export type MatchBlock = {
  parentHash: Uint8Array
  timestamp: number
  prevRandao: Uint8Array
  feeRecipient: Uint8Array
  gasLimit: bigint
  extraData: Uint8Array
  transactions: readonly Uint8Array[]
  /** Canyon+; absent before. */
  withdrawals?: readonly unknown[]
  /** Ecotone+ (the envelope's or the header's). */
  parentBeaconBlockRoot?: Uint8Array
  /** Header field from Canyon (empty-trie root until Isthmus); the payload carries it from Isthmus. */
  withdrawalsRoot?: Uint8Array
}

/** What is compared from the attributes; a missing gas limit and foreign withdrawals are representable on purpose. */
export type MatchAttributes = Omit<PayloadAttributes, 'gasLimit' | 'withdrawals'> & {
  gasLimit?: bigint
  withdrawals?: readonly unknown[]
}

export type AttributesMismatchReason =
  | 'parent-hash'
  | 'timestamp'
  | 'prev-randao'
  | 'transaction-count'
  | 'transaction'
  | 'gas-limit-missing'
  | 'gas-limit'
  | 'withdrawals-before-canyon'
  | 'withdrawals-block'
  | 'withdrawals-attributes'
  | 'withdrawals-root-before-isthmus'
  | 'withdrawals-root-missing'
  | 'parent-beacon-root-missing'
  | 'parent-beacon-root-unexpected'
  | 'parent-beacon-root'
  | 'fee-recipient'
  | 'eip1559-params-invalid'
  | 'extra-data-invalid'
  | 'eip1559-params'
  | 'min-base-fee'
  | 'extra-data-unexpected'

export type AttributesMatchResult = { ok: true } | { ok: false; reason: AttributesMismatchReason; detail: string }

export type AttributesMatchConfig = Pick<RollupConfig, 'forks' | 'chainOpConfig'>

type Mismatch = Extract<AttributesMatchResult, { ok: false }>

const mismatch = (reason: AttributesMismatchReason, detail: string): Mismatch => ({ ok: false, reason, detail })

const hex = (b: Uint8Array) => toHex(b)

/** Byte fields of the attributes are `0x` hex; compare as bytes so case never matters. */
function sameHex(a: Hex, b: Uint8Array): boolean {
  try {
    return bytesEqual(fromHex(a), b)
  } catch {
    return false
  }
}

/**
 * Whether `attributes`, built on `parentHash`, describe `block`.
 *
 * @returns `{ ok: true }`, or the first failed rule with a human-readable detail (no secrets, bounded length).
 */
export function attributesMatchBlock(
  config: AttributesMatchConfig,
  attributes: MatchAttributes,
  block: MatchBlock,
  parentHash: Hex,
): AttributesMatchResult {
  const a = attributes
  if (!sameHex(parentHash, block.parentHash)) {
    return mismatch('parent-hash', `expected parent ${parentHash}, block has ${hex(block.parentHash)}`)
  }
  if (a.timestamp !== block.timestamp) {
    return mismatch('timestamp', `attributes ${a.timestamp}, block ${block.timestamp}`)
  }
  if (!sameHex(a.prevRandao, block.prevRandao)) {
    return mismatch('prev-randao', `attributes ${a.prevRandao}, block ${hex(block.prevRandao)}`)
  }
  if (a.transactions.length !== block.transactions.length) {
    return mismatch('transaction-count', `attributes ${a.transactions.length}, block ${block.transactions.length}`)
  }
  for (let i = 0; i < a.transactions.length; i++) {
    if (!sameHex(a.transactions[i], block.transactions[i])) {
      return mismatch('transaction', `transaction ${i} differs`)
    }
  }
  if (a.gasLimit === undefined) return mismatch('gas-limit-missing', `block gas limit ${block.gasLimit}`)
  if (a.gasLimit !== block.gasLimit) return mismatch('gas-limit', `attributes ${a.gasLimit}, block ${block.gasLimit}`)
  const withdrawals = checkWithdrawals(config, a, block)
  if (withdrawals) return withdrawals
  const root = checkParentBeaconBlockRoot(a.parentBeaconBlockRoot, block.parentBeaconBlockRoot)
  if (root) return root
  if (!sameHex(a.suggestedFeeRecipient, block.feeRecipient)) {
    return mismatch('fee-recipient', `attributes ${a.suggestedFeeRecipient}, block ${hex(block.feeRecipient)}`)
  }
  return checkExtraData(config, a, block) ?? { ok: true }
}

/** op-node `checkWithdrawals`. */
function checkWithdrawals(config: AttributesMatchConfig, a: MatchAttributes, block: MatchBlock): Mismatch | undefined {
  const t = block.timestamp
  const isthmus = isActive(config, 'isthmus', t)
  if (isActive(config, 'canyon', t)) {
    if (block.withdrawals === undefined || block.withdrawals.length !== 0) {
      return mismatch('withdrawals-block', `Canyon block must have an empty withdrawals list, has ${describe(block.withdrawals)}`)
    }
    if (a.withdrawals === undefined || a.withdrawals.length !== 0) {
      return mismatch('withdrawals-attributes', `Canyon attributes must have an empty withdrawals list, have ${describe(a.withdrawals)}`)
    }
    // Before Isthmus an L2 header's withdrawalsRoot is the root of the empty list (payloads omit it).
    if (!isthmus && block.withdrawalsRoot !== undefined && !bytesEqual(block.withdrawalsRoot, EMPTY_TRIE_ROOT)) {
      return mismatch('withdrawals-root-before-isthmus', `block withdrawalsRoot ${hex(block.withdrawalsRoot)} is not the empty root`)
    }
  } else if (a.withdrawals !== undefined) {
    return mismatch('withdrawals-before-canyon', `pre-Canyon attributes carry withdrawals (${a.withdrawals.length})`)
  }
  // Isthmus: the root is the L2ToL1MessagePasser storage root and must be present.
  if (isthmus && block.withdrawalsRoot === undefined) {
    return mismatch('withdrawals-root-missing', 'Isthmus block has no withdrawalsRoot')
  }
  return undefined
}

function describe(list: readonly unknown[] | undefined): string {
  return list === undefined ? 'none' : `${list.length} entries`
}

/** op-node `checkParentBeaconBlockRootMatch`. */
function checkParentBeaconBlockRoot(attrs: Hex | undefined, block: Uint8Array | undefined): Mismatch | undefined {
  if (block === undefined) {
    return attrs === undefined ? undefined : mismatch('parent-beacon-root-missing', `attributes have ${attrs}, block has none`)
  }
  if (attrs === undefined) return mismatch('parent-beacon-root-unexpected', `attributes have none, block has ${hex(block)}`)
  return sameHex(attrs, block) ? undefined : mismatch('parent-beacon-root', `attributes ${attrs}, block ${hex(block)}`)
}

/**
 * op-node `checkExtraDataParamsMatch` with op-geth's newest validators: attribute params are valid when denominator
 * and elasticity are both zero or both non-zero (`ValidateHolocene1559Params`); block extraData is `0x00 ‖ d ‖ e`
 * (Holocene, 9 bytes) or `0x01 ‖ d ‖ e ‖ minBaseFee u64` (Jovian, 17 bytes) with d and e non-zero
 * (`ValidateHoloceneExtraData`, `ValidateJovianExtraData`). The fork is read at the block's timestamp.
 */
function checkExtraData(config: AttributesMatchConfig, a: MatchAttributes, block: MatchBlock): Mismatch | undefined {
  const extra = block.extraData
  if (a.eip1559Params === undefined) {
    // Pre-Holocene blocks must have empty extraData.
    return extra.length === 0 ? undefined : mismatch('extra-data-unexpected', `attributes have no eip1559Params, block extraData has ${extra.length} bytes`)
  }
  let params: Uint8Array
  try {
    params = fromHex(a.eip1559Params)
  } catch {
    return mismatch('eip1559-params-invalid', 'attributes eip1559Params are not hex')
  }
  if (params.length !== 8) return mismatch('eip1559-params-invalid', `attributes eip1559Params are ${params.length} bytes, not 8`)
  let ad = bytesToBigint(params.subarray(0, 4))
  let ae = bytesToBigint(params.subarray(4, 8))
  if ((ad === 0n) !== (ae === 0n)) {
    return mismatch('eip1559-params-invalid', `attributes eip1559Params (${ad}, ${ae}): both zero or both non-zero`)
  }
  const jovian = isActive(config, 'jovian', block.timestamp)
  const [length, version] = jovian ? [17, 1] : [9, 0]
  if (extra.length !== length || extra[0] !== version) {
    return mismatch('extra-data-invalid', `block extraData must be ${length} bytes of version ${version}, is ${hex(extra)}`)
  }
  const bd = bytesToBigint(extra.subarray(1, 5))
  const be = bytesToBigint(extra.subarray(5, 9))
  if (bd === 0n || be === 0n) return mismatch('extra-data-invalid', `block extraData encodes (${bd}, ${be}): both must be non-zero`)
  const translated = ad === 0n
  if (translated) {
    // (0,0) means "the pre-Holocene constants", as the engine does it; Holocene implies Canyon.
    ad = BigInt(config.chainOpConfig.eip1559DenominatorCanyon)
    ae = BigInt(config.chainOpConfig.eip1559Elasticity)
  }
  if (ad !== bd || ae !== be) {
    return mismatch('eip1559-params', `attributes (${ad}, ${ae})${translated ? ' translated from (0, 0)' : ''}, block (${bd}, ${be})`)
  }
  const blockMinBaseFee = jovian ? bytesToBigint(extra.subarray(9, 17)) : undefined
  if (blockMinBaseFee !== a.minBaseFee) {
    return mismatch('min-base-fee', `attributes ${a.minBaseFee ?? 'none'}, block ${blockMinBaseFee ?? 'none'}`)
  }
  return undefined
}
