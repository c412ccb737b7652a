/**
 * Seeded test data for payload codecs (no dependencies): a random ExecutionPayload of a given SSZ layout version, drawn
 * from a `prng` of test/support/random.ts. Used by the ssz-payload, payload-json and gossip-envelope round-trip tests.
 */
import type { ExecutionPayload, PayloadVersion } from '../../../shared/codec/ssz-payload.ts'
import { randomBytes } from '../../support/random.ts'

export function randomBigint(rand: () => number, bits: number): bigint {
  let v = 0n
  for (let i = 0; i < bits; i += 8) v = (v << 8n) | BigInt(Math.floor(rand() * 256))
  return v & ((1n << BigInt(bits)) - 1n)
}

export function randomPayload(rand: () => number, version: PayloadVersion): ExecutionPayload {
  const int = (max: number) => Math.floor(rand() * max)
  const payload: ExecutionPayload = {
    parentHash: randomBytes(rand, 32),
    feeRecipient: randomBytes(rand, 20),
    stateRoot: randomBytes(rand, 32),
    receiptsRoot: randomBytes(rand, 32),
    logsBloom: randomBytes(rand, 256),
    prevRandao: randomBytes(rand, 32),
    blockNumber: int(Number.MAX_SAFE_INTEGER),
    gasLimit: randomBigint(rand, 64),
    gasUsed: randomBigint(rand, 64),
    timestamp: int(2 ** 40),
    extraData: randomBytes(rand, int(33)),
    baseFeePerGas: randomBigint(rand, 256),
    blockHash: randomBytes(rand, 32),
    transactions: Array.from({ length: int(6) }, () => randomBytes(rand, int(300))),
  }
  if (version >= 2) {
    payload.withdrawals = Array.from({ length: int(17) }, () => ({
      index: randomBigint(rand, 64),
      validatorIndex: randomBigint(rand, 64),
      address: randomBytes(rand, 20),
      amount: randomBigint(rand, 64),
    }))
  }
  if (version >= 3) {
    payload.blobGasUsed = randomBigint(rand, 64)
    payload.excessBlobGas = randomBigint(rand, 64)
  }
  if (version >= 4) payload.withdrawalsRoot = randomBytes(rand, 32)
  return payload
}
