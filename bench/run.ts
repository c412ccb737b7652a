/**
 * `npm run bench`: the project's benchmarks (not run in CI). `npm run bench -- --workerd` also runs them in workerd;
 * `--no-l1` skips the L1-cost benchmark (anvil + wrangler dev, ~40 s), which `npm run bench:l1` runs alone.
 * `--sequencer` adds the sequencer/batcher benchmark (~3 min), which `npm run bench:sequencer` runs alone.
 */
import { benchChannelDecode } from './channel-decode.ts'
import { benchDerive, formatDerive } from './derive.ts'

console.log(`node ${process.version}, ${new Date().toISOString()}`)
console.log('span-batch channel decode (decompress + RLP + span-batch decode + derive with tx re-encoding), Node:')
for (const line of benchChannelDecode()) console.log(`  ${line}`)
console.log('derivation (whole deriver, Holocene rules, span batches of 100 blocks x 40 txs), Node:')
for (const r of benchDerive()) console.log(`  ${formatDerive(r)}`)
if (process.argv.includes('--workerd')) {
  const { benchInWorkerd } = await import('./workerd.ts')
  console.log('derivation inside workerd (wrangler dev --local):')
  for (const line of await benchInWorkerd()) console.log(`  ${line}`)
}
if (!process.argv.includes('--no-l1')) {
  const { benchL1Cost } = await import('./l1-cost.ts')
  for (const line of await benchL1Cost()) console.log(line)
}
if (process.argv.includes('--gossip')) for (const line of await (await import('./gossip.ts')).benchGossip()) console.log(line) // gossip latency + relay RSS, ~2.5 min
if (process.argv.includes('--sequencer')) for (const line of await (await import('./sequencer.ts')).benchSequencer()) console.log(line) // L1 cost calldata vs blobs, compression, slot accuracy, ~3 min
