/**
 * Decompression bombs (issue #8): 64 MiB of zeros in ~64 KiB of zlib or ~100 bytes of brotli stop at the read limit,
 * within the per-input time budget, with `compression-output-limit`.
 */
import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { compressChannel, decompressChannel } from '../../shared/codec/compression.ts'
import { MAX_MS_PER_INPUT } from './harness.ts'

describe('fuzz: decompression bombs', () => {
  it('zlib and brotli bombs stop at the cap', () => {
    const zlibBomb = deflateSync(new Uint8Array(64 << 20), { level: 9 })
    const brotliBomb = compressChannel(new Uint8Array(64 << 20), 'brotli', 5)
    for (const [bomb, algo] of [[zlibBomb, 'zlib'], [brotliBomb, 'brotli']] as const) {
      for (const cap of [1, 1_000, 1_000_000, 10_000_000]) {
        const start = performance.now()
        const r = decompressChannel(bomb, { maxOutputBytes: cap, allowBrotli: true })
        const ms = performance.now() - start
        expect(r.compression).toBe(algo)
        expect(r.data.length).toBe(cap)
        expect(r.complete).toBe(false)
        expect(r.error?.code, `${algo} cap ${cap}: ${r.error?.message}`).toBe('compression-output-limit')
        expect(ms).toBeLessThan(MAX_MS_PER_INPUT)
      }
    }
  })
})
