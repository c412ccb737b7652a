/** `npm run bench`: the project's benchmarks (not run in CI). */
import { benchChannelDecode } from './channel-decode.ts'

console.log(`node ${process.version}, ${new Date().toISOString()}`)
console.log('span-batch channel decode (decompress + RLP + span-batch decode + derive with tx re-encoding):')
for (const line of benchChannelDecode()) console.log(`  ${line}`)
