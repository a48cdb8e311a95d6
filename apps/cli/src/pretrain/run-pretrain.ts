import { join, resolve } from 'node:path';
import {
  initBackend,
  type JsonObject,
  NonFiniteLossError,
  type PretrainResult,
  pretrain,
  TrainingAbortedError,
} from '@selfsup/core';
import { writeChartFiles } from '../charts/write-charts';
import { UsageError } from '../commands/parse-flags';
import { writeJsonAtomically } from '../io/atomic-write';
import { InterruptedError } from '../io/cli-errors';
import type { CommandOutput } from '../io/command-output';
import { prepareOutputDirectory } from '../io/output-directory';
import { createProgressBar } from '../io/progress-bar';
import { acquireRunLock, describeWriteError } from '../io/run-lock';
import { findMethod } from '../methods/method-registry';
import { checkEncoderType } from './build-encoder';
import { buildMethodObjective } from './build-method-objective';
import { checkWorkers } from './data-parallel-workers';
import { latestCheckpointIn } from './latest-checkpoint';
import { openMetricsLog } from './metrics-log';
import { type PretrainRunSettings, RUN_FILE } from './pretrain-settings';
import { cliWorkloadReference } from './workload-reference';

/** What `selfsup pretrain` prints with `--json` and writes to `result.json`. */
export type PretrainRunResult = {
  readonly method: string;
  readonly out: string;
  readonly step: number;
  readonly stepsRun: number;
  readonly loss: number | null;
  readonly metrics: Readonly<Record<string, number>>;
  readonly seconds: number;
  readonly checkpoint: string | null;
  readonly resumedFrom: string | null;
  readonly backend: string;
  /** Worker threads that trained (core's `pretrain({ workers })`); 1 on the main thread. */
  readonly workers?: number;
  readonly files: readonly string[];
};

/**
 * Pretrains a method as `selfsup pretrain` does: builds the data, encoder and objective from the
 * settings, trains with checkpoints in `out/` (`step-N/`), writes `metrics.jsonl`/`metrics.csv`,
 * the loss curve (`loss.svg`, `loss.png`) and `result.json`. Ctrl-C (SIGINT) stops after the
 * current step, saves a checkpoint and throws an {@link InterruptedError}; `resume` continues.
 * The run holds a lock on `out` (see `acquireRunLock`): a second run on the same directory is
 * refused, a crashed run's lock is taken over. A full or read-only disk and a diverging loss stop
 * the run with a message that names the file or step and the last complete checkpoint.
 *
 * @param settings the resolved settings.
 * @param options `resume`, `force` and the command output.
 * @returns the result (also in `out/result.json`).
 * @example await runPretrain(resolvePretrainSettings('rotation', [{ steps: 10 }]), { resume: false, force: false, output });
 */
export async function runPretrain(
  settings: PretrainRunSettings,
  options: { readonly resume: boolean; readonly force: boolean; readonly output: CommandOutput },
): Promise<PretrainRunResult> {
  const { output } = options;
  const method = findMethod(settings.method);
  const methodOptions = method.optionsSchema.safeParse(settings.methodOptions);
  if (!methodOptions.success) {
    throw new UsageError(
      `methodOptions of '${method.name}': ${methodOptions.error.issues
        .map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`)
        .join('; ')}.`,
    );
  }
  const workers = settings.workers ?? 1;
  const workersNote = checkWorkers(method, workers, settings.batchSize, settings.encoder);
  const encoders = (await method.encoderFactories?.()) ?? {};
  checkEncoderType(settings.encoder, encoders);
  const data = await method.prepareData({
    data: settings.data,
    limit: settings.limit,
    batchSize: settings.batchSize,
    options: methodOptions.data,
  });
  const lock = await acquireRunLock(
    settings.out,
    `selfsup pretrain ${method.name}${options.resume ? ' --resume' : ''}`,
  );
  try {
    if (!options.resume) await prepareOutputDirectory(settings.out, options.force, true);
    const backend = await initBackend({
      ...(settings.backend === undefined ? {} : { backend: settings.backend }),
      onReport: (message) => output.log(message),
    });
    const encoderOptions = { ...settings.encoderOptions, ...data.encoderOptions };
    const objective = await buildMethodObjective(method, {
      encoder: settings.encoder,
      encoderOptions,
      inputShape: data.inputShape,
      seed: settings.seed,
      options: methodOptions.data,
      data,
      encoders,
    });
    if (!options.resume) {
      await writeJsonAtomically(join(settings.out, RUN_FILE), settings);
      // Worker threads (--workers) re-read what the data saves here (e.g. tokenizer.json).
      await data.save?.(settings.out);
    }
    const metricsLog = openMetricsLog(
      join(settings.out, 'metrics.jsonl'),
      join(settings.out, 'metrics.csv'),
    );
    const controller = new AbortController();
    const onInterrupt = (): void => {
      if (controller.signal.aborted) process.exit(130);
      output.log(
        '\nselfsup: stopping after this step and saving a checkpoint (Ctrl-C again to quit now)…',
      );
      controller.abort();
    };
    process.on('SIGINT', onInterrupt);
    process.on('SIGTERM', onInterrupt);
    const total =
      settings.steps ??
      Math.max(1, Math.ceil((settings.epochs ?? 1) * (data.source.batchesPerEpoch ?? 1)));
    output.log(
      `pretraining: ${method.name} (${method.paper}), ${settings.encoder} encoder, ${total} steps of ${settings.batchSize} from ${settings.data}` +
        `${settings.limit === undefined ? '' : ` (first ${settings.limit})`}${workers > 1 ? `, ${workers} workers` : ''}, out ${settings.out}${options.resume ? ' (resuming)' : ''}`,
    );
    if (workersNote !== undefined) output.log(workersNote);
    let bar: ReturnType<typeof createProgressBar> | undefined;
    let lastFlush = performance.now();
    let result: PretrainResult;
    try {
      result = await pretrain(objective, data.source, {
        ...(settings.steps === undefined ? {} : { steps: settings.steps }),
        ...(settings.epochs === undefined ? {} : { epochs: settings.epochs }),
        learningRate: settings.lr,
        warmupSteps: settings.warmupSteps,
        ...(method.clipNorm === undefined ? {} : { clipNorm: method.clipNorm }),
        seed: settings.seed,
        signal: controller.signal,
        checkpoint: {
          directory: settings.out,
          ...(settings.checkpointEvery === undefined
            ? {}
            : { everySteps: settings.checkpointEvery }),
        },
        resume: options.resume,
        dataset: data.reference,
        workers,
        ...(workers > 1
          ? {
              workload: cliWorkloadReference({
                method: method.name,
                encoder: settings.encoder,
                encoderOptions: encoderOptions as JsonObject,
                inputShape: [...data.inputShape],
                seed: settings.seed,
                methodOptions: methodOptions.data as JsonObject,
                runDirectory: resolve(settings.out),
              }),
            }
          : {}),
        onProgress: async (event) => {
          const step = event.step + 1;
          bar ??= createProgressBar({
            interactive: output.interactive,
            total: event.totalSteps,
            start: event.step,
            label: method.name,
            log: output.log,
            logEvery: Math.max(1, Math.round(event.totalSteps / 10)),
          });
          metricsLog.add({
            step,
            loss: event.loss,
            learningRate: event.learningRate,
            gradientNorm: event.gradientNorm,
            elapsedSeconds: event.elapsedSeconds,
            ...(event.examplesPerSecond === undefined
              ? {}
              : { examplesPerSecond: event.examplesPerSecond }),
            ...event.metrics,
          });
          bar.update(step, {
            loss: event.loss.toFixed(4),
            throughput:
              event.examplesPerSecond === undefined
                ? '-'
                : `${event.examplesPerSecond.toFixed(0)} ex/s`,
          });
          // Let the event loop run once per step: wasm steps resolve as microtasks, and Ctrl-C
          // (a signal handler, a macrotask) would otherwise wait for the end of training.
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (performance.now() - lastFlush > 5000) {
            lastFlush = performance.now();
            await metricsLog.flush();
          }
        },
      });
    } catch (error) {
      bar?.stop();
      // Best effort: on a full disk this fails too, and the training error matters more.
      await metricsLog.flush().catch((flushError: unknown) => {
        output.log(`note: could not write metrics.jsonl (${String(flushError)})`);
      });
      if (error instanceof TrainingAbortedError) {
        throw new InterruptedError(
          `interrupted after step ${error.step}; checkpoint ${error.checkpoint ?? '(none)'}. ` +
            `Continue with: selfsup pretrain ${method.name} --out ${settings.out} --resume`,
        );
      }
      if (error instanceof NonFiniteLossError) {
        throw new Error(
          `training diverged: ${error.message.split('. ')[0]}. ` +
            (error.lastCheckpoint === undefined
              ? `There is no checkpoint yet: start again with a lower --lr (and --force).`
              : `The last good checkpoint is ${error.lastCheckpoint}; continue from it with a lower learning rate: ` +
                `selfsup pretrain ${method.name} --out ${settings.out} --resume --lr <lower>`),
          { cause: error },
        );
      }
      const code = (error as NodeJS.ErrnoException | null)?.code;
      const path = (error as NodeJS.ErrnoException | null)?.path;
      const described = describeWriteError(error, path ?? settings.out);
      if (described !== error) {
        const latest = latestCheckpointIn(settings.out);
        throw new Error(
          `${(described as Error).message} ` +
            (latest === undefined
              ? `No checkpoint of this run was completed (${code}).`
              : `The last complete checkpoint, ${latest}, is intact; once there is space, continue with: ` +
                `selfsup pretrain ${method.name} --out ${settings.out} --resume`),
          { cause: error },
        );
      }
      throw error;
    } finally {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
      objective.dispose();
    }
    bar?.stop();
    await metricsLog.flush();
    const files = [join(settings.out, 'metrics.jsonl'), join(settings.out, 'metrics.csv')];
    const chart = await writeChartFiles(
      settings.out,
      'loss',
      'lossCurveChart',
      metricsLog.records().map((record) => ({ step: record.step, loss: record.loss })),
      { title: `${method.name} pretraining loss (${settings.data})` },
    );
    if ('files' in chart) files.push(...chart.files);
    else output.log(`note: ${chart.skipped}`);
    const runResult: PretrainRunResult = {
      method: method.name,
      out: settings.out,
      step: result.step,
      stepsRun: result.stepsRun,
      loss: result.loss ?? null,
      metrics: result.metrics,
      seconds: result.elapsedSeconds,
      checkpoint: result.checkpoint ?? null,
      resumedFrom: result.resumedFrom ?? null,
      backend: backend.backend,
      workers: result.workers,
      files,
    };
    await writeJsonAtomically(join(settings.out, 'result.json'), runResult);
    return runResult;
  } finally {
    await lock.release();
  }
}
