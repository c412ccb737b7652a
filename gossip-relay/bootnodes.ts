/**
 * Default discv5 bootnodes (PROTOCOL.md §5 "default bootnodes in op-node/p2p/config.go") and the `enode://` URL parser.
 *
 * Where the lists come from (strings copied byte for byte):
 * - {@link OP_NODE_BOOTNODES}: op-node's `DefaultBootnodes`,
 *   ethereum-optimism/optimism@949cc5a7c248468c7544175720780b35b29c00aa:op-node/p2p/config.go. op-node uses this one
 *   list for every chain (`p2p/cli/load_config.go`: `--p2p.bootnodes` or else `p2p.DefaultBootnodes`): discv5 is one
 *   shared DHT and the `opstack` filter, not the bootnode, picks the chain. The Base entries are ENRs carrying
 *   `opstack` = chain 8453; the rest are `enode://` URLs, one with a DNS name (`bootnode.conduit.xyz`) that op-node
 *   resolves at start (`resolveURLIP`), and some with TCP port 0 plus `?discport=` (the UDP port).
 * - {@link SUPERCHAIN_MAINNET_BOOTNODES} / {@link SUPERCHAIN_SEPOLIA_BOOTNODES}: the superchain discv5 bootnodes of
 *   op-geth, `V5OPBootnodes` / `V5OPTestnetBootnodes`,
 *   ethereum-optimism/op-geth@7b56c731573a32af0beedc5f38dbe7ca9d96630a:params/bootnodes.go (op-geth picks the
 *   mainnet list when the network name contains "mainnet", else the testnet one: `cmd/utils/flags.go`). kona ships the
 *   same split (`BootNodes::from_chain_id`: OP/Base Mainnet → mainnet, OP/Base Sepolia → testnet,
 *   op-rs/kona@09754c723c72dd4bfbe8b745f2e1f40878c5ed6f:crates/node/peers/src/nodes.rs).
 *
 * {@link defaultBootnodes} is op-node's list plus the superchain list of the chain's L1, so a Sepolia chain is not left
 * with only mainnet-operated bootnodes.
 */

/** op-node `DefaultBootnodes` (optimism@949cc5a7, `op-node/p2p/config.go`), in its order. */
export const OP_NODE_BOOTNODES: readonly string[] = [
  // OP Labs
  'enode://869d07b5932f17e8490990f75a3f94195e9504ddb6b85f7189e5a9c0a8fff8b00aecf6f3ac450ecba6cdabdb5858788a94bde2b613e0f2d82e9b395355f76d1a@34.65.67.101:30305',
  'enode://2d4e7e9d48f4dd4efe9342706dd1b0024681bd4c3300d021f86fc75eab7865d4e0cbec6fbc883f011cfd6a57423e7e2f6e104baad2b744c3cafaec6bc7dc92c1@34.65.43.171:30305',
  // Base
  'enr:-J24QNz9lbrKbN4iSmmjtnr7SjUMk4zB7f1krHZcTZx-JRKZd0kA2gjufUROD6T3sOWDVDnFJRvqBBo62zuF-hYCohOGAYiOoEyEgmlkgnY0gmlwhAPniryHb3BzdGFja4OFQgCJc2VjcDI1NmsxoQKNVFlCxh_B-716tTs-h1vMzZkSs1FTu_OYTNjgufplG4N0Y3CCJAaDdWRwgiQG',
  'enr:-J24QH-f1wt99sfpHy4c0QJM-NfmsIfmlLAMMcgZCUEgKG_BBYFc6FwYgaMJMQN5dsRBJApIok0jFn-9CS842lGpLmqGAYiOoDRAgmlkgnY0gmlwhLhIgb2Hb3BzdGFja4OFQgCJc2VjcDI1NmsxoQJ9FTIv8B9myn1MWaC_2lJ-sMoeCDkusCsk4BYHjjCq04N0Y3CCJAaDdWRwgiQG',
  'enr:-J24QDXyyxvQYsd0yfsN0cRr1lZ1N11zGTplMNlW4xNEc7LkPXh0NAJ9iSOVdRO95GPYAIc6xmyoCCG6_0JxdL3a0zaGAYiOoAjFgmlkgnY0gmlwhAPckbGHb3BzdGFja4OFQgCJc2VjcDI1NmsxoQJwoS7tzwxqXSyFL7g0JM-KWVbgvjfB8JA__T7yY_cYboN0Y3CCJAaDdWRwgiQG',
  'enr:-J24QHmGyBwUZXIcsGYMaUqGGSl4CFdx9Tozu-vQCn5bHIQbR7On7dZbU61vYvfrJr30t0iahSqhc64J46MnUO2JvQaGAYiOoCKKgmlkgnY0gmlwhAPnCzSHb3BzdGFja4OFQgCJc2VjcDI1NmsxoQINc4fSijfbNIiGhcgvwjsjxVFJHUstK9L1T8OTKUjgloN0Y3CCJAaDdWRwgiQG',
  'enr:-J24QG3ypT4xSu0gjb5PABCmVxZqBjVw9ca7pvsI8jl4KATYAnxBmfkaIuEqy9sKvDHKuNCsy57WwK9wTt2aQgcaDDyGAYiOoGAXgmlkgnY0gmlwhDbGmZaHb3BzdGFja4OFQgCJc2VjcDI1NmsxoQIeAK_--tcLEiu7HvoUlbV52MspE0uCocsx1f_rYvRenIN0Y3CCJAaDdWRwgiQG',
  // Conduit
  'enode://d25ce99435982b04d60c4b41ba256b84b888626db7bee45a9419382300fbe907359ae5ef250346785bff8d3b9d07cd3e017a27e2ee3cfda3bcbb0ba762ac9674@bootnode.conduit.xyz:0?discport=30301',
  'enode://2d4e7e9d48f4dd4efe9342706dd1b0024681bd4c3300d021f86fc75eab7865d4e0cbec6fbc883f011cfd6a57423e7e2f6e104baad2b744c3cafaec6bc7dc92c1@34.65.43.171:0?discport=30305',
  'enode://9d7a3efefe442351217e73b3a593bcb8efffb55b4807699972145324eab5e6b382152f8d24f6301baebbfb5ecd4127bd3faab2842c04cd432bdf50ba092f6645@34.65.109.126:0?discport=30305',
  // Uniswap Labs
  'enode://010800c668896c100e8d64abc388ac5a22a8134a96fb0107c5d0c56d79ba7225c12d9e9e012d3cc0ee2701d7f63dd45f8abf0bbcf6f3c541f91742b1d7a99355@3.134.214.169:9222',
  'enode://b97abcc7011d06299c4bc44742be4a0e631a1a2925a2992adcfe80ed86bec5ff0ddf1b90d015f2dbb5e305560e12c9873b2dad72d84d131ac4be9f2a4c74b763@52.14.30.39:9222',
  'enode://760230a662610620d6d2e4ad846a6dccbceaa4556872dfacf9cdca7c2f5b49e4c66e822ed2e8813debb5fb7391f0519b8d075e565a2a89c79a9e4092e81b3e5b@3.148.100.173:9222',
]

/** op-geth `V5OPBootnodes` (op-geth@7b56c731, `params/bootnodes.go`): superchain bootnodes for L1 = mainnet. */
export const SUPERCHAIN_MAINNET_BOOTNODES: readonly string[] = [
  // OP Labs
  'enode://ca2774c3c401325850b2477fd7d0f27911efbf79b1e8b335066516e2bd8c4c9e0ba9696a94b1cb030a88eac582305ff55e905e64fb77fe0edcd70a4e5296d3ec@34.65.175.185:30305',
  'enode://dd751a9ef8912be1bfa7a5e34e2c3785cc5253110bd929f385e07ba7ac19929fb0e0c5d93f77827291f4da02b2232240fbc47ea7ce04c46e333e452f8656b667@34.65.107.0:30305',
  'enode://c5d289b56a77b6a2342ca29956dfd07aadf45364dde8ab20d1dc4efd4d1bc6b4655d902501daea308f4d8950737a4e93a4dfedd17b49cd5760ffd127837ca965@34.65.202.239:30305',
  // Base
  'enode://87a32fd13bd596b2ffca97020e31aef4ddcc1bbd4b95bb633d16c1329f654f34049ed240a36b449fda5e5225d70fe40bc667f53c304b71f8e68fc9d448690b51@3.231.138.188:30301',
  'enode://ca21ea8f176adb2e229ce2d700830c844af0ea941a1d8152a9513b966fe525e809c3a6c73a2c18a12b74ed6ec4380edf91662778fe0b79f6a591236e49e176f9@184.72.129.189:30301',
  'enode://acf4507a211ba7c1e52cdf4eef62cdc3c32e7c9c47998954f7ba024026f9a6b2150cd3f0b734d9c78e507ab70d59ba61dfe5c45e1078c7ad0775fb251d7735a2@3.220.145.177:30301',
  'enode://8a5a5006159bf079d06a04e5eceab2a1ce6e0f721875b2a9c96905336219dbe14203d38f70f3754686a6324f786c2f9852d8c0dd3adac2d080f4db35efc678c5@3.231.11.52:30301',
  'enode://cdadbe835308ad3557f9a1de8db411da1a260a98f8421d62da90e71da66e55e98aaa8e90aa7ce01b408a54e4bd2253d701218081ded3dbe5efbbc7b41d7cef79@54.198.153.150:30301',
]

/** op-geth `V5OPTestnetBootnodes` (op-geth@7b56c731, `params/bootnodes.go`): superchain bootnodes for L1 = Sepolia. */
export const SUPERCHAIN_SEPOLIA_BOOTNODES: readonly string[] = [
  // OP Labs
  'enode://2bd2e657bb3c8efffb8ff6db9071d9eb7be70d7c6d7d980ff80fc93b2629675c5f750bc0a5ef27cd788c2e491b8795a7e9a4a6e72178c14acc6753c0e5d77ae4@34.65.205.244:30305',
  'enode://db8e1cab24624cc62fc35dbb9e481b88a9ef0116114cd6e41034c55b5b4f18755983819252333509bd8e25f6b12aadd6465710cd2e956558faf17672cce7551f@34.65.173.88:30305',
  'enode://bfda2e0110cfd0f4c9f7aa5bf5ec66e6bd18f71a2db028d36b8bf8b0d6fdb03125c1606a6017b31311d96a36f5ef7e1ad11604d7a166745e6075a715dfa67f8a@34.65.229.245:30305',
  // Base
  'enode://548f715f3fc388a7c917ba644a2f16270f1ede48a5d88a4d14ea287cc916068363f3092e39936f1a3e7885198bef0e5af951f1d7b1041ce8ba4010917777e71f@18.210.176.114:30301',
  'enode://6f10052847a966a725c9f4adf6716f9141155b99a0fb487fea3f51498f4c2a2cb8d534e680ee678f9447db85b93ff7c74562762c3714783a7233ac448603b25f@107.21.251.55:30301',
]

/** Ethereum L1 chain ids the superchain lists are keyed by. */
export const L1_MAINNET_CHAIN_ID = 1
export const L1_SEPOLIA_CHAIN_ID = 11155111

/**
 * The bootnodes to use when none are configured: op-node's list, then the superchain list of the chain's L1
 * (`rollup.l1ChainId`): mainnet for OP Mainnet / Base (L1 1), Sepolia for OP Sepolia / Base Sepolia (L1 11155111).
 * Another L1 (a devnet) gets op-node's list alone, which is what op-node itself would use. Duplicates are dropped.
 */
export function defaultBootnodes(l1ChainId: number | bigint): string[] {
  const l1 = BigInt(l1ChainId)
  const superchain =
    l1 === BigInt(L1_MAINNET_CHAIN_ID)
      ? SUPERCHAIN_MAINNET_BOOTNODES
      : l1 === BigInt(L1_SEPOLIA_CHAIN_ID)
        ? SUPERCHAIN_SEPOLIA_BOOTNODES
        : []
  return [...new Set([...OP_NODE_BOOTNODES, ...superchain])]
}

/** An `enode://` URL: the node's uncompressed secp256k1 key (64 bytes, no 0x04 prefix) and where to reach it. */
export type Enode = {
  /** X ‖ Y, 64 bytes (the URL's 128 hex digits). */
  publicKey: Uint8Array
  /** IPv4, IPv6 (unbracketed) or a DNS name still to resolve. */
  host: string
  /** RLPx/libp2p TCP port; 0 when the node takes no TCP connections. */
  tcpPort: number
  /** discv5 UDP port: `?discport=` when given, else the TCP port (geth `enode.ParseV4`). */
  udpPort: number
}

export type ParseEnodeResult = { ok: true; enode: Enode } | { ok: false; error: string }

const ENODE_RE = /^enode:\/\/([0-9a-fA-F]{128})@(\[[0-9a-fA-F:.]+\]|[^:/?#@[\]]+):(\d{1,5})(?:\?discport=(\d{1,5}))?$/

/**
 * Parse an `enode://<pubkey hex>@<host>:<tcp port>[?discport=<udp port>]` URL (geth `enode.ParseV4`). IPv6 hosts are
 * bracketed. The host is not resolved here.
 *
 * @example
 * parseEnode('enode://2d4e…92c1@34.65.43.171:0?discport=30305') // { ok: true, enode: { host: '34.65.43.171', tcpPort: 0, udpPort: 30305, … } }
 */
export function parseEnode(url: string): ParseEnodeResult {
  const m = ENODE_RE.exec(url.trim())
  if (!m) return { ok: false, error: 'not an enode://<128 hex>@<host>:<port>[?discport=<port>] URL' }
  const [, keyHex, rawHost, tcp, disc] = m
  const tcpPort = Number(tcp)
  const udpPort = disc === undefined ? tcpPort : Number(disc)
  if (tcpPort > 65535 || udpPort > 65535) return { ok: false, error: 'port out of range' }
  if (udpPort === 0) return { ok: false, error: 'no UDP (discovery) port' }
  const publicKey = new Uint8Array(64)
  for (let i = 0; i < 64; i++) publicKey[i] = Number.parseInt(keyHex.slice(2 * i, 2 * i + 2), 16)
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost
  return { ok: true, enode: { publicKey, host, tcpPort, udpPort } }
}
