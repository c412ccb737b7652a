/**
 * Deposit source hashes (PROTOCOL.md §2.9.2; https://specs.optimism.io/protocol/deposits.html#source-hash-computation,
 * op-node `rollup/derive/deposit_source.go`). A source hash makes every deposit unique, so two deposits with the same
 * fields still hash differently:
 *
 * ```text
 * user deposit   keccak256(bytes32(0) ++ keccak256(l1BlockHash ++ uint256(logIndex)))
 * L1 info        keccak256(bytes32(1) ++ keccak256(l1BlockHash ++ uint256(seqNumber)))
 * upgrade        keccak256(bytes32(2) ++ keccak256(utf8(intent)))
 * after-force-include (interop, reserved)  domain 3, same shape as L1 info
 * ```
 */
import { concatBytes, keccak, word } from '../bytes.ts'

/** The source-hash domains. 3 and 4 are reserved by interop; op-edge only computes 3 for the op-node test vector. */
export const SOURCE_HASH_DOMAIN = {
  userDeposit: 0,
  l1Info: 1,
  upgrade: 2,
  afterForceInclude: 3,
} as const

const utf8 = new TextEncoder()

function domainHash(domain: number, inner: Uint8Array): Uint8Array {
  return keccak(concatBytes(word(domain), inner))
}

function blockScopedHash(domain: number, l1BlockHash: Uint8Array, index: number | bigint): Uint8Array {
  if (l1BlockHash.length !== 32) throw new RangeError(`L1 block hash must be 32 bytes, got ${l1BlockHash.length}`)
  return domainHash(domain, keccak(concatBytes(l1BlockHash, word(index))))
}

/**
 * Source hash of a user deposit: `logIndex` is the index of the log in the whole L1 block, not in its receipt.
 *
 * @example userDepositSourceHash(fromHex('0x9ba3…62f7'), 196) // 0xd086…2213
 */
export function userDepositSourceHash(l1BlockHash: Uint8Array, logIndex: number | bigint): Uint8Array {
  return blockScopedHash(SOURCE_HASH_DOMAIN.userDeposit, l1BlockHash, logIndex)
}

/** Source hash of the L1-info deposit of the `seqNumber`-th L2 block of the epoch of `l1BlockHash`. */
export function l1InfoSourceHash(l1BlockHash: Uint8Array, seqNumber: number | bigint): Uint8Array {
  return blockScopedHash(SOURCE_HASH_DOMAIN.l1Info, l1BlockHash, seqNumber)
}

/**
 * Source hash of a network upgrade transaction, identified by a human-readable intent.
 *
 * @example upgradeSourceHash('Ecotone: L1 Block Proxy Update') // 0x18ac…7dbc
 */
export function upgradeSourceHash(intent: string): Uint8Array {
  return domainHash(SOURCE_HASH_DOMAIN.upgrade, keccak(utf8.encode(intent)))
}

/** Interop's reserved domain 3 (op-node `AfterForceIncludeSource`); not used by derivation before Interop. */
export function afterForceIncludeSourceHash(l1BlockHash: Uint8Array, seqNumber: number | bigint): Uint8Array {
  return blockScopedHash(SOURCE_HASH_DOMAIN.afterForceInclude, l1BlockHash, seqNumber)
}
