import { toRlp } from 'viem'
import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, keccak, toHex } from '../../../shared/bytes.ts'
import { type DepositTx, decodeDepositTx, depositTxHash, encodeDepositTx } from '../../../shared/protocol/deposit-tx.ts'
import vectors from '../../fixtures/protocol/vectors.json' with { type: 'json' }
import { codeOf } from '../../support/decode-error.ts'
import { prng, randomBytes } from '../../support/random.ts'

function randomUint(rand: () => number, maxBytes: number): bigint {
  const n = Math.floor(rand() * (maxBytes + 1))
  let v = 0n
  for (const b of randomBytes(rand, n)) v = (v << 8n) | BigInt(b)
  return v
}

/** Hand-built RLP body of a deposit, for malformed-input tests. */
function raw(items: (Uint8Array | string)[]): Uint8Array {
  return concatBytes(Uint8Array.of(0x7e), fromHex(toRlp(items.map((i) => (typeof i === 'string' ? (i as `0x${string}`) : toHex(i))))))
}

const HASH = `0x${'11'.repeat(32)}`
const ADDR = `0x${'22'.repeat(20)}`

describe('encodeDepositTx', () => {
  it('default: viem minimal deposit (mint 0 and to=null encode as empty strings)', () => {
    const v = vectors.find((x) => x.kind === 'deposit_tx_encode')!
    const input = v.input as Record<string, unknown>
    const tx: DepositTx = {
      sourceHash: fromHex(input.sourceHash as string),
      from: fromHex(input.from as string),
      to: null,
      mint: 0n,
      value: 0n,
      gas: 0n,
      isSystemTx: false,
      data: new Uint8Array(),
    }
    const expected = (v.expected as { serialized: string }).serialized
    expect(toHex(encodeDepositTx(tx))).toBe(expected)
    expect(decodeDepositTx(fromHex(expected))).toEqual(tx)
  })

  it('behavior: §2.9.3 encoding 0x7E ++ rlp([sourceHash, from, to, mint, value, gas, isSystemTx, data])', () => {
    const tx: DepositTx = {
      sourceHash: fromHex(HASH),
      from: fromHex(ADDR),
      to: fromHex(ADDR),
      mint: 5n,
      value: 6n,
      gas: 7n,
      isSystemTx: true,
      data: Uint8Array.of(0xaa),
    }
    expect(toHex(encodeDepositTx(tx))).toBe(
      `0x7e${toRlp([HASH, ADDR, ADDR, '0x05', '0x06', '0x07', '0x01', '0xaa'] as `0x${string}`[]).slice(2)}`,
    )
  })

  it('behavior: depositTxHash is keccak256 of the EIP-2718 bytes', () => {
    const v = vectors.find((x) => x.kind === 'deposit_log_to_tx_hash')!
    const encoded = fromHex((v.computed_independently as { encoded_deposit_tx: string }).encoded_deposit_tx)
    const tx = decodeDepositTx(encoded)
    expect(toHex(depositTxHash(tx))).toBe((v.expected as { l2_tx_hash: string }).l2_tx_hash)
    expect(depositTxHash(tx)).toEqual(keccak(encoded))
  })

  it('behavior: round trip decode(encode(tx)) for random deposits (seeded)', () => {
    const rand = prng(0x7e)
    for (let i = 0; i < 500; i++) {
      const tx: DepositTx = {
        sourceHash: randomBytes(rand, 32),
        from: randomBytes(rand, 20),
        to: rand() < 0.3 ? null : randomBytes(rand, 20),
        mint: randomUint(rand, 32),
        value: randomUint(rand, 32),
        gas: randomUint(rand, 8),
        isSystemTx: rand() < 0.5,
        data: randomBytes(rand, Math.floor(rand() * (rand() < 0.1 ? 3000 : 60))),
      }
      const encoded = encodeDepositTx(tx)
      expect(decodeDepositTx(encoded)).toEqual(tx)
      expect(encodeDepositTx(decodeDepositTx(encoded))).toEqual(encoded)
    }
  })

  it('error: out-of-range fields are programmer errors (RangeError)', () => {
    const base: DepositTx = { sourceHash: fromHex(HASH), from: fromHex(ADDR), to: null, mint: 0n, value: 0n, gas: 0n, isSystemTx: false, data: new Uint8Array() }
    expect(() => encodeDepositTx({ ...base, gas: 1n << 64n })).toThrow(RangeError)
    expect(() => encodeDepositTx({ ...base, mint: 1n << 256n })).toThrow(RangeError)
    expect(() => encodeDepositTx({ ...base, to: new Uint8Array(19) })).toThrow(RangeError)
  })
})

describe('decodeDepositTx', () => {
  const ok = [HASH, ADDR, ADDR, '0x', '0x01', '0x5208', '0x', '0x']

  it('default: a well-formed body decodes', () => {
    expect(decodeDepositTx(raw(ok)).gas).toBe(21000n)
  })

  it('error: wrong type byte or empty input', () => {
    expect(codeOf(() => decodeDepositTx(new Uint8Array()))).toBe('deposit-tx-wrong-type')
    expect(codeOf(() => decodeDepositTx(concatBytes(Uint8Array.of(0x02), raw(ok).subarray(1))))).toBe('deposit-tx-wrong-type')
  })

  it('error: trailing bytes after the list', () => {
    expect(codeOf(() => decodeDepositTx(concatBytes(raw(ok), Uint8Array.of(0))))).toBe('deposit-tx-trailing-bytes')
  })

  it('error: to neither empty nor 20 bytes', () => {
    expect(codeOf(() => decodeDepositTx(raw([HASH, ADDR, '0x1234', ...ok.slice(3)])))).toBe('deposit-tx-bad-to')
  })

  it('error: isSystemTx other than 0x80 / 0x01', () => {
    expect(codeOf(() => decodeDepositTx(raw([...ok.slice(0, 6), '0x02', '0x'])))).toBe('deposit-tx-bad-bool')
    expect(codeOf(() => decodeDepositTx(raw([...ok.slice(0, 6), '0x00', '0x'])))).toBe('rlp-non-canonical-int')
  })

  it('error: non-canonical or oversized integers, wrong field sizes and counts', () => {
    expect(codeOf(() => decodeDepositTx(raw([HASH, ADDR, ADDR, '0x0001', ...ok.slice(4)])))).toBe('rlp-non-canonical-int')
    expect(codeOf(() => decodeDepositTx(raw([HASH, ADDR, ADDR, '0x', '0x01', `0x01${'00'.repeat(8)}`, '0x', '0x'])))).toBe(
      'rlp-int-overflow',
    )
    expect(codeOf(() => decodeDepositTx(raw([HASH, ADDR, ADDR, `0x01${'00'.repeat(32)}`, ...ok.slice(4)])))).toBe(
      'rlp-int-overflow',
    )
    expect(codeOf(() => decodeDepositTx(raw([`0x${'11'.repeat(31)}`, ...ok.slice(1)])))).toBe('rlp-wrong-size')
    expect(codeOf(() => decodeDepositTx(raw(ok.slice(0, 7))))).toBe('rlp-too-few-elements')
    expect(codeOf(() => decodeDepositTx(raw([...ok, '0x'])))).toBe('rlp-too-many-elements')
  })
})
