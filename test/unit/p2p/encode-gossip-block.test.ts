import { uncompress } from 'snappyjs'
import { describe, expect, it } from 'vitest'
import { concatBytes } from '../../../shared/bytes.ts'
import { encodeExecutionPayload } from '../../../shared/codec/ssz-payload.ts'
import { encodeGossipBlock } from '../../../shared/p2p/encode-gossip-block.ts'
import { recoverSigner, signingHash } from '../../../shared/p2p/signing-hash.ts'
import { addressOf, configWith, FORKS_AT_VERSION, SEQUENCER_KEY, validPayload } from './gossip-block-fixtures.ts'

describe('encodeGossipBlock', () => {
  it('default: v4 on the devnet — topic /3/, snappy(signature ‖ root ‖ SSZ), signed by the key', () => {
    const { payload, parentBeaconBlockRoot } = validPayload({ version: 4 })
    const out = encodeGossipBlock({ config: configWith(), privateKey: SEQUENCER_KEY, payload, parentBeaconBlockRoot })
    expect(out.version).toBe(4)
    expect(out.topic).toBe('/optimism/901/3/blocks')
    const signed = concatBytes(parentBeaconBlockRoot!, encodeExecutionPayload(payload, 4))
    expect(uncompress(out.data)).toEqual(concatBytes(out.signature, signed))
    expect(recoverSigner(out.signature, signingHash(901, signed))).toEqual(addressOf(SEQUENCER_KEY))
  })

  it('behavior: the version follows the payload timestamp (v1 before Canyon)', () => {
    const { payload } = validPayload({ version: 1 })
    const out = encodeGossipBlock({ config: configWith(FORKS_AT_VERSION[1]), privateKey: SEQUENCER_KEY, payload })
    expect([out.version, out.topic]).toEqual([1, '/optimism/901/0/blocks'])
    expect(uncompress(out.data).subarray(65)).toEqual(encodeExecutionPayload(payload, 1))
  })

  it('behavior: deterministic (RFC 6979) signatures', () => {
    const { payload, parentBeaconBlockRoot } = validPayload({ version: 3 })
    const config = configWith(FORKS_AT_VERSION[3])
    const a = encodeGossipBlock({ config, privateKey: SEQUENCER_KEY, payload, parentBeaconBlockRoot })
    const b = encodeGossipBlock({ config, privateKey: SEQUENCER_KEY, payload, parentBeaconBlockRoot })
    expect(a.data).toEqual(b.data)
  })

  it('error: a v3/v4 block without a beacon root', () => {
    const { payload } = validPayload({ version: 4 })
    expect(() => encodeGossipBlock({ config: configWith(), privateKey: SEQUENCER_KEY, payload })).toThrow(RangeError)
  })
})
