/**
 * EIP-1186 account proofs (`eth_getProof`) checked against a state root, as op-node does before it trusts a storage
 * root (PROTOCOL.md §4 `optimism_outputAtBlock`; op-service `eth/account_proof.go` `AccountResult.Verify`):
 *
 * 1. each storage proof entry is walked in the account's trie (`storageHash`) at `keccak(slot)`: an absent slot must
 *    claim 0, a present one must hold `rlp(minimal bytes of value)`;
 * 2. the account is walked in the state trie at `keccak(address)` and its leaf must equal
 *    `rlp([nonce, balance, storageHash, codeHash])` built from the claimed fields — so an absent account fails.
 *
 * @example
 * const account = verifyAccountProof(accountProofFromJson(json), header.stateRoot)
 * if (account instanceof DecodeError) reject(account.code)
 * else use(account.storageHash)
 */
import { bytesEqual, keccak, toHex, uintToBytes } from '../bytes.ts'
import { encodeRlpBytes, encodeRlpList, encodeRlpUint } from '../codec/rlp.ts'
import { DecodeError } from '../errors.ts'
import { type MptProofErrorCode, verifyMptProof } from './mpt-proof.ts'
import { array, bytes, hash, hexBytes, object, quantity, quantityValue } from './rpc-json.ts'

export type StorageProofEntry = {
  /** The slot, as a 32-byte word (op-node `common.BigToHash(key)`). */
  key: Uint8Array
  value: bigint
  proof: Uint8Array[]
}

/** An `eth_getProof` answer. */
export type AccountProof = {
  address: Uint8Array
  balance: bigint
  nonce: bigint
  storageHash: Uint8Array
  codeHash: Uint8Array
  accountProof: Uint8Array[]
  storageProof: StorageProofEntry[]
}

export type AccountProofErrorCode = MptProofErrorCode | 'account-mismatch' | 'storage-value-mismatch'

/** What the proof established about the account. */
export type VerifiedAccount = Pick<AccountProof, 'address' | 'nonce' | 'balance' | 'storageHash' | 'codeHash'>

/**
 * Checks `proof` against `stateRoot` (storage entries first, then the account, like op-node).
 *
 * @returns the proven account, or a DecodeError: `proof-node-missing` / `proof-node-malformed` (the walk failed),
 *   `account-mismatch` (the leaf is not the claimed account, or the account is absent), `storage-value-mismatch`.
 */
export function verifyAccountProof(
  proof: AccountProof,
  stateRoot: Uint8Array,
): VerifiedAccount | DecodeError<AccountProofErrorCode> {
  try {
    for (const [i, entry] of proof.storageProof.entries()) {
      const slot = toHex(entry.key)
      const proven = verifyMptProof(proof.storageHash, keccak(entry.key), entry.proof)
      if (proven === null && entry.value === 0n) continue // empty storage reads as zero
      // rlp(minimal big-endian bytes), as op-node encodes `value.Bytes()`.
      const claimed = encodeRlpUint(entry.value)
      if (proven === null || !bytesEqual(proven, claimed)) {
        return new DecodeError('storage-value-mismatch', `storage proof ${i}: value at slot ${slot} is not ${entry.value}`)
      }
    }
    const claimed = encodeRlpList([
      encodeRlpUint(proof.nonce),
      encodeRlpUint(proof.balance),
      encodeRlpBytes(proof.storageHash),
      encodeRlpBytes(proof.codeHash),
    ])
    const address = toHex(proof.address)
    const proven = verifyMptProof(stateRoot, keccak(proof.address), proof.accountProof)
    if (proven === null) return new DecodeError('account-mismatch', `account ${address} is absent from state ${toHex(stateRoot)}`)
    if (!bytesEqual(proven, claimed)) {
      return new DecodeError('account-mismatch', `account proof of ${address} does not match the claimed fields: proof ${toHex(proven)}`)
    }
    const { nonce, balance, storageHash, codeHash } = proof
    return { address: proof.address, nonce, balance, storageHash, codeHash }
  } catch (e) {
    if (e instanceof DecodeError) return e as DecodeError<MptProofErrorCode>
    throw e
  }
}

/**
 * An `eth_getProof` result (op-service `eth.AccountResult` JSON). Storage keys are read as numbers and widened to 32
 * bytes; `storageProof` may be absent (`omitempty`).
 *
 * @throws DecodeError (`header-json-missing-field` / `header-json-invalid-field`) naming the bad field.
 */
export function accountProofFromJson(json: unknown): AccountProof {
  const o = object(json, 'eth_getProof result')
  const nonce = quantity(o, 'nonce')
  if (nonce >= 2n ** 64n) throw new DecodeError('header-json-invalid-field', `nonce ${nonce} exceeds uint64`)
  const nodes = (list: unknown, what: string) => {
    if (!Array.isArray(list)) throw new DecodeError('header-json-invalid-field', `${what} is not an array`)
    return list.map((n, i) => hexBytes(n, `${what}[${i}]`))
  }
  const storage = o.storageProof === undefined || o.storageProof === null ? [] : array(o, 'storageProof')
  return {
    address: bytes(o, 'address', 20),
    balance: quantity(o, 'balance'),
    nonce,
    storageHash: hash(o, 'storageHash'),
    codeHash: hash(o, 'codeHash'),
    accountProof: nodes(o.accountProof, 'accountProof'),
    storageProof: storage.map((entry, i) => {
      const e = object(entry, `storageProof[${i}]`)
      return {
        key: uintToBytes(quantity(e, 'key'), 32),
        value: quantityValue(e.value, `storageProof[${i}].value`),
        proof: nodes(e.proof, `storageProof[${i}].proof`),
      }
    }),
  }
}

