/**
 * `npm start`: the local devnet. Today it runs anvil as L1 and the worker under `wrangler dev`, and prints the
 * node's health; the development engine, the relay and the batcher join with issues #4–#6.
 * Everything listens on 127.0.0.1 only. Ctrl-C stops every process.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
const L1_PORT = Number(process.env.DEVNET_L1_PORT ?? 8545)
const WORKER_PORT = Number(process.env.DEVNET_WORKER_PORT ?? 8787)
const children: ChildProcess[] = []

function start(name: string, cmd: string, args: string[]): ChildProcess {
  const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } })
  const prefix = (line: string) => `[${name}] ${line}`
  for (const stream of [child.stdout, child.stderr]) {
    let buf = ''
    stream?.on('data', (chunk: Buffer) => {
      buf += chunk.toString()
      const lines = buf.split('\n')
      buf = lines.pop() ?? ''
      // wrangler dev offline cannot fetch the Request.cf object; that is harmless noise.
      for (const l of lines) if (l.trim() && !/workers\.cloudflare\.com|GetAddrInfoReqWrap/.test(l)) console.log(prefix(l))
    })
  }
  child.on('exit', (code, signal) => {
    console.log(prefix(`exited (${signal ?? code})`))
    if (!stopping) stop(1)
  })
  children.push(child)
  return child
}

let stopping = false
function stop(code = 0): void {
  if (stopping) return
  stopping = true
  for (const c of children) c.kill('SIGTERM')
  setTimeout(() => process.exit(code), 1500).unref()
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))

async function waitFor(url: string, init: RequestInit | undefined, what: string, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const res = await fetch(url, init)
      if (res.ok) return res
    } catch {}
    if (Date.now() > deadline) throw new Error(`${what} did not come up at ${url}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

mkdirSync(join(root, '.devnet'), { recursive: true })
start('anvil', bin('anvil'), ['--host', '127.0.0.1', '--port', String(L1_PORT), '--block-time', '2', '--silent'])
await waitFor(`http://127.0.0.1:${L1_PORT}`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
}, 'anvil')
console.log(`[devnet] L1 (anvil) on http://127.0.0.1:${L1_PORT}`)

start('worker', bin('wrangler'), ['dev', '--local', '--test-scheduled', '--ip', '127.0.0.1', '--port', String(WORKER_PORT), '--var', 'CHAIN:devnet', '--persist-to', '.devnet/state'])
const health = await (await waitFor(`http://127.0.0.1:${WORKER_PORT}/healthz`, undefined, 'worker', 120_000)).json()
console.log(`[devnet] worker on http://127.0.0.1:${WORKER_PORT}: ${JSON.stringify(health)}`)
console.log('[devnet] running; Ctrl-C to stop')
