/**
 * Realistic L2 user transactions for the sequencer benchmark: signed EIP-1559 transactions from a few dozen senders
 * with running nonces, in a mix that compresses like a real chain's — ERC-20 transfers (68 bytes of calldata to a
 * handful of token contracts), router swaps (a 300–600-byte multicall of ABI words, mostly zero padding and repeated
 * addresses), opaque payloads (oracle updates, signatures, proofs: random bytes that barely compress) and plain
 * ETH transfers. Seeded, so two runs feed the same transactions.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak256, serializeTransaction, type Hex } from 'viem'
import { concatBytes, fromHex, toHex } from '../shared/bytes.ts'
import { prng, randomBytes } from '../test/support/random.ts'

export type UserTxKind = 'erc20' | 'swap' | 'opaque' | 'eth'

/** Share of each kind (cumulative draw in this order). */
export const USER_TX_MIX: Readonly<Record<UserTxKind, number>> = { erc20: 0.5, swap: 0.25, opaque: 0.15, eth: 0.1 }

export type UserTxSource = {
  /** `count` new signed transactions (raw EIP-2718 bytes). */
  next(count: number): Uint8Array[]
  /** Transactions made so far, by kind. */
  made: Record<UserTxKind, number>
}

const SENDERS = 48
const RECIPIENTS = 400

export function userTxSource(chainId: number, seed: number): UserTxSource {
  const rand = prng(seed)
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1))
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]
  const address = (label: string) => fromHex(keccak256(new TextEncoder().encode(label))).slice(12)
  const senders = Array.from({ length: SENDERS }, (_, i) => ({ key: fromHex(keccak256(new TextEncoder().encode(`op-edge bench sender ${seed}/${i}`))), nonce: int(0, 5_000) }))
  const tokens = Array.from({ length: 8 }, (_, i) => address(`token ${i}`))
  const routers = [address('router v3'), address('aggregator')]
  const opaqueTargets = Array.from({ length: 4 }, (_, i) => address(`oracle ${i}`))
  const recipients = Array.from({ length: RECIPIENTS }, () => randomBytes(rand, 20))
  // A third of transfers go to an address never seen before, as on a real chain.
  const recipient = () => (rand() < 0.3 ? randomBytes(rand, 20) : pick(recipients))
  const word = (v: bigint | Uint8Array) => {
    const out = new Uint8Array(32)
    if (v instanceof Uint8Array) out.set(v, 32 - v.length)
    else for (let i = 31, x = v; x > 0n; i--, x >>= 8n) out[i] = Number(x & 0xffn)
    return out
  }
  const amount = () => BigInt(int(1, 1_000_000)) * 10n ** BigInt(pick([6, 12, 18]))
  const made: Record<UserTxKind, number> = { erc20: 0, swap: 0, opaque: 0, eth: 0 }

  const build = (kind: UserTxKind): { to: Uint8Array; data: Uint8Array; value: bigint; gas: bigint } => {
    switch (kind) {
      case 'erc20':
        return { to: pick(tokens), data: concatBytes(fromHex('0xa9059cbb'), word(recipient()), word(amount())), value: 0n, gas: BigInt(int(45_000, 70_000)) }
      case 'swap': {
        // multicall(deadline, bytes[]) around exactInputSingle and perhaps one follow-up call (unwrap, refund or sweep).
        const inner = [concatBytes(fromHex('0x04e45aaf'), word(pick(tokens)), word(pick(tokens)), word(BigInt(pick([100, 500, 3000, 10000]))), word(recipient()), word(amount()), word(amount()), word(0n))]
        for (let i = int(0, 1); i > 0; i--) inner.push(concatBytes(fromHex(pick(['0x49404b7c', '0x12210e8a', '0xdf2ab5bb'] as const)), word(amount()), word(recipient())))
        const heads = inner.map((_, i) => word(BigInt(32 * inner.length + inner.slice(0, i).reduce((n, c) => n + 32 + Math.ceil(c.length / 32) * 32, 0))))
        const bodies = inner.flatMap((c) => [word(BigInt(c.length)), concatBytes(c, new Uint8Array(Math.ceil(c.length / 32) * 32 - c.length))])
        const data = concatBytes(fromHex('0x5ae401dc'), word(BigInt(1_700_000_000 + int(0, 10_000_000))), word(64n), word(BigInt(inner.length)), ...heads, ...bodies)
        return { to: pick(routers), data, value: rand() < 0.3 ? amount() : 0n, gas: BigInt(int(150_000, 400_000)) }
      }
      case 'opaque':
        return { to: pick(opaqueTargets), data: concatBytes(fromHex('0x1fad948c'), randomBytes(rand, int(100, 400))), value: 0n, gas: BigInt(int(80_000, 300_000)) }
      case 'eth':
        return { to: recipient(), data: new Uint8Array(0), value: amount(), gas: 21_000n }
    }
  }

  const kindOf = (): UserTxKind => {
    let r = rand()
    for (const k of ['erc20', 'swap', 'opaque', 'eth'] as const) {
      if (r < USER_TX_MIX[k]) return k
      r -= USER_TX_MIX[k]
    }
    return 'eth'
  }

  return {
    made,
    next(count) {
      const out: Uint8Array[] = []
      for (let i = 0; i < count; i++) {
        const kind = kindOf()
        made[kind]++
        const sender = pick(senders)
        const t = build(kind)
        // L2 fees near OP mainnet's: a base fee around a milli-gwei, a small tip.
        const unsigned = { type: 'eip1559' as const, chainId, nonce: sender.nonce++, to: toHex(t.to) as Hex, value: t.value, gas: t.gas, maxFeePerGas: BigInt(int(1_000_000, 3_000_000)), maxPriorityFeePerGas: BigInt(int(1_000, 100_000)), data: toHex(t.data) as Hex }
        const hash = fromHex(keccak256(serializeTransaction(unsigned)))
        const sig = secp256k1.sign(hash, sender.key, { prehash: false, format: 'recovered' })
        out.push(fromHex(serializeTransaction(unsigned, { r: toHex(sig.slice(1, 33)) as Hex, s: toHex(sig.slice(33, 65)) as Hex, yParity: sig[0] })))
      }
      return out
    },
  }
}
