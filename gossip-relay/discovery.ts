/**
 * discv5 peer discovery for the relay, as op-node does it (PROTOCOL.md §5 "Identity & discovery";
 * https://specs.optimism.io/protocol/rollup-node-p2p.html#discv5).
 *
 * op-node: ethereum-optimism/optimism@d317e96c2add4a4e7fae72d6637ad241457f16c7:op-node/p2p/discovery.go
 * - `Discovery`: the local record carries `ip` (when known), `udp`, `tcp` and `opstack` = (chain id, version 0).
 * - `DiscoveryProcess`: walk the DHT with random-node lookups, keep records passing `FilterEnodes`
 *   (see opstack-enr.ts) that have an IP and a TCP port, hand them to the host's peerstore with a 24 h TTL
 *   (`discoveredAddrTTL`). The walk runs every 5 s while the node wants peers and every 20 s once it has enough
 *   (`discoverIntervalFast` / `discoverIntervalSlow`); 3 s after start the routing table is fed through the same filter
 *   (`tableKickoffDelay`). Dialling, the 5 s / 20 s connect ticker and the peer tide stay with the relay host.
 *
 * The DHT is @chainsafe/discv5 11 (the version built against @libp2p/interface 2 and @chainsafe/enr 5). Two things are
 * done here rather than by the library:
 * - the UDP socket is bound by us before the service starts ({@link BoundUdpTransport}), so a busy port is an error
 *   from {@link startDiscovery} instead of an unhandled `'error'` event, port 0 works, and `stop()` closes it;
 * - `enode://` bootnodes (no signed record) are contacted with a FINDNODE at distance 0 through an unsigned
 *   placeholder record, which returns the node's real signed ENR; that record then replaces it in the table. (discv5
 *   11's own multiaddr contact path fails the WHOAREYOU source check: it compares addresses with `/p2p/` included.)
 */
import dgram from 'node:dgram'
import { lookup } from 'node:dns/promises'
import { EventEmitter } from 'node:events'
import { isIP } from 'node:net'
import {
  Discv5,
  getSocketAddressOnENR,
  type IPMode,
  type ITransportService,
  multiaddrFromSocketAddress,
  multiaddrToSocketAddress,
  type SocketAddress,
  type TransportEventEmitter,
} from '@chainsafe/discv5'
import { decodePacket, encodePacket, type IPacket } from '@chainsafe/discv5/packet'
import { ENR, SignableENR } from '@chainsafe/enr'
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { parseEnode } from './bootnodes.ts'
import { checkOpStackPeer, encodeOpStackEnrValue, OPSTACK_ENR_KEY, type OpStackPeerRejection } from './opstack-enr.ts'

/** op-node `discoverIntervalFast`. */
export const DISCOVER_INTERVAL_FAST_MS = 5_000
/** op-node `discoverIntervalSlow`. */
export const DISCOVER_INTERVAL_SLOW_MS = 20_000
/** op-node `tableKickoffDelay`. */
export const TABLE_KICKOFF_DELAY_MS = 3_000
/** op-node `discoveredAddrTTL`: a record is handed out again once this old. */
export const DISCOVERED_ADDR_TTL_MS = 24 * 60 * 60 * 1000
/** op-node `p2p.peers.lo`: the default for "wants more peers" (unique accepted records below this). */
export const DEFAULT_PEERS_LO = 20
/** Records remembered for de-duplication; the oldest are forgotten first. */
const MAX_REMEMBERED_RECORDS = 50_000

/** Every event this module logs (the relay adds them to its own event union). */
export type DiscoveryEvent =
  | 'discovery-started' // { enr, nodeId, peerId, udp, bootnodes }
  | 'discovery-stopped'
  | 'discovery-enr-without-tcp' // no announce: others cannot dial us from our record
  | 'discovery-enr-updated' // address votes changed our ip/udp: { enr }
  | 'discovery-bootnode-invalid' // { bootnode, error }
  | 'discovery-bootnode-unreachable' // { bootnode, error }
  | 'discovery-peer' // a record passed the filter: { peerId, multiaddr, nodeId }
  | 'discovery-on-peer-failed' // the onPeer callback threw: { peerId, error }
  | 'discovery-walk' // a walk saw new records: { found, tableSize, ...stats }
  | 'discovery-walk-failed' // { error }

/** A discovered OP Stack peer of our chain, ready for the libp2p host. */
export type DiscoveredPeer = {
  /** libp2p peer id of the record's secp256k1 key (`16Uiu2…`). */
  peerId: string
  /** `/ip4/<ip>/tcp/<port>/p2p/<peerId>` (or `/ip6/…`). */
  multiaddr: string
  /** The signed record, `enr:…`. */
  enr: string
}

/** Why a record was not handed to `onPeer`. */
export type DiscoverySkipReason = OpStackPeerRejection['reason'] | 'no-tcp-address'

export type DiscoveryStats = {
  /** Distinct records (node id, sequence number) looked at. */
  records: number
  /** Records handed to `onPeer`. */
  accepted: number
  skipped: Record<DiscoverySkipReason, number>
}

export type StartDiscoveryParameters = {
  /** Raw secp256k1 private key (32 bytes): the relay's libp2p identity, so node id and peer id name the same key. */
  privateKey: Uint8Array
  /** L2 chain id, written to our `opstack` entry and required of discovered records. */
  chainId: number | bigint
  /** Where the UDP socket binds (`0.0.0.0` / `::` for all interfaces; port 0 picks one). */
  bindAddr: { ip: string; udpPort: number }
  /** Our public address for the record. Without it the record has no `tcp`, and `ip`/`udp` come from address votes. */
  announce?: { ip: string; tcpPort: number; udpPort: number }
  /** `enr:…` records and/or `enode://…` URLs. */
  bootnodes: readonly string[]
  /** Called once per accepted record (again when the record changes or after 24 h). */
  onPeer: (peer: DiscoveredPeer) => void
  log: (event: DiscoveryEvent, detail?: Record<string, unknown>) => void
  /** The fast walk interval (op-node 5 s); the slow one is four times it (op-node 20 s). */
  intervalMs?: number
  /** Whether the host wants more peers (fast walks); default: fewer than 20 accepted records. */
  wantMorePeers?: () => boolean
}

export type Discovery = {
  /** Our signed record, `enr:…` (as at start; `currentEnr()` follows address-vote updates). */
  enr: string
  currentEnr(): string
  /** Nodes in the Kademlia routing table. */
  tableSize(): number
  stats(): DiscoveryStats
  /** Stops walking and closes the UDP socket. Idempotent. */
  stop(): Promise<void>
}

/**
 * Starts discv5 on `bindAddr`, bootstraps from `bootnodes` and walks the DHT, calling `onPeer` for every record of
 * our chain that can be dialled.
 *
 * @throws Error when the key is not a valid secp256k1 key, the chain id is not a uint64, or the socket cannot bind.
 */
export async function startDiscovery(params: StartDiscoveryParameters): Promise<Discovery> {
  const { privateKey, bindAddr, announce, log, onPeer } = params
  const chainId = BigInt(params.chainId)
  if (privateKey.length !== 32 || !secp256k1.utils.isValidSecretKey(privateKey)) {
    throw new Error('discovery: privateKey must be a valid 32-byte secp256k1 key')
  }
  const fastMs = params.intervalMs ?? DISCOVER_INTERVAL_FAST_MS
  const slowMs = params.intervalMs === undefined ? DISCOVER_INTERVAL_SLOW_MS : params.intervalMs * 4
  const kickoffMs = Math.min(TABLE_KICKOFF_DELAY_MS, fastMs)

  const enr = SignableENR.createV4(privateKey)
  const transport = await BoundUdpTransport.bind(bindAddr.ip, bindAddr.udpPort, enr.nodeId)
  enr.set(OPSTACK_ENR_KEY, encodeOpStackEnrValue({ chainId, version: 0n }))
  if (announce) {
    setEndpoint(enr, announce.ip, announce.udpPort, announce.tcpPort)
  } else {
    // op-node (`Discovery`): without an advertised IP the record's address comes from endpoint votes; the UDP port is
    // the one we listen on.
    setEndpoint(enr, isUnspecified(bindAddr.ip) ? undefined : bindAddr.ip, transport.port, undefined)
  }

  const discv5 = Discv5.create({
    enr,
    // discv5 11 reads only `type` and `raw` of the key (it is typed against @libp2p/interface 2).
    privateKey: privateKeyFromRaw(privateKey) as unknown as Parameters<typeof Discv5.create>[0]['privateKey'],
    bindAddrs: transport.bindAddrsInit,
    transport,
    config: { enrUpdate: announce === undefined },
  })

  const stats: DiscoveryStats = {
    records: 0,
    accepted: 0,
    skipped: { missing: 0, malformed: 0, 'chain-mismatch': 0, 'version-mismatch': 0, 'no-tcp-address': 0 },
  }
  const seen = new Map<string, { seq: bigint; at: number }>()
  const failedBootnodes = new Set<string>()
  /** Unsigned `enode://` contact records (see {@link enodeContact}); never handed out. */
  const placeholders = new WeakSet<ENR>()
  const ownNodeId = enr.nodeId
  let stopped = false
  let walking = false
  let walkTimer: NodeJS.Timeout | undefined
  let kickoffTimer: NodeJS.Timeout | undefined
  const wantMorePeers = params.wantMorePeers ?? (() => stats.accepted < DEFAULT_PEERS_LO)

  function consider(record: ENR): void {
    if (stopped || record.nodeId === ownNodeId || placeholders.has(record)) return
    const now = Date.now()
    const prev = seen.get(record.nodeId)
    if (prev && prev.seq >= record.seq && now - prev.at < DISCOVERED_ADDR_TTL_MS) return
    seen.delete(record.nodeId)
    seen.set(record.nodeId, { seq: record.seq, at: now })
    if (seen.size > MAX_REMEMBERED_RECORDS) seen.delete(seen.keys().next().value as string)
    stats.records++

    const verdict = checkOpStackPeer(record, chainId)
    if (!verdict.accept) {
      stats.skipped[verdict.reason]++
      return
    }
    const multiaddr = dialAddress(record)
    if (multiaddr === undefined) {
      stats.skipped['no-tcp-address']++
      return
    }
    stats.accepted++
    const peer: DiscoveredPeer = { peerId: record.peerId.toString(), multiaddr, enr: record.encodeTxt() }
    log('discovery-peer', { peerId: peer.peerId, multiaddr, nodeId: record.nodeId })
    try {
      onPeer(peer)
    } catch (error) {
      log('discovery-on-peer-failed', { peerId: peer.peerId, error })
    }
  }

  async function contactBootnodes(): Promise<void> {
    await Promise.all(
      params.bootnodes.map(async (bootnode) => {
        try {
          if (bootnode.startsWith('enr:')) {
            const record = decodeEnrBootnode(bootnode)
            discv5.addEnr(record)
            consider(record)
            return
          }
          const contact = await enodeContact(bootnode, transport.family)
          placeholders.add(contact)
          const records = await discv5.sendFindNode(contact, [0])
          const real = records.find((r) => r.nodeId === contact.nodeId)
          if (!real) throw new Error('FINDNODE(0) did not return the node record')
          discv5.addEnr(real)
          consider(real)
          failedBootnodes.delete(bootnode)
        } catch (error) {
          // Retried whenever the table runs dry; reported once until it answers.
          if (stopped || failedBootnodes.has(bootnode)) return
          failedBootnodes.add(bootnode)
          const invalid = error instanceof BootnodeError
          log(invalid ? 'discovery-bootnode-invalid' : 'discovery-bootnode-unreachable', {
            bootnode: bootnode.slice(0, 40),
            error,
          })
        }
      }),
    )
  }

  async function walk(self: boolean): Promise<void> {
    if (stopped || walking) return
    walking = true
    const before = stats.records
    try {
      // Bootnodes again whenever the table has run dry (they may have been unreachable or evicted).
      if (discv5.kadValues().length === 0) await contactBootnodes()
      // The first walk looks up our own id (Kademlia join), later ones a random target (op-node `RandomNodes`).
      const found = self ? await discv5.findNode(ownNodeId) : await discv5.findRandomNode()
      for (const record of found) consider(record)
      if (!stopped && stats.records > before) {
        log('discovery-walk', { found: found.length, tableSize: discv5.kadValues().length, ...stats })
      }
    } catch (error) {
      if (!stopped) log('discovery-walk-failed', { error })
    } finally {
      walking = false
      if (!stopped) {
        walkTimer = setTimeout(() => void walk(false), wantMorePeers() ? fastMs : slowMs)
        walkTimer.unref()
      }
    }
  }

  // Every record the DHT shows us goes through the same filter: lookup replies, and nodes entering the table
  // (including ones that contacted us).
  discv5.on('discovered', consider)
  discv5.on('enrAdded', consider)
  discv5.on('multiaddrUpdated', () => log('discovery-enr-updated', { enr: discv5.enr.encodeTxt() }))

  try {
    await discv5.start()
  } catch (error) {
    await transport.stop()
    throw error
  }
  const startEnr = discv5.enr.encodeTxt()
  log('discovery-started', {
    enr: startEnr,
    nodeId: ownNodeId,
    peerId: discv5.enr.peerId.toString(),
    udp: transport.port,
    bootnodes: params.bootnodes.length,
  })
  if (enr.tcp === undefined && enr.tcp6 === undefined) log('discovery-enr-without-tcp')

  void contactBootnodes().then(() => walk(true))
  kickoffTimer = setTimeout(() => {
    for (const record of discv5.kadValues()) consider(record)
  }, kickoffMs)
  kickoffTimer.unref()

  return {
    enr: startEnr,
    currentEnr: () => discv5.enr.encodeTxt(),
    tableSize: () => (stopped ? 0 : discv5.kadValues().length),
    stats: () => ({ ...stats, skipped: { ...stats.skipped } }),
    async stop() {
      if (stopped) return
      stopped = true
      clearTimeout(walkTimer)
      clearTimeout(kickoffTimer)
      discv5.off('discovered', consider)
      discv5.off('enrAdded', consider)
      discv5.removeAllListeners('multiaddrUpdated')
      await discv5.stop()
      log('discovery-stopped')
    },
  }
}

/** A bootnode string that cannot be used at all (as opposed to one that did not answer). */
class BootnodeError extends Error {
  override name = 'BootnodeError'
}

function decodeEnrBootnode(txt: string): ENR {
  try {
    return ENR.decodeTxt(txt)
  } catch (error) {
    throw new BootnodeError(`bad ENR: ${(error as Error).message}`)
  }
}

/**
 * An unsigned placeholder record for an `enode://` URL: enough for discv5 to open a session and ask the node for its
 * real record (FINDNODE at distance 0). discv5 puts the contact into its table when the session is established, and
 * the signed record replaces it as soon as the answer arrives (higher sequence number). The DNS name, if any, is
 * resolved here (op-node `resolveURLIP`).
 */
async function enodeContact(url: string, family: 4 | 6): Promise<ENR> {
  const parsed = parseEnode(url)
  if (!parsed.ok) throw new BootnodeError(parsed.error)
  const { publicKey, host, udpPort } = parsed.enode
  let ip = host
  if (isIP(host) === 0) ip = (await lookup(host, { family })).address
  let compressed: Uint8Array
  try {
    compressed = secp256k1.Point.fromBytes(concat(Uint8Array.of(4), publicKey)).toBytes(true)
  } catch {
    throw new BootnodeError('public key is not on secp256k1')
  }
  const octets = ipOctets(ip)
  if (!octets) throw new BootnodeError(`bad IP ${ip}`)
  const kvs: Record<string, Uint8Array> = { id: new TextEncoder().encode('v4'), secp256k1: compressed }
  kvs[octets.type === 4 ? 'ip' : 'ip6'] = octets.octets
  kvs[octets.type === 4 ? 'udp' : 'udp6'] = Uint8Array.of(udpPort >> 8, udpPort & 0xff)
  return new ENR(kvs, 0n, new Uint8Array(64))
}

/** `/ip4/<ip>/tcp/<tcp>/p2p/<peer id>` of a record (IPv4 first, like geth `Node.IP()`) if it has a non-zero TCP port. */
function dialAddress(record: ENR): string | undefined {
  const peerId = record.peerId.toString()
  if (record.ip !== undefined && record.tcp) return `/ip4/${record.ip}/tcp/${record.tcp}/p2p/${peerId}`
  const tcp6 = record.tcp6 ?? record.tcp
  if (record.ip6 !== undefined && tcp6) return `/ip6/${record.ip6}/tcp/${tcp6}/p2p/${peerId}`
  return undefined
}

function setEndpoint(enr: SignableENR, ip: string | undefined, udp: number, tcp: number | undefined): void {
  if (ip !== undefined && isIP(ip) === 6) {
    enr.ip6 = ip
    enr.udp6 = udp
    if (tcp !== undefined) enr.tcp6 = tcp
  } else {
    if (ip !== undefined) enr.ip = ip
    enr.udp = udp
    if (tcp !== undefined) enr.tcp = tcp
  }
}

function isUnspecified(ip: string): boolean {
  return ip === '0.0.0.0' || ip === '::' || ip === ''
}

/** discv5's multiaddr type (from its bundled @multiformats/multiaddr 12). */
type UdpMultiaddr = Parameters<ITransportService['send']>[0]

/**
 * discv5's transport over a UDP socket we bind ourselves. Packets are encoded/decoded with discv5's own codec and
 * addresses built with its own multiaddr helpers (it bundles @multiformats/multiaddr 12; ours is 13).
 */
class BoundUdpTransport extends (EventEmitter as new () => TransportEventEmitter) implements ITransportService {
  readonly bindAddrs: ITransportService['bindAddrs']
  readonly ipMode: IPMode
  readonly port: number
  readonly bindAddrsInit: Parameters<typeof Discv5.create>[0]['bindAddrs']
  readonly family: 4 | 6
  private readonly socket: dgram.Socket
  /** Our node id: packet headers addressed to us are masked with it. */
  private readonly srcId: string
  private closed = false

  private constructor(socket: dgram.Socket, family: 4 | 6, ip: string, srcId: string) {
    super()
    this.socket = socket
    this.srcId = srcId
    this.family = family
    this.port = socket.address().port
    const octets = ipOctets(ip)
    if (!octets) throw new Error(`discovery: bad bind IP ${ip}`)
    const addr = multiaddrFromSocketAddress({ ip: octets, port: this.port })
    this.bindAddrs = [addr]
    this.bindAddrsInit = family === 4 ? { ip4: addr } : { ip6: addr }
    this.ipMode = family === 4 ? { ip4: true, ip6: false } : { ip4: false, ip6: true }
  }

  /** Binds `ip:port` (port 0 = any). Rejects instead of emitting an unhandled `'error'` when the port is taken. */
  static async bind(ip: string, port: number, nodeId: string): Promise<BoundUdpTransport> {
    const family = isIP(ip)
    if (family === 0) throw new Error(`discovery: bind address ${ip} is not an IP address`)
    const socket = dgram.createSocket({ type: family === 4 ? 'udp4' : 'udp6', ipv6Only: family === 6 })
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => {
        socket.close()
        reject(new Error(`discovery: cannot bind UDP ${ip}:${port}: ${error.message}`, { cause: error }))
      }
      socket.once('error', onError)
      socket.bind(port, ip, () => {
        socket.off('error', onError)
        resolve()
      })
    })
    return new BoundUdpTransport(socket, family as 4 | 6, ip, nodeId)
  }

  async start(): Promise<void> {
    this.socket.on('message', this.onMessage)
    // A socket error after bind (e.g. ICMP unreachable on some platforms) must not crash the relay.
    this.socket.on('error', () => {})
  }

  async stop(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.socket.off('message', this.onMessage)
    await new Promise<void>((resolve) => this.socket.close(() => resolve()))
  }

  async send(to: UdpMultiaddr, toId: string, packet: IPacket): Promise<void> {
    if (this.closed) return
    const { ip, port } = multiaddrToSocketAddress(to)
    if (ip.type !== this.family) return
    this.socket.send(encodePacket(toId, packet), port, ipString(ip))
  }

  getContactableAddr(enr: Parameters<ITransportService['getContactableAddr']>[0]): SocketAddress | undefined {
    return getSocketAddressOnENR(enr, this.ipMode)
  }

  private onMessage = (data: Buffer, rinfo: dgram.RemoteInfo): void => {
    const octets = ipOctets(rinfo.address)
    if (!octets) return
    const src = multiaddrFromSocketAddress({ ip: octets, port: rinfo.port })
    let packet
    try {
      packet = decodePacket(this.srcId, data)
    } catch (error) {
      this.emit('decodeError', error as Error, src)
      return
    }
    this.emit('packet', src, packet)
  }
}

function ipString(ip: SocketAddress['ip']): string {
  if (ip.type === 4) return Array.from(ip.octets).join('.')
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push(((ip.octets[i] << 8) | ip.octets[i + 1]).toString(16))
  return groups.join(':')
}

/** Octets of an IPv4 or IPv6 address string (IPv6 with `::`, an embedded IPv4 tail or a `%zone`). */
function ipOctets(ip: string): SocketAddress['ip'] | undefined {
  const family = isIP(ip)
  if (family === 4) return { type: 4, octets: Uint8Array.from(ip.split('.').map(Number)) }
  if (family !== 6) return undefined
  const bare = ip.split('%')[0]
  const [headText, tailText] = bare.includes('::') ? bare.split('::') : [bare, undefined]
  const groups = (text: string | undefined): number[] => {
    if (!text) return []
    const out: number[] = []
    for (const part of text.split(':')) {
      if (part.includes('.')) {
        const [a, b, c, d] = part.split('.').map(Number)
        out.push((a << 8) | b, (c << 8) | d)
      } else {
        out.push(Number.parseInt(part, 16))
      }
    }
    return out
  }
  const head = groups(headText)
  const tail = groups(tailText)
  const all = tailText === undefined ? head : [...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail]
  const octets = new Uint8Array(16)
  all.forEach((g, i) => {
    octets[2 * i] = g >> 8
    octets[2 * i + 1] = g & 0xff
  })
  return { type: 6, octets }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}
