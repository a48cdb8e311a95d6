import type { CAC } from 'cac';
import { loadConfigFile } from '../config/load-config-file';
import { type PretrainConfig, pretrainConfigSchema } from '../config/pretrain-config';
import { createCommandOutput } from '../io/command-output';
import { findMethod, methods } from '../methods/method-registry';
import {
  checkWorkers,
  dataParallelMethodsHint,
  recordedWorkers,
} from '../pretrain/data-parallel-workers';
import { readRunFile, resolvePretrainSettings } from '../pretrain/pretrain-settings';
import { parseBackend, parseJsonObject } from './common-flags';
import { parsePositiveInteger, parsePositiveNumber, UsageError } from './parse-flags';

/** The flags of `selfsup pretrain` as a config layer (only those given). */
function flagsToConfig(flags: Record<string, unknown>): PretrainConfig {
  const config: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) config[key] = value;
  };
  set('data', flags.data === undefined ? undefined : String(flags.data));
  set(
    'limit',
    flags.limit === undefined ? undefined : parsePositiveInteger(flags.limit, '--limit'),
  );
  set('encoder', flags.encoder === undefined ? undefined : String(flags.encoder));
  set(
    'encoderOptions',
    flags.encoderOptions === undefined
      ? undefined
      : parseJsonObject(flags.encoderOptions, '--encoder-options'),
  );
  set(
    'steps',
    flags.steps === undefined ? undefined : parsePositiveInteger(flags.steps, '--steps'),
  );
  set(
    'epochs',
    flags.epochs === undefined ? undefined : parsePositiveNumber(flags.epochs, '--epochs'),
  );
  set(
    'batchSize',
    flags.batchSize === undefined
      ? undefined
      : parsePositiveInteger(flags.batchSize, '--batch-size'),
  );
  set('lr', flags.lr === undefined ? undefined : parsePositiveNumber(flags.lr, '--lr'));
  set(
    'warmupSteps',
    flags.warmupSteps === undefined
      ? undefined
      : parsePositiveInteger(flags.warmupSteps, '--warmup-steps', 0),
  );
  set('seed', flags.seed === undefined ? undefined : parsePositiveInteger(flags.seed, '--seed', 0));
  set(
    'checkpointEvery',
    flags.checkpointEvery === undefined
      ? undefined
      : parsePositiveInteger(flags.checkpointEvery, '--checkpoint-every'),
  );
  set('out', flags.out === undefined ? undefined : String(flags.out));
  set(
    'workers',
    flags.workers === undefined ? undefined : parsePositiveInteger(flags.workers, '--workers'),
  );
  set('backend', parseBackend(flags.backend));
  if (config.steps !== undefined && config.epochs !== undefined) {
    throw new UsageError('Give --steps or --epochs, not both.');
  }
  return config as PretrainConfig;
}

/** `selfsup pretrain <method>`: pretrain an encoder on unlabeled data. */
export function registerPretrainCommand(cli: CAC): void {
  cli
    .command(
      'pretrain <method>',
      `Pretrain an encoder on unlabeled data. Methods: ${methods.map((method) => method.name).join(', ')}`,
    )
    .option('--data <id|path>', 'Dataset id (`selfsup datasets`) or a folder of images')
    .option('--limit <n>', 'Use only the first N training examples')
    .option('--encoder <type>', 'Encoder type: conv-net, res-net, mlp, vit, …')
    .option('--encoder-options <json>', 'Encoder options as JSON, e.g. \'{"channels":[16,32]}\'')
    .option('--steps <n>', 'Optimizer steps (default 1000)')
    .option('--epochs <n>', 'Passes over the data (instead of --steps)')
    .option('--batch-size <n>', 'Examples per step (default: the method’s)')
    .option('--lr <rate>', 'Peak learning rate (default: the method’s)')
    .option('--warmup-steps <n>', 'Linear warmup steps (default 0)')
    .option('--seed <n>', 'Run seed (default 0)')
    .option(
      '--checkpoint-every <n>',
      'Save a checkpoint every N steps (always at the end and on Ctrl-C)',
    )
    .option(
      '--out <dir>',
      'Run directory (default runs/<method>); never overwritten without --force',
    )
    .option('--resume', 'Continue the run in --out from its latest checkpoint')
    .option('--force', 'Delete and replace an existing --out')
    .option('--config <file>', 'YAML or JSON config (keys: the flags in camelCase); flags win')
    .option('--backend <name>', 'Force a backend: node-gpu, node, wasm, cpu')
    .option(
      '--workers <n>',
      `Data-parallel worker threads, each on batch-size/N examples (default 1; --resume: the checkpoint’s); ${dataParallelMethodsHint()}`,
    )
    .option('--json', 'Print the result as one JSON document (progress and logs go to stderr)')
    .option('--quiet', 'No logs or progress')
    .example('selfsup pretrain simclr --data mnist --steps 500 --out runs/simclr')
    .example('selfsup pretrain simclr --out runs/simclr --resume')
    .example('selfsup pretrain gpt --workers 2 --out runs/gpt')
    .action(async (method: string, flags: Record<string, unknown>) => {
      const output = createCommandOutput(flags);
      const fromFlags = flagsToConfig(flags);
      const fromFile =
        flags.config === undefined
          ? {}
          : loadConfigFile(String(flags.config), pretrainConfigSchema);
      const resume = Boolean(flags.resume);
      const out = fromFlags.out ?? fromFile.out;
      const layers: PretrainConfig[] = [];
      if (resume) {
        if (out === undefined) {
          throw new UsageError('--resume needs --out <dir>: the run directory to continue.');
        }
        // The worker count of a resumed run is the checkpoint's (core's rule), unless given again.
        const { workers: startedWith, ...saved } = readRunFile(out);
        layers.push(saved);
        if (fromFlags.workers === undefined && fromFile.workers === undefined) {
          layers.push({ workers: recordedWorkers(out) ?? startedWith ?? 1 });
        }
      }
      layers.push(fromFile, fromFlags);
      const settings = resolvePretrainSettings(method, layers);
      // Refused counts fail here, before any data is loaded.
      checkWorkers(findMethod(method), settings.workers, settings.batchSize, settings.encoder);
      const runOptions = { resume, force: Boolean(flags.force), output };
      // Methods that are not an ObjectiveV1 (Word2Vec, GloVe) bring their own trainer.
      const ownTrainer = findMethod(method).train;
      const result =
        ownTrainer === undefined
          ? await (await import('../pretrain/run-pretrain')).runPretrain(settings, runOptions)
          : await ownTrainer(settings, runOptions);
      output.result(
        result,
        `pretrained ${result.method}: step ${result.step}, loss ${result.loss?.toFixed(4) ?? '-'}` +
          `${Object.entries(result.metrics)
            .map(([name, value]) => `, ${name} ${value.toFixed(4)}`)
            .join('')} in ${result.seconds.toFixed(1)} s on ${result.backend}\n` +
          `checkpoint: ${result.checkpoint ?? '-'}\nfiles: ${result.files.join(', ')}`,
      );
    });
}
