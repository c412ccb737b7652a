import { describe, expect, it } from 'vitest'
import { type Hex, toHex } from '../../../shared/bytes.ts'
import { prng } from '../../support/random.ts'
import { MAX_BLOCKS_PER_HEIGHT, SEEN_BLOCK_HEIGHTS, SeenBlocks } from '../../../shared/p2p/seen-blocks.ts'

const h = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}`

/** op-node's validator tail: check, then mark on `new`. */
function offer(seen: SeenBlocks, height: number, hash: Hex) {
  const r = seen.check(height, hash)
  if (r === 'new') seen.markSeen(height, hash)
  return r
}

describe('SeenBlocks', () => {
  it('default: a new block, then the same block again', () => {
    const seen = new SeenBlocks()
    expect(offer(seen, 1, h(1))).toBe('new')
    expect(offer(seen, 1, h(1))).toBe('duplicate')
    expect(seen.hashesAt(1)).toEqual([h(1)])
  })

  it('behavior: op-node bounds — 1000 heights, `count > 5` → six hashes per height', () => {
    expect(SEEN_BLOCK_HEIGHTS).toBe(1000)
    expect(MAX_BLOCKS_PER_HEIGHT).toBe(6)
  })

  it('behavior: six distinct hashes at a height are new, the seventh is too-many', () => {
    const seen = new SeenBlocks()
    expect([1, 2, 3, 4, 5, 6, 7].map((i) => offer(seen, 9, h(i)))).toEqual([...Array(6).fill('new'), 'too-many'])
    expect(seen.hashesAt(9)).toEqual([1, 2, 3, 4, 5, 6].map(h))
  })

  it('behavior: the count is tested before membership — a known hash at a full height is too-many', () => {
    const seen = new SeenBlocks()
    for (let i = 1; i <= 6; i++) offer(seen, 9, h(i))
    expect(seen.check(9, h(1))).toBe('too-many')
    const five = new SeenBlocks()
    for (let i = 1; i <= 5; i++) offer(five, 9, h(i))
    expect(five.check(9, h(1))).toBe('duplicate')
  })

  it('behavior: check adds nothing', () => {
    const seen = new SeenBlocks()
    expect(seen.check(3, h(3))).toBe('new')
    expect(seen.check(3, h(3))).toBe('new')
    expect(seen.size).toBe(0)
  })

  it('behavior: hashes are compared case-insensitively and as bytes', () => {
    const seen = new SeenBlocks()
    seen.markSeen(1, `0x${'AB'.repeat(32)}`)
    expect(seen.check(1, new Uint8Array(32).fill(0xab))).toBe('duplicate')
    expect(seen.check(1, toHex(new Uint8Array(32).fill(0xab)))).toBe('duplicate')
  })

  it('behavior: LRU of 1000 heights — the 1001st height evicts the least recently used', () => {
    const seen = new SeenBlocks()
    for (let n = 0; n < 1000; n++) seen.markSeen(n, h(n))
    expect(seen.size).toBe(1000)
    seen.markSeen(1000, h(1000))
    expect(seen.size).toBe(1000)
    expect(seen.hashesAt(0)).toEqual([])
    expect(seen.check(0, h(0))).toBe('new') // forgotten: would be accepted again
    expect(seen.hashesAt(1)).toEqual([h(1)])
  })

  it('behavior: a lookup makes its height most recently used (golang-lru Get), even when it drops', () => {
    const seen = new SeenBlocks({ maxHeights: 3 })
    for (const n of [1, 2, 3]) seen.markSeen(n, h(n))
    expect(seen.check(1, h(1))).toBe('duplicate') // touches height 1
    seen.markSeen(4, h(4)) // evicts 2, the least recently used
    expect(seen.snapshot().map((e) => e.height)).toEqual([3, 1, 4])
    expect(seen.hashesAt(3)).toEqual([h(3)]) // hashesAt does not touch
    seen.markSeen(5, h(5))
    expect(seen.snapshot().map((e) => e.height)).toEqual([1, 4, 5])
  })

  it('behavior: adding a hash to a known height does not evict', () => {
    const seen = new SeenBlocks({ maxHeights: 2 })
    seen.markSeen(1, h(1))
    seen.markSeen(2, h(2))
    seen.markSeen(1, h(11))
    expect(seen.snapshot()).toEqual([
      { height: 2, hashes: [h(2)] },
      { height: 1, hashes: [h(1), h(11)] },
    ])
  })

  it('behavior: deterministic — the same sequence gives the same state; snapshot → restore round trips', () => {
    const run = () => {
      const seen = new SeenBlocks({ maxHeights: 50 })
      const rand = prng(7)
      for (let i = 0; i < 2000; i++) offer(seen, Math.floor(rand() * 80), h(Math.floor(rand() * 9)))
      return seen
    }
    const a = run()
    expect(a.snapshot()).toEqual(run().snapshot())
    expect(a.size).toBe(50)
    const b = SeenBlocks.restore(a.snapshot(), { maxHeights: 50 })
    expect(b.snapshot()).toEqual(a.snapshot())
    expect(JSON.parse(JSON.stringify(a.snapshot()))).toEqual(a.snapshot())
  })

  it('error: bounds below 1 are refused', () => {
    expect(() => new SeenBlocks({ maxHeights: 0 })).toThrow(RangeError)
    expect(() => new SeenBlocks({ maxPerHeight: 0 })).toThrow(RangeError)
  })
})
