import type { Worker } from 'node:worker_threads';
import type {
  DataParallelRequest,
  DataParallelResponse,
  DataParallelWorkerData,
} from './data-parallel-worker';
import { abortExchange, createExchangeBuffers, type ExchangeBuffers } from './shared-memory-group';

/** Options of {@link DataParallelPool.start}. */
export type DataParallelPoolOptions = {
  /** Worker threads to start (≥ 1). */
  readonly workers: number;
  /** Backend each worker starts. @default 'wasm' */
  readonly backend?: 'wasm' | 'cpu';
  /** The worker entry module. @default `data-parallel-worker.js` beside the built bundle */
  readonly workerEntry?: string | URL;
  /** Float32 values per worker slot of the exchange buffer; grown by {@link DataParallelPool.ensureCapacity}. @default 65536 */
  readonly capacity?: number;
  /** How long a worker waits at a barrier before failing. @default 600000 */
  readonly barrierTimeoutMilliseconds?: number;
};

/** A request without its id: what the pool sends to one worker. */
export type PoolRequest = DataParallelRequest extends infer Request
  ? Request extends { readonly id: number }
    ? Omit<Request, 'id'>
    : never
  : never;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** Thrown in the coordinator when a worker fails a request (its message and stack are kept). */
export class DataParallelWorkerError extends Error {
  /** The failing worker. */
  readonly rank: number;
  constructor(rank: number, name: string, message: string, stack?: string) {
    super(`Data-parallel worker ${rank} failed: ${message}`);
    this.name = name === 'Error' ? 'DataParallelWorkerError' : name;
    this.rank = rank;
    if (stack !== undefined)
      this.stack = `${this.name}: ${this.message}\n--- in the worker ---\n${stack}`;
  }
}

function defaultWorkerEntry(): URL {
  return new URL('./data-parallel-worker.js', import.meta.url);
}

/**
 * The coordinator's side of a data-parallel group: N worker threads (one wasm instance each) that
 * share exchange buffers, and a request/response channel to each.
 *
 * All participants of the collectives are workers: `Atomics.wait` would block the coordinator's
 * event loop, so the main thread only sends work and receives results. A request goes to every
 * worker ({@link DataParallelPool.request}) and resolves when all have answered; when one fails,
 * the group's abort flag is raised so that no worker waits for it forever, and the pool is unusable
 * afterwards (close it).
 */
export class DataParallelPool {
  /** Number of workers. */
  readonly size: number;
  private readonly workers: Worker[];
  private readonly pending: Map<number, Pending>[];
  private buffers: ExchangeBuffers;
  private readonly exited: boolean[];
  private nextId = 1;
  private closed = false;

  private constructor(workers: Worker[], buffers: ExchangeBuffers) {
    this.size = workers.length;
    this.workers = workers;
    this.buffers = buffers;
    this.pending = workers.map(() => new Map());
    this.exited = workers.map(() => false);
    workers.forEach((worker, rank) => {
      worker.on('message', (response: DataParallelResponse) => {
        const waiting = this.pending[rank]?.get(response.id);
        if (waiting === undefined) return;
        this.pending[rank]?.delete(response.id);
        if (response.ok) waiting.resolve(response.result);
        else {
          const { name, message, stack } = response.error;
          waiting.reject(new DataParallelWorkerError(rank, name, message, stack));
        }
      });
      worker.on('error', (error: Error) => this.failWorker(rank, error.message, error.stack));
      worker.on('exit', (code) => {
        this.exited[rank] = true;
        if (this.pending[rank]?.size !== 0)
          this.failWorker(rank, `the worker exited (code ${code}) with requests pending`);
      });
    });
  }

  /**
   * Starts the workers and their backends.
   *
   * @param options worker count, backend, entry module, capacity.
   * @returns a started pool; close it with {@link DataParallelPool.close}.
   * @example const pool = await DataParallelPool.start({ workers: 2, workerEntry });
   */
  static async start(options: DataParallelPoolOptions): Promise<DataParallelPool> {
    const {
      workers: count,
      backend = 'wasm',
      capacity = 65_536,
      barrierTimeoutMilliseconds = 600_000,
    } = options;
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(
        `workers must be a positive integer (1 = the single-worker fallback), got ${count}.`,
      );
    }
    const { Worker } = await import('node:worker_threads');
    const buffers = createExchangeBuffers(count, capacity);
    const entry = options.workerEntry ?? defaultWorkerEntry();
    const workers = Array.from({ length: count }, (_, rank) => {
      const workerData: DataParallelWorkerData = {
        rank,
        size: count,
        buffers,
        barrierTimeoutMilliseconds,
      };
      return new Worker(entry, { workerData, execArgv: [] });
    });
    const pool = new DataParallelPool(workers, buffers);
    try {
      await pool.request(() => ({ type: 'init', backend }));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /**
   * Sends one request to every worker and waits for all answers.
   *
   * @param make the request for a rank.
   * @param transfer buffers to transfer (not copy) with the rank's request.
   * @returns the answers, by rank.
   */
  async request<Result>(
    make: (rank: number) => PoolRequest,
    transfer?: (rank: number) => ArrayBuffer[],
  ): Promise<Result[]> {
    if (this.closed) throw new Error('The data-parallel pool is closed; start a new one.');
    const answers = this.workers.map(
      (worker, rank) =>
        new Promise<unknown>((resolve, reject) => {
          const id = this.nextId++;
          this.pending[rank]?.set(id, { resolve, reject });
          worker.postMessage({ ...make(rank), id }, transfer?.(rank) ?? []);
        }),
    );
    const settled = await Promise.allSettled(answers);
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) {
      abortExchange(this.buffers, 1);
      // The worker that failed first explains it best; the others only saw the abort.
      const reasons = settled.flatMap((outcome) =>
        outcome.status === 'rejected' ? [outcome.reason as Error] : [],
      );
      throw (
        reasons.find((reason) => !/data-parallel group stopped/.test(reason.message)) ?? reasons[0]
      );
    }
    return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value as Result);
  }

  /**
   * Runs `module[exportName](options, group)` on every worker (with its rank's group), e.g. a
   * function that uses the collectives.
   *
   * @param module the module's URL or path (plain JavaScript).
   * @param exportName the function to call.
   * @param options its first argument (structured-cloneable).
   * @returns what each worker's call returned (structured-cloned), by rank.
   */
  call<Result>(module: string, exportName: string, options: unknown = {}): Promise<Result[]> {
    return this.request<Result>(() => ({ type: 'call', module, exportName, options }));
  }

  /**
   * Makes every worker's slot hold at least `values` float32 values (allocates larger shared
   * buffers and attaches every worker to them, between collectives).
   *
   * @param values the values one collective exchanges per worker.
   */
  async ensureCapacity(values: number): Promise<void> {
    if (values <= this.buffers.capacity) return;
    const buffers = createExchangeBuffers(this.size, values);
    await this.request(() => ({ type: 'attach', buffers }));
    this.buffers = buffers;
  }

  /** Disposes every worker's replica and stops the workers. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    abortExchange(this.buffers, 2);
    await Promise.all(
      this.workers.map(async (worker, rank) => {
        if (this.exited[rank] === true) return;
        const id = this.nextId++;
        const answered = new Promise<void>((resolve) => {
          this.pending[rank]?.set(id, { resolve: () => resolve(), reject: () => resolve() });
        });
        try {
          worker.postMessage({ type: 'close', id });
          await Promise.race([
            answered,
            new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
          ]);
        } finally {
          await worker.terminate();
        }
      }),
    );
  }

  private failWorker(rank: number, message: string, stack?: string): void {
    abortExchange(this.buffers, 1);
    const waiting = this.pending[rank];
    if (waiting === undefined) return;
    for (const { reject } of waiting.values())
      reject(new DataParallelWorkerError(rank, 'Error', message, stack));
    waiting.clear();
  }
}
