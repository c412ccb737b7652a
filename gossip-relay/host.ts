/**
 * The libp2p 3 host (PROTOCOL.md §5 "Transport"): TCP, Noise, yamux then mplex (op-node's default `p2p.mux=yamux,mplex`),
 * identify and ping, and gossipsub with op-node's settings (gossip-options.ts). The identity is the relay's secp256k1
 * key, so peer ids are `16Uiu2…` like op-node's.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipSub, gossipsub } from '@libp2p/gossipsub'
import { type Identify, identify } from '@libp2p/identify'
import { mplex } from '@libp2p/mplex'
import { type Ping, ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p, type Libp2pInit } from 'libp2p'
import { opNodeGossipOptions } from './gossip-options.ts'

export type RelayServices = { pubsub: GossipSub; identify: Identify; ping: Ping }
export type RelayHost = Libp2p<RelayServices>
// Taken from libp2p itself: the top-level @libp2p/interface is 2.x (a discv5 dependency), libp2p 3 nests its own 3.x.
export type PrivateKey = NonNullable<Libp2pInit['privateKey']>
export type PeerId = RelayHost['peerId']

export type CreateHostParameters = {
  privateKey: PrivateKey
  l2ChainId: number
  blockTime: number
  listen: string[]
  announce: string[]
  maxConnections: number
}

/** Creates and starts the host; gossipsub is running but subscribed to nothing yet. */
export async function createHost(p: CreateHostParameters): Promise<RelayHost> {
  return createLibp2p({
    privateKey: p.privateKey,
    addresses: { listen: p.listen, announce: p.announce },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux(), mplex()],
    connectionManager: { maxConnections: p.maxConnections },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub(opNodeGossipOptions(p.l2ChainId, p.blockTime)),
    },
  })
}
