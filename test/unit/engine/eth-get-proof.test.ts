/**
 * The engine client's typed `eth_getProof` (op-service `sources/eth_client.go` `GetProof`): the request as op-node sends
 * it, the answer decoded (`eth.AccountResult` JSON), null passed through, and answers about something else refused.
 */
import { describe, expect, it } from 'vitest'
import { toHex } from '../../../shared/bytes.ts'
import { devnetConfig } from '../../../shared/config/chains.ts'
import { createEngineClient, EngineError, type FetchFn } from '../../../shared/engine/engine-client.ts'
import fixture from '../../fixtures/protocol/anvil-account-proofs.json' with { type: 'json' }

const PASSER = '0x4200000000000000000000000000000000000016'
const answer = fixture.proofs.messagePasser
const KEYS = answer.storageProof.map((e) => e.key) as `0x${string}`[]

function engine(result: unknown) {
  const requests: { method: string; params: unknown[] }[] = []
  const fetch: FetchFn = async (_url, init) => {
    const body = JSON.parse(String(init.body)) as { id: number; method: string; params: unknown[] }
    requests.push(body)
    return Response.json({ jsonrpc: '2.0', id: body.id, result })
  }
  const client = createEngineClient({ url: 'http://engine.test', jwtSecret: `0x${'42'.repeat(32)}`, config: devnetConfig(), fetch, now: () => 1_800_000_000_000, retries: 0 })
  return { client, requests }
}

async function failure(p: Promise<unknown>): Promise<EngineError> {
  const e = await p.then(() => undefined, (x: unknown) => x)
  expect(e).toBeInstanceOf(EngineError)
  return e as EngineError
}

describe('EngineClient.ethGetProof', () => {
  it('default: sends [address, keys, block] and decodes the account and its storage entries', async () => {
    const { client, requests } = engine(answer)
    const p = await client.ethGetProof(PASSER, KEYS, fixture.block.hash as `0x${string}`)
    expect(requests).toEqual([expect.objectContaining({ method: 'eth_getProof', params: [PASSER, KEYS, fixture.block.hash] })])
    expect(p).not.toBeNull()
    expect(toHex(p!.storageHash)).toBe(answer.storageHash)
    expect(p!.nonce).toBe(1n)
    expect(p!.accountProof.map((n) => toHex(n))).toEqual(answer.accountProof)
    expect(p!.storageProof.map((e) => [toHex(e.key), e.value])).toEqual([
      [KEYS[0], 1n],
      [KEYS[1], BigInt(answer.storageProof[1].value)],
      [`0x${'00'.repeat(31)}07`, 0n],
    ])
  })

  it('behavior: block numbers go out as quantities; a null answer is null; storageProof may be omitted', async () => {
    const { client, requests } = engine(null)
    expect(await client.ethGetProof(PASSER, [], 26)).toBeNull()
    expect(requests[0].params).toEqual([PASSER, [], '0x1a'])
    const { storageProof: _, ...withoutStorage } = answer
    expect((await engine(withoutStorage).client.ethGetProof(PASSER, [], 'latest'))?.storageProof).toEqual([])
  })

  it('error: an answer for another address, other keys or a different key count is a temporary malformed-response', async () => {
    expect((await failure(engine(answer).client.ethGetProof('0x4200000000000000000000000000000000000015', KEYS, 'latest'))).code).toBe('malformed-response')
    expect((await failure(engine(answer).client.ethGetProof(PASSER, KEYS.slice(0, 2), 'latest'))).code).toBe('malformed-response')
    const swapped = [KEYS[1], KEYS[0], KEYS[2]]
    const e = await failure(engine(answer).client.ethGetProof(PASSER, swapped, 'latest'))
    expect([e.code, e.severity]).toEqual(['malformed-response', 'temporary'])
  })

  it('error: malformed fields are a malformed-response', async () => {
    for (const bad of [{ ...answer, storageHash: '0x12' }, { ...answer, accountProof: 'nope' }, { ...answer, nonce: `0x1${'0'.repeat(16)}` }, { ...answer, address: undefined }]) {
      expect((await failure(engine(bad).client.ethGetProof(PASSER, KEYS, 'latest'))).code).toBe('malformed-response')
    }
  })
})
