import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '@selfsup/core';
import { describe, expect, it } from 'vitest';
import { projectTo2d, writeEmbeddings } from './embeddings-io';

describe('embeddings files and projections', () => {
  it('PCA finds the dominant direction of the data first', async () => {
    const random = new SeededRandom(1);
    const rows = 200;
    const dimension = 5;
    const values = new Float32Array(rows * dimension);
    for (let row = 0; row < rows; row++) {
      const along = 10 * (random.nextFloat() - 0.5);
      for (let column = 0; column < dimension; column++) {
        const noise = 0.1 * (random.nextFloat() - 0.5);
        values[row * dimension + column] = (column === 2 ? along : 0) + noise;
      }
    }
    const { points, explainedVariance } = await projectTo2d(values, dimension, 'pca', 0);
    expect(points).toHaveLength(rows * 2);
    expect(explainedVariance?.[0]).toBeGreaterThan(0.95);
    expect((explainedVariance?.[0] ?? 0) + (explainedVariance?.[1] ?? 0)).toBeLessThanOrEqual(
      1 + 1e-6,
    );
    // The first coordinate is the third input column, centred (up to sign).
    let mean = 0;
    for (let row = 0; row < rows; row++) mean += values[row * dimension + 2]! / rows;
    const first = Array.from({ length: rows }, (_, row) => points[2 * row]!);
    const column = Array.from({ length: rows }, (_, row) => values[row * dimension + 2]! - mean);
    const dot = first.reduce((sum, value, index) => sum + value * column[index]!, 0);
    const norms = Math.hypot(...first) * Math.hypot(...column);
    expect(Math.abs(dot / norms)).toBeGreaterThan(0.999);
  });

  it('writes .npy with a sibling labels file, CSV and JSON', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'selfsup-embeddings-'));
    const values = Float32Array.from([0.5, -1, 2, 3.25, 0, 1]);
    const labels = [1, 0, 2];
    const npyFiles = await writeEmbeddings(join(directory, 'e.npy'), values, 2, labels, 'npy');
    expect(npyFiles).toContain(join(directory, 'e.npy'));
    const bytes = readFileSync(join(directory, 'e.npy'));
    const headerLength = bytes.readUInt16LE(8);
    expect(bytes.subarray(10, 10 + headerLength).toString('latin1')).toContain("'shape': (3, 2)");
    const body = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset + 10 + headerLength, bytes.byteOffset + bytes.length),
    );
    expect(Array.from(body)).toEqual(Array.from(values));
    const labelBytes = readFileSync(join(directory, 'e.labels.npy'));
    const labelHeader = labelBytes.readUInt16LE(8);
    expect(
      Array.from(
        new Int32Array(
          labelBytes.buffer.slice(
            labelBytes.byteOffset + 10 + labelHeader,
            labelBytes.byteOffset + labelBytes.length,
          ),
        ),
      ),
    ).toEqual(labels);

    await writeEmbeddings(join(directory, 'e.csv'), values, 2, labels, 'csv');
    expect(readFileSync(join(directory, 'e.csv'), 'utf8').trim().split('\n')).toEqual([
      'label,d0,d1',
      '1,0.5,-1',
      '0,2,3.25',
      '2,0,1',
    ]);
    await writeEmbeddings(join(directory, 'e.json'), values, 2, labels, 'json');
    expect(JSON.parse(readFileSync(join(directory, 'e.json'), 'utf8'))).toEqual({
      shape: [3, 2],
      embeddings: [
        [0.5, -1],
        [2, 3.25],
        [0, 1],
      ],
      labels,
    });
  });
});
