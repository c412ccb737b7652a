/**
 * `op-edge derive --chain <name|rollup.json> --input <file.json>`: replay derivation over a recorded L1 range.
 * Input: `{safeHead, systemConfig, l1: [{header, transactions, logs, blobs}], l2Hashes?, l2Blocks?}`; output:
 * `{attributes: [...], trace: [...], end}`.
 */
import { readFileSync } from 'node:fs'
import { fromHex, type Hex } from '../../shared/bytes.ts'
import type { SystemConfig } from '../../shared/config/rollup-config.ts'
import { Deriver, type DeriverStep } from '../../shared/deriver/deriver.ts'
import type { L1Input, L2BlockRef } from '../../shared/deriver/types.ts'
import { parseOptions, quantity, UsageError } from '../args.ts'
import { chainArg } from '../chain-arg.ts'
import { hexField, l1HeaderFromRpc, l1TxFromRpc, logFromRpc, num, obj } from '../rpc-json.ts'

const ZERO32 = `0x${'00'.repeat(32)}` as Hex

function safeHeadArg(v: unknown): L2BlockRef {
  const o = obj(v, 'safeHead')
  const origin = obj(o.l1Origin ?? o.l1origin, 'safeHead.l1Origin')
  return {
    hash: hexField(o, 'hash', 'safeHead', 32),
    number: num(o, 'number', 'safeHead'),
    parentHash: o.parentHash === undefined ? ZERO32 : hexField(o, 'parentHash', 'safeHead', 32),
    timestamp: num(o, 'timestamp', 'safeHead'),
    l1Origin: { hash: hexField(origin, 'hash', 'safeHead.l1Origin', 32), number: num(origin, 'number', 'safeHead.l1Origin') },
    sequenceNumber: num(o, 'sequenceNumber', 'safeHead'),
  }
}

function systemConfigArg(v: unknown, fallback: SystemConfig): SystemConfig {
  const o = obj(v, 'systemConfig')
  const pad = (key: string, size: number, dflt: Hex): Hex => (o[key] === undefined || o[key] === null ? dflt : hexField(o, key, 'systemConfig', size))
  const big = (key: string, dflt: bigint): bigint => (o[key] === undefined || o[key] === null ? dflt : quantity(o[key], `systemConfig.${key}`))
  const batcher = o.batcherAddress ?? o.batcherAddr
  if (typeof batcher !== 'string') throw new UsageError('systemConfig.batcherAddress: missing')
  return {
    batcherAddress: hexField({ batcherAddress: batcher }, 'batcherAddress', 'systemConfig', 20),
    overhead: pad('overhead', 32, fallback.overhead),
    scalar: pad('scalar', 32, fallback.scalar),
    gasLimit: big('gasLimit', fallback.gasLimit),
    eip1559Params: pad('eip1559Params', 8, fallback.eip1559Params),
    operatorFeeParams: pad('operatorFeeParams', 32, fallback.operatorFeeParams),
    minBaseFee: big('minBaseFee', fallback.minBaseFee),
    daFootprintGasScalar: Number(big('daFootprintGasScalar', BigInt(fallback.daFootprintGasScalar))),
  }
}

function l1InputArg(v: unknown, i: number): L1Input {
  const what = `l1[${i}]`
  const o = obj(v, what)
  const header = l1HeaderFromRpc(o.header, `${what}.header`)
  const txs = o.transactions ?? []
  if (!Array.isArray(txs)) throw new UsageError(`${what}.transactions: expected an array`)
  const logs = o.logs ?? []
  if (!Array.isArray(logs)) throw new UsageError(`${what}.logs: expected an array`)
  const blobs: Record<string, Hex> = {}
  for (const [hash, blob] of Object.entries(obj(o.blobs ?? {}, `${what}.blobs`))) {
    if (typeof blob !== 'string' || !/^0x[0-9a-fA-F]*$/.test(blob)) throw new UsageError(`${what}.blobs[${hash}]: expected hex`)
    blobs[hash.toLowerCase()] = blob.toLowerCase() as Hex
  }
  return {
    header,
    transactions: txs.map((t, j) => l1TxFromRpc(t, `${what}.transactions[${j}]`)),
    logs: logs.map((l, j) => logFromRpc(l, `${what}.logs[${j}]`)),
    blobs,
  }
}

export function deriveCommand(args: string[]) {
  const { options, positional } = parseOptions(args, ['chain', 'input'])
  if (positional.length > 0 || !options.chain || !options.input) {
    throw new UsageError('usage: derive --chain <name|rollup.json> --input <file.json>')
  }
  const config = chainArg(options.chain)
  const path = options.input.startsWith('@') ? options.input.slice(1) : options.input
  let input: Record<string, unknown>
  try {
    input = obj(JSON.parse(readFileSync(path, 'utf8')), 'input')
  } catch (e) {
    if (e instanceof UsageError) throw e
    throw new UsageError(`--input: cannot read ${path} as JSON (${(e as Error).message.split('\n')[0]})`)
  }
  let safe = safeHeadArg(input.safeHead)
  const systemConfig = systemConfigArg(input.systemConfig, config.genesis.systemConfig)
  if (!Array.isArray(input.l1)) throw new UsageError('l1: expected an array of L1 blocks')
  const l1 = input.l1.map(l1InputArg)
  const l2Hashes = new Map<number, Hex>()
  for (const [k, h] of Object.entries(obj(input.l2Hashes ?? {}, 'l2Hashes'))) {
    if (typeof h !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(h)) throw new UsageError(`l2Hashes[${k}]: expected a 32-byte hash`)
    l2Hashes.set(Number(k), h.toLowerCase() as Hex)
  }
  const l2Blocks = new Map<number, { ref: L2BlockRef; transactions: Uint8Array[] }>()
  for (const [k, b] of Object.entries(obj(input.l2Blocks ?? {}, 'l2Blocks'))) {
    const o = obj(b, `l2Blocks[${k}]`)
    const ref = safeHeadArg({ ...o, number: o.number ?? Number(k) })
    const txs = Array.isArray(o.transactions) ? o.transactions : []
    const transactions = txs
      .map((t, j) => {
        if (typeof t !== 'string') throw new UsageError(`l2Blocks[${k}].transactions[${j}]: expected raw tx hex`)
        return fromHex(t.toLowerCase())
      })
      .filter((t) => t[0] !== 0x7e)
    l2Blocks.set(ref.number, { ref, transactions })
  }

  const deriver = Deriver.start(config, safe, systemConfig)
  const attributes: unknown[] = []
  let end: string | undefined
  let reason: string | undefined
  for (const block of l1) {
    const r = deriver.addL1Input(block)
    if (!r.ok) throw new UsageError(`l1: ${r.reason}`)
  }
  const l2 = { blockAt: (n: number) => l2Blocks.get(n) }
  for (let guard = 0; end === undefined && guard < 10_000_000; guard++) {
    const step: DeriverStep = deriver.next(safe, l2)
    switch (step.kind) {
      case 'attributes': {
        const a = step.attributes
        attributes.push({
          timestamp: a.timestamp,
          prevRandao: a.prevRandao,
          suggestedFeeRecipient: a.suggestedFeeRecipient,
          parentBeaconBlockRoot: a.parentBeaconBlockRoot ?? null,
          gasLimit: a.gasLimit,
          noTxPool: a.noTxPool,
          withdrawals: a.withdrawals ?? null,
          eip1559Params: a.eip1559Params ?? null,
          minBaseFee: a.minBaseFee ?? null,
          transactions: a.transactions,
          l1Origin: { number: step.l1Origin.number, hash: step.l1Origin.hash },
          sequenceNumber: step.sequenceNumber,
          derivedFrom: { number: step.derivedFrom.number, hash: step.derivedFrom.hash },
        })
        const hash = l2Hashes.get(step.number)
        if (hash === undefined) {
          // Without the engine's hash the next batch cannot be checked against its parent.
          end = 'idle'
          reason = `no l2Hashes entry for block ${step.number}`
          break
        }
        safe = { hash, number: step.number, parentHash: safe.hash, timestamp: a.timestamp, l1Origin: step.l1Origin, sequenceNumber: step.sequenceNumber }
        break
      }
      case 'need-l1-input':
        end = 'need-l1-input'
        break
      case 'need-l2-block':
        end = 'need-l2-block'
        reason = `L2 block ${step.number} (give it in l2Blocks)`
        break
      case 'reset':
      case 'critical':
        end = step.kind
        reason = step.reason
        break
      case 'idle':
        end = 'idle'
        break
      default: {
        const never: never = step
        throw new Error(`unknown step ${JSON.stringify(never)}`)
      }
    }
  }
  return { attributes, trace: deriver.takeTrace(), end, ...(reason ? { reason } : {}) }
}
