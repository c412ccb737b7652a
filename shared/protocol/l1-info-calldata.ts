/**
 * The calldata of the L1 attributes deposited transaction in its four formats
 * (PROTOCOL.md §2.9.1; https://specs.optimism.io/protocol/deposits.html#l1-attributes-deposited-transaction,
 * https://specs.optimism.io/protocol/ecotone/l1-attributes.html, …/isthmus/l1-attributes.html,
 * …/jovian/l1-attributes.html; op-node `rollup/derive/l1_block_info.go`).
 *
 * ```text
 * bedrock  0x015d8eb9 ++ abi(number, timestamp, basefee, hash, seq, batcherHash, overhead, scalar)           260 bytes
 * ecotone  0x440a5e20 ++ baseFeeScalar u32 ++ blobBaseFeeScalar u32 ++ seq u64 ++ timestamp u64 ++ number u64
 *                     ++ basefee u256 ++ blobBaseFee u256 ++ hash ++ batcherHash                               164 bytes
 * isthmus  0x098999be ++ ecotone fields ++ operatorFeeScalar u32 ++ operatorFeeConstant u64                  176 bytes
 * jovian   0x3db6be2b ++ isthmus fields ++ daFootprintGasScalar u16                                          178 bytes
 * ```
 *
 * The deposit that carries it and the values it takes from an L1 header are in `l1-info.ts`.
 */
import { bytesToBigint, bytesEqual, concatBytes, keccak, uintToBytes } from '../bytes.ts'
import type { L1InfoFormat } from '../config/forks.ts'
import { DecodeError } from '../errors.ts'

function selector(signature: string): Uint8Array {
  return keccak(new TextEncoder().encode(signature)).slice(0, 4)
}

export const L1_INFO_SELECTORS: Readonly<Record<L1InfoFormat, Uint8Array>> = {
  bedrock: selector('setL1BlockValues(uint64,uint64,uint256,bytes32,uint64,bytes32,uint256,uint256)'),
  ecotone: selector('setL1BlockValuesEcotone()'),
  isthmus: selector('setL1BlockValuesIsthmus()'),
  jovian: selector('setL1BlockValuesJovian()'),
}

export const L1_INFO_LENGTHS: Readonly<Record<L1InfoFormat, number>> = {
  bedrock: 4 + 32 * 8,
  ecotone: 4 + 32 * 5,
  isthmus: 4 + 32 * 5 + 4 + 8,
  jovian: 4 + 32 * 5 + 4 + 8 + 2,
}

/**
 * Everything any L1-info format carries. Fields a format does not carry are zero (empty-word bytes for the
 * Bedrock-only `l1FeeOverhead`/`l1FeeScalar`), so `decode(encode(x))` is `x` for such values.
 */
export type L1Info = {
  format: L1InfoFormat
  number: number
  timestamp: number
  baseFee: bigint
  /** 32 bytes. */
  blockHash: Uint8Array
  sequenceNumber: number
  /** 20 bytes; sent as the version-0 `batcherHash` (left-padded). */
  batcherAddress: Uint8Array
  /** Bedrock only: 32-byte words copied from SystemConfig. */
  l1FeeOverhead: Uint8Array
  l1FeeScalar: Uint8Array
  /** Ecotone+ (uint32). */
  baseFeeScalar: number
  blobBaseFeeScalar: number
  blobBaseFee: bigint
  /** Isthmus+ (uint32, uint64). */
  operatorFeeScalar: number
  operatorFeeConstant: bigint
  /** Jovian+ (uint16). */
  daFootprintGasScalar: number
}

export type L1InfoErrorCode =
  | 'l1-info-unknown-selector'
  | 'l1-info-unexpected-format'
  | 'l1-info-wrong-length'
  | 'l1-info-bad-padding'
  | 'l1-info-unsafe-integer'

const FORMATS: readonly L1InfoFormat[] = ['bedrock', 'ecotone', 'isthmus', 'jovian']

/**
 * L1-info calldata of `info.format`.
 *
 * @example encodeL1InfoCalldata({ format: 'ecotone', … }) // 164 bytes starting 0x440a5e20
 */
export function encodeL1InfoCalldata(info: L1Info): Uint8Array {
  const batcherHash = concatBytes(new Uint8Array(12), info.batcherAddress)
  if (batcherHash.length !== 32) throw new RangeError('batcher address must be 20 bytes')
  if (info.blockHash.length !== 32) throw new RangeError('L1 block hash must be 32 bytes')
  if (info.format === 'bedrock') {
    if (info.l1FeeOverhead.length !== 32 || info.l1FeeScalar.length !== 32) {
      throw new RangeError('l1FeeOverhead and l1FeeScalar must be 32 bytes')
    }
    return concatBytes(
      L1_INFO_SELECTORS.bedrock,
      uintToBytes(info.number, 32),
      uintToBytes(info.timestamp, 32),
      uintToBytes(info.baseFee, 32),
      info.blockHash,
      uintToBytes(info.sequenceNumber, 32),
      batcherHash,
      info.l1FeeOverhead,
      info.l1FeeScalar,
    )
  }
  const parts = [
    L1_INFO_SELECTORS[info.format],
    uintToBytes(info.baseFeeScalar, 4),
    uintToBytes(info.blobBaseFeeScalar, 4),
    uintToBytes(info.sequenceNumber, 8),
    uintToBytes(info.timestamp, 8),
    uintToBytes(info.number, 8),
    uintToBytes(info.baseFee, 32),
    uintToBytes(info.blobBaseFee, 32),
    info.blockHash,
    batcherHash,
  ]
  if (info.format === 'isthmus' || info.format === 'jovian') {
    parts.push(uintToBytes(info.operatorFeeScalar, 4), uintToBytes(info.operatorFeeConstant, 8))
  }
  if (info.format === 'jovian') parts.push(uintToBytes(info.daFootprintGasScalar, 2))
  return concatBytes(...parts)
}

function safe(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DecodeError('l1-info-unsafe-integer', `L1-info ${what} ${value} exceeds 2^53`)
  }
  return Number(value)
}

/** A uint64 ABI word (solabi `ReadUint64`: 24 zero bytes first). */
function abiUint64(data: Uint8Array, at: number, what: string): number {
  if (!data.subarray(at, at + 24).every((b) => b === 0)) {
    throw new DecodeError('l1-info-bad-padding', `L1-info ${what} word has non-zero padding`)
  }
  return safe(bytesToBigint(data.subarray(at + 24, at + 32)), what)
}

/** A version-0 batcher hash (solabi `ReadAddress`: 12 zero bytes first). */
function batcherAddress(data: Uint8Array, at: number): Uint8Array {
  if (!data.subarray(at, at + 12).every((b) => b === 0)) {
    throw new DecodeError('l1-info-bad-padding', 'L1-info batcherHash has non-zero padding')
  }
  return data.slice(at + 12, at + 32)
}

/**
 * Decodes L1-info calldata, choosing the format by selector and requiring that format's exact length (op-node
 * `L1BlockInfoFromBytes` chooses by L2 timestamp instead: pass `expected` to get the same check).
 *
 * @throws DecodeError with an {@link L1InfoErrorCode}.
 */
export function decodeL1InfoCalldata(data: Uint8Array, expected?: L1InfoFormat): L1Info {
  const format = FORMATS.find((f) => data.length >= 4 && bytesEqual(data.subarray(0, 4), L1_INFO_SELECTORS[f]))
  if (format === undefined) throw new DecodeError('l1-info-unknown-selector', 'calldata is not an L1-info call')
  if (expected !== undefined && format !== expected) {
    throw new DecodeError('l1-info-unexpected-format', `L1-info is ${format}, expected ${expected}`)
  }
  if (data.length !== L1_INFO_LENGTHS[format]) {
    throw new DecodeError('l1-info-wrong-length', `${format} L1-info is ${data.length} bytes, expected ${L1_INFO_LENGTHS[format]}`)
  }
  const zeroWord = new Uint8Array(32)
  if (format === 'bedrock') {
    return {
      format,
      number: abiUint64(data, 4, 'number'),
      timestamp: abiUint64(data, 36, 'timestamp'),
      baseFee: bytesToBigint(data.subarray(68, 100)),
      blockHash: data.slice(100, 132),
      sequenceNumber: abiUint64(data, 132, 'sequenceNumber'),
      batcherAddress: batcherAddress(data, 164),
      l1FeeOverhead: data.slice(196, 228),
      l1FeeScalar: data.slice(228, 260),
      baseFeeScalar: 0,
      blobBaseFeeScalar: 0,
      blobBaseFee: 0n,
      operatorFeeScalar: 0,
      operatorFeeConstant: 0n,
      daFootprintGasScalar: 0,
    }
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const withOperatorFee = format === 'isthmus' || format === 'jovian'
  return {
    format,
    baseFeeScalar: view.getUint32(4),
    blobBaseFeeScalar: view.getUint32(8),
    sequenceNumber: safe(view.getBigUint64(12), 'sequenceNumber'),
    timestamp: safe(view.getBigUint64(20), 'timestamp'),
    number: safe(view.getBigUint64(28), 'number'),
    baseFee: bytesToBigint(data.subarray(36, 68)),
    blobBaseFee: bytesToBigint(data.subarray(68, 100)),
    blockHash: data.slice(100, 132),
    batcherAddress: batcherAddress(data, 132),
    l1FeeOverhead: zeroWord,
    l1FeeScalar: zeroWord.slice(),
    operatorFeeScalar: withOperatorFee ? view.getUint32(164) : 0,
    operatorFeeConstant: withOperatorFee ? view.getBigUint64(168) : 0n,
    daFootprintGasScalar: format === 'jovian' ? view.getUint16(176) : 0,
  }
}
