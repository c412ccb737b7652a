/**
 * A gossip relay process for the gossip benchmark, started with the same arguments as test/devnet/stack.ts
 * `startRelay`, but keeping what a benchmark needs and a test does not: the child's pid (its RSS is read from
 * /proc/<pid>/status) and its block events from the JSON log lines on stdout, each with its log time (the relay's
 * `Date.now()`, the same clock as this process's on one machine).
 */
import { RELAY_NODE_FLAGS } from '../gossip-relay/config.ts'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { RollupConfig } from '../shared/config/rollup-config.ts'
import { freePort, relayCommand, until } from '../test/devnet/stack.ts'

const root = join(import.meta.dirname, '..')

/** The relay log events the benchmark times blocks by (gossip-relay/log.ts). */
export type RelayBlockEvent = { event: 'publish-accepted' | 'block-accepted' | 'forward-delivered'; hash: string; at: number; latencyMs?: number }

const BLOCK_EVENTS = new Set<string>(['publish-accepted', 'block-accepted', 'forward-delivered'])

export type RelayProcess = {
  pid: number
  http: string
  multiaddrs: string[]
  /** Block events so far, in log order. */
  events: RelayBlockEvent[]
  status(): Promise<any>
  /** Resident set size in bytes (VmRSS), or undefined once the process is gone. */
  rss(): number | undefined
  stop(): Promise<void>
}

/** `nodeArgs` go to node before the script; by default the flags `npm run relay` uses (RELAY_NODE_FLAGS). */
export async function spawnRelayProcess(config: RollupConfig, options: { ingress: string; secret: string; peers?: string[]; nodeArgs?: string[] }): Promise<RelayProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'op-edge-bench-relay-'))
  const httpPort = await freePort()
  const args = [...(options.nodeArgs ?? RELAY_NODE_FLAGS), ...relayCommand(config, dir, { ingress: options.ingress, httpPort, ...(options.peers ? { peers: options.peers } : {}) })]
  // stdout is read to the end: a pipe nobody drains would stall the relay once it fills.
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, RELAY_SECRET: options.secret } })
  const events: RelayBlockEvent[] = []
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let entry: { t?: string; event?: string; hash?: string; latencyMs?: number }
    try {
      entry = JSON.parse(line)
    } catch {
      return
    }
    if (!BLOCK_EVENTS.has(entry.event ?? '') || entry.hash === undefined || entry.t === undefined) return
    events.push({ event: entry.event as RelayBlockEvent['event'], hash: entry.hash, at: Date.parse(entry.t), latencyMs: entry.latencyMs })
  })
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    const http = `http://127.0.0.1:${httpPort}`
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the relay exited during start-up (code ${code})`))))
    exited.catch(() => {}) // after start-up, an exit is stop()'s business
    const up = until('the relay', 30_000, async () => {
      const res = await fetch(`${http}/status`)
      return res.ok ? ((await res.json()) as { multiaddrs: string[] }) : undefined
    })
    const st = await Promise.race([up, exited])
    return {
      pid: child.pid!,
      http,
      multiaddrs: st.multiaddrs,
      events,
      status: async () => (await fetch(`${http}/status`)).json(),
      rss: () => vmRss(child.pid!),
      stop,
    }
  } catch (e) {
    await stop()
    throw e
  }
}

/** VmRSS of a process in bytes (Linux /proc), or undefined if it cannot be read. */
export function vmRss(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? undefined : Number(kb) * 1024
  } catch {
    return undefined
  }
}
