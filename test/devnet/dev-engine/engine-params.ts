/**
 * Engine API request parameters: JSON → typed values, with geth's `hexutil` strictness (fixed-size data has its exact
 * length, quantities are minimal `0x` hex). Malformed input throws -32602 as geth's unmarshalling does.
 * Shapes: execution-apis `src/engine/{paris,shanghai,cancun}.md`; OP extensions in PROTOCOL.md §3 and §2.9.6.
 */
import { type Hex } from '../../../shared/bytes.ts'
import type { PayloadAttributes } from '../../../shared/deriver/types.ts'
import { invalidParams } from './engine-rules.ts'

export type ForkchoiceState = { head: Hex; safe: Hex; finalized: Hex }

/**
 * Attributes as sent; `gasLimit` and `withdrawals` may be missing or wrong here, the fork rules decide what that
 * means. Absent and `null` are the same, as for geth's pointer fields.
 */
export type RequestedAttributes = Omit<PayloadAttributes, 'gasLimit' | 'withdrawals'> & {
  gasLimit?: bigint
  withdrawals?: unknown[]
}

type Obj = Record<string, unknown>

export function parseForkchoiceState(value: unknown): ForkchoiceState {
  const o = object(value, 'forkchoiceState')
  return {
    head: data(o.headBlockHash, 'headBlockHash', 32),
    safe: data(o.safeBlockHash, 'safeBlockHash', 32),
    finalized: data(o.finalizedBlockHash, 'finalizedBlockHash', 32),
  }
}

/** `null`/absent → undefined. */
export function parseAttributes(value: unknown): RequestedAttributes | undefined {
  if (value === undefined || value === null) return undefined
  const o = object(value, 'payloadAttributes')
  const attrs: RequestedAttributes = {
    timestamp: Number(quantity(o.timestamp, 'timestamp', BigInt(Number.MAX_SAFE_INTEGER))),
    prevRandao: data(o.prevRandao, 'prevRandao', 32),
    suggestedFeeRecipient: data(o.suggestedFeeRecipient, 'suggestedFeeRecipient', 20),
    transactions: present(o.transactions) ? list(o.transactions, 'transactions').map((t, i) => data(t, `transactions[${i}]`)) : [],
    noTxPool: o.noTxPool === true,
  }
  if (present(o.noTxPool) && typeof o.noTxPool !== 'boolean') throw invalidParams('noTxPool is not a bool')
  if (present(o.withdrawals)) attrs.withdrawals = list(o.withdrawals, 'withdrawals')
  if (present(o.gasLimit)) attrs.gasLimit = quantity(o.gasLimit, 'gasLimit', U64_MAX)
  if (present(o.parentBeaconBlockRoot)) attrs.parentBeaconBlockRoot = data(o.parentBeaconBlockRoot, 'parentBeaconBlockRoot', 32)
  if (present(o.eip1559Params)) attrs.eip1559Params = data(o.eip1559Params, 'eip1559Params')
  // op-geth reads minBaseFee as a plain JSON number (`*uint64` without a hex codec), not a 0x quantity.
  if (present(o.minBaseFee)) {
    const v = o.minBaseFee
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw invalidParams('minBaseFee must be a JSON number')
    attrs.minBaseFee = BigInt(v)
  }
  return attrs
}

/** An 8-byte payload id. */
export function parsePayloadId(value: unknown): Hex {
  return data(value, 'payloadId', 8)
}

/** `expectedBlobVersionedHashes` (V3+): must be an array of 32-byte hashes. */
export function parseVersionedHashes(value: unknown): Hex[] {
  if (!Array.isArray(value)) throw invalidParams('nil versionedHashes post-cancun')
  return value.map((h, i) => data(h, `versionedHashes[${i}]`, 32))
}

/** `executionRequests` (V4): an array of byte strings; OP chains carry none. */
export function parseExecutionRequests(value: unknown): Hex[] {
  if (!Array.isArray(value)) throw invalidParams('nil executionRequests post-prague')
  return value.map((r, i) => data(r, `executionRequests[${i}]`))
}

export function present(v: unknown): boolean {
  return v !== undefined && v !== null
}

const U64_MAX = (1n << 64n) - 1n

function object(value: unknown, what: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidParams(`${what} is not an object`)
  return value as Obj
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw invalidParams(`${what} is not an array`)
  return value
}

/** Lowercase `0x` data, optionally of an exact byte length. */
export function data(value: unknown, what: string, size?: number): Hex {
  if (typeof value !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(value)) throw invalidParams(`${what} is not 0x hex data`)
  if (size !== undefined && value.length !== 2 + 2 * size) throw invalidParams(`${what} must be ${size} bytes`)
  return value.toLowerCase() as Hex
}

export function quantity(value: unknown, what: string, max: bigint): bigint {
  if (typeof value !== 'string' || !/^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/.test(value)) {
    throw invalidParams(`${what} is not a minimal 0x quantity`)
  }
  const v = BigInt(value)
  if (v > max) throw invalidParams(`${what} out of range`)
  return v
}
