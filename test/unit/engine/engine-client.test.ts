/**
 * The Engine API client against an in-process fake `fetch` (PROTOCOL.md §3): method versions and params, payload
 * statuses, JWT per request, extra headers, retries and the cases that must not retry, timeouts, JSON-RPC error
 * mapping to severities, and URL redaction in every message.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { concatBytes, fromHex, type Hex, toHex, uintToBytes } from '../../../shared/bytes.ts'
import { executionPayloadToJson } from '../../../shared/codec/payload-json.ts'
import type { ExecutionPayload } from '../../../shared/codec/ssz-payload.ts'
import { chainByName } from '../../../shared/config/chains.ts'
import type { PayloadAttributes } from '../../../shared/deriver/types.ts'
import { attributesMatchBlock } from '../../../shared/engine/attributes-match.ts'
import {
  createEngineClient,
  type EngineClientOptions,
  EngineError,
  type FetchFn,
  InvalidAttributesError,
} from '../../../shared/engine/engine-client.ts'
import { JwtSecretError } from '../../../shared/engine/jwt.ts'
import { encodeDepositTx } from '../../../shared/protocol/deposit-tx.ts'

const op = chainByName('op-mainnet')!
const SECRET = `0x${'5a'.repeat(32)}`
const URL_PLAIN = 'https://engine.example.com'
const URL_SECRET = 'https://operator:pa55word@engine.example.com/v1/abcdef0123456789abcdef?token=T0PSECRET'
const BEDROCK_T = 1_700_000_000
const CANYON_T = 1_705_000_000
const ECOTONE_T = 1_711_000_000
const ISTHMUS_T = 1_750_000_000
const JOVIAN_T = 1_770_000_000
const KARST_T = 1_790_000_000
const STATE = { headBlockHash: `0x${'aa'.repeat(32)}`, safeBlockHash: `0x${'bb'.repeat(32)}`, finalizedBlockHash: `0x${'cc'.repeat(32)}` } as const
const VALID_HASH = `0x${'dd'.repeat(32)}` as Hex
const ROOT = fromHex(`0x${'0b'.repeat(32)}`)

type Req = { url: string; headers: Headers; text: string; body: { id: number; method: string; params: unknown[] }; signal: AbortSignal | undefined }

/** A fake engine: `handler` answers each request (or throws, like a network failure). */
function fake(handler: (req: Req, n: number) => Response | Promise<Response>) {
  const requests: Req[] = []
  const fetch: FetchFn = async (url, init) => {
    const text = String(init.body)
    const req: Req = { url, headers: new Headers(init.headers), text, body: JSON.parse(text), signal: init.signal ?? undefined }
    requests.push(req)
    return handler(req, requests.length)
  }
  return { fetch, requests }
}

const result = (req: Req, value: unknown) => Response.json({ jsonrpc: '2.0', id: req.body.id, result: value })
const rpcError = (req: Req, code: number, message = 'boom') => Response.json({ jsonrpc: '2.0', id: req.body.id, error: { code, message } })
const valid = { status: 'VALID', latestValidHash: VALID_HASH, validationError: null }

function client(fetch: FetchFn, over: Partial<EngineClientOptions> = {}) {
  let ms = 1_700_000_000_000
  return createEngineClient({ url: URL_PLAIN, jwtSecret: SECRET, config: op, fetch, now: () => (ms += 1_000), ...over })
}

async function failure(p: Promise<unknown>): Promise<EngineError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(EngineError)
  return e as EngineError
}

function attrs(t: number): PayloadAttributes {
  const a: PayloadAttributes = {
    timestamp: t,
    prevRandao: `0x${'0a'.repeat(32)}`,
    suggestedFeeRecipient: '0x4200000000000000000000000000000000000011',
    transactions: ['0x7e01'],
    noTxPool: true,
    gasLimit: 30_000_000n,
  }
  if (t >= CANYON_T) a.withdrawals = []
  if (t >= ECOTONE_T) a.parentBeaconBlockRoot = toHex(ROOT)
  if (t >= ISTHMUS_T) a.eip1559Params = '0x0000000000000000'
  if (t >= JOVIAN_T) a.minBaseFee = 12_345_678_901_234_567_890n
  return a
}

function payload(t: number): ExecutionPayload {
  const p: ExecutionPayload = {
    parentHash: fromHex(STATE.headBlockHash),
    feeRecipient: fromHex('0x4200000000000000000000000000000000000011'),
    stateRoot: new Uint8Array(32).fill(1),
    receiptsRoot: new Uint8Array(32).fill(2),
    logsBloom: new Uint8Array(256),
    prevRandao: new Uint8Array(32).fill(10),
    blockNumber: 16,
    gasLimit: 30_000_000n,
    gasUsed: 21_000n,
    timestamp: t,
    extraData: new Uint8Array(0),
    baseFeePerGas: 7n,
    blockHash: new Uint8Array(32).fill(0xee),
    transactions: [Uint8Array.of(0x7e, 1)],
  }
  if (t >= CANYON_T) p.withdrawals = []
  if (t >= ECOTONE_T) Object.assign(p, { blobGasUsed: 0n, excessBlobGas: 0n })
  if (t >= ISTHMUS_T) p.withdrawalsRoot = new Uint8Array(32).fill(4)
  return p
}

describe('createEngineClient: Engine API methods', () => {
  it('default: forkchoiceUpdated with attributes picks the version by their timestamp and returns the payload id', async () => {
    const f = fake((req) => result(req, { payloadStatus: valid, payloadId: '0x0102030405060708' }))
    const engine = client(f.fetch)
    expect(await engine.forkchoiceUpdated(STATE, attrs(ISTHMUS_T))).toEqual({ status: 'VALID', latestValidHash: VALID_HASH, payloadId: '0x0102030405060708' })
    await engine.forkchoiceUpdated(STATE, attrs(BEDROCK_T))
    await engine.forkchoiceUpdated(STATE, attrs(CANYON_T))
    expect(f.requests.map((r) => r.body.method)).toEqual(['engine_forkchoiceUpdatedV3', 'engine_forkchoiceUpdatedV1', 'engine_forkchoiceUpdatedV2'])
    expect(f.requests[0].body.params[0]).toEqual(STATE)
    expect(f.requests[0].body.params[1]).toMatchObject({ withdrawals: [], parentBeaconBlockRoot: toHex(ROOT), eip1559Params: '0x0000000000000000' })
    expect(f.requests[1].body.params[1]).not.toHaveProperty('withdrawals')
  })

  it('default: forkchoiceUpdated without attributes is V3 with null attributes, even before Canyon', async () => {
    const f = fake((req) => result(req, { payloadStatus: { status: 'SYNCING', latestValidHash: null, validationError: null }, payloadId: null }))
    const engine = createEngineClient({ url: URL_PLAIN, jwtSecret: SECRET, config: { forks: {} }, fetch: f.fetch, now: () => 0 })
    expect(await engine.forkchoiceUpdated(STATE)).toEqual({ status: 'SYNCING' })
    expect(f.requests[0].body).toMatchObject({ method: 'engine_forkchoiceUpdatedV3', params: [STATE, null] })
  })

  it('behavior: Jovian minBaseFee goes out as a bare JSON integer, exact beyond 2^53', async () => {
    const f = fake((req) => result(req, { payloadStatus: valid, payloadId: '0x0102030405060708' }))
    await client(f.fetch).forkchoiceUpdated(STATE, attrs(JOVIAN_T))
    expect(f.requests[0].text).toContain('"minBaseFee":12345678901234567890}')
  })

  it('default: getPayload V5 from Karst, V4 from Isthmus, V2 before Ecotone; the envelope is decoded', async () => {
    const f = fake((req, n) =>
      result(req, n === 3
        ? { executionPayload: executionPayloadToJson(payload(CANYON_T)), blockValue: '0x0' }
        : { executionPayload: executionPayloadToJson(payload(KARST_T)), blockValue: '0x10', blobsBundle: { commitments: [], proofs: [], blobs: [] }, shouldOverrideBuilder: false, parentBeaconBlockRoot: toHex(ROOT), executionRequests: [] }),
    )
    const engine = client(f.fetch)
    const got = await engine.getPayload('0x0102030405060708', KARST_T)
    expect(got.payload).toEqual(payload(KARST_T))
    expect(got.parentBeaconBlockRoot).toEqual(ROOT)
    expect(got.blockValue).toBe(16n)
    await engine.getPayload('0x0102030405060708', ISTHMUS_T)
    const v2 = await engine.getPayload('0x0102030405060708', CANYON_T)
    expect(v2.parentBeaconBlockRoot).toBeUndefined()
    expect(f.requests.map((r) => [r.body.method, r.body.params])).toEqual([
      ['engine_getPayloadV5', ['0x0102030405060708']],
      ['engine_getPayloadV4', ['0x0102030405060708']],
      ['engine_getPayloadV2', ['0x0102030405060708']],
    ])
  })

  it('default: newPayload params per version (V4: [payload, [], root, []], V3: [payload, [], root], V2: [payload])', async () => {
    const f = fake((req) => result(req, valid))
    const engine = client(f.fetch)
    expect(await engine.newPayload(payload(ISTHMUS_T), ROOT)).toEqual({ status: 'VALID', latestValidHash: VALID_HASH })
    await engine.newPayload(payload(ECOTONE_T), ROOT, ECOTONE_T)
    await engine.newPayload(payload(CANYON_T), undefined)
    const [v4, v3, v2] = f.requests.map((r) => r.body)
    expect(v4.method).toBe('engine_newPayloadV4')
    expect(v4.params).toEqual([executionPayloadToJson(payload(ISTHMUS_T)), [], toHex(ROOT), []])
    expect(v3.method).toBe('engine_newPayloadV3')
    expect(v3.params).toEqual([executionPayloadToJson(payload(ECOTONE_T)), [], toHex(ROOT)])
    expect(v2.method).toBe('engine_newPayloadV2')
    expect(v2.params).toEqual([executionPayloadToJson(payload(CANYON_T))])
  })

  it('behavior: payload statuses come back typed, INVALID with latestValidHash and validationError, never retried', async () => {
    for (const status of ['INVALID', 'INVALID_BLOCK_HASH', 'SYNCING', 'ACCEPTED'] as const) {
      const f = fake((req) => result(req, { status, latestValidHash: status === 'INVALID' ? VALID_HASH : null, validationError: status === 'INVALID' ? 'bad block' : null }))
      const got = await client(f.fetch).newPayload(payload(ISTHMUS_T), ROOT)
      expect(got.status).toBe(status)
      if (status === 'INVALID') expect(got).toEqual({ status, latestValidHash: VALID_HASH, validationError: 'bad block' })
      expect(f.requests).toHaveLength(1)
    }
  })

  it('error: newPayload V3+ without a beacon root is refused before any request', async () => {
    const f = fake((req) => result(req, valid))
    const e = await failure(client(f.fetch).newPayload(payload(ISTHMUS_T), undefined))
    expect(e).toMatchObject({ code: 'invalid-request', severity: 'critical' })
    expect(f.requests).toHaveLength(0)
  })

  it('error: an unknown status or a non-JSON body is a temporary malformed-response', async () => {
    const bad = fake((req) => result(req, { status: 'INVALID_TERMINAL_BLOCK' }))
    expect(await failure(client(bad.fetch).newPayload(payload(ISTHMUS_T), ROOT))).toMatchObject({ code: 'malformed-response', severity: 'temporary' })
    const html = fake(() => new Response('<html>login</html>', { status: 200 }))
    expect(await failure(client(html.fetch).ethChainId())).toMatchObject({ code: 'malformed-response', severity: 'temporary' })
    expect(html.requests).toHaveLength(1)
  })
})

describe('createEngineClient: eth namespace', () => {
  const deposit = {
    sourceHash: new Uint8Array(32).fill(9),
    from: fromHex('0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001'),
    to: fromHex('0x4200000000000000000000000000000000000015'),
    mint: 0n,
    value: 0n,
    gas: 1_000_000n,
    isSystemTx: false,
    data: Uint8Array.of(1, 2, 3),
  }
  const extra = concatBytes(Uint8Array.of(1), uintToBytes(250, 4), uintToBytes(6, 4), uintToBytes(7n, 8))
  const blockJson = {
    hash: `0x${'12'.repeat(32)}`,
    parentHash: STATE.headBlockHash,
    sha3Uncles: '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347',
    miner: '0x4200000000000000000000000000000000000011',
    stateRoot: `0x${'01'.repeat(32)}`,
    transactionsRoot: `0x${'02'.repeat(32)}`,
    receiptsRoot: `0x${'03'.repeat(32)}`,
    logsBloom: `0x${'00'.repeat(256)}`,
    difficulty: '0x0',
    number: '0x10',
    gasLimit: '0x1c9c380',
    gasUsed: '0x5208',
    timestamp: `0x${JOVIAN_T.toString(16)}`,
    extraData: toHex(extra),
    mixHash: `0x${'0a'.repeat(32)}`,
    nonce: '0x0000000000000000',
    baseFeePerGas: '0x7',
    withdrawalsRoot: `0x${'04'.repeat(32)}`,
    blobGasUsed: '0x0',
    excessBlobGas: '0x0',
    parentBeaconBlockRoot: toHex(ROOT),
    requestsHash: '0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    withdrawals: [],
    transactions: [
      { type: '0x7e', sourceHash: toHex(deposit.sourceHash), from: toHex(deposit.from), to: toHex(deposit.to), mint: '0x0', value: '0x0', gas: '0xf4240', isSystemTx: false, input: '0x010203', hash: `0x${'99'.repeat(32)}` },
      '0x02c0ffee',
    ],
  }

  it('default: ethGetBlockByNumber returns a block shaped for attributesMatchBlock, deposits re-encoded', async () => {
    const f = fake((req) => result(req, blockJson))
    const block = await client(f.fetch).ethGetBlockByNumber(16)
    expect(f.requests[0].body).toMatchObject({ method: 'eth_getBlockByNumber', params: ['0x10', true] })
    expect(block).not.toBeNull()
    expect(block!.hash).toBe(blockJson.hash)
    expect(block!.number).toBe(16)
    expect(block!.transactions).toEqual([encodeDepositTx(deposit), fromHex('0x02c0ffee')])
    const a: PayloadAttributes = {
      timestamp: JOVIAN_T,
      prevRandao: `0x${'0a'.repeat(32)}`,
      suggestedFeeRecipient: '0x4200000000000000000000000000000000000011',
      transactions: [toHex(encodeDepositTx(deposit)), '0x02c0ffee'],
      noTxPool: false,
      gasLimit: 30_000_000n,
      withdrawals: [],
      parentBeaconBlockRoot: toHex(ROOT),
      eip1559Params: '0x0000000000000000',
      minBaseFee: 7n,
    }
    expect(attributesMatchBlock(op, a, block!, STATE.headBlockHash)).toEqual({ ok: true })
  })

  it('behavior: tags pass through; a missing block is null', async () => {
    const f = fake((req) => result(req, null))
    expect(await client(f.fetch).ethGetBlockByNumber('safe')).toBeNull()
    expect(f.requests[0].body.params).toEqual(['safe', true])
  })

  it('default: ethGetBlockByHash asks by hash with full transactions and decodes the same way', async () => {
    const f = fake((req) => result(req, blockJson))
    const block = await client(f.fetch).ethGetBlockByHash(blockJson.hash as Hex)
    expect(f.requests[0].body).toMatchObject({ method: 'eth_getBlockByHash', params: [blockJson.hash, true] })
    expect(block!.number).toBe(16)
    expect(block!.transactions).toEqual([encodeDepositTx(deposit), fromHex('0x02c0ffee')])
    const missing = fake((req) => result(req, null))
    expect(await client(missing.fetch).ethGetBlockByHash(blockJson.hash as Hex)).toBeNull()
  })

  it('default: ethChainId', async () => {
    const f = fake((req) => result(req, '0xa'))
    expect(await client(f.fetch).ethChainId()).toBe(10)
    expect(f.requests[0].body).toMatchObject({ method: 'eth_chainId', params: [] })
  })
})

describe('createEngineClient: authentication and headers', () => {
  it('default: every request carries a fresh HS256 token with iat from the caller clock', async () => {
    const f = fake((req) => result(req, '0xa'))
    let ms = 1_700_000_000_000
    const engine = client(f.fetch, { now: () => (ms += 5_000) })
    await engine.ethChainId()
    await engine.ethChainId()
    const tokens = f.requests.map((r) => r.headers.get('authorization')!.replace(/^Bearer /, ''))
    expect(tokens[0]).not.toBe(tokens[1])
    const iats = tokens.map((t) => {
      const [h, p, s] = t.split('.')
      expect(s).toBe(createHmac('sha256', Buffer.from(SECRET.slice(2), 'hex')).update(`${h}.${p}`).digest('base64url'))
      return JSON.parse(Buffer.from(p, 'base64url').toString()).iat
    })
    expect(iats).toEqual([1_700_000_005, 1_700_000_010])
  })

  it('behavior: extra headers (Cloudflare Access) are sent but cannot replace the token or content type', async () => {
    const f = fake((req) => result(req, '0xa'))
    const headers = { 'CF-Access-Client-Id': 'id.access', 'CF-Access-Client-Secret': 'sekret', authorization: 'Bearer forged', 'content-type': 'text/plain' }
    await client(f.fetch, { headers }).ethChainId()
    const h = f.requests[0].headers
    expect(h.get('cf-access-client-id')).toBe('id.access')
    expect(h.get('cf-access-client-secret')).toBe('sekret')
    expect(h.get('authorization')).toMatch(/^Bearer eyJ/)
    expect(h.get('content-type')).toBe('application/json')
  })

  it('error: a bad JWT secret fails at creation, critical', () => {
    expect(() => client(fake(() => new Response()).fetch, { jwtSecret: '0xabc' })).toThrow(JwtSecretError)
  })

  it('error: HTTP 401/403 and Access redirects are critical and not retried', async () => {
    for (const status of [401, 403, 302]) {
      const f = fake(() => new Response('', { status, headers: status === 302 ? { location: 'https://team.cloudflareaccess.com/login' } : {} }))
      const e = await failure(client(f.fetch).ethChainId())
      expect(e).toMatchObject({ code: 'unauthorized', severity: 'critical', httpStatus: status })
      expect(f.requests).toHaveLength(1)
    }
  })
})

describe('createEngineClient: retries and timeouts', () => {
  it('behavior: 5xx and 429 are retried, each attempt with a fresh token, spaced by the caller sleep', async () => {
    const f = fake((req, n) => (n < 3 ? new Response('busy', { status: n === 1 ? 503 : 429 }) : result(req, '0xa')))
    const waits: number[] = []
    expect(await client(f.fetch, { sleep: async (ms) => void waits.push(ms) }).ethChainId()).toBe(10)
    expect(f.requests).toHaveLength(3)
    expect(new Set(f.requests.map((r) => r.headers.get('authorization'))).size).toBe(3)
    expect(waits).toEqual([250, 500])
  })

  it('behavior: network errors are retried; once retries run out the error is temporary', async () => {
    const f = fake(() => {
      throw new TypeError('fetch failed')
    })
    const e = await failure(client(f.fetch, { retries: 3 }).ethChainId())
    expect(e).toMatchObject({ code: 'network', severity: 'temporary', method: 'eth_chainId' })
    expect(f.requests).toHaveLength(4)
  })

  it('behavior: a call that does not answer within timeoutMs is aborted, retried, then temporary', async () => {
    const f = fake(
      (req) => new Promise<Response>((_, reject) => req.signal!.addEventListener('abort', () => reject(req.signal!.reason))),
    )
    const e = await failure(client(f.fetch, { timeoutMs: 20, retries: 1 }).ethChainId())
    expect(e).toMatchObject({ code: 'timeout', severity: 'temporary' })
    expect(f.requests).toHaveLength(2)
  })

  it('behavior: other 4xx are temporary and not retried', async () => {
    const f = fake(() => new Response('nope', { status: 404 }))
    expect(await failure(client(f.fetch).ethChainId())).toMatchObject({ code: 'http-status', severity: 'temporary', httpStatus: 404 })
    expect(f.requests).toHaveLength(1)
  })
})

describe('createEngineClient: JSON-RPC errors', () => {
  const cases = [
    [-38002, 'invalid-forkchoice-state', 'reset'],
    [-38003, 'invalid-payload-attributes', 'reset'],
    [-38001, 'unknown-payload', 'temporary'],
    [-38004, 'too-large-request', 'temporary'],
    [-38005, 'unsupported-fork', 'critical'],
    [-32601, 'method-not-found', 'critical'],
    [-32602, 'invalid-params', 'temporary'],
    [-32000, 'rpc-error', 'temporary'],
  ] as const
  for (const [rpcCode, code, severity] of cases) {
    it(`error: ${rpcCode} → ${code} (${severity}), never retried`, async () => {
      const f = fake((req) => rpcError(req, rpcCode, 'engine says no'))
      const e = await failure(client(f.fetch).forkchoiceUpdated(STATE, attrs(ISTHMUS_T)))
      expect(e).toMatchObject({ code, severity, rpcCode, method: 'engine_forkchoiceUpdatedV3' })
      expect(e.message).toContain('engine says no')
      expect(f.requests).toHaveLength(1)
    })
  }

  it('error: -38003 is an InvalidAttributesError', async () => {
    const f = fake((req) => rpcError(req, -38003, 'Invalid payload attributes'))
    expect(await failure(client(f.fetch).forkchoiceUpdated(STATE, attrs(ISTHMUS_T)))).toBeInstanceOf(InvalidAttributesError)
  })

  it('behavior: a JSON-RPC error carried by an HTTP 500 is the RPC error, not retried', async () => {
    const f = fake((req) => Response.json({ jsonrpc: '2.0', id: req.body.id, error: { code: -38002, message: 'x' } }, { status: 500 }))
    expect(await failure(client(f.fetch).forkchoiceUpdated(STATE))).toMatchObject({ code: 'invalid-forkchoice-state' })
    expect(f.requests).toHaveLength(1)
  })
})

describe('createEngineClient: the URL never leaks', () => {
  const leaks = (e: unknown) => {
    const err = e as EngineError
    const text = [err.message, err.shortMessage, err.details, String(err), JSON.stringify(err), err.stack].join('\n')
    return ['pa55word', 'operator', 'T0PSECRET', 'abcdef0123456789abcdef'].filter((s) => text.includes(s))
  }

  it('error: network failures that quote the URL are scrubbed', async () => {
    const f = fake((req) => {
      throw new TypeError(`fetch failed: connect ECONNREFUSED ${req.url} (also ${new URL(req.url).href})`)
    })
    const e = await failure(client(f.fetch, { url: URL_SECRET, retries: 0 }).ethChainId())
    expect(f.requests[0].url).toBe(URL_SECRET)
    expect(leaks(e)).toEqual([])
    expect(e.message).toContain('https://***@engine.example.com/v1/***?token=***')
    expect(e.cause).toBeUndefined()
  })

  it('error: HTTP, RPC and decoding errors show only the redacted endpoint', async () => {
    const answers = [
      () => new Response('', { status: 503 }),
      (req: Req) => rpcError(req, -32000, `upstream ${URL_SECRET} failed`),
      (req: Req) => result(req, { status: 'NOPE' }),
      () => new Response('', { status: 401 }),
    ]
    for (const answer of answers) {
      const f = fake(answer)
      const e = await failure(client(f.fetch, { url: URL_SECRET, retries: 0 }).newPayload(payload(ISTHMUS_T), ROOT))
      expect(leaks(e)).toEqual([])
      expect(e.message).toContain('engine.example.com')
    }
  })
})
