import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChartFont } from './chart-fonts';
import { lossCurveChart } from './loss-curve-chart';
import { renderChart, svgToPng } from './render-chart';
import { writeChart } from './write-chart';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk (big-endian, right after the signature). */
function pngSize(png: Uint8Array): { width: number; height: number } {
  expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function svgSize(svg: string): { width: number; height: number } {
  const match = /<svg[^>]*\swidth="([0-9.]+)"\s+height="([0-9.]+)"/.exec(svg);
  expect(match).not.toBeNull();
  return { width: Number(match![1]), height: Number(match![2]) };
}

const spec = lossCurveChart(
  Array.from({ length: 20 }, (_, step) => ({ step, loss: 1 / (step + 1) })),
  { title: 'Loss', width: 300, height: 200 },
);

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'selfsup-charts-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('renderChart', () => {
  it('renders a PNG with the signature and the requested size', async () => {
    const svg = await renderChart(spec, 'svg');
    const size = svgSize(svg);
    expect(size.width).toBeGreaterThan(300);
    const png = await renderChart(spec, 'png', { width: 900 });
    const requested = pngSize(png);
    expect(requested.width).toBe(900);
    expect(requested.height).toBe(Math.round((900 * size.height) / size.width));
    // Rendering leaves the caller's spec as it was (Vega tags the data rows it ingests).
    expect(
      Object.getOwnPropertySymbols((spec as { data: { values: object[] } }).data.values[0]!),
    ).toEqual([]);
    // Default: twice the SVG size.
    expect(pngSize(await renderChart(spec, 'png'))).toEqual({
      width: size.width * 2,
      height: size.height * 2,
    });
    expect(pngSize(await renderChart(spec, 'png', { scale: 1 }))).toEqual(size);
  });

  it('draws the text when a font is available', async () => {
    const svg = await renderChart(spec, 'svg');
    const withoutText = svg.replace(/<text[^>]*>[^<]*<\/text>/g, '');
    expect(withoutText).not.toBe(svg);
    const font = findChartFont();
    // An extra assertion where a known font exists (it does on the CI images: fonts-dejavu-core).
    if (font !== undefined) {
      expect(
        Buffer.from(svgToPng(svg, { scale: 1 })).equals(
          Buffer.from(svgToPng(withoutText, { scale: 1 })),
        ),
      ).toBe(false);
    }
  });

  it('refuses unknown formats and bad sizes with the fix', async () => {
    await expect(renderChart(spec, 'gif' as 'svg')).rejects.toThrow(/use 'svg' or 'png'/);
    await expect(renderChart(spec, 'png', { width: 0 })).rejects.toThrow(/positive integer/);
  });
});

describe('writeChart', () => {
  it('picks the format from the extension and writes atomically', async () => {
    expect(await writeChart(join(directory, 'out', 'loss.svg'), spec)).toBe('svg');
    expect(await writeChart(join(directory, 'out', 'loss.png'), spec, { width: 400 })).toBe('png');
    expect(await writeChart(join(directory, 'out', 'loss.json'), spec)).toBe('json');
    const svg = await readFile(join(directory, 'out', 'loss.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(pngSize(new Uint8Array(await readFile(join(directory, 'out', 'loss.png')))).width).toBe(
      400,
    );
    expect(JSON.parse(await readFile(join(directory, 'out', 'loss.json'), 'utf8'))).toEqual(spec);
    // No temporary file left behind.
    expect((await readdir(join(directory, 'out'))).sort()).toEqual([
      'loss.json',
      'loss.png',
      'loss.svg',
    ]);
    await expect(writeChart(join(directory, 'loss.gif'), spec)).rejects.toThrow(
      /end the path with \.svg, \.png or \.json/,
    );
  });
});
