/**
 * The Engine API version table (PROTOCOL.md §3, §10) at each OP Mainnet fork boundary: the last second before a fork
 * and its first second.
 */
import { describe, expect, it } from 'vitest'
import type { Hex } from '../../../shared/bytes.ts'
import type { ExecutionPayloadJson } from '../../../shared/codec/payload-json.ts'
import { chainByName } from '../../../shared/config/chains.ts'
import {
  forkchoiceUpdatedMethod,
  getPayloadMethod,
  newPayloadMethod,
  newPayloadParams,
} from '../../../shared/engine/versions.ts'

const op = chainByName('op-mainnet')!
const base = chainByName('base')!
const CANYON = 1704992401
const ECOTONE = 1710374401
const ISTHMUS = 1746806401
const KARST = 1783526401

const at = (t: number) => [forkchoiceUpdatedMethod(op, t), newPayloadMethod(op, t), getPayloadMethod(op, t)]

describe('Engine API versions on OP Mainnet', () => {
  it('default: the OP Mainnet fork times are the ones the table is checked against', () => {
    expect(op.forks).toMatchObject({ canyon: CANYON, ecotone: ECOTONE, isthmus: ISTHMUS, karst: KARST })
  })

  it('behavior: Bedrock/Regolith use FCU V1 (geth refuses V2 before Shanghai) with newPayload/getPayload V2', () => {
    expect(at(CANYON - 1)).toEqual(['engine_forkchoiceUpdatedV1', 'engine_newPayloadV2', 'engine_getPayloadV2'])
  })

  it('behavior: Canyon switches FCU to V2', () => {
    expect(at(CANYON)).toEqual(['engine_forkchoiceUpdatedV2', 'engine_newPayloadV2', 'engine_getPayloadV2'])
    expect(at(ECOTONE - 1)).toEqual(['engine_forkchoiceUpdatedV2', 'engine_newPayloadV2', 'engine_getPayloadV2'])
  })

  it('behavior: Ecotone switches everything to V3', () => {
    expect(at(ECOTONE)).toEqual(['engine_forkchoiceUpdatedV3', 'engine_newPayloadV3', 'engine_getPayloadV3'])
    expect(at(ISTHMUS - 1)).toEqual(['engine_forkchoiceUpdatedV3', 'engine_newPayloadV3', 'engine_getPayloadV3'])
  })

  it('behavior: Isthmus moves newPayload and getPayload to V4; FCU stays V3 (no FCU V4 on OP)', () => {
    expect(at(ISTHMUS)).toEqual(['engine_forkchoiceUpdatedV3', 'engine_newPayloadV4', 'engine_getPayloadV4'])
    expect(at(KARST - 1)).toEqual(['engine_forkchoiceUpdatedV3', 'engine_newPayloadV4', 'engine_getPayloadV4'])
  })

  it('behavior: Karst moves getPayload to V5 only', () => {
    expect(at(KARST)).toEqual(['engine_forkchoiceUpdatedV3', 'engine_newPayloadV4', 'engine_getPayloadV5'])
  })

  it('behavior: a forkchoice update without attributes is V3 in every fork', () => {
    expect(forkchoiceUpdatedMethod(op, undefined)).toBe('engine_forkchoiceUpdatedV3')
    expect(forkchoiceUpdatedMethod({ forks: {} }, undefined)).toBe('engine_forkchoiceUpdatedV3')
  })

  it('behavior: a chain without Karst (Base) keeps getPayloadV4 after the OP Mainnet Karst time', () => {
    expect(getPayloadMethod(base, KARST + 100)).toBe('engine_getPayloadV4')
  })
})

describe('newPayloadParams', () => {
  const payload = { blockHash: `0x${'ab'.repeat(32)}` } as unknown as ExecutionPayloadJson
  const root = `0x${'01'.repeat(32)}` as Hex

  it('default: V2 takes the payload alone (a beacon root is ignored)', () => {
    expect(newPayloadParams('engine_newPayloadV2', payload, root)).toEqual([payload])
  })

  it('default: V3 adds expectedBlobVersionedHashes [] and the parent beacon block root', () => {
    expect(newPayloadParams('engine_newPayloadV3', payload, root)).toEqual([payload, [], root])
  })

  it('default: V4 adds executionRequests []', () => {
    expect(newPayloadParams('engine_newPayloadV4', payload, root)).toEqual([payload, [], root, []])
  })

  it('error: V3 and V4 need the beacon root', () => {
    expect(() => newPayloadParams('engine_newPayloadV3', payload, undefined)).toThrow(TypeError)
    expect(() => newPayloadParams('engine_newPayloadV4', payload, undefined)).toThrow(TypeError)
  })
})
