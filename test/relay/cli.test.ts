/**
 * The relay as a process (`node gossip-relay/main.ts`): starts from flags and RELAY_SECRET, dials its static peers,
 * forwards what it receives, keeps its key file, never logs the secret, stops cleanly on SIGTERM, and refuses bad
 * settings with one line naming them.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Relay } from '../../gossip-relay/relay.ts'
import { signedBlock } from '../unit/p2p/gossip-block-fixtures.ts'
import { nowSeconds, postSigned, SECRET, startRelay, TestIngress, TOPICS, waitFor } from './support.ts'

const MAIN = join(import.meta.dirname, '../../gossip-relay/main.ts')
const SECRET_TEXT = new TextDecoder().decode(SECRET)

type Proc = { child: ChildProcess; lines: Record<string, unknown>[]; stdout: () => string; stderr: () => string; exit: Promise<number | null> }

function run(args: string[], env: Record<string, string> = { RELAY_SECRET: SECRET_TEXT }): Proc {
  // Only PATH and the given variables: the child must not depend on the test's environment.
  const childEnv = { PATH: process.env.PATH ?? '', ...env } as unknown as NodeJS.ProcessEnv
  const child = spawn(process.execPath, [MAIN, ...args], { env: childEnv })
  let out = ''
  let err = ''
  const lines: Record<string, unknown>[] = []
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
    const parts = out.split('\n')
    lines.length = 0
    for (const l of parts) if (l.startsWith('{')) lines.push(JSON.parse(l) as Record<string, unknown>)
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk
  })
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, lines, stdout: () => out, stderr: () => err, exit }
}

function event(p: Proc, name: string): Record<string, unknown> | undefined {
  return p.lines.find((l) => l.event === name)
}

describe('gossip-relay/main.ts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-cli-'))
  const keyFile = join(dir, 'keys', 'relay.key')
  const procs: Proc[] = []
  let peer: Relay | undefined
  let ingress: TestIngress | undefined

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL')
    await peer?.stop()
    await ingress?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('default: runs, receives a block from its static peer, forwards it, and exits 0 on SIGTERM', async () => {
    ingress = await new TestIngress().start()
    peer = await startRelay()
    const p = run([
      '--chain',
      'devnet',
      '--ingress',
      ingress.url.href,
      '--listen',
      '/ip4/127.0.0.1/tcp/0',
      '--http-port',
      '0',
      '--no-discovery',
      '--key-file',
      keyFile,
      '--peers',
      peer.node.getMultiaddrs()[0].toString(),
    ])
    procs.push(p)
    await waitFor(() => event(p, 'relay-started') !== undefined, 'relay-started', 15_000)
    const started = event(p, 'relay-started')!
    expect(event(p, 'key-created')).toMatchObject({ keyFile })
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^[0-9a-f]{64}$/)
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)

    await waitFor(() => peer!.status().mesh[TOPICS[3]] === 1, 'the CLI relay in the mesh', 15_000)
    const blk = signedBlock({ version: 4, number: 42, timestamp: nowSeconds(), seed: 42 })
    expect((await postSigned(`${peer.http.url}/publish`, blk.data)).json).toMatchObject({ recipients: 1 })
    await waitFor(() => ingress!.delivered.length === 1, 'the block at the ingress')
    expect(ingress.delivered[0].body).toEqual(blk.data)

    const status = (await (await fetch(`${started.http as string}/status`)).json()) as Record<string, unknown>
    expect(status).toMatchObject({ peerId: started.peerId, peers: 1, counts: { accepted: 1 }, lastForwarded: { number: 42 } })

    p.child.kill('SIGTERM')
    expect(await p.exit).toBe(0)
    expect(p.lines.map((l) => l.event)).toEqual(expect.arrayContaining(['shutdown-signal', 'relay-stopping', 'relay-stopped']))
    expect(p.stdout()).not.toContain(SECRET_TEXT)
    expect(p.stderr()).toBe('')
  })

  it('behavior: the key file keeps the peer id across restarts; SIGINT stops it too', async () => {
    const first = procs[0].lines.find((l) => l.event === 'relay-started')!.peerId
    const p = run(['--chain', 'devnet', '--ingress', 'http://127.0.0.1:9', '--listen', '/ip4/127.0.0.1/tcp/0', '--http-port', '0', '--no-discovery', '--key-file', keyFile])
    procs.push(p)
    await waitFor(() => event(p, 'relay-started') !== undefined, 'relay-started', 15_000)
    expect(event(p, 'key-loaded')).toBeDefined()
    expect(event(p, 'relay-started')!.peerId).toBe(first)
    p.child.kill('SIGINT')
    expect(await p.exit).toBe(0)
  })

  it('error: a bad setting exits 2 with one line naming it', async () => {
    const noSecret = run(['--chain', 'devnet', '--ingress', 'http://127.0.0.1:9'], {})
    expect(await noSecret.exit).toBe(2)
    expect(noSecret.stderr().split('\n')[0]).toBe(
      'gossip-relay: RELAY_SECRET: the ingress secret is required (set RELAY_SECRET or --secret-file)',
    )
    const noIngress = run(['--chain', 'devnet'])
    expect(await noIngress.exit).toBe(2)
    expect(noIngress.stderr()).toMatch(/^gossip-relay: --ingress: required/)
    const badKey = join(dir, 'bad.key')
    writeFileSync(badKey, 'not a key')
    const p = run(['--chain', 'devnet', '--ingress', 'http://127.0.0.1:9', '--key-file', badKey])
    expect(await p.exit).toBe(2)
    expect(p.stderr()).toMatch(/^gossip-relay: --key-file: /)
  })
})
