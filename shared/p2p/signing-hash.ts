/**
 * Unsafe-block signatures on gossip (PROTOCOL.md §5 "Signature";
 * https://specs.optimism.io/protocol/rollup-node-p2p.html#block-signatures; op-node `p2p/signer.go` `SigningHash`,
 * `p2p/gossip.go` `verifyBlockSignature`).
 *
 * `signingHash = keccak256(domain(32 zero bytes) ‖ uint256_be(chainId) ‖ keccak256(signedPayloadBytes))`, where the
 * signed bytes are the SSZ payload (v1/v2) or `parentBeaconBlockRoot ‖ SSZ payload` (v3/v4). The signature is
 * secp256k1 `r(32) ‖ s(32) ‖ v(1)` over that hash, made by the runtime "unsafe block signer".
 *
 * @example
 * const sig = signEnvelope(sequencerKey, 10n, signedPayloadBytes)
 * recoverSigner(sig, signingHash(10n, signedPayloadBytes)) // the sequencer address
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak } from '../bytes.ts'
import { DecodeError } from '../errors.ts'

export type SignatureErrorCode = 'signature-invalid-length' | 'signature-invalid-recovery-id' | 'signature-invalid'

/** `SigningDomainBlocksV1`: 32 zero bytes. */
export const SIGNING_DOMAIN_BLOCKS_V1 = new Uint8Array(32)

/**
 * The hash the sequencer signs for a gossiped block.
 *
 * @throws RangeError if `chainId` is negative or wider than 256 bits (op-node: "chain_id is too large").
 */
export function signingHash(chainId: bigint | number, signedPayloadBytes: Uint8Array): Uint8Array {
  const id = BigInt(chainId)
  if (id < 0n || id >= 1n << 256n) throw new RangeError(`chain id ${id} does not fit 256 bits`)
  const input = new Uint8Array(96)
  input.set(SIGNING_DOMAIN_BLOCKS_V1, 0)
  let v = id
  for (let i = 63; i >= 32; i--) {
    input[i] = Number(v & 0xffn)
    v >>= 8n
  }
  input.set(keccak(signedPayloadBytes), 64)
  return keccak(input)
}

/**
 * Recovers the 20-byte address that made `signature` over `hash`, accepting what op-node accepts.
 *
 * op-node builds with `CGO_ENABLED=0` (op-node `Makefile`), so `crypto.SigToPub` is go-ethereum's nocgo path: the
 * last byte `v` becomes decred `RecoverCompact`'s code `v + 27` (uint8), valid for 27..34. Hence `v ∈ 0..7` is
 * accepted with recovery id `v & 3` (4..7 only set decred's "compressed key" flag, same address), while 27/28 are
 * rejected. `r` and `s` must be in [1, n−1]; high `s` is accepted (recovery does not enforce low-s).
 *
 * @throws DecodeError with a {@link SignatureErrorCode}.
 */
export function recoverSigner(signature: Uint8Array, hash: Uint8Array): Uint8Array {
  if (signature.length !== 65) {
    throw new DecodeError('signature-invalid-length', `signature must be 65 bytes, got ${signature.length}`)
  }
  const v = signature[64]
  if (v > 7) throw new DecodeError('signature-invalid-recovery-id', `signature recovery byte ${v} is not in 0..7`)
  let uncompressed: Uint8Array
  try {
    const recovered = new Uint8Array(65)
    recovered[0] = v & 3
    recovered.set(signature.subarray(0, 64), 1)
    const point = secp256k1.Signature.fromBytes(recovered, 'recovered').recoverPublicKey(hash)
    uncompressed = point.toBytes(false)
  } catch (e) {
    throw new DecodeError('signature-invalid', `cannot recover a public key: ${(e as Error).message}`)
  }
  return keccak(uncompressed.subarray(1)).slice(12)
}

/**
 * Signs a gossiped block as the sequencer (op-node `LocalSigner.Sign` = geth `crypto.Sign`): deterministic RFC 6979,
 * low-s, `v ∈ {0, 1}`.
 *
 * @returns 65 bytes `r ‖ s ‖ v`.
 */
export function signEnvelope(
  privateKey: Uint8Array,
  chainId: bigint | number,
  signedPayloadBytes: Uint8Array,
): Uint8Array {
  const recovered = secp256k1.sign(signingHash(chainId, signedPayloadBytes), privateKey, {
    prehash: false,
    lowS: true,
    format: 'recovered',
  })
  const out = new Uint8Array(65)
  out.set(recovered.subarray(1, 65), 0)
  out[64] = recovered[0]
  return out
}
