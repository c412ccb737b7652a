/**
 * Parsers for JSON-RPC objects given to the CLI (blocks, transactions, logs): quantities as 0x hex or plain numbers,
 * every field checked, one clear message per problem.
 */
import type { Hex } from '../shared/bytes.ts'
import type { L1BlockInfo, L1Log, L1Transaction } from '../shared/deriver/types.ts'
import { quantity, UsageError } from './args.ts'

export function obj(v: unknown, what: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new UsageError(`${what}: expected a JSON object`)
  return v as Record<string, unknown>
}

export function hexField(o: Record<string, unknown>, key: string, what: string, size?: number): Hex {
  const v = o[key]
  if (typeof v !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(v)) throw new UsageError(`${what}.${key}: expected 0x hex`)
  if (size !== undefined && v.length !== 2 + 2 * size) throw new UsageError(`${what}.${key}: expected ${size} bytes`)
  return v.toLowerCase() as Hex
}

export function num(o: Record<string, unknown>, key: string, what: string): number {
  const v = quantity(o[key], `${what}.${key}`)
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new UsageError(`${what}.${key}: too large`)
  return Number(v)
}

export function l1HeaderFromRpc(v: unknown, what: string): L1BlockInfo {
  const o = obj(v, what)
  const header: L1BlockInfo = {
    hash: hexField(o, 'hash', what, 32),
    number: num(o, 'number', what),
    parentHash: hexField(o, 'parentHash', what, 32),
    timestamp: num(o, 'timestamp', what),
    baseFeePerGas: o.baseFeePerGas === undefined || o.baseFeePerGas === null ? 0n : quantity(o.baseFeePerGas, `${what}.baseFeePerGas`),
    mixHash: hexField(o, o.mixHash !== undefined ? 'mixHash' : 'prevRandao', what, 32),
  }
  if (o.excessBlobGas !== undefined && o.excessBlobGas !== null) header.excessBlobGas = quantity(o.excessBlobGas, `${what}.excessBlobGas`)
  if (o.parentBeaconBlockRoot !== undefined && o.parentBeaconBlockRoot !== null) {
    header.parentBeaconBlockRoot = hexField(o, 'parentBeaconBlockRoot', what, 32)
  }
  return header
}

export function l1TxFromRpc(v: unknown, what: string): L1Transaction {
  const o = obj(v, what)
  const type = o.type === undefined || o.type === null ? 0 : Number(quantity(o.type, `${what}.type`))
  const input = o.input !== undefined ? hexField(o, 'input', what) : o.data !== undefined ? hexField(o, 'data', what) : ('0x' as Hex)
  const tx: L1Transaction = {
    from: hexField(o, 'from', what, 20),
    to: o.to === null || o.to === undefined ? null : hexField(o, 'to', what, 20),
    type,
    input,
  }
  if (Array.isArray(o.blobVersionedHashes)) {
    tx.blobVersionedHashes = o.blobVersionedHashes.map((h, i) => {
      if (typeof h !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(h)) throw new UsageError(`${what}.blobVersionedHashes[${i}]: expected 32 bytes of hex`)
      return h.toLowerCase() as Hex
    })
  }
  return tx
}

export function logFromRpc(v: unknown, what: string): L1Log {
  const o = obj(v, what)
  if (!Array.isArray(o.topics)) throw new UsageError(`${what}.topics: expected an array`)
  return {
    address: hexField(o, 'address', what, 20),
    topics: o.topics.map((t, i) => {
      if (typeof t !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(t)) throw new UsageError(`${what}.topics[${i}]: expected 32 bytes of hex`)
      return t.toLowerCase() as Hex
    }),
    data: hexField(o, 'data', what),
    logIndex: num(o, 'logIndex', what),
    blockHash: hexField(o, 'blockHash', what, 32),
  }
}
