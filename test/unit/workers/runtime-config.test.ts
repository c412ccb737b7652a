import { describe, expect, it } from 'vitest'
import type { Hex } from '../../../shared/bytes.ts'
import { verifyIngress } from '../../../shared/p2p/ingress-auth.ts'
import { reloadRuntimeConfig, signerFromWord, UNSAFE_BLOCK_SIGNER_SLOT } from '../../../workers/runtime-config.ts'

const SECRET = 'relay-secret-of-at-least-32-characters'
const SYSTEM_CONFIG = '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512' as Hex

function world(word: Hex) {
  const reads: string[] = []
  const posts: { url: string; body: string; headers: Headers }[] = []
  let stored: Hex | undefined
  return {
    reads,
    posts,
    deps: {
      systemConfig: SYSTEM_CONFIG,
      async storageAt(address: Hex, slot: Hex) {
        reads.push(`${address} ${slot}`)
        return word
      },
      node: {
        async setUnsafeBlockSigner(s: Hex) {
          const changed = s !== stored
          stored = s
          return { changed }
        },
      },
      relay: {
        url: 'http://127.0.0.1:7300/',
        secret: SECRET,
        fetch: async (url: string, init: RequestInit) => {
          posts.push({ url, body: String(init.body), headers: new Headers(init.headers) })
          return new Response('{}', { status: 200 })
        },
      },
      now: () => 1_700_000_000_000,
    },
  }
}

describe('runtime config (unsafe-block signer from SystemConfig)', () => {
  it('default: reads the op-node slot, stores the signer, tells the relay once with an authenticated POST /signer', async () => {
    const w = world('0x00000000000000000000000090f79bf6eb2c4f870365e785982e1f101e93b906')
    expect(await reloadRuntimeConfig(w.deps)).toEqual({ signer: '0x90f79bf6eb2c4f870365e785982e1f101e93b906', changed: true, relay: 200 })
    expect(w.reads).toEqual([`${SYSTEM_CONFIG} ${UNSAFE_BLOCK_SIGNER_SLOT}`])
    expect(w.posts).toHaveLength(1)
    expect(w.posts[0].url).toBe('http://127.0.0.1:7300/signer')
    expect(JSON.parse(w.posts[0].body)).toEqual({ signer: '0x90f79bf6eb2c4f870365e785982e1f101e93b906' })
    expect(verifyIngress(SECRET, w.posts[0].body, w.posts[0].headers, 1_700_000_000)).toEqual({ ok: true })
    // Unchanged: no relay call.
    expect((await reloadRuntimeConfig(w.deps)).changed).toBe(false)
    expect(w.posts).toHaveLength(1)
  })

  it('behavior: the address is the low 20 bytes of the word; a relay that is down does not fail the reload', async () => {
    expect(signerFromWord(`0x${'ff'.repeat(12)}${'AB'.repeat(20)}` as Hex)).toBe(`0x${'ab'.repeat(20)}`)
    const w = world(`0x${'00'.repeat(32)}` as Hex)
    w.deps.relay.fetch = async () => {
      throw new TypeError('fetch failed')
    }
    expect(await reloadRuntimeConfig(w.deps)).toEqual({ signer: `0x${'00'.repeat(20)}`, changed: true, relay: 'TypeError' })
  })
})
