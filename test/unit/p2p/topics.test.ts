import { describe, expect, it } from 'vitest'
import { chainByName } from '../../../shared/config/chains.ts'
import { blockTopic, blockTopics, gossipVersionAt, versionOfTopic } from '../../../shared/p2p/topics.ts'
import { configWith } from './gossip-block-fixtures.ts'

describe('blockTopic', () => {
  it('default: /optimism/<chainId>/<version − 1>/blocks', () => {
    expect(blockTopic(10, 1)).toBe('/optimism/10/0/blocks')
    expect(blockTopic(10n, 4)).toBe('/optimism/10/3/blocks')
  })

  it('behavior: blockTopics lists v1..v4 (the subscription allow-list)', () => {
    expect(blockTopics(8453)).toEqual([
      '/optimism/8453/0/blocks',
      '/optimism/8453/1/blocks',
      '/optimism/8453/2/blocks',
      '/optimism/8453/3/blocks',
    ])
  })
})

describe('gossipVersionAt', () => {
  const config = configWith({ regolith: 0, canyon: 100, delta: 150, ecotone: 200, fjord: 250, granite: 260, holocene: 270, isthmus: 300, jovian: 400, karst: 500 })

  it('default: v1 pre-Canyon, v2 Canyon–Delta, v3 Ecotone–Holocene, v4 Isthmus and later', () => {
    const at = [0, 99, 100, 150, 199, 200, 270, 299, 300, 399, 400, 500, 10_000]
    expect(at.map((t) => gossipVersionAt(config, t))).toEqual([1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4])
  })

  it('behavior: Jovian and Karst publish on v4 (there is no /4/blocks)', () => {
    expect(gossipVersionAt(configWith(), 0)).toBe(4)
    expect(blockTopic(901, gossipVersionAt(configWith(), 0))).toBe('/optimism/901/3/blocks')
  })

  it('behavior: OP Mainnet at its fork times', () => {
    const op = chainByName('op-mainnet')!
    expect(gossipVersionAt(op, 1710374401 - 1)).toBe(2)
    expect(gossipVersionAt(op, 1710374401)).toBe(3) // Ecotone
    expect(gossipVersionAt(op, 1746806401 - 1)).toBe(3)
    expect(gossipVersionAt(op, 1746806401)).toBe(4) // Isthmus
    expect(gossipVersionAt(op, 1764691201)).toBe(4) // Jovian
  })
})

describe('versionOfTopic', () => {
  it('default: the version of each of the chain’s four topics', () => {
    expect(blockTopics(10).map((t) => versionOfTopic(10, t))).toEqual([1, 2, 3, 4])
    expect(versionOfTopic(10n, '/optimism/10/2/blocks')).toBe(3)
  })

  it('error: another chain, an unknown version or a malformed topic → undefined', () => {
    for (const topic of [
      '/optimism/8453/0/blocks',
      '/optimism/10/4/blocks',
      '/optimism/10/-1/blocks',
      '/optimism/010/0/blocks',
      '/optimism/10/00/blocks',
      '/optimism/10/0/blocks/',
      'optimism/10/0/blocks',
      '/optimism/10/0/block',
      '',
    ]) {
      expect(versionOfTopic(10, topic)).toBeUndefined()
    }
  })
})
