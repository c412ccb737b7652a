/**
 * Engine API JSON ⇄ {@link ExecutionPayload} (PROTOCOL.md §3 "ExecutionPayload JSON"; execution-apis
 * `src/engine/{paris,shanghai,cancun}.md`; https://specs.optimism.io/protocol/exec-engine.html; op-service
 * `eth/types.go` `ExecutionPayload` / `ExecutionPayloadEnvelope`).
 *
 * V1 `{parentHash, feeRecipient, stateRoot, receiptsRoot, logsBloom, prevRandao, blockNumber, gasLimit, gasUsed,
 * timestamp, extraData, baseFeePerGas, blockHash, transactions}`; V2 `+withdrawals`; V3 `+blobGasUsed,
 * excessBlobGas`; OP Isthmus `+withdrawalsRoot`. Quantities are minimal `0x` hex, data is `0x` hex.
 *
 * @example
 * const payload = executionPayloadFromJson(res.executionPayload)
 * engine.newPayload(executionPayloadToJson(payload))
 */
import { type Hex, toHex } from '../bytes.ts'
import { DecodeError } from '../errors.ts'
import type { ExecutionPayload, Withdrawal } from './ssz-payload.ts'

export type WithdrawalJson = { index: Hex; validatorIndex: Hex; address: Hex; amount: Hex }

export type ExecutionPayloadJson = {
  parentHash: Hex
  feeRecipient: Hex
  stateRoot: Hex
  receiptsRoot: Hex
  logsBloom: Hex
  prevRandao: Hex
  blockNumber: Hex
  gasLimit: Hex
  gasUsed: Hex
  timestamp: Hex
  extraData: Hex
  baseFeePerGas: Hex
  blockHash: Hex
  transactions: Hex[]
  withdrawals?: WithdrawalJson[]
  blobGasUsed?: Hex
  excessBlobGas?: Hex
  withdrawalsRoot?: Hex
}

/** `ExecutionPayloadEnvelope` as in `admin_postUnsafePayload` and OP `engine_getPayloadV3+` responses. */
export type ExecutionPayloadEnvelopeJson = {
  executionPayload: ExecutionPayloadJson
  parentBeaconBlockRoot?: Hex | null
}

export type PayloadJsonErrorCode =
  | 'payload-json-not-object'
  | 'payload-json-missing-field'
  | 'payload-json-invalid-field'

const U64_MAX = (1n << 64n) - 1n
const U256_MAX = (1n << 256n) - 1n

/** Payload → Engine API JSON. Optional fields are emitted only when present. */
export function executionPayloadToJson(payload: ExecutionPayload): ExecutionPayloadJson {
  const json: ExecutionPayloadJson = {
    parentHash: toHex(payload.parentHash),
    feeRecipient: toHex(payload.feeRecipient),
    stateRoot: toHex(payload.stateRoot),
    receiptsRoot: toHex(payload.receiptsRoot),
    logsBloom: toHex(payload.logsBloom),
    prevRandao: toHex(payload.prevRandao),
    blockNumber: quantity(payload.blockNumber),
    gasLimit: quantity(payload.gasLimit),
    gasUsed: quantity(payload.gasUsed),
    timestamp: quantity(payload.timestamp),
    extraData: toHex(payload.extraData),
    baseFeePerGas: quantity(payload.baseFeePerGas),
    blockHash: toHex(payload.blockHash),
    transactions: payload.transactions.map((tx) => toHex(tx)),
  }
  if (payload.withdrawals !== undefined) {
    json.withdrawals = payload.withdrawals.map((w) => ({
      index: quantity(w.index),
      validatorIndex: quantity(w.validatorIndex),
      address: toHex(w.address),
      amount: quantity(w.amount),
    }))
  }
  if (payload.blobGasUsed !== undefined) json.blobGasUsed = quantity(payload.blobGasUsed)
  if (payload.excessBlobGas !== undefined) json.excessBlobGas = quantity(payload.excessBlobGas)
  if (payload.withdrawalsRoot !== undefined) json.withdrawalsRoot = toHex(payload.withdrawalsRoot)
  return json
}

/**
 * Engine API JSON → payload, validating every field like geth's `hexutil` unmarshalers: fixed-size data has its
 * exact length, quantities are `0x` + minimal hex digits (no leading zeros, `0x0` for zero) within range, extraData at
 * most 32 bytes. `null` optional fields count as absent.
 *
 * @throws DecodeError with a {@link PayloadJsonErrorCode}.
 */
export function executionPayloadFromJson(json: unknown): ExecutionPayload {
  const o = asObject(json, 'executionPayload')
  const payload: ExecutionPayload = {
    parentHash: data(o, 'parentHash', 32),
    feeRecipient: data(o, 'feeRecipient', 20),
    stateRoot: data(o, 'stateRoot', 32),
    receiptsRoot: data(o, 'receiptsRoot', 32),
    logsBloom: data(o, 'logsBloom', 256),
    prevRandao: data(o, 'prevRandao', 32),
    blockNumber: safe(o, 'blockNumber'),
    gasLimit: uint(o, 'gasLimit', U64_MAX),
    gasUsed: uint(o, 'gasUsed', U64_MAX),
    timestamp: safe(o, 'timestamp'),
    extraData: data(o, 'extraData', undefined, 32),
    baseFeePerGas: uint(o, 'baseFeePerGas', U256_MAX),
    blockHash: data(o, 'blockHash', 32),
    transactions: list(o, 'transactions').map((tx, i) => hexData(tx, `transactions[${i}]`)),
  }
  if (present(o, 'withdrawals')) {
    payload.withdrawals = list(o, 'withdrawals').map((w, i) => withdrawal(w, `withdrawals[${i}]`))
  }
  if (present(o, 'blobGasUsed')) payload.blobGasUsed = uint(o, 'blobGasUsed', U64_MAX)
  if (present(o, 'excessBlobGas')) payload.excessBlobGas = uint(o, 'excessBlobGas', U64_MAX)
  if (present(o, 'withdrawalsRoot')) payload.withdrawalsRoot = data(o, 'withdrawalsRoot', 32)
  return payload
}

/**
 * Envelope JSON → `{ payload, parentBeaconBlockRoot? }`.
 *
 * @throws DecodeError with a {@link PayloadJsonErrorCode}.
 */
export function executionPayloadEnvelopeFromJson(json: unknown): {
  payload: ExecutionPayload
  parentBeaconBlockRoot?: Uint8Array
} {
  const o = asObject(json, 'envelope')
  if (!present(o, 'executionPayload')) {
    throw new DecodeError('payload-json-missing-field', 'envelope has no executionPayload')
  }
  const payload = executionPayloadFromJson(o.executionPayload)
  return present(o, 'parentBeaconBlockRoot')
    ? { payload, parentBeaconBlockRoot: data(o, 'parentBeaconBlockRoot', 32) }
    : { payload }
}

/** Minimal `0x` quantity of a non-negative integer. */
function quantity(value: bigint | number): Hex {
  return `0x${value.toString(16)}`
}

type Obj = Record<string, unknown>

function asObject(value: unknown, what: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DecodeError('payload-json-not-object', `${what} is not a JSON object`)
  }
  return value as Obj
}

function present(o: Obj, key: string): boolean {
  return o[key] !== undefined && o[key] !== null
}

function field(o: Obj, key: string): unknown {
  if (!present(o, key)) throw new DecodeError('payload-json-missing-field', `missing ${key}`)
  return o[key]
}

function invalid(key: string, why: string): DecodeError<PayloadJsonErrorCode> {
  return new DecodeError('payload-json-invalid-field', `${key}: ${why}`)
}

function hexData(value: unknown, key: string, size?: number, max?: number): Uint8Array {
  if (typeof value !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(value)) throw invalid(key, 'not 0x hex data')
  const n = (value.length - 2) / 2
  if (size !== undefined && n !== size) throw invalid(key, `expected ${size} bytes, got ${n}`)
  if (max !== undefined && n > max) throw invalid(key, `more than ${max} bytes`)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = Number.parseInt(value.slice(2 + 2 * i, 4 + 2 * i), 16)
  return out
}

function data(o: Obj, key: string, size?: number, max?: number): Uint8Array {
  return hexData(field(o, key), key, size, max)
}

function quantityValue(value: unknown, key: string, max: bigint): bigint {
  if (typeof value !== 'string' || !/^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/.test(value)) {
    throw invalid(key, 'not a minimal 0x quantity')
  }
  if (value.length > 66) throw invalid(key, 'quantity too large')
  const v = BigInt(value)
  if (v > max) throw invalid(key, `quantity ${v} out of range`)
  return v
}

function uint(o: Obj, key: string, max: bigint): bigint {
  return quantityValue(field(o, key), key, max)
}

function safe(o: Obj, key: string): number {
  return Number(uint(o, key, BigInt(Number.MAX_SAFE_INTEGER)))
}

function list(o: Obj, key: string): unknown[] {
  const v = field(o, key)
  if (!Array.isArray(v)) throw invalid(key, 'not an array')
  return v
}

function withdrawal(value: unknown, key: string): Withdrawal {
  const w = asObject(value, key)
  return {
    index: quantityValue(field(w, 'index'), `${key}.index`, U64_MAX),
    validatorIndex: quantityValue(field(w, 'validatorIndex'), `${key}.validatorIndex`, U64_MAX),
    address: hexData(field(w, 'address'), `${key}.address`, 20),
    amount: quantityValue(field(w, 'amount'), `${key}.amount`, U64_MAX),
  }
}
