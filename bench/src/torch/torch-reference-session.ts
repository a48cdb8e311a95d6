import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { resolve as resolvePath } from 'node:path';
import { createInterface } from 'node:readline';
import { referenceDirectory } from './reference-directory';

/** Options of {@link TorchReferenceSession.start}. */
export type TorchSessionOptions = {
  /** The Python that has torch. */
  readonly python: string;
  /** The script: a name in `bench/reference/` (e.g. `gpt_step.py`) or an absolute path. */
  readonly script: string;
  /** `torch.set_num_threads`. */
  readonly threads: number;
  /** Untimed steps before the session reports ready. */
  readonly warmup: number;
  /** Seed of the reference's weights and data. */
  readonly seed: number;
  /** Give up waiting for any answer after this long. @default 600000 */
  readonly timeoutMs?: number;
};

/** The timed steps of one round. */
export type TorchRound = {
  /** Milliseconds per step. */
  readonly timesMs: readonly number[];
  /** Loss of each step. */
  readonly losses: readonly number[];
};

/**
 * A running PyTorch reference script in `--serve` mode, so that its rounds can be interleaved
 * with selfsup's in one run: the model stays warm between rounds and both see the same machine
 * load. Protocol: see `bench/reference/_timing.py`.
 *
 * @example
 * const session = await TorchReferenceSession.start({ python: '/usr/bin/python3', script: 'gpt_step.py', threads: 2, warmup: 3, seed: 0 });
 * const { timesMs } = await session.run(5);
 * await session.close();
 */
export class TorchReferenceSession {
  /** What the script reported when ready (framework, threads, params). */
  readonly info: Readonly<Record<string, unknown>>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private readonly stderr: string[];
  private readonly timeoutMs: number;

  private constructor(
    child: ChildProcessWithoutNullStreams,
    lines: AsyncIterator<string>,
    stderr: string[],
    info: Record<string, unknown>,
    timeoutMs: number,
  ) {
    this.child = child;
    this.lines = lines;
    this.stderr = stderr;
    this.info = info;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Starts the script and waits until its warm-up is done.
   *
   * @param options which script, Python, threads, warm-up and seed.
   * @returns the ready session.
   */
  static async start(options: TorchSessionOptions): Promise<TorchReferenceSession> {
    const script = resolvePath(referenceDirectory(), options.script);
    const child = spawn(
      options.python,
      [
        script,
        '--serve',
        '--threads',
        String(options.threads),
        '--warmup',
        String(options.warmup),
        '--seed',
        String(options.seed),
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const stderr: string[] = [];
    child.on('error', (error) => stderr.push(`cannot run ${options.python}: ${error.message}`));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr.push(chunk);
      if (stderr.length > 50) stderr.shift();
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const timeoutMs = options.timeoutMs ?? 600_000;
    const pending = new TorchReferenceSession(child, lines, stderr, {}, timeoutMs);
    const info = await pending.nextMessage(`starting ${options.script}`);
    return new TorchReferenceSession(child, lines, stderr, info, timeoutMs);
  }

  /**
   * Runs `steps` timed training steps in the reference.
   *
   * @param steps how many (≥ 1).
   * @returns their times and losses.
   */
  async run(steps: number): Promise<TorchRound> {
    this.child.stdin.write(`${steps}\n`);
    const message = await this.nextMessage(`running ${steps} steps`);
    const timesMs = message.times_ms;
    const losses = message.losses;
    if (!isNumberArray(timesMs) || !isNumberArray(losses) || timesMs.length !== steps) {
      throw new Error(
        `The PyTorch reference answered ${JSON.stringify(message)}; expected ${steps} times_ms and losses.`,
      );
    }
    return { timesMs, losses };
  }

  /** Ends the script (closes its stdin) and waits for it to exit. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill(), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private async nextMessage(doing: string): Promise<Record<string, unknown>> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `The PyTorch reference gave no answer within ${this.timeoutMs / 1000} s while ${doing}.`,
            ),
          ),
        this.timeoutMs,
      );
    });
    try {
      const next = await Promise.race([this.lines.next(), timeout]);
      if (next.done === true) {
        const exit = await new Promise<string>((resolve) => {
          if (this.child.exitCode !== null) resolve(`exit code ${this.child.exitCode}`);
          else
            this.child.once('exit', (code, signal) =>
              resolve(signal ? `signal ${signal}` : `exit code ${code}`),
            );
        });
        const details = this.stderr.join('').trim().split('\n').slice(-5).join('\n');
        throw new Error(`The PyTorch reference stopped (${exit}) while ${doing}:\n${details}`);
      }
      return JSON.parse(next.value) as Record<string, unknown>;
    } finally {
      clearTimeout(timer);
    }
  }
}

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'number');
}
