/**
 * `op-edge decode-channel [--chain <name|rollup.json>] <dataUnit>...`: assemble the channels carried by batcher data
 * units (version byte + frames) and decode the batches of each complete one.
 */
import { decodeBatch } from '../../shared/codec/batch.ts'
import { ChannelAssembler } from '../../shared/codec/channel.ts'
import { readBatchPayloads } from '../../shared/codec/channel-reader.ts'
import { decompressChannel } from '../../shared/codec/compression.ts'
import { parseDataUnit } from '../../shared/codec/frame.ts'
import { deriveSpanBatch, type RawSpanBatch } from '../../shared/codec/span-batch.ts'
import { MAX_RLP_BYTES_PER_CHANNEL_FJORD } from '../../shared/config/forks.ts'
import type { RollupConfig } from '../../shared/config/rollup-config.ts'
import { DecodeError } from '../../shared/errors.ts'
import { hexArg, parseOptions, UsageError } from '../args.ts'
import { chainArg } from '../chain-arg.ts'

export function decodeChannelCommand(args: string[]) {
  const { options, positional } = parseOptions(args, ['chain'])
  if (positional.length === 0) throw new UsageError('usage: decode-channel [--chain <name|rollup.json>] <dataUnit>...')
  const chain = options.chain === undefined ? undefined : chainArg(options.chain)
  const assembler = new ChannelAssembler()
  positional.forEach((arg, i) => {
    const unit = hexArg(arg, `dataUnit ${i + 1}`)
    let frames
    try {
      frames = parseDataUnit(unit)
    } catch (e) {
      if (e instanceof DecodeError) throw new UsageError(`dataUnit ${i + 1}: ${e.code}: ${e.message}`)
      throw e
    }
    for (const frame of frames) assembler.addFrame(frame)
  })
  const channels = assembler
    .channels()
    .filter((c) => c.complete)
    .map((c) => {
      // A debugger reads everything a Fjord-era node would: brotli and the 100 MB read limit.
      const out = decompressChannel(c.data, { maxOutputBytes: MAX_RLP_BYTES_PER_CHANNEL_FJORD, allowBrotli: true })
      const { payloads, error } = readBatchPayloads(out.data, MAX_RLP_BYTES_PER_CHANNEL_FJORD)
      const batches: unknown[] = []
      let batchError: DecodeError | undefined = error ?? out.error
      for (const payload of payloads) {
        try {
          const decoded = decodeBatch(payload)
          batches.push(decoded.type === 0 ? { type: 0, ...decoded.batch } : spanBatchJson(decoded.batch, chain))
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e
          batchError = e
          break // op-node stops reading a channel at the first undecodable batch
        }
      }
      return {
        id: c.id,
        compression: out.compression,
        decompressedLength: out.data.length,
        batches,
        ...(batchError ? { error: `${batchError.code}: ${batchError.message}` } : {}),
      }
    })
  return { channels }
}

function spanBatchJson(raw: RawSpanBatch, chain: RollupConfig | undefined) {
  const head = {
    type: 1,
    relTimestamp: raw.relTimestamp,
    l1OriginNumber: raw.l1OriginNumber,
    parentCheck: raw.parentCheck,
    l1OriginCheck: raw.l1OriginCheck,
    blockCount: raw.blockCount,
  }
  try {
    // Without the chain, block timestamps (relative to L2 genesis) and the txs' chain id are unknown: null.
    const derived = deriveSpanBatch(raw, {
      genesisL2Time: chain?.genesis.l2Time ?? 0,
      blockTime: chain?.blockTime ?? 1,
      l2ChainId: chain?.l2ChainId ?? 0,
    })
    const blocks = chain
      ? derived.blocks
      : derived.blocks.map((b) => ({ timestamp: null, l1OriginNumber: b.l1OriginNumber, transactions: null }))
    return { ...head, blocks }
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e
    return { ...head, blocks: [], error: `${e.code}: ${e.message}` }
  }
}
