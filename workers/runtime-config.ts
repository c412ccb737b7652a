/**
 * Runtime config (op-node `node/runtime_config.go`, PROTOCOL.md §4): the p2p unsafe-block signer lives in a
 * SystemConfig storage slot on L1 and can change; op-node re-reads it every 10 minutes. The tick reads it, gives it
 * to the RollupNode (which re-validates gossip with it) and, when it changed, to the gossip relay (`POST /signer`).
 */
import type { Hex } from '../shared/bytes.ts'
import { signIngress } from '../shared/p2p/ingress-auth.ts'

/** `keccak256("systemconfig.unsafeblocksigner")` (op-node `UnsafeBlockSignerAddressSystemConfigStorageSlot`). */
export const UNSAFE_BLOCK_SIGNER_SLOT: Hex = '0x65a7ed542fb37fe237fdfbdd70b31598523fe5b32879e307bae27a0bd9581c08'
/** op-node `--l1.runtime-config-reload-interval` default. */
export const RUNTIME_CONFIG_RELOAD_MS = 10 * 60_000

/** The address in a storage word (the low 20 bytes). */
export function signerFromWord(word: Hex): Hex {
  return `0x${word.slice(-40).toLowerCase()}` as Hex
}

export type RuntimeConfigDeps = {
  systemConfig: Hex
  storageAt(address: Hex, slot: Hex): Promise<Hex>
  node: { setUnsafeBlockSigner(signer: Hex): Promise<{ changed: boolean }> }
  relay?: { url: string; secret: string; fetch: (url: string, init: RequestInit) => Promise<Response> }
  now: () => number
}

/** Read the signer, store it in the node, tell the relay if it changed. Returns what was done. */
export async function reloadRuntimeConfig(d: RuntimeConfigDeps): Promise<{ signer: Hex; changed: boolean; relay?: number | string }> {
  const signer = signerFromWord(await d.storageAt(d.systemConfig, UNSAFE_BLOCK_SIGNER_SLOT))
  const { changed } = await d.node.setUnsafeBlockSigner(signer)
  if (!changed || !d.relay) return { signer, changed }
  const body = JSON.stringify({ signer })
  try {
    const res = await d.relay.fetch(`${d.relay.url.replace(/\/$/, '')}/signer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signIngress(d.relay.secret, body, d.now() / 1000) },
      body,
    })
    await res.arrayBuffer()
    return { signer, changed, relay: res.status }
  } catch (e) {
    return { signer, changed, relay: e instanceof Error ? e.name : 'error' }
  }
}
