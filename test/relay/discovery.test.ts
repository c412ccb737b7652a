import dgram from 'node:dgram'
import { ENR } from '@chainsafe/enr'
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { afterAll, describe, expect, it } from 'vitest'
import {
  type DiscoveredPeer,
  type Discovery,
  type DiscoveryEvent,
  type StartDiscoveryParameters,
  startDiscovery,
} from '../../gossip-relay/discovery.ts'
import { checkOpStackPeer } from '../../gossip-relay/opstack-enr.ts'
import { prng, randomBytes } from '../support/random.ts'

// Real discv5 over UDP on 127.0.0.1: A is the bootnode; B and C (chain 10) bootstrap from A's ENR; D (chain 11)
// bootstraps from A's enode:// URL. B must find C through A, and must see D's record but not hand it out.

const LOCALHOST = '127.0.0.1'
const rand = prng(0xd15c0)

function newKey(): Uint8Array {
  for (;;) {
    const k = randomBytes(rand, 32)
    if (secp256k1.utils.isValidSecretKey(k)) return k
  }
}

const peerIdOf = (key: Uint8Array) => peerIdFromPrivateKey(privateKeyFromRaw(key)).toString()

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4')
  await new Promise<void>((resolve) => s.bind(0, LOCALHOST, resolve))
  const { port } = s.address()
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

async function canBind(port: number): Promise<boolean> {
  const s = dgram.createSocket('udp4')
  const ok = await new Promise<boolean>((resolve) => {
    s.once('error', () => resolve(false))
    s.bind(port, LOCALHOST, () => resolve(true))
  })
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return ok
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

type Node = { key: Discovery; peers: DiscoveredPeer[]; events: DiscoveryEvent[]; privateKey: Uint8Array }

const running: Discovery[] = []

async function node(
  chainId: number,
  bootnodes: string[],
  announceTcp?: number,
): Promise<Node & { udpPort: number }> {
  const privateKey = newKey()
  const peers: DiscoveredPeer[] = []
  const events: DiscoveryEvent[] = []
  const udpPort = announceTcp === undefined ? 0 : await freeUdpPort()
  const params: StartDiscoveryParameters = {
    privateKey,
    chainId,
    bindAddr: { ip: LOCALHOST, udpPort },
    announce: announceTcp === undefined ? undefined : { ip: LOCALHOST, tcpPort: announceTcp, udpPort },
    bootnodes,
    onPeer: (p) => peers.push(p),
    log: (event) => events.push(event),
    intervalMs: 200,
  }
  const d = await startDiscovery(params)
  running.push(d)
  return { key: d, peers, events, privateKey, udpPort: ENR.decodeTxt(d.enr).udp as number }
}

afterAll(async () => {
  await Promise.all(running.map((d) => d.stop()))
})

describe('startDiscovery', () => {
  it('behavior: §5 B discovers C through bootnode A; a record of another chain is seen but filtered out', async () => {
    const a = await node(10, [])
    const b = await node(10, [a.key.enr], 41001)
    const c = await node(10, [a.key.enr], 41002)
    const aPub = secp256k1.getPublicKey(a.privateKey, false).slice(1)
    const aEnode = `enode://${Buffer.from(aPub).toString('hex')}@${LOCALHOST}:0?discport=${a.udpPort}`
    const d = await node(11, [aEnode], 41003)

    const cPeerId = peerIdOf(c.privateKey)
    const dPeerId = peerIdOf(d.privateKey)
    await waitFor('B to hand out C', () => b.peers.some((p) => p.peerId === cPeerId))
    const seenC = b.peers.find((p) => p.peerId === cPeerId) as DiscoveredPeer
    expect(cPeerId).toMatch(/^16Uiu2/)
    expect(seenC.multiaddr).toBe(`/ip4/${LOCALHOST}/tcp/41002/p2p/${cPeerId}`)
    expect(ENR.decodeTxt(seenC.enr).nodeId).toBe(ENR.decodeTxt(c.key.enr).nodeId)

    // D joined through an enode:// bootnode and reached the DHT: it sees chain-10 records and rejects them.
    await waitFor('D to see chain-10 records', () => d.key.stats().skipped['chain-mismatch'] >= 1)
    expect(d.key.tableSize()).toBeGreaterThanOrEqual(1)
    expect(d.peers).toEqual([])

    // B sees D at the protocol level (a chain-11 record) and never hands it out.
    await waitFor('B to see a chain-11 record', () => b.key.stats().skipped['chain-mismatch'] >= 1)
    expect(b.peers.map((p) => p.peerId)).not.toContain(dPeerId)
    // A has no TCP port in its record (no announce): discovered, right chain, but not dialable.
    expect(b.peers.map((p) => p.peerId)).not.toContain(peerIdOf(a.privateKey))
    expect(b.key.stats().skipped['no-tcp-address']).toBeGreaterThanOrEqual(1)
    expect(a.events).toContain('discovery-enr-without-tcp')
    // One onPeer per record.
    expect(new Set(b.peers.map((p) => p.peerId)).size).toBe(b.peers.length)
  }, 30_000)

  it('behavior: §5 our ENR carries ip, tcp, udp and opstack = (chain id, 0)', async () => {
    const n = await node(8453, [], 41010)
    const enr = ENR.decodeTxt(n.key.enr)
    expect(enr.ip).toBe(LOCALHOST)
    expect(enr.tcp).toBe(41010)
    expect(enr.udp).toBe(n.udpPort)
    expect(checkOpStackPeer(enr, 8453)).toEqual({ accept: true, data: { chainId: 8453n, version: 0n } })
    expect(enr.peerId.toString()).toBe(peerIdOf(n.privateKey))
  })

  it('behavior: stop() releases the UDP socket', async () => {
    const n = await node(10, [], 41020)
    expect(await canBind(n.udpPort)).toBe(false)
    await n.key.stop()
    await n.key.stop() // idempotent
    expect(await canBind(n.udpPort)).toBe(true)
    expect(n.events).toContain('discovery-stopped')
  })

  it('error: a taken UDP port rejects instead of crashing', async () => {
    const n = await node(10, [], 41030)
    await expect(
      startDiscovery({
        privateKey: newKey(),
        chainId: 10,
        bindAddr: { ip: LOCALHOST, udpPort: n.udpPort },
        bootnodes: [],
        onPeer: () => {},
        log: () => {},
      }),
    ).rejects.toThrow(/cannot bind UDP/)
  })

  it('error: unusable bootnodes are logged, not thrown', async () => {
    const events: Array<[DiscoveryEvent, Record<string, unknown> | undefined]> = []
    const d = await startDiscovery({
      privateKey: newKey(),
      chainId: 10,
      bindAddr: { ip: LOCALHOST, udpPort: 0 },
      bootnodes: ['enr:-not-a-record', 'enode://not-an-enode'],
      onPeer: () => {},
      log: (event, detail) => events.push([event, detail]),
      intervalMs: 200,
    })
    running.push(d)
    const invalid = () => events.filter(([e]) => e === 'discovery-bootnode-invalid').length
    await waitFor('both bootnodes reported', () => invalid() === 2)
    expect(d.tableSize()).toBe(0)
  })

  it('error: an invalid key is refused', async () => {
    await expect(
      startDiscovery({
        privateKey: new Uint8Array(32),
        chainId: 10,
        bindAddr: { ip: LOCALHOST, udpPort: 0 },
        bootnodes: [],
        onPeer: () => {},
        log: () => {},
      }),
    ).rejects.toThrow(/privateKey/)
  })
})
