import { describe, expect, it } from 'vitest'
import { chainByName } from '../../../shared/config/chains.ts'
import { startupProblems } from '../../../durable-objects/startup-checks.ts'

const op = chainByName('op-mainnet')!

describe('startupProblems', () => {
  it('default: matching chain facts pass', () => {
    expect(startupProblems(op, { l1ChainId: 1, l1GenesisHash: op.genesis.l1.hash.toUpperCase().replace('0X', '0x'), l2ChainId: 10 })).toEqual([])
  })

  it('error: each mismatch is named', () => {
    const p = startupProblems(op, { l1ChainId: 11155111, l1GenesisHash: `0x${'00'.repeat(32)}`, l2ChainId: 8453 })
    expect(p).toHaveLength(3)
    expect(p[0]).toMatch(/L1 RPC is chain 11155111/)
    expect(p[1]).toMatch(/L1 block 17422590/)
    expect(p[2]).toMatch(/engine is chain 8453/)
  })
})
