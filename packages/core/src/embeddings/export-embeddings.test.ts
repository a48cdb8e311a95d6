import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend';
import { SeededRandom } from '../random/seeded-random';
import { expectNoTensorLeak } from '../test/expect-no-tensor-leak';
import { exportEmbeddings } from './export-embeddings';
import { encodeNpy } from './npy-format';
import { shortestFloat32 } from './shortest-float32';

/** A `.npy` file parsed by hand from the NumPy format 1.0 description. */
function parseNpy(bytes: Uint8Array): { descr: string; shape: number[]; values: number[] } {
  expect(Array.from(bytes.subarray(0, 6))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
  expect([bytes[6], bytes[7]]).toEqual([1, 0]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint16(8, true);
  expect((10 + headerLength) % 64).toBe(0);
  const header = new TextDecoder('latin1').decode(bytes.subarray(10, 10 + headerLength));
  expect(header.endsWith('\n')).toBe(true);
  const match =
    /^\{'descr': '(<[fi]4)', 'fortran_order': False, 'shape': \(([0-9, ]*)\), \} *\n$/.exec(header);
  expect(match).not.toBeNull();
  const descr = match![1]!;
  const shape = match![2]!
    .split(',')
    .map((size) => size.trim())
    .filter((size) => size !== '')
    .map(Number);
  const count = shape.reduce((product, size) => product * size, 1);
  const offset = 10 + headerLength;
  expect(bytes.length).toBe(offset + count * 4);
  const values = Array.from({ length: count }, (_, i) =>
    descr === '<f4' ? view.getFloat32(offset + i * 4, true) : view.getInt32(offset + i * 4, true),
  );
  return { descr, shape, values };
}

/** Whether `/usr/bin/python3` with NumPy can double-check the files (an extra check when present). */
function numpyAvailable(): boolean {
  if (!existsSync('/usr/bin/python3')) return false;
  return spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { timeout: 30_000 }).status === 0;
}

function randomRows(rows: number, columns: number, seed: number): number[][] {
  const random = new SeededRandom(seed);
  return Array.from({ length: rows }, () =>
    Array.from({ length: columns }, () => Math.fround(random.nextNormal())),
  );
}

let directory: string;
beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  directory = await mkdtemp(join(tmpdir(), 'selfsup-embeddings-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('encodeNpy', () => {
  it('pads the header to 64 bytes for 1-D and 2-D shapes and writes little-endian values', () => {
    for (const [values, shape] of [
      [new Float32Array([1.5, -2, 3.25, 0, 7, 8]), [2, 3]],
      [new Int32Array([4, -1, 2 ** 31 - 1]), [3]],
      [new Float32Array(0), [0, 5]],
    ] as const) {
      const parsed = parseNpy(encodeNpy(values, shape));
      expect(parsed.shape).toEqual(shape);
      expect(parsed.descr).toBe(values instanceof Float32Array ? '<f4' : '<i4');
      expect(parsed.values).toEqual(Array.from(values));
    }
  });

  it('refuses a shape that does not match the values', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/product must equal/);
  });
});

describe('exportEmbeddings', () => {
  const rows = randomRows(7, 5, 1);
  const labels = [0, 1, 2, 0, 1, 2, 0];

  it('writes .npy (+ labels and ids siblings) that read back exactly, also with numpy', async () => {
    const path = join(directory, 'nested', 'test.npy');
    const embeddings = tf.tensor2d(rows);
    const labelTensor = tf.tensor1d(labels, 'int32');
    let result: Awaited<ReturnType<typeof exportEmbeddings>> | undefined;
    await expectNoTensorLeak(async () => {
      result = await exportEmbeddings(path, {
        embeddings,
        labels: labelTensor,
        ids: rows.map((_, i) => `image-${i}`),
      });
    });
    tf.dispose([embeddings, labelTensor]);
    expect(result).toEqual({
      format: 'npy',
      rows: 7,
      dimension: 5,
      files: [
        join(directory, 'nested', 'test.labels.npy'),
        join(directory, 'nested', 'test.ids.json'),
        path,
      ],
    });
    const main = parseNpy(new Uint8Array(await readFile(path)));
    expect(main.descr).toBe('<f4');
    expect(main.shape).toEqual([7, 5]);
    expect(main.values).toEqual(rows.flat());
    const labelFile = parseNpy(
      new Uint8Array(await readFile(join(directory, 'nested', 'test.labels.npy'))),
    );
    expect(labelFile).toEqual({ descr: '<i4', shape: [7], values: labels });
    expect(JSON.parse(await readFile(join(directory, 'nested', 'test.ids.json'), 'utf8'))).toEqual(
      rows.map((_, i) => `image-${i}`),
    );
    // No temporary file is left behind.
    expect((await readdir(join(directory, 'nested'))).sort()).toEqual([
      'test.ids.json',
      'test.labels.npy',
      'test.npy',
    ]);

    if (numpyAvailable()) {
      // An extra, independent reader: when NumPy is here, it must agree.
      const script = [
        'import sys, json, numpy',
        'x = numpy.load(sys.argv[1]); y = numpy.load(sys.argv[2])',
        'print(json.dumps({"dtype": [str(x.dtype), str(y.dtype)], "shape": [list(x.shape), list(y.shape)],',
        '  "x": [float(v) for v in x.ravel()], "y": [int(v) for v in y]}))',
      ].join('\n');
      const run = spawnSync(
        '/usr/bin/python3',
        ['-c', script, path, join(directory, 'nested', 'test.labels.npy')],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const fromNumpy = JSON.parse(run.stdout) as {
        dtype: string[];
        shape: number[][];
        x: number[];
        y: number[];
      };
      expect(fromNumpy.dtype).toEqual(['float32', 'int32']);
      expect(fromNumpy.shape).toEqual([[7, 5], [7]]);
      expect(fromNumpy.x).toEqual(rows.flat());
      expect(fromNumpy.y).toEqual(labels);
    }
  });

  it('writes CSV with a header row and quoted ids, values that round-trip as float32', async () => {
    const path = join(directory, 'test.csv');
    const ids = rows.map((_, i) => (i === 2 ? 'say "hi", ok' : `image-${i}`));
    await exportEmbeddings(path, {
      embeddings: Float32Array.from(rows.flat()),
      dimension: 5,
      labels,
      ids,
    });
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe('id,label,d0,d1,d2,d3,d4');
    expect(lines[3]!.startsWith('"say ""hi"", ok",2,')).toBe(true);
    for (let i = 0; i < rows.length; i++) {
      const fields = lines[i + 1]!.split(',').slice(-6);
      expect(Number(fields[0])).toBe(labels[i]);
      expect(fields.slice(1).map((field) => Math.fround(Number(field)))).toEqual(rows[i]);
      // Shortest form: no float64 noise such as 0.10000000149011612.
      for (const field of fields.slice(1)) {
        const digits = field.replace(/e.*$/, '').replace(/[-.]/g, '').replace(/^0+/, '');
        expect(digits.length).toBeLessThanOrEqual(9);
      }
    }
    // Without labels or ids, only the dimensions.
    await exportEmbeddings(path, { embeddings: rows });
    expect((await readFile(path, 'utf8')).split('\n')[0]).toBe('d0,d1,d2,d3,d4');
  });

  it('writes JSON { shape, embeddings, labels } that reads back exactly', async () => {
    const path = join(directory, 'test.json');
    await exportEmbeddings(path, { embeddings: rows, labels }, { format: 'json' });
    const document = JSON.parse(await readFile(path, 'utf8')) as {
      shape: number[];
      embeddings: number[][];
      labels: number[];
    };
    expect(document.shape).toEqual([7, 5]);
    expect(document.labels).toEqual(labels);
    expect(document.embeddings.map((row) => row.map(Math.fround))).toEqual(rows);
    expect(Object.keys(document)).toEqual(['shape', 'embeddings', 'labels']);
  });

  it('writes non-integer labels to the .npy sibling as <f4', async () => {
    const path = join(directory, 'regression.npy');
    await exportEmbeddings(path, { embeddings: rows, labels: rows.map((row) => row[0]!) });
    const labelFile = parseNpy(
      new Uint8Array(await readFile(join(directory, 'regression.labels.npy'))),
    );
    expect(labelFile.descr).toBe('<f4');
    expect(labelFile.values).toEqual(rows.map((row) => row[0]));
  });

  it('refuses bad input with the reason and the fix', async () => {
    const path = join(directory, 'bad.csv');
    await expect(exportEmbeddings(join(directory, 'x.txt'), { embeddings: rows })).rejects.toThrow(
      /end the path with \.json, \.csv or \.npy/,
    );
    await expect(exportEmbeddings(path, { embeddings: rows, labels: [1, 2] })).rejects.toThrow(
      /2 labels for 7 embeddings/,
    );
    await expect(
      exportEmbeddings(path, {
        embeddings: [
          [1, 2],
          [Number.NaN, 0],
        ],
      }),
    ).rejects.toThrow(/row 1 holds NaN/);
    await expect(exportEmbeddings(path, { embeddings: new Float32Array(6) })).rejects.toThrow(
      /also give their dimension/,
    );
    await expect(exportEmbeddings(path, { embeddings: rows, ids: ['a'] })).rejects.toThrow(
      /1 ids for 7 embeddings/,
    );
    expect(existsSync(path)).toBe(false);
  });
});

describe('shortestFloat32', () => {
  it('prints the shortest decimal that reads back to the same float32', () => {
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1);
    expect(shortestFloat32(1)).toBe(1);
    expect(shortestFloat32(-0)).toBe(0);
    expect(shortestFloat32(Math.fround(3.4e38))).toBe(3.4e38);
    expect(shortestFloat32(Math.fround(1e-45))).toBe(1e-45);
    // Reference: the fewest significant digits (toPrecision) that read back to the same float32.
    const reference = (value: number) => {
      for (let digits = 1; digits <= 9; digits++) {
        const candidate = Number(value.toPrecision(digits));
        if (Math.fround(candidate) === value) return candidate;
      }
      throw new Error(`no round trip for ${value}`);
    };
    const random = new SeededRandom(3);
    for (let i = 0; i < 2000; i++) {
      const value = Math.fround(random.nextNormal() * 10 ** (random.nextInt(90) - 45));
      if (value === 0) continue;
      const shortest = shortestFloat32(value);
      expect(Math.fround(shortest)).toBe(value);
      // As few significant digits as the reference (a tie may round the last digit either way).
      const digits = (number: number) =>
        number.toExponential().replace(/e.*$/, '').replace(/[-.]/g, '').length;
      expect(digits(shortest)).toBe(digits(reference(value)));
    }
  });
});
