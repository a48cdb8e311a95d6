import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMethod, methods } from '../methods/method-registry';
import { checkWorkers, recordedWorkers } from './data-parallel-workers';

describe('checkWorkers', () => {
  it('allows one worker for every method and N for the methods without batch coupling', () => {
    for (const method of methods) expect(checkWorkers(method, 1, 7)).toBeUndefined();
    const allowed = methods
      .filter(
        (method) => method.dataParallel !== undefined && method.dataParallel.kind !== 'refused',
      )
      .map((method) => method.name)
      .sort();
    expect(allowed).toEqual(['bert', 'cpc', 'elmo', 'gpt', 'mae', 'pixelcnn', 'simclr', 'wavenet']);
    for (const name of allowed) expect(() => checkWorkers(findMethod(name), 2, 12)).not.toThrow();
  });

  it('refuses batch-coupled methods and own trainers with the reason and --workers 1', () => {
    for (const name of ['moco', 'rotation', 'frame-order', 'clip', 'wav2vec2']) {
      expect(() => checkWorkers(findMethod(name), 2, 64)).toThrow(
        new RegExp(
          `${name} cannot train across worker threads yet: .*(BatchNorm|negatives|batch).*--workers 1`,
        ),
      );
    }
    expect(() => checkWorkers(findMethod('glove'), 2, 64)).toThrow(/own single-threaded trainer/);
  });

  it('allows SimCLR across workers only with an encoder whose BatchNorm the workers synchronise', () => {
    expect(checkWorkers(findMethod('simclr'), 2, 64, 'conv-net')).toBeUndefined();
    expect(() => checkWorkers(findMethod('simclr'), 2, 64, 'res-net')).toThrow(
      /simclr with the 'res-net' encoder cannot train across worker threads: .*'conv-net'.*--encoder conv-net, or --workers 1/,
    );
    expect(checkWorkers(findMethod('simclr'), 1, 64, 'res-net')).toBeUndefined();
  });

  it('refuses a batch size that does not split evenly, naming multiples', () => {
    expect(() => checkWorkers(findMethod('gpt'), 3, 4)).toThrow(
      /batch size 4 does not split evenly across 3 workers.*--batch-size 3 or 6/,
    );
    expect(() => checkWorkers(findMethod('gpt'), 8, 4)).toThrow(/e.g. --batch-size 8\)/);
  });

  it('notes a count above the number of cores', () => {
    expect(checkWorkers(findMethod('gpt'), 1024, 1024)).toMatch(
      /more than this machine's \d+ cores/,
    );
  });
});

describe('recordedWorkers', () => {
  it("reads the newest complete checkpoint's training.workers", () => {
    const out = mkdtempSync(join(tmpdir(), 'selfsup-workers-'));
    expect(recordedWorkers(join(out, 'missing'))).toBeUndefined();
    expect(recordedWorkers(out)).toBeUndefined();
    for (const [step, training] of [
      ['step-00000002', { workers: 2 }],
      ['step-00000004', { workers: 3 }],
    ] as const) {
      mkdirSync(join(out, step));
      writeFileSync(join(out, step, 'selfsup.json'), JSON.stringify({ training }));
    }
    // An incomplete checkpoint (no manifest) is skipped.
    mkdirSync(join(out, 'step-00000006'));
    expect(recordedWorkers(out)).toBe(3);
    // Checkpoints written before the count was recorded trained on one thread.
    writeFileSync(join(out, 'step-00000004', 'selfsup.json'), JSON.stringify({ training: {} }));
    expect(recordedWorkers(out)).toBe(1);
  });
});
