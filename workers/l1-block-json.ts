/**
 * Read and check the JSON an L1 execution RPC returns — blocks with full transactions, logs, receipts — into the
 * deriver's input types (shared/deriver/types.ts). Every header is re-hashed; in verified mode the transaction,
 * withdrawal and receipt roots are checked too (shared/protocol/header-hash.ts `verifyL1BlockRoots`, as op-node does
 * for an untrusted RPC). Any failure is an {@link L1SourceError}; nothing is trusted that the checks do not bind,
 * except each transaction's `from` outside verified mode.
 */
import { bytesEqual, fromHex, type Hex, toHex } from '../shared/bytes.ts'
import type { L1BlockInfo, L1Log, L1Transaction } from '../shared/deriver/types.ts'
import { DecodeError } from '../shared/errors.ts'
import { type BlockHeader, hashHeader, headerFromRpcBlock, verifyL1BlockRoots } from '../shared/protocol/header-hash.ts'
import { L1SourceError, type L1SourceErrorCode } from './l1-source-error.ts'

/** A checked block: what derivation reads plus what the source still checks (bloom) or needs (raw txs). */
export type ParsedL1Block = {
  info: L1BlockInfo
  transactions: L1Transaction[]
  logsBloom: Uint8Array
  /** EIP-2718 encodings, in verified mode only (for sender recovery). */
  encodedTransactions?: Uint8Array[]
}

/** A log from `eth_getLogs` (or a receipt) with the fields the range check needs. */
export type ParsedLog = { log: L1Log; blockNumber: number; removed: boolean }

type Obj = Record<string, unknown>

/**
 * Check one `eth_getBlockByNumber(n, true)` result. `receipts` (verified mode) are checked against `receiptsRoot`.
 * @param verified also check the transaction and withdrawal roots.
 */
export function parseL1Block(json: unknown, verified: boolean, receipts?: readonly unknown[]): ParsedL1Block {
  const { info, logsBloom, encodedTransactions } = checkHeader(json, verified, receipts)
  const txs = (json as Obj).transactions
  if (!Array.isArray(txs)) throw new L1SourceError('block-malformed', `L1 block ${info.number} has no transactions list`)
  const transactions = txs.map((tx, i) => parseTransaction(tx, `L1 block ${info.number} tx ${i}`))
  const parsed: ParsedL1Block = { info, transactions, logsBloom }
  if (encodedTransactions !== undefined) parsed.encodedTransactions = encodedTransactions
  return parsed
}

/** Check the header of an `eth_getBlockBy*` result (with or without transactions): its hash must be `hash`. */
export function parseL1Header(json: unknown): L1BlockInfo {
  return checkHeader(json, false).info
}

function checkHeader(
  json: unknown,
  verified: boolean,
  receipts?: readonly unknown[],
): { info: L1BlockInfo; logsBloom: Uint8Array; encodedTransactions?: Uint8Array[] } {
  let header: BlockHeader
  let encodedTransactions: Uint8Array[] | undefined
  try {
    if (verified) {
      const checked = verifyL1BlockRoots(json, receipts)
      header = checked.header
      encodedTransactions = checked.transactions
    } else {
      header = headerFromRpcBlock(json)
    }
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e
    throw new L1SourceError(blockErrorCode(e.code), `L1 block ${describeBlock(json)}: ${e.message}`)
  }
  const claimed = hexField(json as Obj, 'hash', 'block-malformed', 32)
  const computed = hashHeader(header)
  if (!bytesEqual(claimed, computed)) {
    throw new L1SourceError('block-hash-mismatch', `L1 block ${header.number}: header hashes to ${toHex(computed)}, RPC said ${toHex(claimed)}`)
  }
  if (header.baseFeePerGas === undefined) throw new L1SourceError('block-malformed', `L1 block ${header.number} has no baseFeePerGas`)
  const info: L1BlockInfo = {
    hash: toHex(computed),
    number: header.number,
    parentHash: toHex(header.parentHash),
    timestamp: header.timestamp,
    baseFeePerGas: header.baseFeePerGas,
    mixHash: toHex(header.mixHash),
  }
  if (header.excessBlobGas !== undefined) info.excessBlobGas = header.excessBlobGas
  if (header.parentBeaconBlockRoot !== undefined) info.parentBeaconBlockRoot = toHex(header.parentBeaconBlockRoot)
  return { info, logsBloom: header.logsBloom, encodedTransactions }
}

/** One transaction object of a full block. Hashes only (a block fetched without `true`) are refused. */
function parseTransaction(json: unknown, at: string): L1Transaction {
  const t = object(json, at, 'block-malformed')
  const type = has(t, 'type') ? quantityField(t, 'type', 'block-malformed', at) : 0
  const tx: L1Transaction = {
    from: toHex(hexField(t, 'from', 'block-malformed', 20, at)),
    to: has(t, 'to') ? toHex(hexField(t, 'to', 'block-malformed', 20, at)) : null,
    type,
    input: toHex(hexField(t, has(t, 'input') ? 'input' : 'data', 'block-malformed', undefined, at)),
  }
  if (has(t, 'blobVersionedHashes')) {
    const list = t.blobVersionedHashes
    if (!Array.isArray(list)) throw new L1SourceError('block-malformed', `${at}: blobVersionedHashes is not a list`)
    tx.blobVersionedHashes = list.map((h, n) => toHex(hexValue(h, 'block-malformed', 32, `${at} blob hash ${n}`)))
  }
  return tx
}

/** One `eth_getLogs` entry. */
export function parseLog(json: unknown, at: string): ParsedLog {
  const l = object(json, at, 'log-malformed')
  const topicsJson = l.topics
  if (!Array.isArray(topicsJson)) throw new L1SourceError('log-malformed', `${at}: topics is not a list`)
  const log: L1Log = {
    address: toHex(hexField(l, 'address', 'log-malformed', 20, at)),
    topics: topicsJson.map((t, n) => toHex(hexValue(t, 'log-malformed', 32, `${at} topic ${n}`))),
    data: toHex(hexField(l, 'data', 'log-malformed', undefined, at)),
    logIndex: quantityField(l, 'logIndex', 'log-malformed', at),
    blockHash: toHex(hexField(l, 'blockHash', 'log-malformed', 32, at)),
  }
  if (has(l, 'transactionIndex')) log.transactionIndex = quantityField(l, 'transactionIndex', 'log-malformed', at)
  return { log, blockNumber: quantityField(l, 'blockNumber', 'log-malformed', at), removed: l.removed === true }
}

/**
 * Every log of `receipts` (already checked against the block's receipts root) whose address is in `addresses`.
 * `logIndex` is counted here, across the block, rather than read from the JSON: the root does not bind it.
 */
export function logsFromReceipts(receipts: readonly unknown[], blockHash: Hex, addresses: ReadonlySet<string>): L1Log[] {
  const out: L1Log[] = []
  let logIndex = 0
  receipts.forEach((r, i) => {
    const receipt = object(r, `receipt ${i}`, 'block-malformed')
    const logs = receipt.logs
    if (!Array.isArray(logs)) throw new L1SourceError('block-malformed', `receipt ${i} has no logs list`)
    for (const entry of logs) {
      const at = `receipt ${i} log ${logIndex}`
      const l = object(entry, at, 'log-malformed')
      const address = toHex(hexField(l, 'address', 'log-malformed', 20, at))
      if (addresses.has(address)) {
        const topics = Array.isArray(l.topics) ? l.topics : []
        out.push({
          address,
          topics: topics.map((t, n) => toHex(hexValue(t, 'log-malformed', 32, `${at} topic ${n}`))),
          data: toHex(hexField(l, 'data', 'log-malformed', undefined, at)),
          logIndex,
          blockHash,
          transactionIndex: i,
        })
      }
      logIndex++
    }
  })
  return out
}

function blockErrorCode(code: string): L1SourceErrorCode {
  if (code === 'l1-block-hash-mismatch') return 'block-hash-mismatch'
  if (code.endsWith('-root-mismatch') || code === 'l1-block-receipts-count-mismatch') return 'block-roots-mismatch'
  return 'block-malformed'
}

function describeBlock(json: unknown): string {
  const n = typeof json === 'object' && json !== null ? (json as Obj).number : undefined
  return typeof n === 'string' && /^0x[0-9a-f]{1,13}$/i.test(n) ? String(Number(n)) : '(unknown number)'
}

// ---- field readers: every failure is an L1SourceError with the caller's code ----

function has(o: Obj, key: string): boolean {
  return o[key] !== undefined && o[key] !== null
}

function object(v: unknown, at: string, code: L1SourceErrorCode): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new L1SourceError(code, `${at} is not a JSON object`)
  return v as Obj
}

function hexValue(v: unknown, code: L1SourceErrorCode, size: number | undefined, at: string): Uint8Array {
  if (typeof v !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(v)) throw new L1SourceError(code, `${at} is not 0x hex`)
  const b = fromHex(v)
  if (size !== undefined && b.length !== size) throw new L1SourceError(code, `${at} is ${b.length} bytes, expected ${size}`)
  return b
}

function hexField(o: Obj, key: string, code: L1SourceErrorCode, size?: number, at = ''): Uint8Array {
  return hexValue(o[key], code, size, at === '' ? key : `${at} ${key}`)
}

/** A `0x` quantity that fits a JS number (indices, block numbers, types). */
function quantityField(o: Obj, key: string, code: L1SourceErrorCode, at: string): number {
  const v = o[key]
  if (typeof v === 'string' && /^0x[0-9a-fA-F]{1,13}$/.test(v)) return Number.parseInt(v.slice(2), 16)
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v
  throw new L1SourceError(code, `${at} ${key} is not a quantity`)
}

/** `0x` quantity of a block number or tag for JSON-RPC params. */
export function quantityHex(n: number): Hex {
  return `0x${n.toString(16)}`
}

/** Read a top-level `0x` quantity result (`eth_chainId`). */
export function parseQuantity(v: unknown, what: string): number {
  return quantityField({ v }, 'v', 'rpc-malformed', what)
}
