import { ENR } from '@chainsafe/enr'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { fromRlp } from 'viem'
import { describe, expect, it } from 'vitest'
import { OP_NODE_BOOTNODES } from '../../../gossip-relay/bootnodes.ts'
import {
  checkOpStackPeer,
  decodeOpStackEnrValue,
  encodeOpStackEnrEntry,
  encodeOpStackEnrValue,
  isOpStackPeer,
  OPSTACK_ENR_KEY,
} from '../../../gossip-relay/opstack-enr.ts'
import { fromHex, toHex } from '../../../shared/bytes.ts'
import { prng } from '../../support/random.ts'

// Real records: the Base bootnodes in op-node's DefaultBootnodes
// (ethereum-optimism/optimism@949cc5a7c248468c7544175720780b35b29c00aa:op-node/p2p/config.go). Base is chain 8453.
const BASE_ENRS = OP_NODE_BOOTNODES.filter((b) => b.startsWith('enr:'))

const record = (kvs: Record<string, unknown>) => ({ kvs: new Map(Object.entries(kvs)) })

function base64UrlBytes(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64url'))
}

describe('encodeOpStackEnrValue', () => {
  it('default', () => {
    expect(toHex(encodeOpStackEnrValue({ chainId: 10n, version: 0n }))).toBe('0x0a00')
    expect(toHex(encodeOpStackEnrValue({ chainId: 8453n, version: 0n }))).toBe('0x854200')
    expect(toHex(encodeOpStackEnrValue({ chainId: 11155420n, version: 0n }))).toBe('0xdcefa80500')
    expect(toHex(encodeOpStackEnrValue({ chainId: 84532n, version: 0n }))).toBe('0xb4940500')
  })

  it('args: uint64 max is ten varint bytes', () => {
    expect(toHex(encodeOpStackEnrValue({ chainId: (1n << 64n) - 1n, version: 1n }))).toBe(
      '0xffffffffffffffffff0101',
    )
  })

  it('error: outside uint64', () => {
    expect(() => encodeOpStackEnrValue({ chainId: 1n << 64n, version: 0n })).toThrow(RangeError)
    expect(() => encodeOpStackEnrValue({ chainId: -1n, version: 0n })).toThrow(RangeError)
  })
})

describe('encodeOpStackEnrEntry', () => {
  it('behavior: §5 the ENR item is an RLP byte string of uvarint(chain_id) ++ uvarint(0)', () => {
    expect(toHex(encodeOpStackEnrEntry({ chainId: 8453n, version: 0n }))).toBe('0x83854200')
    expect(toHex(encodeOpStackEnrEntry({ chainId: 10n, version: 0n }))).toBe('0x820a00')
  })
})

describe('decodeOpStackEnrValue', () => {
  it('default', () => {
    expect(decodeOpStackEnrValue(fromHex('0x854200'))).toEqual({ ok: true, data: { chainId: 8453n, version: 0n } })
  })

  it('behavior: trailing bytes are ignored (future entries may carry more data)', () => {
    expect(decodeOpStackEnrValue(fromHex('0x0a00ffee'))).toEqual({ ok: true, data: { chainId: 10n, version: 0n } })
  })

  it('behavior: non-minimal varints are accepted, like Go binary.ReadUvarint', () => {
    expect(decodeOpStackEnrValue(fromHex('0x8a0000'))).toEqual({ ok: true, data: { chainId: 10n, version: 0n } })
  })

  it('error: truncated chain id / version, overflow, not a byte string', () => {
    expect(decodeOpStackEnrValue(new Uint8Array())).toEqual({ ok: false, error: 'chain-id-truncated' })
    expect(decodeOpStackEnrValue(fromHex('0x85'))).toEqual({ ok: false, error: 'chain-id-truncated' })
    expect(decodeOpStackEnrValue(fromHex('0x0a'))).toEqual({ ok: false, error: 'version-truncated' })
    expect(decodeOpStackEnrValue(fromHex('0x0a80'))).toEqual({ ok: false, error: 'version-truncated' })
    // 10th byte > 1: more than 64 bits.
    expect(decodeOpStackEnrValue(fromHex('0xffffffffffffffffff0200'))).toEqual({ ok: false, error: 'varint-overflow' })
    // 11 continuation bytes.
    expect(decodeOpStackEnrValue(fromHex('0x8080808080808080808000'))).toEqual({ ok: false, error: 'varint-overflow' })
    expect(decodeOpStackEnrValue([fromHex('0x0a00')])).toEqual({ ok: false, error: 'not-bytes' })
  })

  it('behavior: round trip over random uint64 pairs', () => {
    const rand = prng(0x0b5)
    const u64 = () => {
      let x = 0n
      for (let i = 0; i < 8; i++) x = (x << 8n) | BigInt(Math.floor(rand() * 256))
      return x >> BigInt(Math.floor(rand() * 64))
    }
    for (let i = 0; i < 500; i++) {
      const data = { chainId: u64(), version: u64() }
      expect(decodeOpStackEnrValue(encodeOpStackEnrValue(data))).toEqual({ ok: true, data })
    }
  })
})

describe('checkOpStackPeer', () => {
  const value = (chainId: bigint, version = 0n) => encodeOpStackEnrValue({ chainId, version })

  it('behavior: §5 accept when the entry is present, the chain id equal and the version 0', () => {
    expect(checkOpStackPeer(record({ [OPSTACK_ENR_KEY]: value(10n) }), 10)).toEqual({
      accept: true,
      data: { chainId: 10n, version: 0n },
    })
    expect(isOpStackPeer(record({ [OPSTACK_ENR_KEY]: value(10n) }), 10n)).toBe(true)
  })

  it('behavior: §5 reject a record without the opstack entry', () => {
    expect(checkOpStackPeer(record({ eth: fromHex('0x00') }), 10)).toEqual({ accept: false, reason: 'missing' })
  })

  it('behavior: §5 reject another chain id', () => {
    expect(checkOpStackPeer(record({ [OPSTACK_ENR_KEY]: value(8453n) }), 10)).toEqual({
      accept: false,
      reason: 'chain-mismatch',
      chainId: 8453n,
    })
  })

  it('behavior: §5 reject a version other than 0', () => {
    expect(checkOpStackPeer(record({ [OPSTACK_ENR_KEY]: value(10n, 1n) }), 10)).toEqual({
      accept: false,
      reason: 'version-mismatch',
      version: 1n,
    })
  })

  it('error: malformed entry is a typed rejection, never a throw', () => {
    expect(checkOpStackPeer(record({ [OPSTACK_ENR_KEY]: fromHex('0x85') }), 10)).toEqual({
      accept: false,
      reason: 'malformed',
      error: 'chain-id-truncated',
    })
  })
})

describe('real ENRs (op-node bootnodes for Base)', () => {
  it('default: every Base bootnode carries opstack = (8453, 0) and passes the Base filter only', () => {
    expect(BASE_ENRS.length).toBe(5)
    for (const txt of BASE_ENRS) {
      const enr = ENR.decodeTxt(txt) // verifies the v4 signature
      expect(toHex(enr.kvs.get(OPSTACK_ENR_KEY) as Uint8Array)).toBe('0x854200')
      expect(checkOpStackPeer(enr, 8453)).toEqual({ accept: true, data: { chainId: 8453n, version: 0n } })
      expect(checkOpStackPeer(enr, 10)).toEqual({ accept: false, reason: 'chain-mismatch', chainId: 8453n })
      expect(enr.tcp).toBe(9222)
      expect(enr.udp).toBe(9222)
    }
  })

  it('behavior: the value stored in the signed record is the RLP byte string 0x83 85 42 00', () => {
    // ENR = rlp([signature, seq, k, v, k, v, …]); find the item after the key "opstack".
    const items = fromRlp(base64UrlBytes(BASE_ENRS[0].slice(4)), 'bytes') as Uint8Array[]
    const keyAt = items.findIndex((it) => Buffer.from(it).toString('utf8') === OPSTACK_ENR_KEY)
    expect(keyAt).toBeGreaterThan(1)
    expect(toHex(items[keyAt + 1])).toBe('0x854200')
    const raw = Buffer.from(base64UrlBytes(BASE_ENRS[0].slice(4))).toString('hex')
    expect(raw).toContain(`87${Buffer.from(OPSTACK_ENR_KEY).toString('hex')}83854200`)
  })

  it('behavior: the libp2p peer id of a record is the 16Uiu2… id of its secp256k1 key', () => {
    const enr = ENR.decodeTxt(BASE_ENRS[0])
    const expected = peerIdFromPublicKey(publicKeyFromRaw(enr.kvs.get('secp256k1') as Uint8Array)).toString()
    expect(expected).toMatch(/^16Uiu2/)
    expect(enr.peerId.toString()).toBe(expected)
  })
})
