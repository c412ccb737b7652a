import { ENR } from '@chainsafe/enr'
import { describe, expect, it } from 'vitest'
import {
  defaultBootnodes,
  L1_MAINNET_CHAIN_ID,
  L1_SEPOLIA_CHAIN_ID,
  OP_NODE_BOOTNODES,
  parseEnode,
  SUPERCHAIN_MAINNET_BOOTNODES,
  SUPERCHAIN_SEPOLIA_BOOTNODES,
} from '../../gossip-relay/bootnodes.ts'
import { toHex } from '../../shared/bytes.ts'

const KEY =
  '2d4e7e9d48f4dd4efe9342706dd1b0024681bd4c3300d021f86fc75eab7865d4e0cbec6fbc883f011cfd6a57423e7e2f6e104baad2b744c3cafaec6bc7dc92c1'

describe('default bootnode lists', () => {
  it('default: every entry is a signed ENR or a parseable enode URL (op-node TestDefaultBootnodes)', () => {
    for (const b of [...OP_NODE_BOOTNODES, ...SUPERCHAIN_MAINNET_BOOTNODES, ...SUPERCHAIN_SEPOLIA_BOOTNODES]) {
      if (b.startsWith('enr:')) expect(() => ENR.decodeTxt(b)).not.toThrow()
      else expect(parseEnode(b)).toMatchObject({ ok: true })
    }
    expect(OP_NODE_BOOTNODES.length).toBe(13)
    expect(SUPERCHAIN_MAINNET_BOOTNODES.length).toBe(8)
    expect(SUPERCHAIN_SEPOLIA_BOOTNODES.length).toBe(5)
  })

  it('behavior: op-node list plus the superchain list of the L1', () => {
    const mainnet = defaultBootnodes(L1_MAINNET_CHAIN_ID)
    expect(mainnet).toEqual([...OP_NODE_BOOTNODES, ...SUPERCHAIN_MAINNET_BOOTNODES])
    const sepolia = defaultBootnodes(BigInt(L1_SEPOLIA_CHAIN_ID))
    expect(sepolia).toEqual([...OP_NODE_BOOTNODES, ...SUPERCHAIN_SEPOLIA_BOOTNODES])
    expect(defaultBootnodes(900)).toEqual([...OP_NODE_BOOTNODES])
  })
})

describe('parseEnode', () => {
  it('default', () => {
    const r = parseEnode(`enode://${KEY}@34.65.43.171:30305`)
    expect(r).toMatchObject({ ok: true, enode: { host: '34.65.43.171', tcpPort: 30305, udpPort: 30305 } })
    if (r.ok) expect(toHex(r.enode.publicKey)).toBe(`0x${KEY}`)
  })

  it('args: ?discport= is the UDP port, TCP 0 means no TCP', () => {
    expect(parseEnode(`enode://${KEY}@34.65.43.171:0?discport=30305`)).toMatchObject({
      ok: true,
      enode: { tcpPort: 0, udpPort: 30305 },
    })
  })

  it('args: DNS names and bracketed IPv6 hosts', () => {
    expect(parseEnode(`enode://${KEY}@bootnode.conduit.xyz:0?discport=30301`)).toMatchObject({
      ok: true,
      enode: { host: 'bootnode.conduit.xyz', udpPort: 30301 },
    })
    expect(parseEnode(`enode://${KEY}@[2001:db8::1]:9222`)).toMatchObject({ ok: true, enode: { host: '2001:db8::1' } })
  })

  it('error: malformed URLs', () => {
    expect(parseEnode('enr:-J24')).toMatchObject({ ok: false })
    expect(parseEnode(`enode://${KEY.slice(2)}@1.2.3.4:1`)).toMatchObject({ ok: false })
    expect(parseEnode(`enode://${KEY}@1.2.3.4:70000`)).toMatchObject({ ok: false })
    expect(parseEnode(`enode://${KEY}@1.2.3.4:0`)).toMatchObject({ ok: false, error: 'no UDP (discovery) port' })
  })
})
