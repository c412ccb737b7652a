/**
 * The gossip relay (DESIGN.md "gossip-relay/"): a libp2p host subscribed to the chain's four block topics that
 * validates every message with shared/p2p, forwards ACCEPTed ones to the Worker's ingress, publishes the sequencer's
 * blocks given to `POST /publish`, and reports itself on `GET /status`. It keeps nothing that matters: a restart loses
 * only the seen-block memory and the forward queue.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Hex } from '../shared/bytes.ts'
import type { GossipVersion } from '../shared/p2p/gossip-envelope.ts'
import { SeenBlocks } from '../shared/p2p/seen-blocks.ts'
import { blockTopic, GOSSIP_VERSIONS } from '../shared/p2p/topics.ts'
import { validateGossipBlock } from '../shared/p2p/validate-block.ts'
import { blockTopicValidator, ValidationCounts } from './block-validator.ts'
import type { RelayConfig } from './config.ts'
import { type ForwarderOptions, IngressForwarder } from './forwarder.ts'
import { MAX_PUBLISH_SIZE } from './gossip-options.ts'
import { defaultBootnodes, L1_MAINNET_CHAIN_ID, L1_SEPOLIA_CHAIN_ID } from './bootnodes.ts'
import { DEFAULT_PEERS_LO, type DiscoveredPeer, type Discovery, startDiscovery } from './discovery.ts'
import { createHost, type PrivateKey, type RelayHost } from './host.ts'
import { type HttpApi, type PublishOutcome, startHttpApi } from './http-api.ts'
import { type Logger, redactUrl, silentLogger } from './log.ts'
import { publishTopic } from './publish-topic.ts'

/** @libp2p/interface `KEEP_ALIVE`: libp2p redials peers with this tag whenever their connection drops. */
const KEEP_ALIVE = 'keep-alive'

export type StartRelayParameters = {
  config: RelayConfig
  privateKey: PrivateKey
  log?: Logger
  /** Milliseconds; validation uses it in seconds. */
  now?: () => number
  fetch?: typeof fetch
  forwarder?: Pick<ForwarderOptions, 'capacity' | 'baseDelayMs' | 'maxDelayMs' | 'requestTimeoutMs'>
  /** discv5 (gossip-relay/discovery.ts) unless replaced; used only when the config enables discovery. */
  startDiscovery?: typeof startDiscovery
}

export type RelayStatus = ReturnType<Relay['status']>

export class Relay {
  readonly node: RelayHost
  readonly http: HttpApi
  readonly config: RelayConfig
  readonly counts: ValidationCounts
  readonly #forwarder: IngressForwarder
  readonly #seen: Record<GossipVersion, SeenBlocks>
  readonly #log: Logger
  readonly #now: () => number
  readonly #startedAt: number
  #signer: Hex | undefined
  #discovery: Discovery | undefined
  #published = 0
  readonly #publishRefused: Record<string, number> = {}
  #stopping: Promise<void> | undefined

  private constructor(
    init: Pick<Relay, 'node' | 'http' | 'config' | 'counts'> & {
      forwarder: IngressForwarder
      seen: Record<GossipVersion, SeenBlocks>
      log: Logger
      now: () => number
    },
  ) {
    this.node = init.node
    this.http = init.http
    this.config = init.config
    this.counts = init.counts
    this.#forwarder = init.forwarder
    this.#seen = init.seen
    this.#log = init.log
    this.#now = init.now
    this.#startedAt = init.now()
    this.#signer = init.config.signer
  }

  /** Starts the host, subscribes to the block topics, dials static peers, starts discovery and the HTTP API. */
  static async start(p: StartRelayParameters): Promise<Relay> {
    const { config } = p
    const log = p.log ?? silentLogger
    const now = p.now ?? Date.now
    const chainId = config.rollup.l2ChainId
    log('relay-starting', {
      chain: config.rollup.name,
      l2ChainId: chainId,
      listen: config.listen,
      announce: config.announce,
      ingress: redactUrl(config.ingressUrl),
      http: `${config.http.host}:${config.http.port}`,
      maxPeers: config.maxPeers,
      signer: config.signer ?? null,
    })
    const forwarder = new IngressForwarder({
      ingressUrl: config.ingressUrl,
      secret: config.secret,
      log,
      fetch: p.fetch,
      now,
      ...p.forwarder,
    })
    const node = await createHost({
      privateKey: p.privateKey,
      l2ChainId: chainId,
      blockTime: config.rollup.blockTime,
      listen: config.listen,
      announce: config.announce,
      maxConnections: config.maxPeers,
    })
    const counts = new ValidationCounts()
    const seen = { 1: new SeenBlocks(), 2: new SeenBlocks(), 3: new SeenBlocks(), 4: new SeenBlocks() }
    let relay: Relay | undefined
    let http: HttpApi | undefined
    try {
      http = await startHttpApi({
        host: config.http.host,
        port: config.http.port,
        secret: config.secret,
        log,
        now,
        handlers: {
          publish: (data, topic) => relay!.publish(data, topic),
          setSigner: (signer) => relay!.setSigner(signer),
          status: () => relay!.status(),
        },
      })
      relay = new Relay({ node, http, config, counts, forwarder, seen, log, now })
      const self = relay
      for (const version of GOSSIP_VERSIONS) {
        const topic = blockTopic(chainId, version)
        node.services.pubsub.topicValidators.set(
          topic,
          blockTopicValidator({
            config: config.rollup,
            version,
            topic,
            seen: seen[version],
            signer: () => self.#signer,
            now,
            counts,
            log,
            onAccept: (message, block) =>
              forwarder.enqueue({
                topic,
                data: message.data.slice(),
                blockNumber: block.blockNumber,
                blockHash: block.blockHash,
                acceptedAt: now(),
              }),
          }),
        )
        node.services.pubsub.subscribe(topic)
      }
      node.addEventListener('peer:connect', (e) => log('peer-connected', { peer: e.detail.toString() }))
      node.addEventListener('peer:disconnect', (e) => log('peer-disconnected', { peer: e.detail.toString() }))
      await relay.#dialStaticPeers()
      await relay.#startDiscovery(p.startDiscovery ?? startDiscovery, p.privateKey)
    } catch (e) {
      await http?.close()
      await node.stop()
      await forwarder.stop()
      throw e
    }
    log('relay-started', {
      peerId: node.peerId.toString(),
      multiaddrs: node.getMultiaddrs().map(String),
      http: http.url,
      topics: node.services.pubsub.getTopics(),
    })
    return relay
  }

  get peerId(): string {
    return this.node.peerId.toString()
  }

  get signer(): Hex | undefined {
    return this.#signer
  }

  /** Replaces the unsafe-block signer (the Worker pushes the SystemConfig value). */
  setSigner(signer: Hex): void {
    const previous = this.#signer ?? null
    this.#signer = signer
    if (previous !== signer) this.#log('signer-updated', { previous, signer })
  }

  /**
   * Publishes a sequencer block: picks the topic, validates it like any gossip message — which records it in the
   * topic's seen blocks, as op-node's own blocks are (go-libp2p-pubsub runs the topic validator on locally published
   * messages, and op-node publishes through it) — and sends it to the mesh. A block already seen on that topic is
   * refused (409) like op-node's publish of an IGNOREd message; an invalid one is refused (422) before any peer sees it.
   */
  async publish(data: Uint8Array, topicHeader: string | undefined): Promise<PublishOutcome> {
    const refuse = (outcome: Extract<PublishOutcome, { ok: false }>): PublishOutcome => {
      this.#publishRefused[outcome.error] = (this.#publishRefused[outcome.error] ?? 0) + 1
      this.#log('publish-refused', { reason: outcome.error, status: outcome.status, topic: topicHeader ?? null })
      return outcome
    }
    // Checked before validation so an unsendable block is not recorded as seen.
    if (data.length > MAX_PUBLISH_SIZE) return refuse({ ok: false, status: 413, error: 'too-large-to-publish' })
    const chosen = publishTopic(this.config.rollup, data, topicHeader)
    if (!chosen.ok) return refuse({ ok: false, status: 400, error: chosen.reason })
    const v = validateGossipBlock({
      config: this.config.rollup,
      version: chosen.version,
      data,
      now: Math.floor(this.#now() / 1000),
      signer: this.#signer,
      seen: this.#seen[chosen.version],
    })
    switch (v.result) {
      case 'ignore':
        return refuse({ ok: false, status: 409, error: v.reason, result: 'ignore' })
      case 'reject':
        return refuse({ ok: false, status: 422, error: v.reason, result: 'reject' })
      case 'accept':
        break
    }
    let recipients: number
    try {
      recipients = (await this.node.services.pubsub.publish(chosen.topic, data)).recipients.length
    } catch (e) {
      const message = (e as Error).message
      if (message === 'PublishError.Duplicate') {
        return refuse({ ok: false, status: 409, error: 'duplicate-message', result: 'ignore' })
      }
      this.#log('publish-failed', { topic: chosen.topic, number: v.blockNumber, error: e as Error })
      return refuse({ ok: false, status: 503, error: 'publish-failed' })
    }
    this.#published++
    this.#log('publish-accepted', { topic: chosen.topic, number: v.blockNumber, hash: v.blockHash, recipients })
    return { ok: true, topic: chosen.topic, recipients, number: v.blockNumber, hash: v.blockHash }
  }

  status() {
    const pubsub = this.node.services.pubsub
    const topics = GOSSIP_VERSIONS.map((v) => blockTopic(this.config.rollup.l2ChainId, v))
    const forward = this.#forwarder.stats()
    return {
      peerId: this.peerId,
      multiaddrs: this.node.getMultiaddrs().map(String),
      chain: { name: this.config.rollup.name, l2ChainId: this.config.rollup.l2ChainId },
      signer: this.#signer ?? null,
      uptimeSeconds: Math.floor((this.#now() - this.#startedAt) / 1000),
      peers: this.node.getPeers().length,
      mesh: Object.fromEntries(topics.map((t) => [t, meshPeers(pubsub, t)])),
      topicPeers: Object.fromEntries(topics.map((t) => [t, pubsub.getSubscribers(t).length])),
      counts: { ...this.counts.toJSON(), published: this.#published, publishRefused: { ...this.#publishRefused } },
      lastForwarded: forward.lastForwarded,
      forwardLatencyMs: forward.forwardLatencyMs,
      queue: {
        depth: forward.depth,
        dropped: forward.dropped,
        delivered: forward.delivered,
        refused: forward.refused,
        retries: forward.retries,
      },
      discovery:
        this.#discovery === undefined
          ? null
          : { enr: this.#discovery.currentEnr(), tableSize: this.#discovery.tableSize(), ...this.#discovery.stats() },
    }
  }

  /** Stops discovery, the HTTP API, libp2p and the forwarder. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#log('relay-stopping', {})
      await this.#discovery?.stop().catch((e) => this.#log('discovery-failed', { error: e as Error }))
      await this.http.close()
      await this.node.stop()
      await this.#forwarder.stop()
      this.#log('relay-stopped', {})
    })()
    return this.#stopping
  }

  async #dialStaticPeers(): Promise<void> {
    for (const addr of this.config.staticPeers) {
      const ma = multiaddr(addr)
      const id = ma.getComponents().find((c) => c.name === 'p2p')?.value
      if (id === undefined) continue
      const peerId = peerIdFromString(id)
      // KEEP_ALIVE: libp2p redials the peer whenever the connection drops, as op-node keeps its static peers.
      await this.node.peerStore.merge(peerId, { multiaddrs: [ma], tags: { [KEEP_ALIVE]: { value: 1 } } })
      this.node.dial(ma).catch((e) => this.#log('static-peer-dial-failed', { peer: id, error: e as Error }))
    }
  }

  async #startDiscovery(start: typeof startDiscovery, privateKey: PrivateKey): Promise<void> {
    const { discovery, rollup } = this.config
    if (!discovery.enabled) {
      this.#log('discovery-disabled', { reason: '--no-discovery' })
      return
    }
    // UDP binds where TCP listens, on --discovery-port or else the TCP port (op-node: 9222 for both).
    const listen = ipAndTcpPort(this.config.listen[0])
    const udpPort = discovery.udpPort ?? listen?.tcpPort ?? 9222
    const announced = this.config.announce.map(ipAndTcpPort).find((a) => a !== undefined)
    // Public bootnodes only for chains on Ethereum mainnet or Sepolia; a local or private chain has none of its own.
    const bootnodes =
      discovery.bootnodes.length > 0 || ![L1_MAINNET_CHAIN_ID, L1_SEPOLIA_CHAIN_ID].includes(rollup.l1ChainId)
        ? discovery.bootnodes
        : defaultBootnodes(rollup.l1ChainId)
    const wanted = Math.min(DEFAULT_PEERS_LO, this.config.maxPeers)
    try {
      this.#discovery = await start({
        privateKey: privateKey.raw,
        chainId: rollup.l2ChainId,
        bindAddr: { ip: listen?.ip ?? '0.0.0.0', udpPort },
        announce: announced === undefined ? undefined : { ...announced, udpPort: discovery.udpPort ?? announced.tcpPort },
        bootnodes,
        onPeer: (peer) => this.#dialDiscovered(peer),
        log: this.#log,
        wantMorePeers: () => this.node.getConnections().length < wanted,
      })
    } catch (e) {
      // Gossip works without discovery (static peers, inbound dials): keep running and say so.
      this.#log('discovery-failed', { error: e as Error })
    }
  }

  #dialDiscovered(peer: DiscoveredPeer): void {
    if (this.node.getConnections().length >= this.config.maxPeers) return
    const ma = multiaddr(peer.multiaddr)
    if (this.node.getConnections().some((c) => c.remotePeer.toString() === peer.peerId)) return
    this.node.dial(ma).catch((e) => this.#log('discovered-peer-dial-failed', { peer: peer.peerId, error: e as Error }))
  }
}

/** The IP and TCP port of a `/ip4|ip6/…/tcp/…` multiaddr, or undefined (DNS names are not resolved here). */
function ipAndTcpPort(addr: string): { ip: string; tcpPort: number } | undefined {
  const parts = multiaddr(addr).getComponents()
  const ip = parts.find((c) => c.name === 'ip4' || c.name === 'ip6')?.value
  const tcp = parts.find((c) => c.name === 'tcp')?.value
  return ip === undefined || tcp === undefined ? undefined : { ip, tcpPort: Number(tcp) }
}

/** The `GossipSub` interface type omits `getMeshPeers`, which the implementation has. */
function meshPeers(pubsub: unknown, topic: string): number {
  return (pubsub as { getMeshPeers(topic: string): string[] }).getMeshPeers(topic).length
}
