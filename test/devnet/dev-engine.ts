/**
 * The development execution engine (DESIGN.md "Local devnet"): a strict test double of op-geth/op-reth's Engine API
 * that runs no EVM but computes real L2 header hashes. Node only; listens on 127.0.0.1.
 *
 * - Engine API: `engine_forkchoiceUpdatedV1–V3`, `engine_getPayloadV2–V5`, `engine_newPayloadV2–V4`, with method
 *   versions and attribute fields checked by the timestamp's fork (PROTOCOL.md §3, §10), JWT (HS256, iat ±60 s).
 * - `eth_chainId`, `eth_blockNumber`, `eth_getBlockByNumber`/`ByHash`, `eth_getProof`.
 * - Deterministic stand-ins for everything the EVM would compute (see `dev-engine/block-builder.ts`), so a
 *   sequencer's and a verifier's engines build the same block hash from the same attributes.
 *
 * @example
 * const engine = await startDevEngine({ config: devnetConfig(), jwtSecret, host: '127.0.0.1', port: 0 })
 * const config = engine.rollupConfig // genesis.l2 = the engine's genesis
 * engine.callCount('engine_newPayloadV4')
 * await engine.close()
 */
import { fromHex, type Hex, keccak, toHex } from '../../shared/bytes.ts'
import type { RollupConfig } from '../../shared/config/rollup-config.ts'
import { type DevBlock, type GenesisOptions, genesisBlock } from './dev-engine/block-builder.ts'
import { ChainStore } from './dev-engine/chain-store.ts'
import { type EngineContext, engineHandlers, type InvalidRule } from './dev-engine/engine-api.ts'
import { RPC_ERRORS, RpcError } from './dev-engine/engine-rules.ts'
import { decodeTx } from './dev-engine/transactions.ts'
import { blockJson, ethHandlers } from './dev-engine/eth-api.ts'
import { parseJwtSecret } from './dev-engine/jwt.ts'
import { type RpcCall, startRpcServer } from './dev-engine/rpc-server.ts'

export type { DevBlock, GenesisOptions, InvalidRule, RpcCall }
export { signEngineJwt } from './dev-engine/jwt.ts'

export type DevEngineOptions = {
  config: RollupConfig
  /** 32 bytes, hex with or without `0x`. */
  jwtSecret: string
  /** 0 (default) picks a free port. */
  port?: number
  host: '127.0.0.1'
  genesis?: GenesisOptions
  /** Clock for JWT `iat` checks and the call log, in milliseconds; defaults to `Date.now`. */
  now?: () => number
}

export type BlockRef = { hash: Hex; number: number; parentHash: Hex; timestamp: number }

export type DevEngine = {
  url: string
  port: number
  genesis: BlockRef
  /** The given config with `genesis.l2` and `genesis.l2Time` set to this engine's genesis block. */
  rollupConfig: RollupConfig
  head(): BlockRef
  safe(): BlockRef
  finalized(): BlockRef
  /** A known block (any fork) by hash, or the canonical one by number. */
  block(at: Hex | number): DevBlock | undefined
  /** The block as `eth_getBlockByHash` returns it. */
  blockJson(at: Hex | number, fullTransactions?: boolean): Promise<Record<string, unknown> | undefined>
  /** Number of stored blocks, genesis included. */
  blockCount(): number
  /** Every JSON-RPC call so far, optionally only one method's. */
  calls(method?: string): readonly RpcCall[]
  callCount(method: string): number
  clearCalls(): void
  /** Test hook: matching payloads become INVALID on newPayload and fail with -38003 when built from attributes. */
  markInvalid(rule: InvalidRule): void
  clearInvalid(): void
  /** Add a signed user transaction to the pool (as `eth_sendRawTransaction`); returns its hash. */
  sendRawTransaction(raw: Hex): Hex
  close(): Promise<void>
}

export async function startDevEngine(opts: DevEngineOptions): Promise<DevEngine> {
  const { config } = opts
  const now = opts.now ?? Date.now
  const genesis = genesisBlock(config, opts.genesis)
  const store = new ChainStore(genesis)
  const ctx: EngineContext = { config, store, payloads: new Map(), invalidRules: [], txPool: [] }
  const submit = (raw: unknown): Hex => {
    if (typeof raw !== 'string' || !/^0x(?:[0-9a-fA-F]{2})+$/.test(raw)) throw new RpcError(RPC_ERRORS.invalidParams, 'expected a signed transaction as 0x hex')
    // Only user transactions a block could carry (deposits come from attributes, never from the pool).
    const decoded = decodeTx(config, store.head.payload.timestamp, fromHex(raw as Hex))
    if ('rejected' in decoded || raw.slice(2, 4) === '7e') throw new RpcError(RPC_ERRORS.server, `invalid transaction: ${'rejected' in decoded ? decoded.reason : 'deposit'}`)
    ctx.txPool.push(raw.toLowerCase() as Hex)
    return toHex(keccak(fromHex(raw as Hex)))
  }
  const log: RpcCall[] = []
  const server = await startRpcServer({
    host: opts.host,
    port: opts.port ?? 0,
    jwtSecret: parseJwtSecret(opts.jwtSecret),
    now,
    handlers: { ...engineHandlers(ctx), ...ethHandlers(config, store), eth_sendRawTransaction: (p) => submit(p[0]) },
    log,
  })
  const find = (at: Hex | number) => (typeof at === 'number' ? store.byNumber(at) : store.get(at))
  const ref = (b: DevBlock): BlockRef => ({
    hash: b.hash,
    number: b.payload.blockNumber,
    parentHash: toHex(b.payload.parentHash),
    timestamp: b.payload.timestamp,
  })
  const genesisRef = ref(genesis)
  return {
    url: server.url,
    port: server.port,
    genesis: genesisRef,
    rollupConfig: {
      ...config,
      genesis: { ...config.genesis, l2: { hash: genesisRef.hash, number: genesisRef.number }, l2Time: genesisRef.timestamp },
    },
    head: () => ref(store.head),
    safe: () => ref(store.safe),
    finalized: () => ref(store.finalized),
    block: find,
    blockJson: async (at, full = false) => {
      const b = find(at)
      return b === undefined ? undefined : blockJson(config, b, full)
    },
    blockCount: () => store.size,
    calls: (method) => (method === undefined ? log : log.filter((c) => c.method === method)),
    callCount: (method) => log.filter((c) => c.method === method).length,
    clearCalls: () => {
      log.length = 0
    },
    markInvalid: (rule) => {
      if (rule.number === undefined && rule.tx === undefined) throw new TypeError('markInvalid needs a number or a tx')
      ctx.invalidRules.push({ ...rule, tx: rule.tx?.toLowerCase() as Hex | undefined })
    },
    clearInvalid: () => {
      ctx.invalidRules.length = 0
    },
    sendRawTransaction: (raw) => submit(raw),
    close: server.close,
  }
}
