/**
 * The versioned fee words of SystemConfig: the Ecotone L1 fee `scalar` and the Isthmus `operatorFeeParams`
 * (PROTOCOL.md §2.9.1, §2.9.4; https://specs.optimism.io/protocol/system-config.html#post-ecotone-scalar-encoding,
 * op-service `eth/types.go` `CheckEcotoneL1SystemConfigScalar` / `EcotoneScalars` / `OperatorFee`).
 *
 * ```text
 * scalar v0  0x00 ++ zeros[1:28] ++ baseFeeScalar u32 [28:32]                           (blob scalar 0)
 * scalar v1  0x01 ++ zeros[1:24] ++ blobBaseFeeScalar u32 [24:28] ++ baseFeeScalar u32 [28:32]
 * operator   zeros[0:20] ++ operatorFeeScalar u32 [20:24] ++ operatorFeeConstant u64 [24:32]
 * ```
 */
import { bytesToBigint, concatBytes, uintToBytes } from '../bytes.ts'
import { DecodeError } from '../errors.ts'

export type EcotoneScalars = { baseFeeScalar: number; blobBaseFeeScalar: number }

/** Why a scalar word is not a valid Ecotone scalar; `ok` when it is. */
export type ScalarCheck = 'ok' | 'v0-padding-not-empty' | 'v1-padding-not-empty' | 'unknown-version'

export type FeeParamsErrorCode = 'scalar-v1-padding-not-empty' | 'scalar-unknown-version' | 'fee-word-size'

const MAX_UINT32 = 0xffff_ffff

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0
}

function allZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0)
}

function checkWord(word: Uint8Array): void {
  if (word.length !== 32) throw new DecodeError('fee-word-size', `fee word must be 32 bytes, got ${word.length}`)
}

/** Validates a 32-byte scalar word as op-node's `CheckEcotoneL1SystemConfigScalar` does. */
export function checkEcotoneScalar(scalar: Uint8Array): ScalarCheck {
  checkWord(scalar)
  switch (scalar[0]) {
    case 0:
      return allZero(scalar.subarray(1, 28)) ? 'ok' : 'v0-padding-not-empty'
    case 1:
      return allZero(scalar.subarray(1, 24)) ? 'ok' : 'v1-padding-not-empty'
    default:
      return 'unknown-version'
  }
}

/**
 * The scalars L1-info carries from Ecotone. A version-0 word with non-zero padding maps to
 * `baseFeeScalar = 0xFFFFFFFF, blobBaseFeeScalar = 0` (spec rule, op-service `EcotoneScalars`).
 *
 * @throws DecodeError `scalar-v1-padding-not-empty`, `scalar-unknown-version` (op-node fails L1-info creation: critical).
 */
export function ecotoneScalars(scalar: Uint8Array): EcotoneScalars {
  const check = checkEcotoneScalar(scalar)
  switch (check) {
    case 'ok':
      return scalar[0] === 0
        ? { baseFeeScalar: u32(scalar, 28), blobBaseFeeScalar: 0 }
        : { baseFeeScalar: u32(scalar, 28), blobBaseFeeScalar: u32(scalar, 24) }
    case 'v0-padding-not-empty':
      return { baseFeeScalar: MAX_UINT32, blobBaseFeeScalar: 0 }
    case 'v1-padding-not-empty':
      throw new DecodeError('scalar-v1-padding-not-empty', 'version-1 fee scalar has non-zero padding')
    case 'unknown-version':
      throw new DecodeError('scalar-unknown-version', `unknown fee scalar version ${scalar[0]}`)
  }
}

/** The version-1 scalar word (what `SystemConfig.setGasConfigEcotone` emits). */
export function encodeEcotoneScalar(s: EcotoneScalars): Uint8Array {
  return concatBytes(Uint8Array.of(1), new Uint8Array(23), uintToBytes(s.blobBaseFeeScalar, 4), uintToBytes(s.baseFeeScalar, 4))
}

export type OperatorFeeParams = { operatorFeeScalar: number; operatorFeeConstant: bigint }

/** Operator fee scalar (bytes 20..24) and constant (24..32) of the word; bytes 0..20 are ignored, as in op-node. */
export function decodeOperatorFeeParams(word: Uint8Array): OperatorFeeParams {
  checkWord(word)
  return { operatorFeeScalar: u32(word, 20), operatorFeeConstant: bytesToBigint(word.subarray(24, 32)) }
}

/** `uint256(scalar) << 64 | constant`, as `SystemConfig.setOperatorFeeScalars` emits it. */
export function encodeOperatorFeeParams(p: OperatorFeeParams): Uint8Array {
  return concatBytes(new Uint8Array(20), uintToBytes(p.operatorFeeScalar, 4), uintToBytes(p.operatorFeeConstant, 8))
}
