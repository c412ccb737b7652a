/**
 * L1 retrieval: the batcher data units of one L1 block, in block order (PROTOCOL.md §2.2;
 * https://specs.optimism.io/protocol/derivation.html#l1-retrieval,
 * https://specs.optimism.io/protocol/ecotone/derivation.html#ecotone-blob-retrieval; op-node `data_source.go`,
 * `calldata_source.go`, `blob_data_source.go`).
 */
import { fromHex, type Hex } from '../bytes.ts'
import { blobToData } from '../codec/blob.ts'
import { isActive } from '../config/forks.ts'
import type { RollupConfig } from '../config/rollup-config.ts'
import { DecodeError } from '../errors.ts'
import type { L1Input } from './types.ts'

/** Why a transaction or blob was not used. */
export type RetrievalSkipReason = 'blob-decode-failed'

export type RetrievalResult =
  | { kind: 'data'; units: Uint8Array[]; skipped: { txIndex: number; blobIndex?: number; reason: RetrievalSkipReason; detail: string }[] }
  /** A blob of a batcher transaction was not supplied: op-node treats this as a reset-class error (re-fetch). */
  | { kind: 'missing-blob'; txIndex: number; versionedHash: Hex }

/** Transaction types a batcher transaction may have ([Spec]; type 4 and others are ignored). */
const BATCHER_TX_TYPES = new Set([0, 1, 2, 3, 0x7e])

/**
 * The data units of `input` sent by `batcherAddress` to the chain's inbox.
 * Pre-Ecotone (by L1 block time) every batcher tx's calldata; from Ecotone blob txs contribute one data unit per blob
 * (their calldata is ignored) and other txs their calldata, all in one loop so block order is preserved.
 */
export function retrieveDataUnits(
  config: Pick<RollupConfig, 'forks' | 'batchInboxAddress'>,
  input: L1Input,
  batcherAddress: Hex,
): RetrievalResult {
  const inbox = config.batchInboxAddress.toLowerCase()
  const batcher = batcherAddress.toLowerCase()
  const ecotone = isActive(config, 'ecotone', input.header.timestamp)
  const units: Uint8Array[] = []
  const skipped: Extract<RetrievalResult, { kind: 'data' }>['skipped'] = []
  for (const [txIndex, tx] of input.transactions.entries()) {
    const isBatcherTx =
      tx.to !== null &&
      tx.to.toLowerCase() === inbox &&
      BATCHER_TX_TYPES.has(tx.type) &&
      tx.from.toLowerCase() === batcher
    if (!isBatcherTx) continue
    if (!ecotone || tx.type !== 3) {
      units.push(fromHex(tx.input))
      continue
    }
    for (const [blobIndex, hash] of (tx.blobVersionedHashes ?? []).entries()) {
      const blob = input.blobs?.[hash.toLowerCase()] ?? input.blobs?.[hash]
      if (blob === undefined) return { kind: 'missing-blob', txIndex, versionedHash: hash }
      try {
        units.push(blobToData(fromHex(blob)))
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e
        // A blob that does not decode is skipped; the next data unit continues (op-node `blob_data_source.go`).
        skipped.push({ txIndex, blobIndex, reason: 'blob-decode-failed', detail: `${e.code}: ${e.message}` })
      }
    }
  }
  return { kind: 'data', units, skipped }
}
