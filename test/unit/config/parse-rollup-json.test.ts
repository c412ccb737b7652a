import { describe, expect, it } from 'vitest'
import { chainByName } from '../../../shared/config/chains.ts'
import { parseRollupJson, RollupConfigError, toRollupJson } from '../../../shared/config/parse-rollup-json.ts'

const base = () => JSON.parse(JSON.stringify(toRollupJson(chainByName('op-mainnet')!))) as Record<string, any>

function fieldOf(f: () => unknown): string | undefined {
  try {
    f()
  } catch (e) {
    if (e instanceof RollupConfigError) return e.field
    throw e
  }
  return undefined
}

describe('parseRollupJson', () => {
  it('default: reads op-node rollup.json', () => {
    const c = parseRollupJson(base(), 'op-mainnet')
    const { unsafeBlockSigner: _, ...expected } = chainByName('op-mainnet')!
    expect(c).toEqual(expected)
  })

  it('behavior: quantities may be hex strings; system config Holocene+ fields default to zero', () => {
    const j = base()
    j.block_time = '0x2'
    delete j.genesis.system_config.eip1559Params
    delete j.genesis.system_config.minBaseFee
    const c = parseRollupJson(j)
    expect(c.blockTime).toBe(2)
    expect(c.genesis.systemConfig.eip1559Params).toBe('0x0000000000000000')
    expect(c.genesis.systemConfig.minBaseFee).toBe(0n)
    expect(c.name).toBe('chain-10')
  })

  it('error: names the bad field', () => {
    const cases: [(j: Record<string, any>) => void, string][] = [
      [(j) => delete j.genesis, 'genesis'],
      [(j) => (j.genesis.l1.hash = '0x1234'), 'genesis.l1.hash'],
      [(j) => (j.genesis.l2.hash = `0x${'00'.repeat(32)}`), 'genesis.l2.hash'],
      [(j) => (j.genesis.l2.hash = j.genesis.l1.hash), 'genesis.l2.hash'],
      [(j) => (j.genesis.l2_time = 0), 'genesis.l2_time'],
      [(j) => (j.genesis.system_config.batcherAddr = 'nope'), 'genesis.system_config.batcherAddr'],
      [(j) => delete j.genesis.system_config.scalar, 'genesis.system_config.scalar'],
      [(j) => (j.genesis.system_config.gasLimit = -1), 'genesis.system_config.gasLimit'],
      [(j) => (j.block_time = 0), 'block_time'],
      [(j) => (j.channel_timeout = 0), 'channel_timeout'],
      [(j) => (j.seq_window_size = 1), 'seq_window_size'],
      [(j) => (j.max_sequencer_drift = 0), 'max_sequencer_drift'],
      [(j) => (j.l2_chain_id = 1), 'l2_chain_id'],
      [(j) => (j.l1_chain_id = 'x'), 'l1_chain_id'],
      [(j) => (j.batch_inbox_address = `0x${'00'.repeat(20)}`), 'batch_inbox_address'],
      [(j) => delete j.deposit_contract_address, 'deposit_contract_address'],
      [(j) => (j.holocene_time = 1), 'holocene_time'],
      [(j) => (j.keep_karst_upgrade_gas = 'yes'), 'keep_karst_upgrade_gas'],
      [(j) => (j.genesis.system_config.daFootprintGasScalar = 70000), 'genesis.system_config.daFootprintGasScalar'],
    ]
    for (const [mutate, field] of cases) {
      const j = base()
      mutate(j)
      expect(fieldOf(() => parseRollupJson(j)), field).toBe(field)
    }
    expect(fieldOf(() => parseRollupJson(null))).toBe('(root)')
  })

  it('error: message is one line naming the field', () => {
    const j = base()
    j.block_time = 0
    expect(() => parseRollupJson(j)).toThrowErrorMatchingInlineSnapshot(`[RollupConfigError: rollup config: block_time: must not be 0]`)
  })
})
