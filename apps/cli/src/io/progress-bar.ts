import { SingleBar } from 'cli-progress';

/** A progress display for long work: a bar on a terminal, periodic log lines elsewhere. */
export type ProgressBar = {
  /** Moves to `value` of `total` with the live fields (loss, throughput…). */
  update(value: number, fields: Readonly<Record<string, string>>): void;
  /** Removes the bar (or does nothing). */
  stop(): void;
};

/**
 * A cli-progress bar with step, loss, throughput and ETA when `interactive`; otherwise (not a
 * terminal, `--json`, `--quiet`) nothing draws and `log` gets a line every `logEvery` updates.
 *
 * @param options `interactive`, `total`, the bar's `format` fields, `log` and `logEvery`.
 * @returns the progress bar.
 * @example const bar = createProgressBar({ interactive: true, total: 100, label: 'pretrain', log: console.error });
 */
export function createProgressBar(options: {
  readonly interactive: boolean;
  readonly total: number;
  readonly start?: number;
  readonly label: string;
  readonly log: (line: string) => void;
  readonly logEvery?: number;
}): ProgressBar {
  const { interactive, total, label, log, logEvery = 0 } = options;
  if (interactive) {
    const bar = new SingleBar({
      format: `${label} |{bar}| step {value}/{total} | loss {loss} | {throughput} | ETA {eta_formatted}`,
      barsize: 24,
      hideCursor: true,
      stream: process.stderr,
      etaBuffer: 20,
    });
    bar.start(total, options.start ?? 0, { loss: '-', throughput: '-' });
    return {
      update: (value, fields) => bar.update(value, fields),
      stop: () => bar.stop(),
    };
  }
  let updates = 0;
  return {
    update: (value, fields) => {
      updates++;
      if (logEvery > 0 && (updates % logEvery === 0 || value === total)) {
        const parts = Object.entries(fields).map(([name, text]) => `${name} ${text}`);
        log(`${label} ${value}/${total}  ${parts.join('  ')}`);
      }
    },
    stop: () => {},
  };
}
