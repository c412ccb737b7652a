/**
 * One run of the sequencer benchmark: anvil, a sequencer node (ROLE=sequencer under wrangler dev with its batcher)
 * and its development engine; scheduled ticks every second (derivation + batcher, as in `npm start`); user
 * transactions fed into the engine's pool every block time; then, once the fed blocks are safe (batched to L1 and
 * derived back by the same node), everything the report needs is read from the engine's call log, its blocks and
 * anvil. No verifier or relays: the sequencer derives its own safe chain from L1, which is all the cost needs.
 */
import { toHex, type Hex } from '../shared/bytes.ts'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import { decodeDepositTx } from '../shared/protocol/deposit-tx.ts'
import { decodeL1InfoCalldata } from '../shared/protocol/l1-info-calldata.ts'
import type { RpcCall } from '../test/devnet/dev-engine.ts'
import { startStack, until, type Stack } from '../test/devnet/stack.ts'
import { BATCHER } from '../test/support/chain-harness.ts'
import { prng } from '../test/support/random.ts'
import { DEVNET_SEQUENCER_KEY } from '../test/support/unsafe-chain.ts'
import type { BatchBlock } from '../workers/batcher-channel.ts'
import { readPostedChannels, type PostedChannel } from './sequencer-l1.ts'
import { userTxSource } from './sequencer-txs.ts'

export type SequencerRunOptions = {
  da: 'calldata' | 'blobs'
  compression: 'zlib' | 'brotli'
  /** How long user transactions are fed once the sequencer seals at its slot times. */
  seconds: number
  /** User transactions per block time, drawn uniformly from this range. */
  txsPerBlock: { min: number; max: number }
  seed: number
}

/** One sealed block's engine timeline (ms since the epoch, from the sequencer engine's call log). */
export type SealTimes = { number: number; timestamp: number; userTxs: number; buildAt?: number; newPayloadAt?: number; headAt?: number }

export type SequencerRunResult = {
  options: SequencerRunOptions
  config: RollupConfig
  setupMs: number
  /** The blocks that took fed transactions: `fedFrom..fedTo`. */
  fedFrom: number
  fedTo: number
  fedTxs: number
  /** Blocks 1..the unsafe head at the end, as the batcher reads them. */
  blocks: BatchBlock[]
  seals: SealTimes[]
  channels: PostedChannel[]
  /** The sequencer engine's calls (method, arrival ms; FCUs with attributes marked), for explaining late blocks. */
  engineCalls: { method: string; at: number; attrs: boolean }[]
  /** Scheduled ticks (derivation + batcher) as [start, end] ms since the epoch: they share workerd with the alarm. */
  ticks: [number, number][]
  safeAtEnd: number
  /** The fed blocks all became safe before the drain timeout. */
  drained: boolean
}

const DRAIN_TIMEOUT_MS = 45_000

export async function runSequencer(options: SequencerRunOptions): Promise<SequencerRunResult> {
  const started = Date.now()
  let stack: Stack | undefined
  let ticking = true
  let ticker: Promise<void> = Promise.resolve()
  const ticks: [number, number][] = []
  try {
    stack = await startStack({
      l1BlockTime: 1,
      // A long sequencing window: blocks become safe only through the batcher's batches.
      configure: (c) => ({ ...c, seqWindowSize: 600 }),
      env: {
        ROLE: 'sequencer',
        SEQUENCER_KEY: toHex(DEVNET_SEQUENCER_KEY),
        SEQUENCER_ENABLED: 'true',
        SEQUENCER_L1_CONFS: '0',
        BATCHER_KEY: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
        BATCHER_DA: options.da,
        BATCHER_BATCH_TYPE: 'span',
        BATCHER_COMPRESSION: options.compression,
      },
    })
    const s = stack
    const { config, engine } = s
    // Ticks never overlap (a slow tick delays the next one), at most one a second.
    ticker = (async () => {
      while (ticking) {
        const t = Date.now()
        await s.tick().catch(() => {})
        ticks.push([t, Date.now()])
        await sleep(Math.max(0, 1000 - (Date.now() - t)))
      }
    })()
    // Missed slots since genesis are sealed back to back; feed once blocks are sealed at their slot times.
    await until('the sequencer to reach its slot time', 120_000, async () => {
      const head = engine.head()
      return head.number > 0 && head.timestamp * 1000 >= Date.now() - config.blockTime * 1000 ? true : undefined
    })
    const setupMs = Date.now() - started
    // The block being built now took its pool snapshot already: the first block with fed transactions is the next.
    const fedFrom = engine.head().number + 2
    const txs = userTxSource(config.l2ChainId, options.seed)
    const rand = prng(options.seed ^ 0x5eed)
    let fedTxs = 0
    let last: Hex | undefined
    for (const end = Date.now() + options.seconds * 1000; Date.now() < end; ) {
      const t = Date.now()
      const count = options.txsPerBlock.min + Math.floor(rand() * (options.txsPerBlock.max - options.txsPerBlock.min + 1))
      for (const raw of txs.next(count)) last = engine.sendRawTransaction(toHex(raw))
      fedTxs += count
      await sleep(Math.max(0, config.blockTime * 1000 - (Date.now() - t)))
    }
    const fedTo = await until('the last fed transaction in a block', 30_000, async () => {
      for (let n = engine.head().number; n >= fedFrom; n--) {
        const json = await engine.blockJson(n, false)
        if (((json?.transactions ?? []) as Hex[]).includes(last!)) return n
      }
      return undefined
    })
    const safe = async () => ((await s.rollupRpc('optimism_syncStatus')) as { safe_l2: { number: number } }).safe_l2.number
    const drained = await until('the fed blocks to become safe', DRAIN_TIMEOUT_MS, async () => ((await safe()) >= fedTo ? true : undefined)).catch(() => false)
    ticking = false
    await ticker
    const safeAtEnd = await safe()
    const blocks = batchBlocks(s, engine.head().number)
    return {
      options,
      config,
      setupMs,
      fedFrom,
      fedTo,
      fedTxs,
      blocks,
      seals: sealTimes(engine.calls(), blocks),
      engineCalls: engine.calls().map((c) => ({ method: c.method, at: c.at, attrs: c.method.startsWith('engine_forkchoiceUpdated') && !!c.params[1] })),
      channels: await readPostedChannels(s.l1Url, config, BATCHER),
      ticks,
      safeAtEnd,
      drained,
    }
  } finally {
    ticking = false
    await ticker
    await stack?.stop()
  }
}

/** Blocks 1..`to` with their L1 origin and sequence number from the L1-info deposit, user transactions only. */
function batchBlocks(stack: Stack, to: number): BatchBlock[] {
  const out: BatchBlock[] = []
  for (let n = 1; n <= to; n++) {
    const b = stack.engine.block(n)!
    const info = decodeL1InfoCalldata(decodeDepositTx(b.payload.transactions[0]).data)
    out.push({
      ref: { hash: b.hash, number: n, parentHash: toHex(b.payload.parentHash), timestamp: b.payload.timestamp, l1Origin: { hash: toHex(info.blockHash), number: info.number }, sequenceNumber: info.sequenceNumber },
      transactions: b.payload.transactions.filter((t) => t[0] !== 0x7e),
    })
  }
  return out
}

/**
 * For each block: when its build started (FCU with attributes of its timestamp), when the sealing newPayload
 * arrived, and when the FCU that made it head arrived (the first FCU without attributes naming its hash).
 */
function sealTimes(calls: readonly RpcCall[], blocks: BatchBlock[]): SealTimes[] {
  const buildAt = new Map<number, number>()
  const newPayloadAt = new Map<string, number>()
  const headAt = new Map<string, number>()
  for (const c of calls) {
    if (c.error) continue
    if (c.method.startsWith('engine_forkchoiceUpdated')) {
      const attrs = c.params[1] as { timestamp?: Hex } | null | undefined
      const head = (c.params[0] as { headBlockHash?: string }).headBlockHash?.toLowerCase()
      if (attrs?.timestamp) {
        const t = Number(BigInt(attrs.timestamp))
        if (!buildAt.has(t)) buildAt.set(t, c.at)
      } else if (head && !headAt.has(head)) headAt.set(head, c.at)
    } else if (c.method.startsWith('engine_newPayload')) {
      const hash = (c.params[0] as { blockHash?: string }).blockHash?.toLowerCase()
      if (hash && !newPayloadAt.has(hash)) newPayloadAt.set(hash, c.at)
    }
  }
  return blocks.map((b) => {
    const h = b.ref.hash.toLowerCase()
    return { number: b.ref.number, timestamp: b.ref.timestamp, userTxs: b.transactions.length, buildAt: buildAt.get(b.ref.timestamp), newPayloadAt: newPayloadAt.get(h), headAt: headAt.get(h) }
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
