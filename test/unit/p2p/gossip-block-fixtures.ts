/**
 * Real, signed gossip blocks for the p2p validation tests: payloads with consistent fields for their topic version and
 * a block hash computed by the header hashing, signed with the devnet's unsafe-block signer key (anvil account 3).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { fromHex, keccak } from '../../../shared/bytes.ts'
import type { ExecutionPayload } from '../../../shared/codec/ssz-payload.ts'
import { devnetConfig } from '../../../shared/config/chains.ts'
import type { RollupConfig } from '../../../shared/config/rollup-config.ts'
import { encodeGossipBlock } from '../../../shared/p2p/encode-gossip-block.ts'
import type { GossipVersion } from '../../../shared/p2p/gossip-envelope.ts'
import { payloadBlockHash } from '../../../shared/protocol/header-hash.ts'
import { prng, randomBytes } from '../../support/random.ts'

/** anvil's account 3, the devnet's `unsafeBlockSigner`. */
export const SEQUENCER_KEY = fromHex('0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6')
export const OTHER_KEY = fromHex(`0x${'11'.repeat(32)}`)

/** The address of a private key: keccak256 of the uncompressed public key, last 20 bytes. */
export function addressOf(privateKey: Uint8Array): Uint8Array {
  return keccak(secp256k1.getPublicKey(privateKey, false).subarray(1)).slice(12)
}

/** Devnet (every fork at 0) unless `forks` says otherwise. */
export function configWith(forks?: RollupConfig['forks']): RollupConfig {
  const base = devnetConfig()
  return forks === undefined ? base : { ...base, forks }
}

/** Fork schedules putting a timestamp of 1_000_000 on each topic version, Jovian not active. */
export const FORKS_AT_VERSION: Record<GossipVersion, RollupConfig['forks']> = {
  1: { regolith: 0 },
  2: { regolith: 0, canyon: 0, delta: 0 },
  3: { regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0 },
  4: { regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0, isthmus: 0 },
}

export type BlockSpec = {
  version: GossipVersion
  number?: number
  timestamp?: number
  /** Distinguishes blocks at one height. */
  seed?: number
  /** Field overrides applied before the block hash is computed. */
  fields?: Partial<ExecutionPayload>
}

/** A payload of layout `version` that passes every field rule, with its real block hash (and beacon root for v3+). */
export function validPayload(spec: BlockSpec): { payload: ExecutionPayload; parentBeaconBlockRoot?: Uint8Array } {
  const rand = prng(spec.seed ?? 1)
  const payload: ExecutionPayload = {
    parentHash: randomBytes(rand, 32),
    feeRecipient: fromHex('0x4200000000000000000000000000000000000011'),
    stateRoot: randomBytes(rand, 32),
    receiptsRoot: randomBytes(rand, 32),
    logsBloom: new Uint8Array(256),
    prevRandao: randomBytes(rand, 32),
    blockNumber: spec.number ?? 100,
    gasLimit: 60_000_000n,
    gasUsed: 46_913n,
    timestamp: spec.timestamp ?? 1_000_000,
    extraData: spec.version >= 4 ? fromHex('0x000000003200000006') : new Uint8Array(0),
    baseFeePerGas: 1_000_000_007n,
    blockHash: new Uint8Array(32),
    transactions: [randomBytes(rand, 120), randomBytes(rand, 7)],
  }
  if (spec.version >= 2) payload.withdrawals = []
  if (spec.version >= 3) {
    payload.blobGasUsed = 0n
    payload.excessBlobGas = 0n
  }
  if (spec.version >= 4) payload.withdrawalsRoot = randomBytes(rand, 32)
  Object.assign(payload, spec.fields)
  const parentBeaconBlockRoot = spec.version >= 3 ? randomBytes(rand, 32) : undefined
  payload.blockHash = payloadBlockHash(payload, parentBeaconBlockRoot)
  return { payload, parentBeaconBlockRoot }
}

/** A signed, snappy-compressed message for `spec` on its topic version. */
export function signedBlock(
  spec: BlockSpec & { key?: Uint8Array; config?: RollupConfig; blockHash?: Uint8Array },
): { data: Uint8Array; payload: ExecutionPayload; parentBeaconBlockRoot?: Uint8Array } {
  const { payload, parentBeaconBlockRoot } = validPayload(spec)
  if (spec.blockHash !== undefined) payload.blockHash = spec.blockHash
  const { data } = encodeGossipBlock({
    config: spec.config ?? configWith(),
    privateKey: spec.key ?? SEQUENCER_KEY,
    payload,
    parentBeaconBlockRoot,
    version: spec.version,
  })
  return { data, payload, parentBeaconBlockRoot }
}
