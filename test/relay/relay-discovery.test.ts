/**
 * The relay with discv5 on: B bootstraps from A's ENR, dials A from the discovered record (chain 901 in its `opstack`
 * entry), and a block published on A reaches B's ingress.
 */
import dgram from 'node:dgram'
import { createServer } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import type { Relay } from '../../gossip-relay/relay.ts'
import { signedBlock } from '../unit/p2p/gossip-block-fixtures.ts'
import { nowSeconds, postSigned, startRelay, TestIngress, TOPICS, waitFor } from './support.ts'

async function freeTcpPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4')
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

describe('relay discovery', () => {
  const relays: Relay[] = []
  const ingress = new TestIngress()
  afterAll(async () => {
    await Promise.all(relays.map((r) => r.stop()))
    await ingress.stop()
  })

  it('behavior: a relay finds its peer through discv5 and receives its blocks', async () => {
    await ingress.start()
    const tcp = await freeTcpPort()
    const a = await startRelay({
      listen: [`/ip4/127.0.0.1/tcp/${tcp}`],
      announce: [`/ip4/127.0.0.1/tcp/${tcp}`],
      discovery: { enabled: true, bootnodes: [], udpPort: await freeUdpPort() },
    })
    relays.push(a)
    const enr = a.status().discovery?.enr
    expect(enr).toMatch(/^enr:/)
    const b = await startRelay({
      ingressUrl: ingress.url,
      discovery: { enabled: true, bootnodes: [enr!], udpPort: await freeUdpPort() },
    })
    relays.push(b)
    await waitFor(() => b.status().mesh[TOPICS[3]] === 1 && a.status().mesh[TOPICS[3]] === 1, 'the discovered peer in the mesh')
    expect(b.status().discovery).toMatchObject({ accepted: 1 })
    const blk = signedBlock({ version: 4, number: 9, timestamp: nowSeconds(), seed: 9 })
    expect((await postSigned(`${a.http.url}/publish`, blk.data)).json).toMatchObject({ recipients: 1 })
    await waitFor(() => ingress.delivered.length === 1, 'the block at B’s ingress')
  })
})
