import { existsSync } from 'node:fs';

/** A font file and the family name it declares. */
export type ChartFont = { readonly file: string; readonly family: string };

/** Sans-serif fonts looked for, in order (Debian/Ubuntu, Fedora, macOS, Windows). */
const KNOWN_FONTS: readonly ChartFont[] = [
  { file: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', family: 'DejaVu Sans' },
  { file: '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf', family: 'DejaVu Sans' },
  {
    file: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
    family: 'Liberation Sans',
  },
  {
    file: '/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf',
    family: 'Liberation Sans',
  },
  { file: '/System/Library/Fonts/Supplemental/Arial.ttf', family: 'Arial' },
  { file: '/Library/Fonts/Arial.ttf', family: 'Arial' },
  { file: 'C:\\Windows\\Fonts\\arial.ttf', family: 'Arial' },
];

/**
 * The first known sans-serif font file present on this machine, for PNG text (resvg draws text
 * only with a font it can load); `undefined` when none is found.
 *
 * @returns the file and its family, or undefined.
 * @example findChartFont(); // { file: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', family: 'DejaVu Sans' }
 */
export function findChartFont(): ChartFont | undefined {
  return KNOWN_FONTS.find((font) => existsSync(font.file));
}
