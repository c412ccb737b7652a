import { describe, expect, it } from 'vitest'
import registry from '../../fixtures/registry-chains.json' with { type: 'json' }
import { CHAIN_NAMES, chainById, chainByName, devnetConfig } from '../../../shared/config/chains.ts'
import { FORKS } from '../../../shared/config/rollup-config.ts'
import { parseRollupJson, toRollupJson } from '../../../shared/config/parse-rollup-json.ts'

describe('registry chains', () => {
  it('default: every named chain resolves', () => {
    for (const name of CHAIN_NAMES) expect(chainByName(name)?.name).toBe(name)
    expect(chainByName('nope')).toBeUndefined()
  })

  it('behavior: OP Mainnet matches PROTOCOL.md §1.4', () => {
    const op = chainByName('op-mainnet')!
    expect(op.l2ChainId).toBe(10)
    expect(op.l1ChainId).toBe(1)
    expect(op.genesis.l1).toEqual({ number: 17422590, hash: '0x438335a20d98863a4c0c97999eb2481921ccd28553eac6f913af7c12aec04108' })
    expect(op.genesis.l2).toEqual({ number: 105235063, hash: '0xdbf6a80fef073de06add9b0d14026d6e5a86c85f6d102c36d3d8e9cf89c2afd3' })
    expect(op.genesis.l2Time).toBe(1686068903)
    expect(op.genesis.systemConfig.batcherAddress).toBe('0x6887246668a3b87f54deb3b94ba47a6f63f32985')
    expect(op.genesis.systemConfig.gasLimit).toBe(30_000_000n)
    expect(op.forks).toEqual({
      regolith: 0, canyon: 1704992401, delta: 1708560000, ecotone: 1710374401, fjord: 1720627201, granite: 1726070401,
      holocene: 1736445601, isthmus: 1746806401, jovian: 1764691201, karst: 1783526401,
    })
    expect(op.keepKarstUpgradeGas).toBe(true)
    expect(op.channelTimeout).toBe(300)
    expect(op.batchInboxAddress).toBe('0xff00000000000000000000000000000000000010')
    expect(op.depositContractAddress).toBe('0xbeb5fc579115071764c7423a4f12edde41f106ed')
    expect(op.l1SystemConfigAddress).toBe('0x229047fed2591dbec1ef1118d64f7af3db9eb290')
    expect(op.unsafeBlockSigner).toBe('0xaaaa45d9549eda09e70937013520214382ffc4a2')
    expect(op.chainOpConfig).toEqual({ eip1559Elasticity: 6, eip1559Denominator: 50, eip1559DenominatorCanyon: 250 })
  })

  it('behavior: every registry chain agrees with the registry rollup configs', () => {
    for (const r of registry) {
      const c = chainById(r.l2_chain_id)!
      expect(c, `chain ${r.l2_chain_id}`).toBeDefined()
      expect(c.genesis.l1.hash).toBe(r.genesis.l1.hash)
      expect(c.genesis.l2.hash).toBe(r.genesis.l2.hash)
      expect(c.genesis.l2Time).toBe(r.genesis.l2_time)
      expect(c.genesis.systemConfig.batcherAddress).toBe(r.genesis.system_config.batcherAddr.toLowerCase())
      expect(c.genesis.systemConfig.scalar).toBe(r.genesis.system_config.scalar)
      expect(c.batchInboxAddress).toBe(r.batch_inbox_address)
      expect(c.depositContractAddress).toBe(r.portal)
      expect(c.l1SystemConfigAddress).toBe(r.system_config)
      expect(c.l1ChainId).toBe(r.l1_chain_id)
      expect(c.blockTime).toBe(r.block_time)
      expect(c.chainOpConfig.eip1559Elasticity).toBe(r.optimism.eip1559Elasticity)
      // The JSON snapshot predates Karst; every fork it lists must agree.
      for (const [key, time] of Object.entries(r.hardfork_configuration)) {
        if (time === null) continue
        if (key === 'pectra_blob_schedule_time') {
          expect(c.pectraBlobScheduleTime, c.name).toBe(time)
          continue
        }
        expect(c.forks[key.replace('_time', '') as (typeof FORKS)[number]], `${c.name} ${key}`).toBe(time)
      }
    }
  })

  it('behavior: Karst and keep_karst_upgrade_gas per chain', () => {
    expect(chainByName('unichain')!.forks.karst).toBe(1783526401)
    expect(chainByName('op-sepolia')!.forks.karst).toBe(1781712001)
    expect(chainByName('op-sepolia')!.pectraBlobScheduleTime).toBe(1742486400)
    expect(chainByName('unichain-sepolia')!.keepKarstUpgradeGas).toBe(true)
    // Base left the registry before Karst was scheduled there.
    expect(chainByName('base')!.forks.karst).toBeUndefined()
    expect(chainByName('base-sepolia')!.keepKarstUpgradeGas).toBe(false)
  })

  it('behavior: each chain survives rollup.json round trip', () => {
    for (const name of CHAIN_NAMES) {
      if (name === 'devnet') continue
      const c = chainByName(name)!
      // rollup.json has no unsafe block signer (op-node reads it from SystemConfig).
      const { unsafeBlockSigner: _, ...rest } = c
      expect(parseRollupJson(JSON.parse(JSON.stringify(toRollupJson(c))), c.name)).toEqual(rest)
    }
  })

  it('behavior: devnet takes its genesis from the running devnet', () => {
    const d = devnetConfig({
      l1: { hash: `0x${'11'.repeat(32)}`, number: 0 },
      l2: { hash: `0x${'22'.repeat(32)}`, number: 0 },
      l2Time: 1700000000,
    })
    expect(d.l1ChainId).toBe(31337)
    expect(d.forks.karst).toBe(0)
    const { unsafeBlockSigner: _, ...rest } = d
    expect(parseRollupJson(toRollupJson(d), 'devnet')).toEqual(rest)
  })
})
