/**
 * Channel reader, one test per rule of PROTOCOL.md §2.6 (op-node `channel_in_reader.go`, `channel.go` `BatchReader`),
 * with channels built by the batcher-side encoders.
 */
import { readFileSync } from 'node:fs'
import { toRlp } from 'viem'
import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, type Hex, toHex } from '../../../shared/bytes.ts'
import { encodeBatch } from '../../../shared/codec/batch.ts'
import { compressChannel } from '../../../shared/codec/compression.ts'
import { encodeRlpBytes } from '../../../shared/codec/rlp.ts'
import type { SingularBatch } from '../../../shared/codec/singular-batch.ts'
import { decodeRawSpanBatch, type RawSpanBatch, toRawSpanBatch } from '../../../shared/codec/span-batch.ts'
import { chainByName } from '../../../shared/config/chains.ts'
import type { ForkTimes } from '../../../shared/config/rollup-config.ts'
import { type ChannelDecoderConfig, decodeChannel } from '../../../shared/deriver/channel-decoder.ts'
import type { ChannelTraceEntry } from '../../../shared/deriver/channel-trace.ts'
import type { L1BlockRef } from '../../../shared/deriver/types.ts'
import { fixture } from '../../support/fixtures.ts'
import { l1Ref as l1 } from '../../support/refs.ts'

const config = (forks: ForkTimes = {}): ChannelDecoderConfig => ({
  forks,
  blockTime: 2,
  l2ChainId: 10,
  genesis: { l2Time: 0 },
})
const ALL: ForkTimes = { canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0 }
const ID = new Uint8Array(16).fill(0xcc)
const ID_HEX: Hex = toHex(ID)

const singular = (timestamp: number, ...txs: Uint8Array[]): SingularBatch => ({
  parentHash: new Uint8Array(32).fill(1),
  epochNumber: 7,
  epochHash: new Uint8Array(32).fill(2),
  timestamp,
  transactions: txs.length > 0 ? txs : [Uint8Array.of(0x02, 0xc0)],
})
const spanRaw = (): RawSpanBatch =>
  toRawSpanBatch(
    [
      { timestamp: 10, l1OriginNumber: 3, transactions: [] },
      { timestamp: 12, l1OriginNumber: 4, transactions: [] },
    ],
    {
      genesisL2Time: 0,
      blockTime: 2,
      l2ChainId: 10,
      parentHash: new Uint8Array(32).fill(5),
      l1OriginHash: new Uint8Array(32).fill(6),
      firstBlockSequenceNumber: 0,
    },
  )
const S = (timestamp: number) => encodeBatch({ type: 0, batch: singular(timestamp) })
const SPAN = () => encodeBatch({ type: 1, batch: spanRaw() })
const stream = (...payloads: Uint8Array[]) => concatBytes(...payloads.map(encodeRlpBytes))
const channel = (data: Uint8Array) => ({ id: ID, data })
const zlib = (...payloads: Uint8Array[]) => channel(compressChannel(stream(...payloads), 'zlib'))

function decode(ch: { id: Uint8Array; data: Uint8Array }, origin: L1BlockRef, cfg = config(ALL)) {
  const trace: ChannelTraceEntry[] = []
  const { batches } = decodeChannel(ch, origin, cfg, (e) => trace.push(e))
  const summary = batches.map((b) => (b.type === 'singular' ? `S${b.batch.timestamp}` : `SPAN${b.batch.blocks.length}`))
  return { batches, summary, trace }
}

describe('decodeChannel', () => {
  it('default: §2.6 zlib channel (first byte & 0x0F == 8) → its batches in order', () => {
    const ch = zlib(S(2), SPAN(), S(4))
    expect(ch.data[0] & 0x0f).toBe(8)
    const { batches, summary, trace } = decode(ch, l1(1))
    expect(summary).toEqual(['S2', 'SPAN2', 'S4'])
    expect(trace).toEqual([])
    const span = batches[1]
    expect(span.type === 'span' && span.batch.blocks.map((b) => [b.timestamp, b.l1OriginNumber])).toEqual([
      [10n, 3n],
      [12n, 4n],
    ])
  })

  it('default: golden channel (kona batch.hex, OP Mainnet June 2024) yields one derived span batch', () => {
    const op = chainByName('op-mainnet')
    if (op === undefined) throw new Error('op-mainnet missing')
    const data = fromHex(`0x${readFileSync(fixture('batches/batch.hex'), 'utf8').trim()}`)
    const { batches, trace } = decode(channel(data), l1(20_000_000, 1_718_000_000), op)
    expect(trace).toEqual([])
    expect(batches).toHaveLength(1)
    const [span] = batches
    if (span.type !== 'span') throw new Error('expected a span batch')
    expect(span.batch.blocks.length).toBeGreaterThan(1)
    expect(span.batch.blocks[1].timestamp - span.batch.blocks[0].timestamp).toBe(2n)
  })

  it('§2.6 brotli (first byte 0x01) only if Fjord active at pipeline origin time, else invalid channel', () => {
    const fjord = 50_000
    const ch = channel(compressChannel(stream(S(2), S(4)), 'brotli'))
    expect(decode(ch, l1(9, fjord), config({ fjord })).summary).toEqual(['S2', 'S4'])
    expect(decode(ch, l1(9, fjord - 1), config({ fjord }))).toEqual({
      batches: [],
      summary: [],
      trace: [
        {
          stage: 'channel-reader',
          kind: 'channel-invalid',
          reason: 'compression-brotli-before-fjord',
          channelId: ID_HEX,
          origin: 9,
        },
      ],
    })
  })

  it('§2.6 any other first byte (or no data) → invalid channel', () => {
    for (const [data, reason] of [
      [Uint8Array.of(0x02, 1, 2), 'compression-unknown'],
      [new Uint8Array(), 'compression-empty'],
    ] as const) {
      expect(decode(channel(data), l1(1)).trace).toEqual([
        { stage: 'channel-reader', kind: 'channel-invalid', reason, channelId: ID_HEX, origin: 1 },
      ])
    }
    // CM 15 selects zlib, whose header check then fails: nothing is read.
    expect(decode(channel(Uint8Array.of(0x0f, 0, 0)), l1(1)).trace).toMatchObject([
      { kind: 'channel-truncated', reason: 'compression-corrupt', batchIndex: 0 },
    ])
  })

  it('§2.6 limit: reading beyond MAX_RLP_BYTES_PER_CHANNEL(origin.time) fails; batches fully decodable within it are kept', () => {
    const fjord = 50_000
    const big = encodeBatch({ type: 0, batch: singular(6, new Uint8Array(10_000_000)) })
    const ch = zlib(S(2), S(4), big, S(8))
    const before = decode(ch, l1(3, fjord - 1), config({ fjord, delta: 0 }))
    expect(before.summary).toEqual(['S2', 'S4'])
    expect(before.trace).toEqual([
      {
        stage: 'channel-reader',
        kind: 'channel-truncated',
        reason: 'compression-output-limit',
        channelId: ID_HEX,
        batchIndex: 2,
        origin: 3,
      },
    ])
    expect(decode(ch, l1(3, fjord), config({ fjord, delta: 0 })).summary).toEqual(['S2', 'S4', 'S6', 'S8'])
  })

  it('§2.6 any decode error → stop reading this channel and move to the next (remaining data dropped)', () => {
    const bad = Uint8Array.of(0, 0xc1, 0x80) // singular batch: a list with one empty string
    const { summary, trace } = decode(zlib(S(2), bad, S(4)), l1(1))
    expect(summary).toEqual(['S2'])
    expect(trace).toEqual([
      {
        stage: 'channel-reader',
        kind: 'channel-truncated',
        reason: 'rlp-wrong-size',
        channelId: ID_HEX,
        batchIndex: 1,
        origin: 1,
      },
    ])
    // Malformed RLP between batches, and an empty batch string, end the channel the same way.
    const tail = (b: number) => channel(compressChannel(concatBytes(stream(S(2)), Uint8Array.of(b)), 'zlib'))
    expect(decode(tail(0xc0), l1(1)).trace).toMatchObject([
      { kind: 'channel-truncated', reason: 'rlp-expected-string', batchIndex: 1 },
    ])
    expect(decode(tail(0x80), l1(1)).trace).toMatchObject([
      { kind: 'channel-truncated', reason: 'batch-too-short', batchIndex: 1 },
    ])
  })

  it('§2.6 unknown batch type → op-node decodeTyped fails: the rest of the channel is dropped, not only that batch', () => {
    const { summary, trace } = decode(zlib(S(2), Uint8Array.of(2, 0xc0), S(4)), l1(1))
    expect(summary).toEqual(['S2'])
    expect(trace).toMatchObject([{ kind: 'channel-truncated', reason: 'unknown-batch-type', batchIndex: 1 }])
  })

  it('§2.6 truncated compressed data: batches decoded before the break are kept', () => {
    const rand = (i: number) => Uint8Array.from({ length: 3000 }, (_, j) => (i * 7919 + j * 104729) % 251)
    const payloads = Array.from({ length: 20 }, (_, i) => encodeBatch({ type: 0, batch: singular(2 * i + 2, rand(i)) }))
    const whole = compressChannel(stream(...payloads), 'zlib')
    const { summary, trace } = decode(channel(whole.subarray(0, whole.length >> 1)), l1(1))
    expect(summary.length).toBeGreaterThan(0)
    expect(summary.length).toBeLessThan(20)
    expect(summary).toEqual(payloads.slice(0, summary.length).map((_, i) => `S${2 * i + 2}`))
    expect(trace).toMatchObject([
      { kind: 'channel-truncated', reason: 'compression-truncated', batchIndex: summary.length },
    ])
  })

  it('§2.6 batch type 1 → span batch only if Delta active at pipeline origin time (else the batch is dropped)', () => {
    const delta = 70_000
    const ch = zlib(S(2), SPAN(), S(4))
    const before = decode(ch, l1(5, delta - 1), config({ delta }))
    expect(before.summary).toEqual(['S2', 'S4'])
    expect(before.trace).toEqual([
      {
        stage: 'channel-reader',
        kind: 'batch-dropped',
        reason: 'span-batch-before-delta',
        channelId: ID_HEX,
        batchIndex: 1,
        origin: 5,
      },
    ])
    expect(decode(ch, l1(5, delta), config({ delta })).summary).toEqual(['S2', 'SPAN2', 'S4'])
  })

  it('behavior: a DeriveSpanBatch error drops only that batch; reading goes on (op-node channel_in_reader.go)', () => {
    const raw = spanRaw()
    // A legacy tx data element with two fields: structurally a list (decodes), but not a legacy tx (derive fails).
    const tx = fromHex(toRlp(['0x01', '0x02']))
    const broken: RawSpanBatch = {
      ...raw,
      blockTxCounts: [1, 0],
      txs: {
        ...raw.txs,
        contractCreationBits: Uint8Array.of(0),
        yParityBits: Uint8Array.of(0),
        sigs: [{ r: new Uint8Array(32).fill(1), s: new Uint8Array(32).fill(1) }],
        tos: [new Uint8Array(20)],
        datas: [tx],
        nonces: [0n],
        gases: [21000n],
        protectedBits: Uint8Array.of(0),
      },
    }
    const payload = encodeBatch({ type: 1, batch: broken })
    expect(decodeRawSpanBatch(payload.subarray(1)).blockTxCounts).toEqual([1, 0])
    const { summary, trace } = decode(zlib(S(2), payload, S(4)), l1(1))
    expect(summary).toEqual(['S2', 'S4'])
    expect(trace).toEqual([
      {
        stage: 'channel-reader',
        kind: 'batch-dropped',
        reason: 'rlp-too-few-elements',
        channelId: ID_HEX,
        batchIndex: 1,
        origin: 1,
      },
    ])
  })
})
