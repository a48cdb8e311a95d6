/** Where a command writes: results to stdout, logs and progress to stderr. */
export type CommandOutput = {
  /** `--json`: stdout gets one JSON document, nothing else. */
  readonly json: boolean;
  /** Whether progress bars may draw (stderr is a terminal and `--json` is off). */
  readonly interactive: boolean;
  /** One line of log to stderr. */
  log(line: string): void;
  /** The command's result: JSON on stdout with `--json`, else the human text. */
  result(value: unknown, human: string): void;
};

/**
 * The output of a command from its `--json` and `--quiet` flags and whether stderr is a terminal.
 *
 * @param flags the parsed flags (`json`, `quiet`).
 * @returns the output helpers.
 * @example const output = createCommandOutput({ json: true }); output.result({ accuracy: 0.9 }, '');
 */
export function createCommandOutput(flags: {
  readonly json?: unknown;
  readonly quiet?: unknown;
}): CommandOutput {
  const json = Boolean(flags.json);
  const quiet = Boolean(flags.quiet);
  return {
    json,
    interactive: !json && !quiet && process.stderr.isTTY === true,
    log: (line) => {
      if (!quiet) process.stderr.write(`${line}\n`);
    },
    result: (value, human) => {
      if (json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else if (human !== '') process.stdout.write(`${human}\n`);
    },
  };
}
