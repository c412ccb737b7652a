import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

// Two projects: the pure protocol core and the CLI under Node, the Worker and Durable Object inside workerd.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          // Property-based fuzzing of the decoders that see untrusted bytes (issue #8): a short seeded run here,
          // `npm run fuzz` for 100,000 inputs per target.
          name: 'fuzz',
          environment: 'node',
          include: ['test/fuzz/**/*.test.ts'],
          testTimeout: 3_600_000,
        },
      },
      {
        test: {
          // The gossip relay: real libp2p hosts on 127.0.0.1.
          name: 'relay',
          environment: 'node',
          include: ['test/relay/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          // These tests mostly wait on real processes (anvil blocks, sequencer slots), so more run at once than cores.
          maxWorkers: 3,
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                ADMIN_TOKEN: 'test-admin-token-0123456789',
                L1_RPC_URLS: 'http://127.0.0.1:8545',
                ENGINE_URL: 'http://127.0.0.1:8551',
                ENGINE_JWT_SECRET: '0x' + '42'.repeat(32),
                RELAY_SECRET: 'test-relay-secret-0123456789abcdef0123',
              },
            },
          }),
        ],
        test: {
          name: 'workers',
          include: ['test/workers/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
    ],
  },
})
