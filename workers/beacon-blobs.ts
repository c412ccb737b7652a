/**
 * Blobs of an L1 block from the beacon API (PROTOCOL.md §2.2; op-node `sources/l1_beacon_client.go`). For each beacon
 * URL in order: `GET /eth/v1/beacon/blobs/{block_id}?versioned_hashes=…` (post-Fulu), then the deprecated
 * `GET /eth/v1/beacon/blob_sidecars/{block_id}`. Every blob is checked against its versioned hash by recomputing its
 * KZG commitment (the spec's "blobs MUST be verified if the source is untrusted") unless `trustBlobs`.
 *
 * `block_id` is the slot, `(timestamp − genesis_time) / secondsPerSlot`, with genesis from `/eth/v1/beacon/genesis`
 * (fetched once, then kept) unless given. anvil's beacon API takes an EL block number or hash instead
 * (PLATFORM-NOTES.md §4): choose it with `blockId: 'number' | 'hash'`.
 */
import { fromHex, type Hex } from '../shared/bytes.ts'
import { blobVersionedHash, commitmentToVersionedHash } from './blob-commitment.ts'
import { L1SourceError, type L1SourceErrorCode, withFailover } from './l1-source-error.ts'
import { redactUrl } from './redact.ts'
import { excerpt, type FetchLike, type L1Metrics, requestUpstream } from './upstream-http.ts'

/** The L1 block whose blobs are wanted. */
export type BlobBlock = { number: number; hash: Hex; timestamp: number }

/** How the beacon node names a block: the consensus slot (real beacon nodes), or anvil's EL number/hash. */
export type BeaconBlockId = 'slot' | 'number' | 'hash'

export type BeaconBlobSourceParameters = {
  urls: readonly string[]
  fetch: FetchLike
  /** Beacon genesis time (unix s); fetched from the first beacon URL that answers when absent. */
  beaconGenesisTime?: number
  /** Default 12. */
  secondsPerSlot?: number
  /** Default `'slot'`. */
  blockId?: BeaconBlockId
  /** Skip KZG verification: for a beacon node the operator runs and trusts. */
  trustBlobs?: boolean
  /** Per request; default 30 s. */
  timeoutMs?: number
  metrics?: L1Metrics
}

export type BeaconBlobSource = {
  /**
   * The blobs with these versioned hashes, keyed by lowercase versioned hash. All of them or an
   * {@link L1SourceError} (`blob-missing`, `blob-invalid`, …): never a partial map.
   */
  fetchBlobs(block: BlobBlock, versionedHashes: readonly Hex[]): Promise<Record<string, Hex>>
}

const BLOB_HEX_LENGTH = 2 + 2 * 131_072
const BLOB_HEX = /^0x[0-9a-fA-F]*$/

export function createBeaconBlobSource(p: BeaconBlobSourceParameters): BeaconBlobSource {
  const secondsPerSlot = p.secondsPerSlot ?? 12
  const timeoutMs = p.timeoutMs ?? 30_000
  let genesisTime = p.beaconGenesisTime

  async function get(url: string, path: string, method: string): Promise<unknown> {
    const { status, text } = await requestUpstream({
      fetch: p.fetch,
      base: url,
      path,
      init: { method: 'GET', headers: { accept: 'application/json' } },
      timeoutMs,
      metric: { call: 'fetchBlobs', target: 'beacon', method, items: 1 },
      metrics: p.metrics,
    })
    if (status !== 200) {
      throw new L1SourceError('http-status', `beacon ${method} at ${redactUrl(url)} answered HTTP ${status}`, {
        details: excerpt(text, url),
      })
    }
    try {
      return JSON.parse(text)
    } catch {
      throw new L1SourceError('beacon-malformed', `beacon ${method} at ${redactUrl(url)}: answer is not JSON`)
    }
  }

  async function blockIdOf(url: string, block: BlobBlock): Promise<string> {
    switch (p.blockId ?? 'slot') {
      case 'number':
        return String(block.number)
      case 'hash':
        return block.hash
      case 'slot': {
        if (genesisTime === undefined) {
          const data = dataOf(await get(url, '/eth/v1/beacon/genesis', 'genesis'), url) as { genesis_time?: unknown }
          const t = typeof data === 'object' && data !== null ? Number(data.genesis_time) : Number.NaN
          if (!Number.isSafeInteger(t) || t < 0) throw new L1SourceError('beacon-malformed', `beacon genesis at ${redactUrl(url)} has no genesis_time`)
          genesisTime = t
        }
        if (block.timestamp < genesisTime) {
          throw new L1SourceError('blob-missing', `L1 block ${block.number} precedes the beacon genesis time ${genesisTime}`)
        }
        return String(Math.floor((block.timestamp - genesisTime) / secondsPerSlot))
      }
    }
  }

  /** Post-Fulu route: the node filters by versioned hash and returns bare blobs in block order. */
  async function viaBlobs(url: string, id: string, wanted: readonly Hex[]): Promise<Record<string, Hex>> {
    const query = wanted.map((h) => `versioned_hashes=${h}`).join('&')
    const list = dataOf(await get(url, `/eth/v1/beacon/blobs/${id}?${query}`, 'blobs'), url)
    if (!Array.isArray(list)) throw new L1SourceError('beacon-malformed', `beacon blobs at ${redactUrl(url)}: data is not a list`)
    // Fewer than asked: some servers keep one of the repeated `versioned_hashes` keys (anvil 1.7.1 reads the query
    // into a map). Ask for the whole block and pick the wanted blobs by their recomputed versioned hashes.
    if (list.length < wanted.length && wanted.length > 1) return viaUnfilteredBlobs(url, id, wanted)
    if (list.length !== wanted.length) {
      throw new L1SourceError('blob-missing', `beacon blobs at ${redactUrl(url)} for block ${id}: expected ${wanted.length}, got ${list.length}`)
    }
    const out: Record<string, Hex> = {}
    for (const [i, item] of list.entries()) {
      const blob = blobHex(item, url)
      // Trusted: the spec orders the answer by the blobs' position in the block, which is the order asked for.
      const hash = p.trustBlobs ? wanted[i] : await blobVersionedHash(blob)
      if (hash === undefined || !wanted.includes(hash)) {
        throw new L1SourceError('blob-invalid', `beacon blobs at ${redactUrl(url)} for block ${id}: blob ${i} matches no requested versioned hash`)
      }
      out[hash] = blob
    }
    return complete(out, wanted, url, id)
  }

  /** Every blob of the block, matched to the wanted hashes by KZG (even when trusted: nothing else maps them). */
  async function viaUnfilteredBlobs(url: string, id: string, wanted: readonly Hex[]): Promise<Record<string, Hex>> {
    const list = dataOf(await get(url, `/eth/v1/beacon/blobs/${id}`, 'blobs'), url)
    if (!Array.isArray(list)) throw new L1SourceError('beacon-malformed', `beacon blobs at ${redactUrl(url)}: data is not a list`)
    const out: Record<string, Hex> = {}
    for (const item of list) {
      const blob = blobHex(item, url)
      const hash = await blobVersionedHash(blob)
      if (hash !== undefined && wanted.includes(hash)) out[hash] = blob
    }
    return complete(out, wanted, url, id)
  }

  /** Pre-Fulu route: sidecars carry their commitment; only wanted ones are recomputed. */
  async function viaSidecars(url: string, id: string, wanted: readonly Hex[]): Promise<Record<string, Hex>> {
    const list = dataOf(await get(url, `/eth/v1/beacon/blob_sidecars/${id}`, 'blob_sidecars'), url)
    if (!Array.isArray(list)) throw new L1SourceError('beacon-malformed', `beacon blob_sidecars at ${redactUrl(url)}: data is not a list`)
    const out: Record<string, Hex> = {}
    for (const item of list) {
      const sc = (typeof item === 'object' && item !== null ? item : {}) as { blob?: unknown; kzg_commitment?: unknown }
      const c = sc.kzg_commitment
      if (typeof c !== 'string' || !/^0x[0-9a-fA-F]{96}$/.test(c)) {
        throw new L1SourceError('beacon-malformed', `beacon blob_sidecars at ${redactUrl(url)}: sidecar without a 48-byte kzg_commitment`)
      }
      const claimed = commitmentToVersionedHash(fromHex(c))
      if (!wanted.includes(claimed) || out[claimed] !== undefined) continue
      const blob = blobHex(sc.blob, url)
      if (!p.trustBlobs && (await blobVersionedHash(blob)) !== claimed) {
        throw new L1SourceError('blob-invalid', `beacon blob_sidecars at ${redactUrl(url)} for block ${id}: blob does not match its commitment ${claimed}`)
      }
      out[claimed] = blob
    }
    return complete(out, wanted, url, id)
  }

  async function fromEndpoint(url: string, block: BlobBlock, wanted: readonly Hex[]): Promise<Record<string, Hex>> {
    const id = await blockIdOf(url, block)
    let first: L1SourceError
    try {
      return await viaBlobs(url, id, wanted)
    } catch (e) {
      if (!(e instanceof L1SourceError)) throw e
      first = e
    }
    try {
      return await viaSidecars(url, id, wanted)
    } catch (e) {
      if (!(e instanceof L1SourceError)) throw e
      throw new L1SourceError(worse(first.code, e.code), `${first.shortMessage}; then ${e.shortMessage}`, { cause: e })
    }
  }

  return {
    async fetchBlobs(block, versionedHashes) {
      const wanted = [...new Set(versionedHashes.map((h) => h.toLowerCase() as Hex))]
      if (wanted.length === 0) return {}
      return withFailover(p.urls, (url) => fromEndpoint(url, block, wanted), redactUrl)
    },
  }
}

/** `data` of a beacon API answer. */
function dataOf(json: unknown, url: string): unknown {
  if (typeof json !== 'object' || json === null || !('data' in json)) {
    throw new L1SourceError('beacon-malformed', `beacon answer from ${redactUrl(url)} has no data`)
  }
  return (json as { data: unknown }).data
}

function blobHex(v: unknown, url: string): Hex {
  if (typeof v !== 'string' || v.length !== BLOB_HEX_LENGTH || !BLOB_HEX.test(v)) {
    throw new L1SourceError('beacon-malformed', `beacon answer from ${redactUrl(url)}: blob is not 131072 bytes of 0x hex`)
  }
  return v.toLowerCase() as Hex
}

function complete(out: Record<string, Hex>, wanted: readonly Hex[], url: string, id: string): Record<string, Hex> {
  const missing = wanted.filter((h) => out[h] === undefined)
  if (missing.length > 0) {
    throw new L1SourceError('blob-missing', `beacon at ${redactUrl(url)} has no blob ${missing[0]} for block ${id} (${missing.length} missing)`)
  }
  return out
}

/** The more telling of two route failures: a bad blob over a missing one over anything else. */
function worse(a: L1SourceErrorCode, b: L1SourceErrorCode): L1SourceErrorCode {
  for (const code of ['blob-invalid', 'blob-missing'] as const) if (a === code || b === code) return code
  return a
}
