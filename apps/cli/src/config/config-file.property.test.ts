import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { UsageError } from '../commands/parse-flags';
import { loadConfigFile } from './load-config-file';
import { pretrainConfigSchema } from './pretrain-config';

// Property-based tests (fast-check) of config files: any mix of valid values, wrong types,
// out-of-range values and unknown keys loads exactly, or fails with a UsageError (exit code 2)
// that names the file and every bad key.
const directory = mkdtempSync(join(tmpdir(), 'selfsup-config-property-'));
let fileCount = 0;

/** Per key: values the schema accepts and values it refuses (wrong type or out of range). */
const keys: Record<string, { good: fc.Arbitrary<unknown>; bad: fc.Arbitrary<unknown> }> = {
  limit: {
    good: fc.integer({ min: 1, max: 1e6 }),
    bad: fc.oneof(fc.integer({ max: 0 }), fc.constant(1.5), fc.string()),
  },
  steps: {
    good: fc.integer({ min: 1, max: 1e6 }),
    bad: fc.oneof(fc.integer({ max: 0 }), fc.constant('10'), fc.boolean()),
  },
  epochs: {
    good: fc.double({ min: 0.01, max: 100, noNaN: true }),
    bad: fc.oneof(fc.double({ max: 0, noNaN: true }), fc.constant(null)),
  },
  batchSize: {
    good: fc.integer({ min: 1, max: 4096 }),
    bad: fc.oneof(fc.integer({ min: -10, max: 0 }), fc.constant(2.5), fc.array(fc.nat())),
  },
  lr: {
    good: fc.double({ min: 1e-8, max: 10, noNaN: true }),
    bad: fc.oneof(fc.double({ max: 0, noNaN: true }), fc.constant('0.1')),
  },
  warmupSteps: { good: fc.nat(1000), bad: fc.oneof(fc.integer({ max: -1 }), fc.constant(0.5)) },
  seed: { good: fc.nat(), bad: fc.oneof(fc.integer({ max: -1 }), fc.constant({})) },
  checkpointEvery: {
    good: fc.integer({ min: 1, max: 1e5 }),
    bad: fc.oneof(fc.constant(0), fc.constant('often')),
  },
  out: {
    good: fc.string({ minLength: 1, maxLength: 20 }),
    bad: fc.oneof(fc.constant(''), fc.integer()),
  },
  backend: {
    good: fc.constantFrom('node-gpu', 'node', 'wasm', 'cpu'),
    bad: fc.constantFrom('gpu', 'WASM', '', 3),
  },
};
const knownKeys = new Set([...Object.keys(keys), ...Object.keys(pretrainConfigSchema.shape)]);

const entryArbitrary = fc.oneof(
  ...Object.entries(keys).flatMap(([key, { good, bad }]) => [
    good.map((value) => ({ key, value, ok: true })),
    bad.map((value) => ({ key, value, ok: false })),
  ]),
  fc
    .string({ minLength: 1, maxLength: 12 })
    .filter((key) => !knownKeys.has(key) && key !== '__proto__')
    .map((key) => ({ key, value: 1 as unknown, ok: false })),
);

function writeConfig(content: string, extension: string): string {
  const path = join(directory, `config-${fileCount++}${extension}`);
  writeFileSync(path, content);
  return path;
}

describe('config files, property-based', () => {
  it('any mix of keys loads exactly when all are valid, else names the file and every bad key', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(entryArbitrary, { maxLength: 6, selector: (entry) => entry.key }),
        fc.constantFrom('.json', '.yaml'),
        (entries, extension) => {
          const config = Object.fromEntries(entries.map((entry) => [entry.key, entry.value]));
          const path = writeConfig(
            extension === '.json' ? JSON.stringify(config) : toYaml(config),
            extension,
          );
          const bad = entries.filter((entry) => !entry.ok);
          if (bad.length === 0) {
            expect(loadConfigFile(path, pretrainConfigSchema)).toEqual(config);
            return;
          }
          let error: unknown;
          try {
            loadConfigFile(path, pretrainConfigSchema);
          } catch (caught) {
            error = caught;
          }
          expect(error).toBeInstanceOf(UsageError);
          const message = (error as Error).message;
          expect(message.startsWith(`--config ${path}: `)).toBe(true);
          for (const entry of bad) {
            if (knownKeys.has(entry.key)) expect(message).toContain(`${entry.key}: `);
            else expect(message).toContain(`'${entry.key}'`);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('any text, any top-level JSON value, and any extension fail with a UsageError naming the file, never a crash', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'),
        ),
        fc.constantFrom('.json', '.yaml', '.yml', '.toml', ''),
        (text, extension) => {
          const path = writeConfig(text, extension);
          try {
            const config = loadConfigFile(path, pretrainConfigSchema);
            // Only an empty document or an object of valid keys loads.
            expect(typeof config).toBe('object');
          } catch (error) {
            expect(error).toBeInstanceOf(UsageError);
            expect((error as Error).message).toContain(`--config ${path}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
