import { encodeAbiParameters } from 'viem'
import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, type Hex, toHex, word } from '../../../shared/bytes.ts'
import { DecodeError } from '../../../shared/errors.ts'
import {
  DEPOSIT_EVENT_TOPIC,
  type DepositLog,
  depositFromLog,
  depositLog,
  depositLogData,
  isDepositLog,
} from '../../../shared/protocol/deposit-log.ts'
import { depositTxHash, encodeDepositTx } from '../../../shared/protocol/deposit-tx.ts'
import { userDepositSourceHash } from '../../../shared/protocol/source-hash.ts'
import vectors from '../../fixtures/protocol/vectors.json' with { type: 'json' }
import { codeOf } from '../../support/decode-error.ts'
import { prng, randomBytes } from '../../support/random.ts'

const PORTAL: Hex = '0xbEb5Fc579115071764c7423A4f12eDde41f106Ed'
const ZERO_HASH: Hex = `0x${'00'.repeat(32)}`
const FROM = fromHex(`0x${'aa'.repeat(20)}`)
const TO = fromHex(`0x${'bb'.repeat(20)}`)

function validLog(overrides: Partial<DepositLog> = {}): DepositLog {
  return {
    ...depositLog({
      from: FROM,
      to: TO,
      mint: 1n,
      value: 2n,
      gas: 21_000n,
      data: Uint8Array.of(1, 2, 3),
      depositContract: PORTAL,
      blockHash: ZERO_HASH,
      logIndex: 3,
    }),
    ...overrides,
  }
}

/** Log data with an explicit opaque length word and `padding` extra zero bytes after the opaque data. */
function dataWith(opaque: Uint8Array, declaredLength: bigint, totalAfterHeader: number): Hex {
  const body = new Uint8Array(totalAfterHeader)
  body.set(opaque.subarray(0, Math.min(opaque.length, totalAfterHeader)))
  return toHex(concatBytes(word(32), word(declaredLength), body))
}

const opaque73 = concatBytes(word(0), word(0), new Uint8Array(8), Uint8Array.of(0))

describe('depositFromLog', () => {
  it('default: kona deposit log vectors decode to the expected deposit bytes', () => {
    const cases = vectors.filter((v) => v.kind === 'deposit_log_to_tx_encoding')
    expect(cases).toHaveLength(2)
    for (const v of cases) {
      const input = v.input as { l1_block_hash: Hex; log_index: number; topics: Hex[]; data: Hex }
      const log: DepositLog = { address: PORTAL, topics: input.topics, data: input.data, blockHash: input.l1_block_hash, logIndex: input.log_index }
      const tx = depositFromLog(log, PORTAL)!
      expect(toHex(encodeDepositTx(tx)), v.name).toBe((v.expected as { deposit_tx: string }).deposit_tx)
    }
  })

  it('default: viem real OP Mainnet deposit → L2 tx hash', () => {
    const v = vectors.find((x) => x.kind === 'deposit_log_to_tx_hash')!
    const input = v.input as { from: Hex; to: Hex; opaqueData: Hex; l1_block_hash: Hex; log_index: number }
    const pad = (a: Hex) => toHex(concatBytes(new Uint8Array(12), fromHex(a)))
    const log: DepositLog = {
      address: PORTAL,
      topics: [DEPOSIT_EVENT_TOPIC, pad(input.from), pad(input.to), ZERO_HASH],
      data: encodeAbiParameters([{ type: 'bytes' }], [input.opaqueData]),
      blockHash: input.l1_block_hash,
      logIndex: input.log_index,
    }
    const tx = depositFromLog(log, PORTAL)!
    expect(toHex(tx.sourceHash)).toBe((v.computed_independently as { source_hash: string }).source_hash)
    expect(toHex(encodeDepositTx(tx))).toBe((v.computed_independently as { encoded_deposit_tx: string }).encoded_deposit_tx)
    expect(toHex(depositTxHash(tx))).toBe((v.expected as { l2_tx_hash: string }).l2_tx_hash)
  })

  it('behavior: §2.9.3 only logs of the deposit contract with the TransactionDeposited topic are deposits', () => {
    expect(DEPOSIT_EVENT_TOPIC).toBe('0xb3813568d9991fc951961fcb4c784893574240a28925604d09fc577c55bb7c32')
    const log = validLog()
    expect(isDepositLog(log, PORTAL)).toBe(true)
    expect(isDepositLog({ ...log, address: PORTAL.toLowerCase() as Hex }, PORTAL)).toBe(true)
    expect(depositFromLog({ ...log, address: `0x${'00'.repeat(20)}` }, PORTAL)).toBeUndefined()
    expect(depositFromLog({ ...log, topics: [ZERO_HASH, ...log.topics.slice(1)] }, PORTAL)).toBeUndefined()
    expect(depositFromLog({ ...log, topics: [] }, PORTAL)).toBeUndefined()
  })

  it('behavior: §2.9.3 from = topics[1][12:], to = topics[2][12:], sourceHash from (blockHash, logIndex), isSystemTx false', () => {
    const tx = depositFromLog(validLog({ logIndex: 42 }), PORTAL)!
    expect(tx.from).toEqual(FROM)
    expect(tx.to).toEqual(TO)
    expect(tx.sourceHash).toEqual(userDepositSourceHash(fromHex(ZERO_HASH), 42))
    expect(tx).toMatchObject({ mint: 1n, value: 2n, gas: 21_000n, isSystemTx: false, data: Uint8Array.of(1, 2, 3) })
  })

  it('error: §2.9.3 require exactly 4 topics', () => {
    const log = validLog()
    expect(codeOf(() => depositFromLog({ ...log, topics: log.topics.slice(0, 3) }, PORTAL))).toBe('deposit-log-topic-count')
    expect(codeOf(() => depositFromLog({ ...log, topics: [...log.topics, ZERO_HASH] }, PORTAL))).toBe('deposit-log-topic-count')
    expect(codeOf(() => depositFromLog({ ...log, topics: [...log.topics.slice(0, 3), '0x00'] }, PORTAL))).toBe('deposit-log-topic-size')
  })

  it('error: §2.9.3 version = topics[3] must be 0 (other versions → error)', () => {
    const log = validLog()
    expect(codeOf(() => depositFromLog({ ...log, topics: [...log.topics.slice(0, 3), toHex(word(1))] }, PORTAL))).toBe(
      'deposit-log-unknown-version',
    )
  })

  it('error: §2.9.3 data len ≥ 64 and a multiple of 32', () => {
    expect(codeOf(() => depositFromLog(validLog({ data: toHex(word(32)) }), PORTAL))).toBe('deposit-log-data-too-short')
    expect(codeOf(() => depositFromLog(validLog({ data: `${validLog().data}00` }), PORTAL))).toBe('deposit-log-data-unaligned')
  })

  it('error: §2.9.3 data[0:32] == 32 (offset)', () => {
    const data = fromHex(validLog().data)
    data[31] = 64
    expect(codeOf(() => depositFromLog(validLog({ data: toHex(data) }), PORTAL))).toBe('deposit-log-bad-offset')
    const big = fromHex(validLog().data)
    big[0] = 1 // 32 + 2^248: not 32
    expect(codeOf(() => depositFromLog(validLog({ data: toHex(big) }), PORTAL))).toBe('deposit-log-bad-offset')
  })

  it('error: §2.9.3 L must be uint64, L ≤ len−64 and L + 32 > len−64 (minimal padding)', () => {
    expect(codeOf(() => depositFromLog(validLog({ data: dataWith(opaque73, 1n << 64n, 96) }), PORTAL))).toBe('deposit-log-bad-length')
    expect(codeOf(() => depositFromLog(validLog({ data: dataWith(opaque73, 97n, 96) }), PORTAL))).toBe('deposit-log-bad-length')
    // 73 bytes of opaque data padded to 128 instead of 96: one whole word too many.
    expect(codeOf(() => depositFromLog(validLog({ data: dataWith(opaque73, 73n, 128) }), PORTAL))).toBe('deposit-log-bad-length')
    expect(depositFromLog(validLog({ data: dataWith(opaque73, 73n, 96) }), PORTAL)).toBeDefined()
    expect(depositFromLog(validLog({ data: dataWith(opaque73, 96n, 96) }), PORTAL)).toBeDefined()
  })

  it('error: §2.9.3 version 0 opaqueData requires len ≥ 73', () => {
    expect(codeOf(() => depositFromLog(validLog({ data: dataWith(opaque73, 72n, 96) }), PORTAL))).toBe('deposit-log-opaque-too-short')
  })

  it('behavior: §2.9.3 to = nil if the isCreation byte ≠ 0 (op-node: == 0 means call)', () => {
    for (const flag of [1, 2, 0xff]) {
      const opaque = opaque73.slice()
      opaque[72] = flag
      expect(depositFromLog(validLog({ data: dataWith(opaque, 73n, 96) }), PORTAL)!.to).toBeNull()
    }
    expect(depositFromLog(validLog({ data: dataWith(opaque73, 73n, 96) }), PORTAL)!.to).toEqual(TO)
  })

  it('behavior: §2.9.3 mint 0 is encoded as the empty string', () => {
    const tx = depositFromLog(validLog({ data: dataWith(opaque73, 73n, 96) }), PORTAL)!
    expect(tx.mint).toBe(0n)
    expect(encodeDepositTx(tx)).toEqual(encodeDepositTx({ ...tx, mint: 0n }))
  })

  it('error: malformed hex is a DecodeError (critical for the deriver)', () => {
    expect(codeOf(() => depositFromLog(validLog({ data: '0xzz' as Hex }), PORTAL))).toBe('deposit-log-malformed-hex')
    expect(codeOf(() => depositFromLog(validLog({ blockHash: '0x12' }), PORTAL))).toBe('deposit-log-malformed-hex')
    expect(codeOf(() => depositFromLog(validLog({ logIndex: -1 }), PORTAL))).toBe('deposit-log-bad-index')
  })

  it('behavior: round trip depositFromLog(depositLog(x)) for random deposits (seeded)', () => {
    const rand = prng(2_9_3)
    for (let i = 0; i < 300; i++) {
      const to = rand() < 0.25 ? null : randomBytes(rand, 20)
      const p = {
        from: randomBytes(rand, 20),
        to,
        mint: rand() < 0.3 ? 0n : BigInt(Math.floor(rand() * 2 ** 52)) << BigInt(Math.floor(rand() * 200)),
        value: BigInt(Math.floor(rand() * 2 ** 52)),
        gas: BigInt(Math.floor(rand() * 2 ** 52)) << 11n,
        data: randomBytes(rand, Math.floor(rand() * 200)),
        depositContract: PORTAL,
        blockHash: toHex(randomBytes(rand, 32)),
        logIndex: Math.floor(rand() * 1000),
      }
      const log = depositLog(p)
      const data = fromHex(log.data)
      expect(data.length % 32).toBe(0)
      expect(data).toEqual(depositLogData({ ...p, isCreation: to === null }))
      const tx = depositFromLog(log, PORTAL)!
      expect(tx).toEqual({
        sourceHash: userDepositSourceHash(fromHex(p.blockHash), p.logIndex),
        from: p.from,
        to,
        mint: p.mint,
        value: p.value,
        gas: p.gas,
        isSystemTx: false,
        data: p.data,
      })
    }
  })
})
