/**
 * The development engine over real HTTP on 127.0.0.1: JWT, the build loop per fork with method versions enforced,
 * real block hashes, forkchoice reorgs and errors, the INVALID hook, extraData and base fee by Holocene/Jovian rules,
 * eth_getProof consistency.
 */
import { fromRlp, type Hex, keccak256 } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { afterEach, describe, expect, it } from 'vitest'
import { fromHex, keccak, toHex } from '../../../shared/bytes.ts'
import { executionPayloadFromJson } from '../../../shared/codec/payload-json.ts'
import { devnetConfig } from '../../../shared/config/chains.ts'
import type { ForkTimes, RollupConfig } from '../../../shared/config/rollup-config.ts'
import { encodeDepositTx } from '../../../shared/protocol/deposit-tx.ts'
import { hashHeader, headerFromRpcBlock, payloadBlockHash, verifyL1BlockRoots } from '../../../shared/protocol/header-hash.ts'
import { type DevEngine, signEngineJwt, startDevEngine } from '../../devnet/dev-engine.ts'
import { devEngineClient, type DevEngineClient } from '../../devnet/dev-engine/client.ts'

const SECRET = `0x${'ab'.repeat(32)}`
const GENESIS_TIME = 1_800_000_000
const ZERO = `0x${'00'.repeat(32)}` as Hex
const PASSER = '0x4200000000000000000000000000000000000016'
const h = (label: string) => keccak256(new TextEncoder().encode(label))
const q = (v: number | bigint) => `0x${v.toString(16)}`

const engines: DevEngine[] = []
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.close()))
})

function config(forks: ForkTimes): RollupConfig {
  const base = devnetConfig({ l1: { hash: h('l1'), number: 0 }, l2: { hash: ZERO, number: 0 }, l2Time: GENESIS_TIME })
  return { ...base, forks }
}

async function start(cfg: RollupConfig, now?: () => number): Promise<{ engine: DevEngine; rpc: DevEngineClient }> {
  const engine = await startDevEngine({ config: cfg, jwtSecret: SECRET, host: '127.0.0.1', port: 0, now })
  engines.push(engine)
  return { engine, rpc: devEngineClient(engine.url, SECRET, now) }
}

/** A deposit standing in for the L1-info transaction (distinct per label). */
function deposit(label: string, gas = 1_000_000n, to = '0x4200000000000000000000000000000000000015'): Hex {
  const tx = encodeDepositTx({
    sourceHash: fromHex(h(label)),
    from: fromHex('0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001'),
    to: fromHex(to),
    mint: 0n,
    value: 0n,
    gas,
    isSystemTx: false,
    data: new TextEncoder().encode(label),
  })
  return toHex(tx)
}

const active = (cfg: RollupConfig, fork: keyof ForkTimes, t: number) => cfg.forks[fork] !== undefined && t >= cfg.forks[fork]

/** Attributes JSON for the child of `parent`, with each field present exactly from its fork. */
function attributes(cfg: RollupConfig, parent: { timestamp: number }, over: Record<string, unknown> = {}) {
  const t = parent.timestamp + cfg.blockTime
  const a: Record<string, unknown> = {
    timestamp: q(t),
    prevRandao: h(`randao-${t}`),
    suggestedFeeRecipient: '0x4200000000000000000000000000000000000011',
    transactions: [deposit(`l1-info-${t}`)],
    noTxPool: true,
    gasLimit: q(cfg.genesis.systemConfig.gasLimit),
  }
  if (active(cfg, 'canyon', t)) a.withdrawals = []
  if (active(cfg, 'ecotone', t)) a.parentBeaconBlockRoot = h(`beacon-${t}`)
  if (active(cfg, 'holocene', t)) a.eip1559Params = '0x0000000000000000'
  if (active(cfg, 'jovian', t)) a.minBaseFee = 0
  return { ...a, ...over }
}

const state = (head: string, safe: string = ZERO, finalized: string = ZERO) => ({
  headBlockHash: head,
  safeBlockHash: safe,
  finalizedBlockHash: finalized,
})

type Versions = { fcu: number; get: number; new: number }

function newPayloadParams(version: number, env: any): unknown[] {
  const p = env.executionPayload
  if (version === 2) return [p]
  if (version === 3) return [p, [], env.parentBeaconBlockRoot]
  return [p, [], env.parentBeaconBlockRoot, []]
}

/** FCU with attributes → getPayload → newPayload; returns the envelope (the block is stored, not yet head). */
async function build(rpc: DevEngineClient, v: Versions, parentHash: string, attrs: unknown) {
  const fcu = await rpc.call(`engine_forkchoiceUpdatedV${v.fcu}`, [state(parentHash), attrs])
  expect(fcu.payloadStatus).toEqual({ status: 'VALID', latestValidHash: parentHash, validationError: null })
  expect(fcu.payloadId).toMatch(/^0x[0-9a-f]{16}$/)
  const env = await rpc.call(`engine_getPayloadV${v.get}`, [fcu.payloadId])
  const status = await rpc.call(`engine_newPayloadV${v.new}`, newPayloadParams(v.new, env))
  expect(status).toEqual({ status: 'VALID', latestValidHash: env.executionPayload.blockHash, validationError: null })
  return env
}

async function rawPost(engine: DevEngine, authorization?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (authorization !== undefined) headers.authorization = authorization
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] })
  return fetch(engine.url, { method: 'POST', headers, body })
}

describe('dev engine: JWT', () => {
  it('refuses requests without a valid HS256 token with a fresh iat, accepts a good one', async () => {
    const { engine } = await start(devnetConfig())
    const secret = fromHex(SECRET)
    const now = Date.now() / 1000
    expect((await rawPost(engine)).status).toBe(401)
    expect((await rawPost(engine, `Bearer ${signEngineJwt(fromHex(`0x${'cd'.repeat(32)}`), now)}`)).status).toBe(401)
    expect((await rawPost(engine, `Bearer ${signEngineJwt(secret, now - 65)}`)).status).toBe(401) // clear of the ±60 s window: iat is floored, so ±61 could land inside it
    expect((await rawPost(engine, `Bearer ${signEngineJwt(secret, now + 65)}`)).status).toBe(401)
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"iat":${Math.floor(now)}}`).toString('base64url')}.`
    expect((await rawPost(engine, `Bearer ${none}`)).status).toBe(401)
    const ok = await rawPost(engine, `Bearer ${signEngineJwt(secret, now - 30)}`)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ jsonrpc: '2.0', id: 1, result: q(901) })
    expect(engine.callCount('eth_chainId')).toBe(1) // refused requests are not RPC calls
  })
})

describe('dev engine: genesis and eth_*', () => {
  it('serves a genesis block whose header hashes to the exposed hash, and a rollup config that names it', async () => {
    const cfg = devnetConfig({ l1: { hash: h('l1'), number: 0 }, l2: { hash: ZERO, number: 0 }, l2Time: GENESIS_TIME })
    const { engine, rpc } = await start(cfg)
    const block = await rpc.call('eth_getBlockByNumber', ['0x0', false])
    expect(block.hash).toBe(engine.genesis.hash)
    expect(toHex(hashHeader(headerFromRpcBlock(block)))).toBe(engine.genesis.hash)
    expect(block).toMatchObject({ number: '0x0', timestamp: q(GENESIS_TIME), gasLimit: q(60_000_000), transactions: [] })
    // Jovian genesis: extraData v1 with the chain's Canyon constants (250, 6) and min base fee 0.
    expect(block.extraData).toBe('0x01000000fa000000060000000000000000')
    expect(engine.rollupConfig.genesis.l2).toEqual({ hash: engine.genesis.hash, number: 0 })
    expect(await rpc.call('eth_getBlockByHash', [engine.genesis.hash, true])).toEqual(block)
    for (const tag of ['latest', 'safe', 'finalized']) expect((await rpc.call('eth_getBlockByNumber', [tag, false])).hash).toBe(block.hash)
    expect(await rpc.call('eth_getBlockByNumber', ['0x1', false])).toBeNull()
    expect(await rpc.call('eth_blockNumber')).toBe('0x0')
    expect(await rpc.call('eth_chainId')).toBe(q(901))
    expect(await rpc.error('eth_sendTransaction', [{}])).toMatchObject({ code: -32601 })
    expect(engine.calls().map((c) => c.method)).toContain('eth_sendTransaction')
    // The tx pool takes signed user transactions only.
    expect(await rpc.error('eth_sendRawTransaction', ['0x00'])).toMatchObject({ code: -32000 })
    expect(await rpc.error('eth_sendRawTransaction', ['nope'])).toMatchObject({ code: -32602 })
  })
})

const ERAS: { name: string; forks: ForkTimes; v: Versions; wrong: Versions }[] = [
  { name: 'Bedrock (Regolith)', forks: { regolith: 0 }, v: { fcu: 1, get: 2, new: 2 }, wrong: { fcu: 2, get: 3, new: 3 } },
  {
    name: 'Holocene/Isthmus',
    forks: { regolith: 0, canyon: 0, delta: 0, ecotone: 0, fjord: 0, granite: 0, holocene: 0, isthmus: 0 },
    v: { fcu: 3, get: 4, new: 4 },
    wrong: { fcu: 2, get: 3, new: 3 },
  },
  { name: 'Karst', forks: devnetConfig().forks, v: { fcu: 3, get: 5, new: 4 }, wrong: { fcu: 2, get: 4, new: 3 } },
]

describe('dev engine: the build loop per fork', () => {
  for (const era of ERAS) {
    it(`${era.name}: FCU+attrs → getPayloadV${era.v.get} → newPayloadV${era.v.new} → FCU, wrong versions refused`, async () => {
      const cfg = config(era.forks)
      const { engine, rpc } = await start(cfg)
      const g = engine.genesis
      const attrs = attributes(cfg, g)
      // Wrong FCU version with attributes: V1 after Canyon is -32602 (geth), V2 outside Canyon/Delta is -38005.
      const v2Shaped = { ...attrs, withdrawals: [], parentBeaconBlockRoot: null }
      const wrongFcu = await rpc.error(`engine_forkchoiceUpdatedV${era.wrong.fcu}`, [state(g.hash), v2Shaped])
      expect(wrongFcu.code).toBe(-38005)
      if (era.v.fcu !== 1) expect((await rpc.error('engine_forkchoiceUpdatedV1', [state(g.hash), attrs])).code).toBe(-32602)

      const fcu = await rpc.call(`engine_forkchoiceUpdatedV${era.v.fcu}`, [state(g.hash), attrs])
      expect(fcu.payloadStatus.status).toBe('VALID')
      expect((await rpc.error(`engine_getPayloadV${era.wrong.get}`, [fcu.payloadId])).code).toBe(-38005)
      expect((await rpc.error(`engine_getPayloadV${era.v.get}`, ['0x0102030405060708'])).code).toBe(-38001)
      const env = await rpc.call(`engine_getPayloadV${era.v.get}`, [fcu.payloadId])
      const keys = ['executionPayload', 'blockValue']
      if (era.v.get >= 3) keys.push('blobsBundle', 'shouldOverrideBuilder', 'parentBeaconBlockRoot')
      if (era.v.get >= 4) keys.push('executionRequests')
      expect(Object.keys(env).sort()).toEqual(keys.sort())
      const p = env.executionPayload
      expect(p).toMatchObject({ parentHash: g.hash, blockNumber: '0x1', timestamp: q(g.timestamp + 2), transactions: attrs.transactions })
      expect('withdrawals' in p).toBe(era.v.get >= 3)
      expect('blobGasUsed' in p).toBe(era.v.get >= 3)
      expect('withdrawalsRoot' in p).toBe(era.v.get >= 4)
      expect(p.gasUsed).toBe(q(1_000_000)) // the deposit's gas limit

      // The hash is the real header hash over the payload's fields.
      const pbbr = env.parentBeaconBlockRoot ? fromHex(env.parentBeaconBlockRoot) : undefined
      expect(toHex(payloadBlockHash(executionPayloadFromJson(p), pbbr))).toBe(p.blockHash)

      const wrongNew = await rpc.error(`engine_newPayloadV${era.wrong.new}`, newPayloadParams(era.wrong.new, env))
      // V3 for a pre-Canyon payload fails on its missing withdrawals first (-32602), as in geth.
      expect(wrongNew.code).toBe(era.v.new === 2 ? -32602 : -38005)
      const status = await rpc.call(`engine_newPayloadV${era.v.new}`, newPayloadParams(era.v.new, env))
      expect(status).toEqual({ status: 'VALID', latestValidHash: p.blockHash, validationError: null })
      expect(await rpc.call('eth_blockNumber')).toBe('0x0') // newPayload does not move the head
      const fcu2 = await rpc.call('engine_forkchoiceUpdatedV3', [state(p.blockHash, p.blockHash, g.hash), null])
      expect(fcu2).toEqual({ payloadStatus: { status: 'VALID', latestValidHash: p.blockHash, validationError: null }, payloadId: null })
      expect(engine.head()).toMatchObject({ hash: p.blockHash, number: 1 })
      expect(engine.safe().hash).toBe(p.blockHash)
      expect(engine.finalized().hash).toBe(g.hash)

      const block = await rpc.call('eth_getBlockByHash', [p.blockHash, false])
      expect(block.hash).toBe(p.blockHash)
      expect(toHex(hashHeader(headerFromRpcBlock(block)))).toBe(p.blockHash)
      expect(await rpc.call('eth_getBlockByNumber', ['latest', false])).toEqual(block)
      expect(engine.callCount(`engine_newPayloadV${era.v.new}`)).toBe(1)
      expect(engine.calls(`engine_getPayloadV${era.wrong.get}`)[0].error?.code).toBe(-38005)

      // A second block on top, built by a fresh engine from the same attributes, has the same hash (determinism).
      const env2 = await build(rpc, era.v, p.blockHash, attributes(cfg, { timestamp: g.timestamp + 2 }))
      const twin = await start(cfg)
      const twinEnv = await build(twin.rpc, era.v, g.hash, attrs)
      expect(twinEnv.executionPayload.blockHash).toBe(p.blockHash)
      expect(await twin.rpc.call(`engine_newPayloadV${era.v.new}`, newPayloadParams(era.v.new, env2))).toMatchObject({ status: 'VALID' })
    })
  }

  it('Karst activation: getPayloadV4 refused for a Karst timestamp, V5 refused before it', async () => {
    const cfg = config({ ...devnetConfig().forks, karst: GENESIS_TIME + 4 })
    const { engine, rpc } = await start(cfg)
    const v = { fcu: 3, get: 4, new: 4 }
    const env1 = await build(rpc, v, engine.genesis.hash, attributes(cfg, engine.genesis))
    const fcu = await rpc.call('engine_forkchoiceUpdatedV3', [
      state(env1.executionPayload.blockHash),
      attributes(cfg, { timestamp: GENESIS_TIME + 2 }),
    ])
    expect((await rpc.error('engine_getPayloadV4', [fcu.payloadId])).code).toBe(-38005)
    const env2 = await rpc.call('engine_getPayloadV5', [fcu.payloadId])
    expect(Object.keys(env2)).toContain('executionRequests')
    expect(await rpc.call('engine_newPayloadV4', newPayloadParams(4, env2))).toMatchObject({ status: 'VALID' })
    const pre = await rpc.call('engine_forkchoiceUpdatedV3', [state(engine.genesis.hash), attributes(cfg, engine.genesis, { prevRandao: h('x') })])
    expect((await rpc.error('engine_getPayloadV5', [pre.payloadId])).code).toBe(-38005)
  })
})

describe('dev engine: forkchoice', () => {
  const cfg = config(devnetConfig().forks)
  const v = { fcu: 3, get: 5, new: 4 }

  it('reorgs by FCU to a sibling and back; safe/finalized must be ancestors of the head (-38002)', async () => {
    const { engine, rpc } = await start(cfg)
    const g = engine.genesis
    const a = (await build(rpc, v, g.hash, attributes(cfg, g))).executionPayload.blockHash
    const b = (await build(rpc, v, g.hash, attributes(cfg, g, { prevRandao: h('sibling') }))).executionPayload.blockHash
    expect(a).not.toBe(b)
    expect((await rpc.call('engine_forkchoiceUpdatedV3', [state(a, a, g.hash), null])).payloadStatus.status).toBe('VALID')
    expect((await rpc.call('eth_getBlockByNumber', ['0x1', false])).hash).toBe(a)
    const a2 = (await build(rpc, v, a, attributes(cfg, { timestamp: g.timestamp + 2 }))).executionPayload.blockHash
    await rpc.call('engine_forkchoiceUpdatedV3', [state(a2, a), null])
    expect(await rpc.call('eth_blockNumber')).toBe('0x2')

    // Reorg onto the sibling: the canonical chain by number follows.
    expect((await rpc.call('engine_forkchoiceUpdatedV3', [state(b, g.hash, g.hash), null])).payloadStatus).toMatchObject({ status: 'VALID', latestValidHash: b })
    expect((await rpc.call('eth_getBlockByNumber', ['0x1', false])).hash).toBe(b)
    expect(await rpc.call('eth_getBlockByNumber', ['0x2', false])).toBeNull()
    expect((await rpc.call('eth_getBlockByHash', [a2, false])).hash).toBe(a2) // still known

    // Inconsistent forkchoice: a safe block on the other branch, an unknown finalized block.
    const bad = await rpc.error('engine_forkchoiceUpdatedV3', [state(b, a), null])
    expect(bad.code).toBe(-38002)
    expect((await rpc.error('engine_forkchoiceUpdatedV3', [state(a2, a, h('nope')), null])).code).toBe(-38002)
    expect(engine.head().hash).toBe(b) // nothing moved

    // And back to the longer branch, then all the way to genesis.
    await rpc.call('engine_forkchoiceUpdatedV3', [state(a2, a, g.hash), null])
    expect((await rpc.call('eth_getBlockByNumber', ['safe', false])).hash).toBe(a)
    await rpc.call('engine_forkchoiceUpdatedV3', [state(g.hash, g.hash, g.hash), null])
    expect(await rpc.call('eth_blockNumber')).toBe('0x0')
  })

  it('answers SYNCING for an unknown head and imports earlier payloads whose parent was unknown', async () => {
    const builder = await start(cfg)
    const g = builder.engine.genesis
    const env1 = await build(builder.rpc, v, g.hash, attributes(cfg, g))
    const env2 = await build(builder.rpc, v, env1.executionPayload.blockHash, attributes(cfg, { timestamp: g.timestamp + 2 }))
    const follower = await start(cfg)
    const unknown = await follower.rpc.call('engine_forkchoiceUpdatedV3', [state(h('unknown')), attributes(cfg, g)])
    expect(unknown).toEqual({ payloadStatus: { status: 'SYNCING', latestValidHash: null, validationError: null }, payloadId: null })
    expect(await follower.rpc.call('engine_newPayloadV4', newPayloadParams(4, env2))).toMatchObject({ status: 'SYNCING' })
    expect(await follower.rpc.call('engine_newPayloadV4', newPayloadParams(4, env1))).toMatchObject({ status: 'VALID' })
    const head2 = env2.executionPayload.blockHash
    expect((await follower.rpc.call('engine_forkchoiceUpdatedV3', [state(head2), null])).payloadStatus.status).toBe('SYNCING')
    expect((await follower.rpc.call('engine_forkchoiceUpdatedV3', [state(head2), null])).payloadStatus.status).toBe('VALID')
    expect(follower.engine.head().number).toBe(2)
  })
})

describe('dev engine: INVALID', () => {
  const cfg = config(devnetConfig().forks)
  const v = { fcu: 3, get: 5, new: 4 }

  it('the test hook makes a payload INVALID (by tx or number), remembered for FCU and descendants', async () => {
    const builder = await start(cfg)
    const g = builder.engine.genesis
    const evil = deposit('evil')
    const attrs = attributes(cfg, g, { transactions: [deposit('l1-info'), evil] })
    const env = await build(builder.rpc, v, g.hash, attrs)
    const child = await build(builder.rpc, v, env.executionPayload.blockHash, attributes(cfg, { timestamp: g.timestamp + 2 }))

    const { engine, rpc } = await start(cfg)
    engine.markInvalid({ tx: evil, reason: 'bad tx' })
    const status = await rpc.call('engine_newPayloadV4', newPayloadParams(4, env))
    expect(status).toEqual({ status: 'INVALID', latestValidHash: g.hash, validationError: 'bad tx' })
    const fcu = await rpc.call('engine_forkchoiceUpdatedV3', [state(env.executionPayload.blockHash), null])
    expect(fcu.payloadStatus).toMatchObject({ status: 'INVALID', latestValidHash: g.hash })
    expect(await rpc.call('engine_newPayloadV4', newPayloadParams(4, child))).toMatchObject({ status: 'INVALID', latestValidHash: g.hash })
    // Building from attributes that carry it fails the way op-geth fails a forced transaction.
    expect((await rpc.error('engine_forkchoiceUpdatedV3', [state(g.hash), attrs])).code).toBe(-38003)

    engine.clearInvalid()
    engine.markInvalid({ number: 1 })
    expect((await rpc.error('engine_forkchoiceUpdatedV3', [state(g.hash), attributes(cfg, g)])).code).toBe(-38003)
    engine.clearInvalid()
    expect((await rpc.call('engine_forkchoiceUpdatedV3', [state(g.hash), attributes(cfg, g)])).payloadId).not.toBeNull()
  })

  it('a wrong block hash or a wrong stand-in root is INVALID', async () => {
    const { engine, rpc } = await start(cfg)
    const g = engine.genesis
    const fcu = await rpc.call('engine_forkchoiceUpdatedV3', [state(g.hash), attributes(cfg, g)])
    const env = await rpc.call('engine_getPayloadV5', [fcu.payloadId])
    const tampered = { ...env, executionPayload: { ...env.executionPayload, gasUsed: '0x1' } }
    const mismatch = await rpc.call('engine_newPayloadV4', newPayloadParams(4, tampered))
    expect(mismatch).toMatchObject({ status: 'INVALID', latestValidHash: null })
    expect(mismatch.validationError).toMatch(/^blockhash mismatch/)
    // Same tampering with a recomputed hash: the header is self-consistent but the "execution" disagrees.
    const payload = executionPayloadFromJson(tampered.executionPayload)
    const rehashed = toHex(payloadBlockHash(payload, fromHex(env.parentBeaconBlockRoot)))
    const forged = { ...tampered, executionPayload: { ...tampered.executionPayload, blockHash: rehashed } }
    const invalid = await rpc.call('engine_newPayloadV4', newPayloadParams(4, forged))
    expect(invalid).toMatchObject({ status: 'INVALID', latestValidHash: g.hash })
    expect(invalid.validationError).toMatch(/gas used/)
    expect((await rpc.error('engine_newPayloadV4', [env.executionPayload, [], env.parentBeaconBlockRoot, ['0x01']])).code).toBe(-32602)
    expect(await rpc.call('engine_newPayloadV4', newPayloadParams(4, env))).toMatchObject({ status: 'VALID' })
  })
})

describe('dev engine: attributes by fork', () => {
  it('refuses attributes missing or carrying fields against the fork rules (-38003)', async () => {
    const cfg = config({ ...devnetConfig().forks, jovian: GENESIS_TIME + 4, karst: undefined })
    const { engine, rpc } = await start(cfg)
    const g = engine.genesis
    const fcu = (attrs: unknown) => rpc.error('engine_forkchoiceUpdatedV3', [state(g.hash), attrs])
    const base = attributes(cfg, g)
    expect((await fcu({ ...base, gasLimit: null })).code).toBe(-38003)
    expect((await fcu({ ...base, eip1559Params: null })).code).toBe(-38003)
    expect((await fcu({ ...base, eip1559Params: '0x0000000000000006' })).code).toBe(-38003)
    expect((await fcu({ ...base, minBaseFee: 1 })).code).toBe(-38003) // Jovian not active yet
    expect((await fcu({ ...base, withdrawals: null })).code).toBe(-38003)
    expect((await fcu({ ...base, parentBeaconBlockRoot: null })).code).toBe(-38003)
    expect((await fcu({ ...base, withdrawals: [{ index: '0x0', validatorIndex: '0x0', address: PASSER, amount: '0x1' }] })).code).toBe(-38003)
    expect((await fcu({ ...base, timestamp: q(g.timestamp) })).code).toBe(-38003)
    expect((await fcu({ ...base, transactions: ['0x02'] })).code).toBe(-32000) // undecodable, as geth's unmarshalling
    expect((await fcu({ ...base, prevRandao: '0x01' })).code).toBe(-32602)
    const jovianAttrs = attributes(cfg, { timestamp: g.timestamp + 2 }, { minBaseFee: null })
    const env1 = await build(rpc, { fcu: 3, get: 4, new: 4 }, g.hash, base)
    expect((await rpc.error('engine_forkchoiceUpdatedV3', [state(env1.executionPayload.blockHash), jovianAttrs])).code).toBe(-38003)
  })

  it('writes extraData per Holocene/Jovian and computes the base fee from the parent', async () => {
    const cfg = config({ ...devnetConfig().forks, jovian: GENESIS_TIME + 4, karst: undefined })
    const { engine, rpc } = await start(cfg)
    const g = engine.genesis
    const v = { fcu: 3, get: 4, new: 4 }
    // Holocene, params (0, 0): the chain's Canyon constants (denominator 250, elasticity 6) in a v0 extraData.
    const e1 = (await build(rpc, v, g.hash, attributes(cfg, g))).executionPayload
    expect(e1.extraData).toBe('0x00000000fa00000006')
    expect(await rpc.call('eth_getBlockByHash', [e1.blockHash, false])).toMatchObject({ extraData: e1.extraData })
    // Jovian: v1 with the attributes' params and min base fee.
    const jovian = attributes(cfg, { timestamp: g.timestamp + 2 }, { eip1559Params: '0x0000000800000002', minBaseFee: 1_000_000_000_000 })
    const e2 = (await build(rpc, v, e1.blockHash, jovian)).executionPayload
    expect(e2.extraData).toBe(`0x01${'00000008'}${'00000002'}${'000000e8d4a51000'}`)
    // Base fee of block 2 from block 1 (Holocene parent: its own extraData params, 250/6, no clamp).
    const target1 = BigInt(e1.gasLimit) / 6n
    const fee1 = BigInt(e1.baseFeePerGas)
    expect(BigInt(e2.baseFeePerGas)).toBe(fee1 - (fee1 * (target1 - BigInt(e1.gasUsed))) / target1 / 250n)
    // Block 3 reads block 2's params (8, 2) and clamps to its min base fee.
    const e3 = (await build(rpc, v, e2.blockHash, attributes(cfg, { timestamp: g.timestamp + 4 }))).executionPayload
    expect(BigInt(e3.baseFeePerGas)).toBe(1_000_000_000_000n)
    expect(e3.extraData).toBe('0x01000000fa000000060000000000000000')
  })
})

describe('dev engine: eth_getProof and full blocks', () => {
  it('serves the message passer storage root (= Isthmus withdrawalsRoot) with an account proof of the state root', async () => {
    const cfg = config(devnetConfig().forks)
    const { engine, rpc } = await start(cfg)
    const g = engine.genesis
    const v = { fcu: 3, get: 5, new: 4 }
    const withdrawal = deposit('withdrawal', 100_000n, PASSER)
    const p = (await build(rpc, v, g.hash, attributes(cfg, g, { transactions: [deposit('l1-info'), withdrawal] })))
      .executionPayload
    await rpc.call('engine_forkchoiceUpdatedV3', [state(p.blockHash), null])
    const before = await rpc.call('eth_getProof', [PASSER, [], '0x0'])
    const proof = await rpc.call('eth_getProof', [PASSER, [ZERO], 'latest'])
    expect(proof.storageHash).toBe(p.withdrawalsRoot)
    expect(proof.storageHash).not.toBe(before.storageHash) // a tx to the passer changed it
    expect(proof.storageProof).toEqual([{ key: ZERO, value: '0x0', proof: [] }])
    const leaf = verifyAccountProof(p.stateRoot, PASSER, proof.accountProof)
    expect(leaf?.[2]).toBe(proof.storageHash)
    expect(leaf?.[3]).toBe(proof.codeHash)
    const byHash = await rpc.call('eth_getProof', [PASSER, [], { blockHash: g.hash }])
    expect(byHash.storageHash).toBe(before.storageHash)
    // An absent account: an exclusion proof that still checks against the root.
    const absent = await rpc.call('eth_getProof', ['0x000000000000000000000000000000000000beef', [], 'latest'])
    expect(verifyAccountProof(p.stateRoot, '0x000000000000000000000000000000000000beef', absent.accountProof)).toBeUndefined()
    expect((await rpc.error('eth_getProof', [PASSER, [], '0x10'])).code).toBe(-32000)
  })

  it('full-transaction blocks re-encode to the transactions root (deposit + signed EIP-1559 tx)', async () => {
    const cfg = config(devnetConfig().forks)
    const { engine, rpc } = await start(cfg)
    const account = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
    const signed = await account.signTransaction({
      type: 'eip1559',
      chainId: 901,
      nonce: 0,
      to: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
      value: 1n,
      gas: 21_000n,
      maxFeePerGas: 2_000_000_000n,
      maxPriorityFeePerGas: 1n,
    })
    const env = await build(rpc, { fcu: 3, get: 5, new: 4 }, engine.genesis.hash, attributes(cfg, engine.genesis, {
      transactions: [deposit('l1-info'), signed],
      noTxPool: false,
    }))
    const p = env.executionPayload
    expect(p.gasUsed).toBe(q(1_021_000))
    const block = await rpc.call('eth_getBlockByHash', [p.blockHash, true])
    const verified = verifyL1BlockRoots(block)
    expect(toHex(verified.hash)).toBe(p.blockHash)
    expect(verified.transactions.map((t) => toHex(t))).toEqual([deposit('l1-info'), signed])
    expect(block.transactions[1]).toMatchObject({ from: account.address.toLowerCase(), hash: keccak256(signed) })
    const hashes = await rpc.call('eth_getBlockByHash', [p.blockHash, false])
    expect(hashes.transactions).toEqual([keccak256(deposit('l1-info')), keccak256(signed)])
  })
})

/** Walks a secure-trie account proof independently; returns the account fields, or undefined if absent. */
function verifyAccountProof(root: string, address: string, proof: string[]): string[] | undefined {
  const key = toHex(keccak(fromHex(address))).slice(2)
  let want = root
  let depth = 0
  for (const [i, nodeHex] of proof.entries()) {
    const nodeBytes = fromHex(nodeHex)
    expect(toHex(keccak(nodeBytes))).toBe(want)
    let node = fromRlp(nodeHex as Hex, 'hex') as any[]
    for (;;) {
      if (node.length === 17) {
        const next = node[parseInt(key[depth], 16)]
        depth += 1
        if (next === '0x') return undefined
        if (Array.isArray(next)) {
          node = next
          continue
        }
        want = next
        break
      }
      const path = (node[0] as string).slice(2)
      const flag = parseInt(path[0], 16)
      const nibbles = path.slice(flag % 2 === 1 ? 1 : 2)
      if (key.slice(depth, depth + nibbles.length) !== nibbles) return undefined
      depth += nibbles.length
      if (flag >= 2) {
        expect(i).toBe(proof.length - 1)
        return fromRlp(node[1] as Hex, 'hex') as string[]
      }
      if (Array.isArray(node[1])) {
        node = node[1]
        continue
      }
      want = node[1]
      break
    }
  }
  throw new Error('proof ended early')
}

