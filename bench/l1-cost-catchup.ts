/**
 * Part (c) of the L1-cost benchmark: a fresh worker catches up on the prepared chain. `stack.tick()` (the derive tick)
 * is fired back to back until the safe head reaches the last posted L2 block or stops moving; the worker's L1 traffic
 * is counted by the proxy it was given as L1 and beacon URL, and every Engine API call by the development engine.
 */
import type { Stack } from '../test/devnet/stack.ts'
import { type CountingProxy, type HttpCount, newCount } from './l1-cost-http.ts'

export type CatchUpResult = {
  derived: number
  expected: number
  ticks: number
  /** Ticks whose safe head moved. */
  movingTicks: number
  wallMs: number
  /** Engine API calls by method (all calls the engine saw from the first tick to the end). */
  engine: Map<string, number>
  l1: HttpCount
  /** Per tick: wall ms, safe head after it, L1 HTTP requests it made. */
  timeline: { ms: number; safe: number; l1Requests: number }[]
}

export async function catchUp(stack: Stack, proxy: CountingProxy, expected: number, opts: { maxMs: number; stallTicks: number }): Promise<CatchUpResult> {
  const safe = async () => Number((await stack.rollupRpc('optimism_syncStatus')).safe_l2?.number ?? 0)
  const l1 = newCount()
  stack.engine.clearCalls()
  const started = Date.now()
  let head = 0
  let ticks = 0
  let movingTicks = 0
  let stalled = 0
  const timeline: CatchUpResult['timeline'] = []
  while (head < expected && stalled < opts.stallTicks && Date.now() - started < opts.maxMs) {
    proxy.count = newCount()
    const tickStarted = Date.now()
    await stack.tick()
    const ms = Date.now() - tickStarted
    ticks++
    merge(l1, proxy.count)
    const now = await safe()
    timeline.push({ ms, safe: now, l1Requests: proxy.count.requests })
    if (now > head) movingTicks++
    stalled = now > head ? 0 : stalled + 1
    head = now
  }
  const wallMs = Date.now() - started
  const engine = new Map<string, number>()
  for (const c of stack.engine.calls()) engine.set(c.method, (engine.get(c.method) ?? 0) + 1)
  return { derived: head, expected, ticks, movingTicks, wallMs, engine, l1, timeline }
}

function merge(into: HttpCount, from: HttpCount): void {
  into.requests += from.requests
  into.rpcCalls += from.rpcCalls
  into.beaconGets += from.beaconGets
  into.bytesIn += from.bytesIn
  for (const [m, n] of from.byMethod) into.byMethod.set(m, (into.byMethod.get(m) ?? 0) + n)
}
