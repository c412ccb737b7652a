/**
 * A small fuzzing harness over fast-check (issue #8): runs a decoder on N generated inputs with a fixed seed, classifies
 * each outcome (accepted, or rejected with the decoder's typed reason), measures the slowest input, and lets any other
 * exception fail the property so fast-check shrinks it to a minimal counterexample.
 *
 * N is `FUZZ_RUNS` when set (`npm run fuzz` sets 100,000), else a short CI run. The seed is `FUZZ_SEED`, else fixed.
 */
import { afterAll, expect } from 'vitest'
import fc from 'fast-check'
import { DecodeError } from '../../shared/errors.ts'

/** Inputs per target: the short CI run unless `FUZZ_RUNS` asks for more. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 1_000)
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 0x0be_d6e)
/** Budget for one input (a decoder must not be a denial-of-service vector). */
export const MAX_MS_PER_INPUT = 200

export type FuzzReport = {
  target: string
  inputs: number
  maxMs: number
  /** `accepted` or the typed rejection reason, with counts. */
  outcomes: Record<string, number>
  crashes: number
  counterexample?: string
}

export type FuzzTarget<T> = {
  name: string
  input: fc.Arbitrary<T>
  /**
   * Runs the decoder on one input and returns its outcome (`accepted` or a typed reason). Expected typed errors are
   * turned into reasons by the harness via `expected`; anything else thrown is a crash.
   */
  run: (input: T) => string | Promise<string>
  /** The documented errors of the decoder, mapped to a reason; return undefined for an undocumented error. */
  expected?: (error: unknown) => string | undefined
  runs?: number
}

/** DecodeError → `code`; nothing else is documented. */
export const decodeErrors = (e: unknown): string | undefined => (e instanceof DecodeError ? e.code : undefined)

const reports: FuzzReport[] = []

/** Every report made so far in this file, for the summary table. */
export function fuzzReports(): readonly FuzzReport[] {
  return reports
}

/** Runs `target` and returns its report; the caller asserts `crashes === 0` and `maxMs` under budget. */
export async function fuzz<T>(target: FuzzTarget<T>): Promise<FuzzReport> {
  const expected = target.expected ?? decodeErrors
  const report: FuzzReport = { target: target.name, inputs: 0, maxMs: 0, outcomes: {}, crashes: 0 }
  const classify = async (input: T): Promise<string> => {
    try {
      return await target.run(input)
    } catch (e) {
      const reason = expected(e)
      if (reason === undefined) throw e
      return reason
    }
  }
  const result = await fc.check(
    fc.asyncProperty(target.input, async (input) => {
      const start = performance.now()
      const outcome = await classify(input)
      const ms = performance.now() - start
      report.inputs++
      if (ms > report.maxMs) report.maxMs = ms
      report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1
    }),
    { numRuns: target.runs ?? FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: false },
  )
  if (result.failed) {
    report.crashes = 1
    report.counterexample = `${fc.stringify(result.counterexample)}: ${String(result.errorInstance)}`.slice(0, 2_000)
  }
  reports.push(report)
  return report
}

/** One line per target: inputs, slowest input, outcomes by reason, crashes. */
export function formatReports(list: readonly FuzzReport[]): string {
  const rows = list.map((r) => {
    const outcomes = Object.entries(r.outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')
    return `| ${r.target} | ${r.inputs} | ${r.maxMs.toFixed(1)} | ${r.crashes} | ${outcomes} |`
  })
  return ['| target | inputs | max ms/input | crashes | outcomes |', '|---|---|---|---|---|', ...rows].join('\n')
}

// ---- Mutations of real vectors: bit flips, truncation, extension, splices, random bytes. ----

type Mutation = (bytes: Uint8Array) => Uint8Array

const flip = fc.record({ at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }).map(
  ({ at, bit }): Mutation =>
    (b) => {
      if (b.length === 0) return b
      const out = b.slice()
      out[at % b.length] ^= 1 << bit
      return out
    },
)
const setByte = fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }).map(
  ({ at, value }): Mutation =>
    (b) => {
      if (b.length === 0) return b
      const out = b.slice()
      out[at % b.length] = value
      return out
    },
)
const truncate = fc.nat().map((n): Mutation => (b) => b.subarray(0, b.length === 0 ? 0 : n % (b.length + 1)))
const dropFront = fc.nat().map((n): Mutation => (b) => b.subarray(b.length === 0 ? 0 : n % (b.length + 1)))
const extend = fc.uint8Array({ maxLength: 64 }).map((tail): Mutation => (b) => concat(b, tail))
const splice = fc.record({ at: fc.nat(), len: fc.nat({ max: 64 }), bytes: fc.uint8Array({ maxLength: 64 }) }).map(
  ({ at, len, bytes }): Mutation =>
    (b) => {
      const i = b.length === 0 ? 0 : at % (b.length + 1)
      return concat(b.subarray(0, i), bytes, b.subarray(Math.min(b.length, i + len)))
    },
)
const duplicate = fc.record({ at: fc.nat(), len: fc.nat({ max: 256 }) }).map(
  ({ at, len }): Mutation =>
    (b) => {
      const i = b.length === 0 ? 0 : at % (b.length + 1)
      return concat(b.subarray(0, i), b.subarray(i, i + len), b.subarray(i))
    },
)

const mutation = fc.oneof(flip, flip, setByte, truncate, dropFront, extend, splice, duplicate)

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/**
 * Bytes seeded from real vectors: a seed with 0–8 mutations (mostly), or random bytes (sometimes). `maxRandom` bounds
 * the random inputs.
 */
export function mutatedBytes(seeds: readonly Uint8Array[], maxRandom = 512): fc.Arbitrary<Uint8Array> {
  // Plain copies: a node Buffer's `slice` is a view, so mutating "a copy" of a Buffer seed would corrupt the seed (and
  // whatever else shares its memory) for every later input.
  const own: Uint8Array[] = seeds.map((s) => Uint8Array.from(s))
  const seeded = fc
    .tuple(fc.constantFrom(...own), fc.array(mutation, { maxLength: 8 }))
    .map(([seed, ms]) => ms.reduce<Uint8Array>((b, m) => m(b), seed))
  return fc.oneof({ weight: 8, arbitrary: seeded }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: maxRandom }) })
}

/** Applies 1–8 mutations to a fixed-size seed but keeps the size (for decoders that take a fixed-size input). */
export function mutatedFixedSize(seeds: readonly Uint8Array[], size: number): fc.Arbitrary<Uint8Array> {
  return mutatedBytes(seeds).map((b) => {
    if (b.length === size) return b
    const out = new Uint8Array(size)
    out.set(b.subarray(0, size))
    return out
  })
}

/** A target ran clean: no counterexample, no crash, every input within `maxMs`. */
export function assertClean(r: FuzzReport, maxMs: number = MAX_MS_PER_INPUT): void {
  expect(r.counterexample).toBeUndefined()
  expect(r.crashes).toBe(0)
  expect(r.maxMs).toBeLessThan(maxMs)
}

/** Print the table of every target's report after a long run (`npm run fuzz`). */
export function printReportsAfterAll(): void {
  afterAll(() => {
    if (process.env.FUZZ_RUNS) console.log(`\n${formatReports(fuzzReports())}\n`)
  })
}
