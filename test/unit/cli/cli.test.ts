import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { keccak256, toRlp, type Hex } from "viem"
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { main } from '../../../cli/main.ts'
import { toHex } from '../../../shared/bytes.ts'
import { encodeDataUnit, type Frame } from '../../../shared/codec/frame.ts'
import { compressChannel } from '../../../shared/codec/compression.ts'
import { encodeBatch } from '../../../shared/codec/batch.ts'

const fixtures = join(import.meta.dirname, '../../fixtures')
const root = join(import.meta.dirname, '../../..')

async function run(...argv: string[]) {
  let out = ''
  let err = ''
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) })
  return { code, out, err, json: out ? JSON.parse(out) : undefined }
}

function tmpFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'op-edge-cli-'))
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}

const account = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const channelId = new Uint8Array(16).fill(0xab)

function frames(data: Uint8Array, size: number): Frame[] {
  const out: Frame[] = []
  for (let i = 0; i * size < data.length || i === 0; i++) {
    const chunk = data.slice(i * size, (i + 1) * size)
    out.push({ channelId, frameNumber: i, data: chunk, isLast: (i + 1) * size >= data.length })
  }
  return out
}

describe('op-edge decode-tx', () => {
  it('default: a signed type-2 batcher tx gives its hash, sender and frames', async () => {
    const unit = encodeDataUnit(frames(new Uint8Array(300).fill(7), 120))
    const tx = { chainId: 1, type: 'eip1559', nonce: 42, to: '0xff00000000000000000000000000000000000010', maxFeePerGas: 10n ** 10n, maxPriorityFeePerGas: 10n ** 9n, gas: 100000n, data: toHex(unit) } as const
    const raw = await account.signTransaction(tx)
    const { code, json } = await run('decode-tx', raw)
    expect(code).toBe(0)
    expect(json).toEqual({
      hash: keccak256(raw),
      type: 2,
      chainId: 1,
      nonce: 42,
      from: account.address.toLowerCase(),
      to: '0xff00000000000000000000000000000000000010',
      blobVersionedHashes: [],
      data: {
        version: 0,
        frames: [
          { channelId: toHex(channelId), frameNumber: 0, dataLength: 120, isLast: false },
          { channelId: toHex(channelId), frameNumber: 1, dataLength: 120, isLast: false },
          { channelId: toHex(channelId), frameNumber: 2, dataLength: 60, isLast: true },
        ],
      },
    })
  })

  it('behavior: legacy and blob txs; calldata that is not batcher data gives data null', async () => {
    const legacy = await account.signTransaction({ type: 'legacy', chainId: 1, nonce: 0, gasPrice: 1n, gas: 21000n, to: account.address, value: 1n })
    const l = await run('decode-tx', legacy)
    expect(l.json).toMatchObject({ type: 0, chainId: 1, from: account.address.toLowerCase(), data: null })
    const blobHash = `0x01${'22'.repeat(31)}` as Hex
    const blob = await account.signTransaction({ type: 'eip4844', chainId: 1, nonce: 1, to: '0xff00000000000000000000000000000000000010', maxFeePerGas: 1n, maxPriorityFeePerGas: 1n, maxFeePerBlobGas: 1n, gas: 21000n, blobVersionedHashes: [blobHash] })
    const b = await run('decode-tx', blob)
    expect(b.code).toBe(0)
    expect(b.json).toMatchObject({ type: 3, hash: keccak256(blob), blobVersionedHashes: [blobHash], from: account.address.toLowerCase() })
  })

  it('error: bad input exits 1 with one line and no stack', async () => {
    for (const arg of ['0x', 'zz', '0x123', '0x02c0', '0x05aa', '@/does/not/exist']) {
      const r = await run('decode-tx', arg)
      expect(r.code, arg).toBe(1)
      expect(r.out).toBe('')
      expect(r.err.trim().split('\n'), arg).toHaveLength(1)
      expect(r.err).not.toMatch(/\n\s+at /)
    }
  })
})

describe('op-edge decode-channel', () => {
  it('default: the real OP Mainnet span batch channel (kona batch.hex) decodes with --chain op-mainnet', async () => {
    const channel = readFileSync(join(fixtures, 'batches/batch.hex'), 'utf8').trim()
    const bytes = Uint8Array.from(Buffer.from(channel.replace(/^0x/, ''), 'hex'))
    const units = [encodeDataUnit(frames(bytes, 100_000).slice(0, 6)), encodeDataUnit(frames(bytes, 100_000).slice(6))]
    const files = units.map((u, i) => tmpFile(`unit${i}.hex`, toHex(u)))
    const { code, json } = await run('decode-channel', '--chain', 'op-mainnet', ...files.map((f) => `@${f}`))
    expect(code).toBe(0)
    expect(json.channels).toHaveLength(1)
    const [ch] = json.channels
    expect(ch.id).toBe(toHex(channelId))
    expect(ch.compression).toBe('zlib')
    expect(ch.decompressedLength).toBe(inflateSync(bytes).length)
    expect(ch.batches).toHaveLength(1)
    const span = ch.batches[0]
    expect(span.type).toBe(1)
    expect(span.blockCount).toBe(143)
    expect(span.blocks).toHaveLength(143)
    expect(span.blocks.reduce((n: number, b: { transactions: string[] }) => n + b.transactions.length, 0)).toBe(1766)
    const op = { genesisTime: 1686068903 }
    expect(span.blocks[0].timestamp).toBe(op.genesisTime + span.relTimestamp)
    expect(span.blocks[142].l1OriginNumber).toBe(span.l1OriginNumber)
  })

  it('behavior: singular batches, brotli, and an unterminated channel are read as far as possible', async () => {
    const batch = { parentHash: new Uint8Array(32).fill(1), epochNumber: 7, epochHash: new Uint8Array(32).fill(2), timestamp: 1700000000, transactions: [new Uint8Array([2, 0xc0])] }
    const payload = toRlp(encodeBatch({ type: 0, batch }), 'bytes')
    const data = new Uint8Array([...payload, ...payload])
    const brotli = compressChannel(data, 'brotli')
    const r = await run('decode-channel', toHex(encodeDataUnit(frames(brotli, 1000))))
    expect(r.code).toBe(0)
    expect(r.json.channels[0]).toMatchObject({ compression: 'brotli', decompressedLength: data.length })
    expect(r.json.channels[0].batches).toEqual([
      { type: 0, parentHash: toHex(batch.parentHash), epochNumber: 7, epochHash: toHex(batch.epochHash), timestamp: 1700000000, transactions: ['0x02c0'] },
      { type: 0, parentHash: toHex(batch.parentHash), epochNumber: 7, epochHash: toHex(batch.epochHash), timestamp: 1700000000, transactions: ['0x02c0'] },
    ])
    const zlib = compressChannel(data, 'zlib')
    const truncated = zlib.slice(0, zlib.length - 6) // drop the adler32 and the final bytes
    const t = await run('decode-channel', toHex(encodeDataUnit(frames(truncated, 1000))))
    expect(t.code).toBe(0)
    expect(t.json.channels[0].decompressedLength).toBeGreaterThan(0)
    expect(t.json.channels[0].decompressedLength).toBeLessThanOrEqual(data.length)
  })

  it('behavior: an incomplete channel is not decoded', async () => {
    const fs = frames(compressChannel(new Uint8Array(10), 'zlib'), 5)
    const r = await run('decode-channel', toHex(encodeDataUnit(fs.slice(0, 1))))
    expect(r.json).toEqual({ channels: [] })
  })

  it('error: bad data units and chains', async () => {
    expect((await run('decode-channel', '0x01')).code).toBe(1)
    expect((await run('decode-channel', '0x00')).code).toBe(1)
    expect((await run('decode-channel')).code).toBe(1)
    const r = await run('decode-channel', '--chain', 'nope', '0x00')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/unknown chain "nope"/)
  })
})

describe('op-edge decode-blob', () => {
  it('default: the op-service blob vectors', async () => {
    const vectors = JSON.parse(readFileSync(join(fixtures, 'blobs/vectors.json'), 'utf8')) as { input: { file: string }; expected: { decoded_hex: string } }[]
    expect(vectors.length).toBe(8)
    for (const v of vectors) {
      const r = await run('decode-blob', `@${join(fixtures, 'blobs', v.input.file.replace(/^blobs\//, ''))}`)
      expect(r.json).toEqual({ data: v.expected.decoded_hex })
    }
  })

  it('error: wrong size and bad encoding', async () => {
    expect((await run('decode-blob', '0x00')).err).toMatch(/131072 bytes/)
    const bad = new Uint8Array(131072)
    bad[1] = 1 // encoding version 1
    const r = await run('decode-blob', toHex(bad))
    expect(r.code).toBe(1)
    expect(r.err.split('\n')).toHaveLength(2)
  })
})

describe('op-edge l1-info', () => {
  const vectors = JSON.parse(readFileSync(join(fixtures, 'protocol/vectors.json'), 'utf8')) as { kind: string; input: Record<string, string>; expected: Record<string, unknown> }[]

  it('default: the real OP Mainnet Ecotone L1-info tx of block 118024092 rebuilds byte for byte', async () => {
    const v = vectors.find((x) => x.kind === 'l1_info_deposit_tx_decode+tx_hash')!
    const r = await run('l1-info', v.input.raw_tx)
    expect(r.code).toBe(0)
    expect(r.json).toMatchObject({ format: 'ecotone', baseFee: v.expected.l1_base_fee, baseFeeScalar: v.expected.l1_base_fee_scalar, blobBaseFee: v.expected.l1_blob_base_fee, blobBaseFeeScalar: v.expected.l1_blob_base_fee_scalar })
    expect(r.json.depositTx.raw).toBe(v.input.raw_tx.toLowerCase())
    expect(r.json.depositTx.hash).toBe(v.expected.tx_hash)
  })

  it('behavior: Bedrock calldata gives the Bedrock fee fields', async () => {
    const v = vectors.find((x) => x.kind === 'l1_info_calldata_decode' && x.input.calldata.startsWith('0x015d8eb9'))!
    const r = await run('l1-info', v.input.calldata)
    expect(r.code).toBe(0)
    expect(r.json.format).toBe('bedrock')
    expect(r.json).toHaveProperty('l1FeeOverhead')
    expect(r.json).toHaveProperty('l1FeeScalar')
    expect(r.json).not.toHaveProperty('baseFeeScalar')
  })

  it('error: unknown selector', async () => {
    const r = await run('l1-info', '0xdeadbeef')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/l1-info/)
  })
})

describe('op-edge deposit', () => {
  it('default: the real mainnet portal log of viem getL2TransactionHash', async () => {
    const log = {
      address: '0xbeb5fc579115071764c7423a4f12edde41f106ed',
      topics: [
        '0xb3813568d9991fc951961fcb4c784893574240a28925604d09fc577c55bb7c32',
        '0x0000000000000000000000001a1e021a302c237453d3d45c7b82b19ceeb7e2e6',
        '0x0000000000000000000000001a1e021a302c237453d3d45c7b82b19ceeb7e2e6',
        '0x0000000000000000000000000000000000000000000000000000000000000000',
      ],
      // ABI bytes: offset 32, length 73, then the opaque data (mint 0, value 69, gas 21000, not a creation) padded.
      data: `0x${'20'.padStart(64, '0')}${'49'.padStart(64, '0')}${'00'.repeat(32)}${'45'.padStart(64, '0')}0000000000005208${'00'}${'00'.repeat(23)}`,
      blockHash: '0x634c52556471c589f42db9131467e0c9484f5c73049e32d1a74e2a4ce0f91d57',
      logIndex: '0x6d',
    }
    const r = await run('deposit', JSON.stringify(log))
    expect(r.code).toBe(0)
    expect(r.json).toEqual({
      sourceHash: '0x2b20821e4d5b3903456a7f19d5a8e867a503b2f1e82ed9b083cc71a7b6437b72',
      from: '0x1a1e021a302c237453d3d45c7b82b19ceeb7e2e6',
      to: '0x1a1e021a302c237453d3d45c7b82b19ceeb7e2e6',
      mint: 0,
      value: 69,
      gas: 21000,
      isCreation: false,
      data: '0x',
      raw: '0x7ef852a02b20821e4d5b3903456a7f19d5a8e867a503b2f1e82ed9b083cc71a7b6437b72941a1e021a302c237453d3d45c7b82b19ceeb7e2e6941a1e021a302c237453d3d45c7b82b19ceeb7e2e680458252088080',
      hash: '0x0a60b983815ed475c5919609025204a479654d93afc610feca7d99ae0befc329',
    })
    // logIndex as a plain number works the same
    expect((await run('deposit', JSON.stringify({ ...log, logIndex: 109 }))).json.hash).toBe(r.json.hash)
  })

  it('error: malformed logs', async () => {
    expect((await run('deposit', '{')).code).toBe(1)
    expect((await run('deposit', '{"address":"0x00"}')).err).toMatch(/topics/)
    const r = await run('deposit', JSON.stringify({ address: '0x' + '11'.repeat(20), topics: ['0xb3813568d9991fc951961fcb4c784893574240a28925604d09fc577c55bb7c32'], data: '0x', blockHash: '0x' + '00'.repeat(32), logIndex: 0 }))
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/deposit-log-topic-count/)
  })
})

describe('op-edge header-hash', () => {
  it('default: real L1 blocks hash to their own hash (which is ignored on input)', async () => {
    const dir = join(fixtures, 'l1-blocks/blocks')
    const block = JSON.parse(readFileSync(join(dir, 'post-shanghai-success_data.json'), 'utf8'))
    const r = await run('header-hash', JSON.stringify({ ...block, hash: '0x' + '00'.repeat(32) }))
    expect(r.code).toBe(0)
    expect(r.json.hash).toBe(block.hash)
  })

  it('error: missing fields', async () => {
    const r = await run('header-hash', '{"number":"0x1"}')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/header-json-missing-field/)
  })
})

describe('op-edge upgrade-txs', () => {
  it('default: Ecotone, Fjord and Isthmus reproduce the upstream bytes; Karst has 31 NUTs', async () => {
    for (const [fork, n] of [['ecotone', 6], ['fjord', 3], ['isthmus', 8]] as const) {
      const r = await run('upgrade-txs', fork)
      expect(r.json.transactions).toHaveLength(n)
      for (let i = 0; i < n; i++) {
        const expected = readFileSync(join(fixtures, `upgrade-txs/${fork}_tx_${i}.hex`), 'utf8').trim().toLowerCase()
        expect(r.json.transactions[i].raw).toBe(expected.startsWith('0x') ? expected : `0x${expected}`)
        expect(r.json.transactions[i].hash).toBe(keccak256(r.json.transactions[i].raw))
      }
    }
    const k = await run('upgrade-txs', 'karst')
    expect(k.json.gas).toBe(55_370_657)
    expect(k.json.transactions).toHaveLength(31)
    expect(k.json.transactions[0].intent).toMatch(/^Karst 0: /)
    const j = await run('upgrade-txs', 'jovian')
    expect(j.json.transactions).toHaveLength(5)
  })

  it('error: unknown fork', async () => {
    const r = await run('upgrade-txs', 'bedrock')
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/usage/)
  })
})

describe('op-edge (process)', () => {
  it('default: runs through bin/op-edge.mjs and prints one JSON object', () => {
    const out = execFileSync(process.execPath, [join(root, 'bin/op-edge.mjs'), 'upgrade-txs', 'fjord'], { encoding: 'utf8' })
    expect(JSON.parse(out).fork).toBe('fjord')
  })

  it('error: unknown command exits 1', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin/op-edge.mjs'), 'frobnicate'], { encoding: 'utf8' })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/unknown command/)
    expect(r.stdout).toBe('')
  })
})

