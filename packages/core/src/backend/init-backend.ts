import * as tf from '@tensorflow/tfjs';
import { registerWasmKernels } from './wasm-kernels/register-wasm-kernels';

/**
 * Backends selfsup knows how to start, fastest first:
 * - `'node-gpu'`: `@tensorflow/tfjs-node-gpu` (native TensorFlow with CUDA; Node only),
 * - `'node'`: `@tensorflow/tfjs-node` (native TensorFlow on the CPU; Node only),
 * - `'webgpu'`, `'webgl'`: the browser's GPU,
 * - `'wasm'`: `@tensorflow/tfjs-backend-wasm` with selfsup's training kernels (Node and browsers),
 * - `'cpu'`: plain JavaScript (slow; a reference).
 */
export type BackendName = 'node-gpu' | 'node' | 'wasm' | 'cpu' | 'webgl' | 'webgpu';

/** Every valid {@link BackendName}, in the order {@link initBackend} prefers them. */
export const backendNames: readonly BackendName[] = [
  'node-gpu',
  'node',
  'webgpu',
  'webgl',
  'wasm',
  'cpu',
];

/** Options of {@link initBackend}. */
export type InitBackendOptions = {
  /**
   * Force one backend; the environment variable `SELFSUP_BACKEND` does the same when this is
   * unset. A forced backend that cannot start throws an Error that says how to install it.
   * @default the fastest that starts: node-gpu, node, wasm, cpu in Node; webgpu, webgl, wasm, cpu in a browser
   */
  readonly backend?: BackendName;
  /**
   * Where the wasm binaries are served from (bundled browser apps), passed to tfjs-backend-wasm's
   * `setWasmPaths`: a URL prefix or a map from binary name to URL.
   */
  readonly wasmPaths?: string | Readonly<Record<string, string>>;
  /** Do not report the choice. @default false */
  readonly quiet?: boolean;
  /** Receives the one-line report of the choice. @default console.info */
  readonly onReport?: (message: string, info: BackendInfo) => void;
};

/** What {@link initBackend} chose. */
export type BackendInfo = {
  /** selfsup's name of the backend. */
  readonly backend: BackendName;
  /** The name tfjs knows it by (`tf.getBackend()`): 'tensorflow' for node and node-gpu. */
  readonly tfBackend: string;
  /** CPU threads the backend computes with (1 for wasm in Node, cpu, and the GPU backends' JS side). */
  readonly threads: number;
  /** Where it runs. */
  readonly environment: 'node' | 'browser';
  /** Whether the backend was forced (option or `SELFSUP_BACKEND`) rather than picked. */
  readonly forced: boolean;
  /** Whether selfsup's wasm training kernels are registered for it. */
  readonly selfsupKernels: boolean;
};

type Loader = {
  readonly tfBackend: string;
  readonly load: (options: InitBackendOptions) => Promise<void>;
  readonly installHint: string;
};

/** Imports a module whose name is only known at run time, so bundlers leave optional peers alone. */
function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}

const loaders: Record<BackendName, Loader> = {
  'node-gpu': {
    tfBackend: 'tensorflow',
    load: async () => {
      await importOptional('@tensorflow/tfjs-node-gpu');
    },
    installHint:
      'Install it with `pnpm add @tensorflow/tfjs-node-gpu@4.22.0` (Linux with CUDA 11.2 + cuDNN 8; it needs Node ≤ 22 and ' +
      'downloads libtensorflow while installing), or use backend "node" or "wasm".',
  },
  node: {
    tfBackend: 'tensorflow',
    load: async () => {
      await importOptional('@tensorflow/tfjs-node');
    },
    installHint:
      'Install it with `pnpm add @tensorflow/tfjs-node@4.22.0` (it needs Node ≤ 22 and downloads libtensorflow while ' +
      'installing), or use backend "wasm", which needs no native code.',
  },
  webgpu: {
    tfBackend: 'webgpu',
    load: async () => {
      await import('@tensorflow/tfjs-backend-webgpu');
    },
    installHint:
      'It needs a browser with WebGPU (navigator.gpu) and `@tensorflow/tfjs-backend-webgpu@4.22.0`; use backend "webgl" or "wasm" elsewhere.',
  },
  webgl: {
    tfBackend: 'webgl',
    load: async () => {},
    installHint: 'It needs a browser (or worker) with WebGL; use backend "wasm" in Node.',
  },
  wasm: {
    tfBackend: 'wasm',
    load: async (options) => {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (options.wasmPaths !== undefined)
        wasm.setWasmPaths(options.wasmPaths as string | Record<string, string>);
      registerWasmKernels();
    },
    installHint:
      'Install it with `pnpm add @tensorflow/tfjs-backend-wasm@4.22.0`; in a bundled browser app serve its .wasm files and ' +
      'pass their location as `wasmPaths`.',
  },
  cpu: {
    tfBackend: 'cpu',
    load: async () => {},
    installHint:
      'The cpu backend ships with @tensorflow/tfjs; reinstall `@tensorflow/tfjs@4.22.0`.',
  },
};

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}

function environmentVariable(name: string): string | undefined {
  const process = (globalThis as { process?: { env?: Record<string, string | undefined> } })
    .process;
  const value = process?.env?.[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parseBackendName(name: string, source: string): BackendName {
  if ((backendNames as readonly string[]).includes(name)) return name as BackendName;
  throw new Error(
    `Unknown backend '${name}' (from ${source}); valid names: ${backendNames.join(', ')}.`,
  );
}

async function countThreads(backend: BackendName): Promise<number> {
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    return Math.max(1, wasm.getThreadsCount());
  }
  if (backend === 'node' || backend === 'node-gpu') {
    try {
      const os = (await importOptional('node:os')) as {
        availableParallelism?: () => number;
        cpus: () => unknown[];
      };
      return os.availableParallelism?.() ?? os.cpus().length;
    } catch {
      return 1;
    }
  }
  return 1;
}

/** Starts one backend; resolves to an error message when it cannot. */
async function tryStart(
  backend: BackendName,
  options: InitBackendOptions,
): Promise<string | undefined> {
  const loader = loaders[backend];
  try {
    await loader.load(options);
    if (tf.findBackendFactory(loader.tfBackend) == null)
      return `tfjs has no '${loader.tfBackend}' backend registered`;
    if (!(await tf.setBackend(loader.tfBackend)))
      return `tfjs could not initialise '${loader.tfBackend}'`;
    await tf.ready();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

let current: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

async function start(options: InitBackendOptions): Promise<BackendInfo> {
  const environmentChoice = environmentVariable('SELFSUP_BACKEND');
  const forcedName =
    options.backend !== undefined
      ? parseBackendName(options.backend, 'options.backend')
      : environmentChoice !== undefined
        ? parseBackendName(environmentChoice, 'SELFSUP_BACKEND')
        : undefined;
  if (current !== undefined && (forcedName === undefined || forcedName === current.backend)) {
    if (tf.getBackend() !== current.tfBackend) await tf.setBackend(current.tfBackend);
    return current;
  }
  const node = isNode();
  const candidates: readonly BackendName[] =
    forcedName !== undefined
      ? [forcedName]
      : node
        ? ['node-gpu', 'node', 'wasm', 'cpu']
        : ['webgpu', 'webgl', 'wasm', 'cpu'];
  const failures: string[] = [];
  for (const candidate of candidates) {
    const failure = await tryStart(candidate, options);
    if (failure !== undefined) {
      failures.push(`${candidate}: ${failure}`);
      continue;
    }
    const info: BackendInfo = {
      backend: candidate,
      tfBackend: loaders[candidate].tfBackend,
      threads: await countThreads(candidate),
      environment: node ? 'node' : 'browser',
      forced: forcedName !== undefined,
      selfsupKernels: candidate === 'wasm',
    };
    current = info;
    report(info, options, node && forcedName === undefined && failures.length > 0);
    return info;
  }
  if (forcedName !== undefined) {
    throw new Error(
      `The '${forcedName}' backend could not be started (${failures.join('; ')}). ${loaders[forcedName].installHint}`,
    );
  }
  throw new Error(`No tfjs backend could be started: ${failures.join('; ')}.`);
}

function report(info: BackendInfo, options: InitBackendOptions, nativeMissing: boolean): void {
  if (options.quiet === true) return;
  const threads = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  const kernels = info.selfsupKernels ? ', selfsup training kernels' : '';
  const hint =
    nativeMissing && info.backend !== 'node'
      ? ' (for native speed: pnpm add @tensorflow/tfjs-node@4.22.0, Node ≤ 22)'
      : '';
  const message = `selfsup: tfjs backend '${info.backend}' (${threads}${kernels})${hint}`;
  (options.onReport ?? ((line: string) => console.info(line)))(message, info);
}

/**
 * Starts the fastest available tfjs backend and registers selfsup's kernels for it.
 *
 * In Node it tries `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node` (optional peer
 * dependencies), then `wasm` (with selfsup's training kernels, see `registerWasmKernels`), then
 * `cpu`; in a browser webgpu, webgl, wasm, cpu. `options.backend` or the environment variable
 * `SELFSUP_BACKEND` force one (names: {@link backendNames}); a forced backend that cannot load
 * throws an Error that says how to install it. Reports the choice once in one line.
 *
 * Idempotent: later calls return the same info without re-initialising (and make it the
 * active tfjs backend again if something switched away), unless a different backend is forced.
 *
 * @param options - Forced backend, wasm binary location, reporting.
 * @returns The backend chosen and its thread count.
 * @example
 * const { backend, threads } = await initBackend(); // e.g. { backend: 'wasm', threads: 1, ... }
 * await initBackend({ backend: 'cpu', quiet: true });
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const previous = pending ?? Promise.resolve(undefined);
  const next = previous.catch(() => undefined).then(() => start(options));
  pending = next;
  try {
    return await next;
  } finally {
    if (pending === next) pending = undefined;
  }
}

/**
 * What the last successful {@link initBackend} chose, or undefined before any.
 *
 * @returns The backend info.
 * @example
 * if (getBackendInfo()?.backend === 'cpu') console.warn('training on the slow cpu backend');
 */
export function getBackendInfo(): BackendInfo | undefined {
  return current;
}
