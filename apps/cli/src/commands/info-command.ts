import { createRequire } from 'node:module';
import type { CAC } from 'cac';
import { createCommandOutput } from '../io/command-output';
import { CLI_VERSION } from '../version';
import { parseBackend } from './common-flags';

function packageVersion(name: string): string | null {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

function resolvedPath(name: string): string | null {
  try {
    return createRequire(import.meta.url).resolve(name);
  } catch {
    return null;
  }
}

/** `selfsup info`: backend, threads, versions and where native tfjs would come from. */
export function registerInfoCommand(cli: CAC): void {
  cli
    .command('info', 'Show the backend, threads, versions, and where tfjs-node would come from')
    .option('--backend <name>', 'Force a backend: node-gpu, node, wasm, cpu')
    .option('--json', 'Print as one JSON document')
    .action(async (flags: Record<string, unknown>) => {
      const output = createCommandOutput(flags);
      const backend = parseBackend(flags.backend);
      const { initBackend } = await import('@selfsup/core');
      const tf = await import('@tensorflow/tfjs');
      const info = await initBackend({
        ...(backend === undefined ? {} : { backend }),
        quiet: true,
      });
      const tfjsNode = resolvedPath('@tensorflow/tfjs-node');
      const tfjsNodeGpu = resolvedPath('@tensorflow/tfjs-node-gpu');
      const versions: Record<string, string | null> = {
        selfsup: CLI_VERSION,
        node: process.versions.node,
        '@tensorflow/tfjs': tf.version.tfjs,
      };
      for (const name of ['core', 'data', 'contrastive', 'pretext-tasks', 'charts']) {
        versions[`@selfsup/${name}`] = packageVersion(`@selfsup/${name}`);
      }
      const native =
        tfjsNode ??
        tfjsNodeGpu ??
        'not installed: `pnpm add @tensorflow/tfjs-node@4.22.0` (Node ≤ 22; downloads libtensorflow) for native CPU speed';
      const document = {
        backend: info.backend,
        tfBackend: info.tfBackend,
        threads: info.threads,
        forced: info.forced,
        selfsupKernels: info.selfsupKernels,
        environment: info.environment,
        platform: `${process.platform}-${process.arch}`,
        versions,
        tfjsNode: native,
        backendVariable: process.env.SELFSUP_BACKEND ?? null,
      };
      output.result(
        document,
        [
          `backend   ${info.backend} (${info.threads} thread${info.threads === 1 ? '' : 's'}${info.selfsupKernels ? ', selfsup training kernels' : ''})`,
          `platform  ${document.platform}, Node ${process.versions.node}`,
          ...Object.entries(versions).map(
            ([name, version]) => `${name.padEnd(24)} ${version ?? '-'}`,
          ),
          `tfjs-node ${native}`,
          'force a backend with --backend or SELFSUP_BACKEND (node-gpu, node, wasm, cpu)',
        ].join('\n'),
      );
    });
}
