#!/usr/bin/env node
// op-edge CLI entry. The CLI is TypeScript run by Node's type stripping (Node >= 22.18 / 23.6); `npx op-edge` and
// `npm run` put the project's own Node 24 (a devDependency) first on PATH.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`op-edge: needs Node >= 22.18 (found ${process.versions.node}); run it as \`npx op-edge\` after \`npm install\`\n`)
  process.exit(1)
}
const { main } = await import('../cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
