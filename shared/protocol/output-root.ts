/**
 * L2 output root, version 0 (PROTOCOL.md §4 `optimism_outputAtBlock`;
 * https://specs.optimism.io/protocol/proposals.html#l2-output-commitment-construction; op-service `eth/output.go`
 * `OutputV0.Marshal` / `OutputRoot`).
 *
 * `outputRoot = keccak256(version(32) ‖ stateRoot ‖ withdrawalStorageRoot ‖ blockHash)`, a 128-byte preimage with
 * version = 32 zero bytes. `withdrawalStorageRoot` is the storage root of the L2ToL1MessagePasser
 * (`0x4200…0016`); from Isthmus it equals the block header's `withdrawalsRoot`.
 *
 * @example toHex(outputRootV0({ stateRoot, withdrawalStorageRoot, blockHash }))
 */
import { keccak } from '../bytes.ts'

/** Output version 0: 32 zero bytes. */
export const OUTPUT_VERSION_V0 = new Uint8Array(32)

export type OutputV0 = {
  stateRoot: Uint8Array
  /** Storage root of the L2ToL1MessagePasser (op-node `MessagePasserStorageRoot`). */
  withdrawalStorageRoot: Uint8Array
  blockHash: Uint8Array
}

/**
 * The version-0 output root.
 *
 * @throws RangeError if a field is not 32 bytes.
 */
export function outputRootV0(output: OutputV0): Uint8Array {
  const preimage = new Uint8Array(128)
  preimage.set(OUTPUT_VERSION_V0, 0)
  for (const [i, field] of (['stateRoot', 'withdrawalStorageRoot', 'blockHash'] as const).entries()) {
    const value = output[field]
    if (value.length !== 32) throw new RangeError(`${field} must be 32 bytes, got ${value.length}`)
    preimage.set(value, 32 * (i + 1))
  }
  return keccak(preimage)
}
