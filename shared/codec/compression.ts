/**
 * Channel compression: zlib (RFC 1950) since Bedrock, brotli (RFC 7932) behind a `0x01` version byte since Fjord
 * (PROTOCOL.md §2.6; https://specs.optimism.io/protocol/derivation.html#channel-format,
 * https://specs.optimism.io/protocol/fjord/derivation.html#brotli-channel-compression).
 *
 * op-node reads a channel through a streaming decompressor wrapped in an `rlp.Stream` limited to
 * MAX_RLP_BYTES_PER_CHANNEL (`BatchReader`, `op-node/rollup/derive/channel.go`). What it can see is therefore "the
 * decompressed bytes, up to the first of: the end of the stream, the first corrupt symbol, the end of the input,
 * the read limit", and every batch that lies wholly inside that prefix is decoded. {@link decompressChannel} returns
 * exactly that prefix:
 * - **read limit** (`maxOutputBytes`): output is truncated to the cap and reported in `error`, but it is a read
 *   limit, not a failure (op-node's RLP stream simply cannot read further). The output buffer never grows past the
 *   cap, so a decompression bomb costs about 1.5 × `maxOutputBytes` at the peak of the last doubling (plus brotli's
 *   own ring buffer, at most 16 MiB for the standard window).
 * - **truncated input**: everything decodable is returned (`Z_SYNC_FLUSH` / `BROTLI_OPERATION_FLUSH`), as Go's
 *   readers return all bytes before `io.ErrUnexpectedEOF`.
 * - **corrupt input** (bad symbol, bad header, bad adler32): the bytes decoded before the error are returned. Go's
 *   `compress/flate` flushes its whole window on error (`decompressor.Read`), so for zlib this is exact. For brotli,
 *   Go (`andybalholm/brotli`, a translation of the C decoder node uses) only hands out what its ring buffer had
 *   flushed, which depends on its 32 KiB input reads per frame; we return what the C decoder flushed with the whole
 *   input available. The two can differ only for a corrupt brotli channel, which an honest batcher never posts.
 *   Locating the failure replays the input (see {@link locateFailure}), so a corrupt channel costs up to three
 *   decompressions of its valid prefix.
 *
 * Why node:zlib's native stream handle: the public sync API (`inflateSync` and friends) either returns the whole
 * output or throws (`ERR_BUFFER_TOO_LARGE` past `maxOutputLength`, or the data error) and discards everything it
 * decoded, so it cannot give "the first N bytes" or "the bytes before the corruption". We therefore drive the native
 * handle directly, as Node's own `processChunkSync` does: `engine._handle.writeSync(flush, in, inOff, inLen, out,
 * outOff, outLen)` with results in `engine._writeState = [availOut, availIn]`. workerd's `node:zlib` (nodejs_compat)
 * ports the same JS layer (`internal_zlib_base.ts`) over the same binding shape, so this runs in both; it is checked
 * at runtime and fails loudly (not with a DecodeError) if a runtime lacks it.
 */
import { BrotliDecompress, Inflate, brotliCompressSync, brotliDecompressSync, constants, deflateSync, inflateSync } from 'node:zlib'
import { concatBytes } from '../bytes.ts'
import { DecodeError } from '../errors.ts'

export type CompressionAlgo = 'zlib' | 'brotli'

export type CompressionErrorCode =
  | 'compression-empty'
  | 'compression-unknown'
  | 'compression-brotli-before-fjord'
  | 'compression-truncated'
  | 'compression-corrupt'
  | 'compression-output-limit'

/** Channel version byte that marks brotli (op-node `ChannelVersionBrotli`). */
export const CHANNEL_VERSION_BROTLI = 0x01

export type DecompressChannelParameters = {
  /** Read limit: MAX_RLP_BYTES_PER_CHANNEL at the pipeline origin (`maxRlpBytesPerChannel` in forks.ts). */
  maxOutputBytes: number
  /** Fjord active at the pipeline origin. */
  allowBrotli: boolean
}

export type DecompressChannelReturnType = {
  compression: CompressionAlgo
  /** The decompressed prefix (see the module comment); at most `maxOutputBytes` long. */
  data: Uint8Array
  /** True iff the stream ended properly (zlib: end of stream with a valid adler32) and all of it is in `data`. */
  complete: boolean
  /** Why `data` ends early, when `complete` is false. The bytes in `data` are still valid output. */
  error?: DecodeError<CompressionErrorCode>
}

/**
 * Identifies a channel's compression by its first byte and decompresses it, bounded by `maxOutputBytes`.
 *
 * First byte `b`: `b & 0x0f` is 8 or 15 → zlib over the whole data (CM 15 then fails as a bad header, as in Go);
 * `b == 0x01` → brotli over the rest, only when `allowBrotli`; anything else is not a channel.
 *
 * @throws DecodeError `compression-empty`, `compression-unknown`, `compression-brotli-before-fjord`: the channel is
 *   invalid and yields no batches. Problems inside the stream are reported in `error`, never thrown.
 * @throws RangeError if `maxOutputBytes` is not an integer in [1, 2^31 - 1].
 * @example
 * const { data } = decompressChannel(channelData, {
 *   maxOutputBytes: maxRlpBytesPerChannel(cfg, origin.time),
 *   allowBrotli: isActive(cfg, 'fjord', origin.time),
 * })
 */
export function decompressChannel(
  data: Uint8Array,
  { maxOutputBytes, allowBrotli }: DecompressChannelParameters,
): DecompressChannelReturnType {
  if (!Number.isInteger(maxOutputBytes) || maxOutputBytes < 1 || maxOutputBytes > 0x7fffffff) {
    throw new RangeError(`maxOutputBytes must be an integer in [1, 2^31 - 1], got ${maxOutputBytes}`)
  }
  if (data.length === 0) throw new DecodeError('compression-empty', 'channel data is empty')
  const b = data[0]
  if ((b & 0x0f) === 8 || (b & 0x0f) === 15) {
    return { compression: 'zlib', ...decompressBounded('zlib', data, 0, maxOutputBytes) }
  }
  if (b === CHANNEL_VERSION_BROTLI) {
    if (!allowBrotli) {
      throw new DecodeError('compression-brotli-before-fjord', 'brotli-compressed channel before Fjord')
    }
    return { compression: 'brotli', ...decompressBounded('brotli', data, 1, maxOutputBytes) }
  }
  throw new DecodeError('compression-unknown', `unknown channel compression byte 0x${b.toString(16).padStart(2, '0')}`)
}

/**
 * Compresses channel data for the batcher: zlib at level 9 by default (op-batcher's `zlib.BestCompression`,
 * `channel_compressor.go`), or `0x01 ++ brotli` at quality 10 by default (op-batcher `brotli` = `brotli-10`).
 * The bytes differ from Go's encoders; only decodability matters.
 *
 * @throws RangeError if `level` is outside 0..9 (zlib) or 0..11 (brotli).
 */
export function compressChannel(data: Uint8Array, algo: CompressionAlgo, level?: number): Uint8Array {
  switch (algo) {
    case 'zlib': {
      const l = level ?? 9
      if (!Number.isInteger(l) || l < 0 || l > 9) throw new RangeError(`zlib level must be 0..9, got ${l}`)
      return new Uint8Array(deflateSync(data, { level: l }))
    }
    case 'brotli': {
      const q = level ?? 10
      if (!Number.isInteger(q) || q < 0 || q > 11) throw new RangeError(`brotli quality must be 0..11, got ${q}`)
      const body = brotliCompressSync(data, {
        params: { [constants.BROTLI_PARAM_QUALITY]: q, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
      })
      return concatBytes(Uint8Array.of(CHANNEL_VERSION_BROTLI), body)
    }
    default: {
      const never: never = algo
      throw new RangeError(`unknown compression ${String(never)}`)
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Bounded streaming decompression over node:zlib's native handle.

type Bounded = Omit<DecompressChannelReturnType, 'compression'>

/** Smallest output buffer; it then doubles up to the cap. */
const MIN_OUTPUT_CHUNK = 1 << 16
/** Most output one native call may produce; bounds the work of {@link locateFailure}. */
const CALL_WINDOW = 1 << 15
const EMPTY = new Uint8Array(0)

function decompressBounded(algo: CompressionAlgo, input: Uint8Array, start: number, cap: number): Bounded {
  // Fast path for the common case, a well-formed stream within the cap: the public one-shot API is as fast as bare
  // inflate. Anything else (truncated, corrupt, over the cap) throws there and takes the careful path below, which
  // returns the exact readable prefix.
  try {
    const whole =
      algo === 'zlib'
        ? inflateSync(input.subarray(start), { maxOutputLength: cap })
        : brotliDecompressSync(input.subarray(start), { maxOutputLength: cap })
    return { data: new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength), complete: true }
  } catch {
    // fall through
  }
  const engine = openEngine(algo)
  try {
    let out = new Uint8Array(Math.min(cap, Math.max(MIN_OUTPUT_CHUNK, (input.length - start) * 8)))
    let outEnd = 0
    let inOff = start
    for (;;) {
      const window = Math.min(CALL_WINDOW, out.length - outEnd)
      const step = engine.write('flush', input, inOff, out, outEnd, window)
      if (step.failed !== undefined) {
        return stopped(out, locateFailure(algo, input, start, outEnd, window), 'compression-corrupt', step.failed)
      }
      const filled = step.outEnd - outEnd === window
      inOff = step.inOff
      outEnd = step.outEnd
      // Output space left means the decoder consumed all it could: the input ran out or the stream ended.
      if (!filled) break
      if (outEnd < out.length) continue
      if (outEnd === cap) {
        const probe = engine.write('flush', input, inOff, new Uint8Array(1), 0, 1)
        if (probe.failed !== undefined) return stopped(out, cap, 'compression-corrupt', probe.failed)
        if (probe.outEnd === 1) {
          return stopped(out, cap, 'compression-output-limit', `output exceeds the ${cap}-byte read limit`)
        }
        break
      }
      const grown = new Uint8Array(Math.min(cap, out.length * 2))
      grown.set(out)
      out = grown
    }
    // No input, finish flag: zlib/brotli report "unexpected end of file" unless the stream has ended.
    const end = engine.write('finish', EMPTY, 0, new Uint8Array(1), 0, 1)
    if (end.failed !== undefined) return stopped(out, outEnd, 'compression-truncated', end.failed)
    return { data: trim(out, outEnd), complete: true }
  } finally {
    engine.close()
  }
}

/**
 * A native call that fails does not report how much of its output window it filled, and node's zlib (Chromium's,
 * with chunked match copies) may also have written scratch bytes past the valid output inside the window. So replay
 * the input on a fresh decoder (output is deterministic) up to `from`, then advance one output byte per call: a
 * one-byte window leaves no room for scratch bytes, so the failing call either wrote one valid byte or none. A
 * sentinel tells which; if the byte equals the sentinel, a second replay with the other sentinel decides.
 *
 * @returns the number of valid output bytes before the error; the first run's buffer holds them.
 */
function locateFailure(algo: CompressionAlgo, input: Uint8Array, start: number, from: number, window: number): number {
  const first = stepToFailure(algo, input, start, from, window + 1, 0x00)
  if (first === undefined) return from
  if (first.byte !== 0x00) return first.pos + 1
  const second = stepToFailure(algo, input, start, first.pos, 1, 0xff)
  if (second === undefined || second.pos !== first.pos) return first.pos
  return second.byte !== 0xff ? first.pos + 1 : first.pos
}

/**
 * Replays to output position `from`, then makes up to `steps` one-byte calls. Returns the position of the failing
 * call and what its one-byte window holds afterwards, or `undefined` if the replay does not fail as the first run
 * did (not expected; callers then fall back to the last position known good).
 */
function stepToFailure(
  algo: CompressionAlgo,
  input: Uint8Array,
  start: number,
  from: number,
  steps: number,
  sentinel: number,
): { pos: number; byte: number } | undefined {
  const engine = openEngine(algo)
  try {
    // Catch up without failing: the first run produced `from` bytes with the same decoder decisions.
    const scratch = new Uint8Array(Math.max(1, Math.min(CALL_WINDOW, from)))
    let pos = 0
    let inOff = start
    while (pos < from) {
      const n = Math.min(scratch.length, from - pos)
      const step = engine.write('flush', input, inOff, scratch, 0, n)
      if (step.failed !== undefined || step.outEnd !== n) return undefined
      pos += n
      inOff = step.inOff
    }
    const one = new Uint8Array(1)
    for (let i = 0; i < steps; i++, pos++) {
      one[0] = sentinel
      const step = engine.write('flush', input, inOff, one, 0, 1)
      if (step.failed !== undefined) return { pos, byte: one[0] }
      if (step.outEnd !== 1) return undefined
      inOff = step.inOff
    }
    return undefined
  } finally {
    engine.close()
  }
}

function stopped(out: Uint8Array, end: number, code: CompressionErrorCode, message: string): Bounded {
  return { data: trim(out, end), complete: false, error: new DecodeError(code, message) }
}

function trim(out: Uint8Array, end: number): Uint8Array {
  return end === out.length ? out : out.slice(0, end)
}

/** The slice of node:zlib internals used here (identical in Node and workerd, see the module comment). */
type NativeHandle = {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): void
}
type NativeEngine = {
  _handle?: NativeHandle | null
  _writeState?: Uint32Array
  destroyed: boolean
  errored?: Error | null
  on(event: 'error', listener: (error: Error) => void): unknown
  close(): void
}

type WriteResult = { failed?: undefined; inOff: number; outEnd: number } | { failed: string }

type Engine = {
  write(
    mode: 'flush' | 'finish',
    input: Uint8Array,
    inOff: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): WriteResult
  close(): void
}

function openEngine(algo: CompressionAlgo): Engine {
  // chunkSize only sizes node's own output buffer, which this code never uses.
  const native = (algo === 'zlib' ? new Inflate({ chunkSize: 64 }) : new BrotliDecompress({ chunkSize: 64 })) as
    unknown as NativeEngine
  // A failed write destroys the stream synchronously and emits 'error' on a later tick; swallow that event.
  native.on('error', () => {})
  const handle = native._handle
  const state = native._writeState
  if (typeof handle?.writeSync !== 'function' || !(state instanceof Uint32Array)) {
    native.close()
    throw new Error('node:zlib native handle (_handle.writeSync/_writeState) unavailable: cannot decompress boundedly')
  }
  const flushes =
    algo === 'zlib'
      ? { flush: constants.Z_SYNC_FLUSH, finish: constants.Z_FINISH }
      : { flush: constants.BROTLI_OPERATION_FLUSH, finish: constants.BROTLI_OPERATION_FINISH }
  return {
    write(mode, input, inOff, out, outOff, outLen) {
      if (native.destroyed) return { failed: 'decoder already failed' }
      handle.writeSync(flushes[mode], input, inOff, input.length - inOff, out, outOff, outLen)
      // The error callback destroys the stream before writeSync returns; _writeState is not updated then.
      if (native.destroyed) return { failed: native.errored?.message ?? 'decompression failed' }
      return { inOff: input.length - state[1], outEnd: outOff + outLen - state[0] }
    },
    close() {
      native.close()
    },
  }
}
