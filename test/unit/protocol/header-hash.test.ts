import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fromHex, toHex } from '../../../shared/bytes.ts'
import type { ExecutionPayload } from '../../../shared/codec/ssz-payload.ts'
import { DecodeError } from '../../../shared/errors.ts'
import { decodeGossipMessage, type GossipVersion } from '../../../shared/p2p/gossip-envelope.ts'
import {
  EMPTY_REQUESTS_HASH,
  EMPTY_UNCLES_HASH,
  hashHeader,
  headerFromRpcBlock,
  payloadBlockHash,
  verifyL1BlockRoots,
} from '../../../shared/protocol/header-hash.ts'
import { EMPTY_TRIE_ROOT, orderedTrieRoot, withdrawalsTrieRoot } from '../../../shared/protocol/trie-root.ts'
import { FIXTURES } from '../../support/fixtures.ts'

const json = (path: string) => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'))

type Metadata = { name: string; fail?: boolean; reason?: string }
function cases(dir: string): { meta: Metadata; data: Record<string, unknown> }[] {
  return readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith('_metadata.json'))
    .sort()
    .map((f) => ({ meta: json(`${dir}/${f}`), data: json(`${dir}/${f.replace('_metadata', '_data')}`) }))
}

function failure(fn: () => unknown): DecodeError | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof DecodeError) return e
    throw e
  }
  return undefined
}

const gossip = json('p2p/gossip-vectors.json') as { input: { gossip_data: string } }[]

describe('headerFromRpcBlock / hashHeader', () => {
  it('default', () => {
    const block = json('l1-blocks/headers/post-shanghai-success_data.json')
    expect(toHex(hashHeader(headerFromRpcBlock(block)))).toBe(block.hash)
  })

  // op-service sources/types_test.go TestBlockHeaderJSON: the header hash must (not) match `hash`.
  for (const { meta, data } of cases('l1-blocks/headers')) {
    it(`behavior: op-node header vector ${meta.name} ${meta.fail ? 'fails' : 'passes'} the block hash check`, () => {
      expect(toHex(hashHeader(headerFromRpcBlock(data))) === data.hash).toBe(!meta.fail)
    })
  }

  for (const fork of ['london', 'shanghai', 'cancun', 'prague']) {
    it(`behavior: §3 header RLP with ${fork} fields hashes to the block hash (execution-apis)`, () => {
      const block = json(`l1-blocks/execution-apis/header-${fork}.json`)
      expect(toHex(hashHeader(headerFromRpcBlock(block)))).toBe(block.hash)
    })
  }

  it('behavior: §3 L2 Jovian header (Base 50,546,402) — requestsHash = sha256(""), blobGasUsed = DA footprint', () => {
    const block = json('l2-blocks/base-50546402-header.json')
    const header = headerFromRpcBlock(block)
    expect(header.requestsHash).toEqual(EMPTY_REQUESTS_HASH)
    expect(header.blobGasUsed).toBe(0x41f958n)
    expect(toHex(hashHeader(header))).toBe(block.hash)
  })

  it('behavior: quantities may be 0x hex or plain JSON numbers; the RPC hash field is ignored', () => {
    const block = json('l1-blocks/execution-apis/header-cancun.json')
    const numeric = {
      ...block,
      number: Number(block.number),
      gasUsed: Number(block.gasUsed),
      timestamp: Number(block.timestamp),
      difficulty: 0,
      hash: '0xnot-a-hash',
    }
    expect(toHex(hashHeader(headerFromRpcBlock(numeric)))).toBe(block.hash)
  })

  it('behavior: an absent optional field before a present one encodes as empty (geth rlp:"optional")', () => {
    const header = headerFromRpcBlock(json('l1-blocks/execution-apis/header-cancun.json'))
    expect(hashHeader({ ...header, blobGasUsed: undefined })).toEqual(hashHeader({ ...header, blobGasUsed: 0n }))
  })

  it('error: missing or malformed fields', () => {
    const block = json('l1-blocks/execution-apis/header-london.json')
    const { stateRoot, ...noRoot } = block
    expect(failure(() => headerFromRpcBlock(noRoot))?.code).toBe('header-json-missing-field')
    expect(failure(() => headerFromRpcBlock({ ...block, miner: '0x00' }))?.code).toBe('header-json-invalid-field')
    expect(failure(() => headerFromRpcBlock({ ...block, gasLimit: -1 }))?.code).toBe('header-json-invalid-field')
    expect(failure(() => headerFromRpcBlock({ ...block, number: '0x20000000000000' }))?.code).toBe('header-json-invalid-field')
    expect(failure(() => headerFromRpcBlock('block'))?.code).toBe('header-json-invalid-field')
  })
})

describe('verifyL1BlockRoots', () => {
  it('default', () => {
    const block = json('l1-blocks/blocks/post-shanghai-success_data.json')
    const { hash, transactions } = verifyL1BlockRoots(block)
    expect(toHex(hash)).toBe(block.hash)
    expect(transactions.length).toBe(29)
  })

  // op-service sources/types_test.go TestBlockJSON: RPCBlock.verify must fail with exactly this reason.
  for (const { meta, data } of cases('l1-blocks/blocks')) {
    it(`behavior: op-node block vector ${meta.name} → ${meta.fail ? `"${meta.reason}"` : 'accepted'}`, () => {
      const err = failure(() => verifyL1BlockRoots(data))
      if (!meta.fail) expect(err).toBeUndefined()
      else expect(err?.message).toContain(meta.reason)
    })
  }

  it('behavior: raw 0x transactions verify like JSON ones', () => {
    const block = json('l1-blocks/blocks/pre-shanghai-success_data.json')
    const { transactions } = verifyL1BlockRoots(block)
    expect(() => verifyL1BlockRoots({ ...block, transactions: transactions.map(toHex) })).not.toThrow()
  })

  it('behavior: receiptsRoot is checked when receipts are given (pre-Byzantium root and post-Byzantium status receipts)', () => {
    for (const [b, r] of [['block-1', 'receipts-1'], ['block-latest', 'receipts-latest']]) {
      const block = json(`l1-blocks/execution-apis/${b}.json`)
      const receipts = json(`l1-blocks/execution-apis/${r}.json`)
      expect(toHex(verifyL1BlockRoots(block, receipts).hash)).toBe(block.hash)
      const tampered = receipts.map((x: Record<string, unknown>, i: number) => (i === 0 ? { ...x, cumulativeGasUsed: '0x1' } : x))
      expect(failure(() => verifyL1BlockRoots(block, tampered))?.code).toBe('l1-block-receipts-root-mismatch')
      expect(failure(() => verifyL1BlockRoots(block, receipts.slice(1)))?.code).toBe('l1-block-receipts-count-mismatch')
    }
  })

  it('error: a block fetched without full transactions cannot be verified', () => {
    const block = json('l1-blocks/headers/post-shanghai-success_data.json')
    expect(failure(() => verifyL1BlockRoots(block))?.code).toBe('l1-block-tx-hashes-only')
  })

  it('error: withdrawals without a withdrawalsRoot', () => {
    const block = json('l1-blocks/execution-apis/block-1.json')
    expect(failure(() => verifyL1BlockRoots({ ...block, withdrawals: [] }))?.code).toBe('l1-block-unexpected-withdrawals')
  })
})

describe('payloadBlockHash', () => {
  it('default', () => {
    const msg = decodeGossipMessage(fromHex(gossip[0].input.gossip_data), 1)
    expect(payloadBlockHash(msg.payload)).toEqual(msg.payload.blockHash)
  })

  // op-alloy's v1–v3 gossip vectors carry real block hashes of their (synthetic) payloads; v4's is all zero.
  for (const version of [1, 2, 3] as GossipVersion[]) {
    it(`behavior: §3 block hash check — gossip vector v${version} payload hashes to its blockHash`, () => {
      const msg = decodeGossipMessage(fromHex(gossip[version - 1].input.gossip_data), version)
      expect(toHex(payloadBlockHash(msg.payload, msg.parentBeaconBlockRoot))).toBe(toHex(msg.payload.blockHash))
    })
  }

  it('behavior: §3 v4 gossip vector is synthetic (blockHash zero), so the check rejects it', () => {
    const msg = decodeGossipMessage(fromHex(gossip[3].input.gossip_data), 4)
    expect(toHex(msg.payload.blockHash)).toBe(`0x${'00'.repeat(32)}`)
    expect(payloadBlockHash(msg.payload, msg.parentBeaconBlockRoot)).not.toEqual(msg.payload.blockHash)
  })

  it('behavior: §3 header rebuild — empty uncles, zero difficulty/nonce, mixHash = prevRandao, tx trie root', () => {
    const msg = decodeGossipMessage(fromHex(gossip[2].input.gossip_data), 3)
    const p = msg.payload
    const expected = hashHeader({
      parentHash: p.parentHash,
      sha3Uncles: EMPTY_UNCLES_HASH,
      miner: p.feeRecipient,
      stateRoot: p.stateRoot,
      transactionsRoot: orderedTrieRoot(p.transactions),
      receiptsRoot: p.receiptsRoot,
      logsBloom: p.logsBloom,
      difficulty: 0n,
      number: p.blockNumber,
      gasLimit: p.gasLimit,
      gasUsed: p.gasUsed,
      timestamp: p.timestamp,
      extraData: p.extraData,
      mixHash: p.prevRandao,
      nonce: new Uint8Array(8),
      baseFeePerGas: p.baseFeePerGas,
      withdrawalsRoot: EMPTY_TRIE_ROOT,
      blobGasUsed: 0n,
      excessBlobGas: 0n,
      parentBeaconBlockRoot: msg.parentBeaconBlockRoot,
    })
    expect(payloadBlockHash(p, msg.parentBeaconBlockRoot)).toEqual(expected)
  })

  it('behavior: §3 Isthmus — withdrawalsRoot from the payload and requestsHash = sha256("") (optimism #14361)', () => {
    const msg = decodeGossipMessage(fromHex(gossip[3].input.gossip_data), 4)
    const p = msg.payload
    const v3Header = { ...p, withdrawalsRoot: undefined } as ExecutionPayload
    const base = headerFromPayloadLike(v3Header, msg.parentBeaconBlockRoot!)
    expect(payloadBlockHash(p, msg.parentBeaconBlockRoot)).toEqual(
      hashHeader({ ...base, withdrawalsRoot: p.withdrawalsRoot, requestsHash: EMPTY_REQUESTS_HASH }),
    )
    expect(toHex(EMPTY_REQUESTS_HASH)).toBe('0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    // Without the implied requests hash the hash differs: forgetting it rejects every Isthmus block.
    expect(payloadBlockHash(p, msg.parentBeaconBlockRoot)).not.toEqual(hashHeader({ ...base, withdrawalsRoot: p.withdrawalsRoot }))
  })

  it('behavior: §3 Canyon withdrawalsRoot is the trie of the payload withdrawals (empty → empty trie root)', () => {
    const msg = decodeGossipMessage(fromHex(gossip[1].input.gossip_data), 2)
    const w = { index: 1n, validatorIndex: 2n, address: new Uint8Array(20).fill(3), amount: 4n }
    const withW = { ...msg.payload, withdrawals: [w] }
    const base = headerFromPayloadLike({ ...withW, withdrawals: undefined } as ExecutionPayload)
    expect(payloadBlockHash(withW)).toEqual(hashHeader({ ...base, withdrawalsRoot: withdrawalsTrieRoot([w]) }))
    expect(payloadBlockHash(msg.payload)).toEqual(hashHeader({ ...base, withdrawalsRoot: EMPTY_TRIE_ROOT }))
  })
})

/** Header fields common to every payload version (the pre-Canyon part plus Ecotone's when present). */
function headerFromPayloadLike(p: ExecutionPayload, parentBeaconBlockRoot?: Uint8Array) {
  return {
    parentHash: p.parentHash,
    sha3Uncles: EMPTY_UNCLES_HASH,
    miner: p.feeRecipient,
    stateRoot: p.stateRoot,
    transactionsRoot: orderedTrieRoot(p.transactions),
    receiptsRoot: p.receiptsRoot,
    logsBloom: p.logsBloom,
    difficulty: 0n,
    number: p.blockNumber,
    gasLimit: p.gasLimit,
    gasUsed: p.gasUsed,
    timestamp: p.timestamp,
    extraData: p.extraData,
    mixHash: p.prevRandao,
    nonce: new Uint8Array(8),
    baseFeePerGas: p.baseFeePerGas,
    blobGasUsed: p.blobGasUsed,
    excessBlobGas: p.excessBlobGas,
    parentBeaconBlockRoot,
  }
}
