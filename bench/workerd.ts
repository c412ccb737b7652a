/** Run the derivation benchmark inside workerd: wrangler dev --local on 127.0.0.1, one request, then stop. */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { formatDerive, type DeriveBenchResult } from './derive.ts'

export async function benchInWorkerd(): Promise<string[]> {
  const root = join(import.meta.dirname, '..')
  const port = 8799
  const child = spawn(join(root, 'node_modules/.bin/wrangler'), ['dev', '--local', '-c', 'bench/wrangler.bench.toml', '--ip', '127.0.0.1', '--port', String(port)], {
    cwd: root,
    stdio: 'ignore',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  })
  try {
    const deadline = Date.now() + 120_000
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`)
        if (res.ok) return ((await res.json()) as DeriveBenchResult[]).map(formatDerive)
        throw new Error(`benchmark worker answered ${res.status}: ${await res.text()}`)
      } catch (e) {
        if (e instanceof Error && e.message.startsWith('benchmark worker answered')) throw e
        if (Date.now() > deadline) throw new Error('wrangler dev did not start')
        await new Promise((r) => setTimeout(r, 1000))
      }
    }
  } finally {
    child.kill('SIGTERM')
  }
}
