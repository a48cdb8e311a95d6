import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CAC } from 'cac';
import { type CommandOutput, createCommandOutput } from '../io/command-output';
import { checkOutputFile } from '../io/output-directory';
import type { MethodRun } from '../methods/open-method-run';
import { withConfigFile } from './command-config';
import { parseBackend } from './common-flags';
import { parsePositiveInteger, parsePositiveNumber, UsageError } from './parse-flags';

/** The generative methods `selfsup generate` samples from: manifest `method` → CLI name. */
const generativeMethods = { gpt: 'gpt', wavenet: 'wavenet', 'pixel-cnn': 'pixelcnn' } as const;

/** The sampling settings of `selfsup generate`, from its flags. */
type GenerateFlags = {
  readonly prompt: string | undefined;
  readonly maxTokens: number;
  readonly temperature: number | undefined;
  readonly topK: number | undefined;
  readonly topP: number | undefined;
  readonly seed: number;
  readonly seconds: number | undefined;
  readonly classId: number | undefined;
  readonly count: number;
  readonly out: string | undefined;
};

/** What `selfsup generate` prints with `--json`. */
type GenerateResult = {
  readonly checkpoint: string;
  readonly method: string;
  readonly seed: number;
  readonly text?: string;
  readonly tokens?: number;
  readonly finishReason?: string;
  readonly out?: string;
  readonly samples?: number;
  readonly sampleRate?: number;
  readonly classId?: number;
  readonly images?: number;
  readonly seconds: number;
};

/**
 * Text from a GPT run: the prompt encoded with the run's tokenizer, then tokens sampled
 * (temperature, top-k, top-p, seed) and printed as they come (unless `--json`).
 */
async function generateText(
  run: MethodRun,
  settings: GenerateFlags,
  output: CommandOutput,
): Promise<Omit<GenerateResult, 'checkpoint' | 'method' | 'seed' | 'seconds'>> {
  const { TEXT_TOKENIZER_FILE } = await import('../methods/text-method-data');
  const tokenizerPath = join(run.runDirectory, TEXT_TOKENIZER_FILE);
  if (!existsSync(tokenizerPath)) {
    throw new UsageError(
      `no ${TEXT_TOKENIZER_FILE} in ${run.runDirectory}; generate needs the run directory written by \`selfsup pretrain gpt\` (give it, not a copied step folder).`,
    );
  }
  const { loadEncoder } = await import('@selfsup/core');
  const { loadTokenizer } = await import('@selfsup/data');
  const { createGpt, streamGenerate } = await import('@selfsup/autoregressive');
  const tokenizer = loadTokenizer(tokenizerPath);
  // The runs are documents on their own lines: an empty prompt starts a new one.
  const prompt = settings.prompt === undefined || settings.prompt === '' ? '\n' : settings.prompt;
  const promptIds = tokenizer.encode(prompt);
  const gpt = createGpt({ encoder: (await loadEncoder(run.directory)) as never });
  try {
    const ids: number[] = [];
    const stream = streamGenerate(gpt, promptIds, {
      maxTokens: settings.maxTokens,
      seed: settings.seed,
      ...(settings.temperature === undefined ? {} : { temperature: settings.temperature }),
      ...(settings.topK === undefined ? {} : { topK: settings.topK }),
      ...(settings.topP === undefined ? {} : { topP: settings.topP }),
    });
    const streaming = !output.json && settings.out === undefined;
    if (streaming && settings.prompt !== undefined) process.stdout.write(settings.prompt);
    let next = await stream.next();
    while (next.done !== true) {
      ids.push(next.value);
      if (streaming) process.stdout.write(tokenizer.decode([next.value]));
      next = await stream.next();
    }
    if (streaming) process.stdout.write('\n');
    const text = tokenizer.decode(ids);
    if (settings.out !== undefined) {
      const { writeFileAtomically } = await import('../io/atomic-write');
      await writeFileAtomically(settings.out, `${settings.prompt ?? ''}${text}`);
    }
    return {
      text,
      tokens: ids.length,
      finishReason: next.value,
      ...(settings.out === undefined ? {} : { out: settings.out }),
    };
  } finally {
    gpt.dispose();
  }
}

/** Audio from a WaveNet run: one clip sampled with fast generation, written as a 16-bit WAV file. */
async function generateAudio(
  run: MethodRun,
  settings: GenerateFlags,
  output: CommandOutput,
): Promise<Omit<GenerateResult, 'checkpoint' | 'method' | 'seed' | 'seconds'>> {
  const { restoreCheckpoint } = await import('@selfsup/core');
  const { createWavenetObjective, encodeWav, generateWavenet } = await import(
    '@selfsup/autoregressive'
  );
  const { type: _type, ...config } = run.manifest.encoder.config as Record<string, unknown>;
  const classes = typeof config.classes === 'number' ? config.classes : 0;
  if (settings.classId !== undefined && settings.classId >= classes) {
    throw new UsageError(
      classes === 0
        ? '--class: this WaveNet is unconditional (pretrained with encoderOptions.classes 0): leave --class out.'
        : `--class ${settings.classId}: this WaveNet knows classes 0 to ${classes - 1}: give one of them.`,
    );
  }
  if (typeof config.controls === 'number' && config.controls > 0) {
    throw new UsageError(
      `this WaveNet is locally conditioned on control tracks (controls ${config.controls}): each clip needs a track from its control prior, which the run script saves beside it; generate with \`node packages/autoregressive/scripts/wavenet-full-run.mjs --from-run <run directory>\`.`,
    );
  }
  const dataset = run.manifest.dataset as Record<string, unknown> | null;
  const sampleRate = typeof dataset?.sampleRate === 'number' ? dataset.sampleRate : 8000;
  const samples = Math.max(1, Math.round((settings.seconds ?? 1) * sampleRate));
  const out = settings.out ?? 'generated.wav';
  const objective = createWavenetObjective({ wavenet: config });
  try {
    await restoreCheckpoint(run.directory, objective as never);
    output.log(`generate: ${samples} samples at ${sampleRate} Hz (fast WaveNet)…`);
    const { audio } = await generateWavenet(objective.wavenet, {
      samples,
      seed: settings.seed,
      ...(classes > 0 ? { classId: settings.classId ?? 0 } : {}),
      ...(settings.temperature === undefined ? {} : { temperature: settings.temperature }),
      ...(settings.topP === undefined ? {} : { topP: settings.topP }),
    });
    const clip = audio[0];
    if (clip === undefined) throw new Error('generateWavenet returned no clip.');
    const { writeFileAtomically } = await import('../io/atomic-write');
    await writeFileAtomically(out, encodeWav(clip, sampleRate));
    return {
      out,
      samples,
      sampleRate,
      ...(classes > 0 ? { classId: settings.classId ?? 0 } : {}),
    };
  } finally {
    objective.dispose();
  }
}

/** Images from a PixelCNN run: `count` binary images drawn pixel by pixel, as one PNG grid. */
async function generateImages(
  run: MethodRun,
  settings: GenerateFlags,
  output: CommandOutput,
): Promise<Omit<GenerateResult, 'checkpoint' | 'method' | 'seed' | 'seconds'>> {
  const { loadEncoder } = await import('@selfsup/core');
  const { pixelCnnEncoderFactory, pixelCnnEncoderType, registerPixelCnnLayers, samplePixelCnn } =
    await import('@selfsup/autoregressive');
  registerPixelCnnLayers();
  const classes = Number(run.manifest.encoder.config.classes ?? 0);
  if (settings.classId !== undefined && settings.classId >= classes) {
    throw new UsageError(
      classes === 0
        ? '--class: this PixelCNN is unconditional: leave --class out.'
        : `--class ${settings.classId}: this PixelCNN knows classes 0 to ${classes - 1}: give one of them.`,
    );
  }
  const out = settings.out ?? 'generated.png';
  const network = await loadEncoder(run.directory, {
    [pixelCnnEncoderType]: pixelCnnEncoderFactory,
  });
  try {
    output.log(`generate: ${settings.count} images, pixel by pixel…`);
    const images = await samplePixelCnn(network as never, {
      count: settings.count,
      seed: settings.seed,
      ...(classes > 0
        ? { classes: Array.from({ length: settings.count }, () => settings.classId ?? 0) }
        : {}),
    });
    const values = await images.data();
    const [count, height, width, channels] = images.shape;
    images.dispose();
    const { encodePng, imageGrid } = await import('./png-image');
    const columns = Math.ceil(Math.sqrt(count));
    const grid = imageGrid(values, [count, height, width, channels], columns);
    const { writeFileAtomically } = await import('../io/atomic-write');
    await writeFileAtomically(out, encodePng(grid));
    return { out, images: count, ...(classes > 0 ? { classId: settings.classId ?? 0 } : {}) };
  } finally {
    network.dispose();
  }
}

/** The settings a `selfsup generate --config` file may hold. */
const generateSettingKeys = [
  'prompt',
  'maxTokens',
  'temperature',
  'topK',
  'topP',
  'seed',
  'seconds',
  'class',
  'count',
  'out',
  'force',
  'backend',
] as const;

/** The flags of `selfsup generate`, checked. */
function parseGenerateFlags(flags: Record<string, unknown>): GenerateFlags {
  const optional = <T>(value: unknown, parse: (given: unknown) => T): T | undefined =>
    value === undefined ? undefined : parse(value);
  const temperature = optional(flags.temperature, (value) => {
    const number = Number(value);
    if (!(Number.isFinite(number) && number >= 0)) {
      throw new UsageError(
        `--temperature takes a number ≥ 0 (0 = always the most likely), got '${String(value)}'.`,
      );
    }
    return number;
  });
  const topP = optional(flags.topP, (value) => {
    const number = Number(value);
    if (!(number > 0 && number <= 1)) {
      throw new UsageError(`--top-p takes a probability in (0, 1], got '${String(value)}'.`);
    }
    return number;
  });
  return {
    prompt: flags.prompt === undefined ? undefined : String(flags.prompt),
    maxTokens: parsePositiveInteger(flags.maxTokens ?? 200, '--max-tokens'),
    temperature,
    topK: optional(flags.topK, (value) => parsePositiveInteger(value, '--top-k')),
    topP,
    seed: parsePositiveInteger(flags.seed ?? 0, '--seed', 0),
    seconds: optional(flags.seconds, (value) => parsePositiveNumber(value, '--seconds')),
    classId: optional(flags.class, (value) => parsePositiveInteger(value, '--class', 0)),
    count: parsePositiveInteger(flags.count ?? 16, '--count'),
    out: flags.out === undefined ? undefined : String(flags.out),
  };
}

/** `selfsup generate <checkpoint>`: sample from a generative run (GPT text, WaveNet audio, PixelCNN images). */
export function registerGenerateCommand(cli: CAC): void {
  cli
    .command(
      'generate <checkpoint>',
      `Sample from a generative run: text (gpt, streamed to stdout), audio (wavenet, a WAV file) or images (pixelcnn, a PNG grid). Methods: ${Object.values(generativeMethods).join(', ')}`,
    )
    .option('--prompt <text>', 'Text to continue (gpt; default: a new line)')
    .option('--max-tokens <n>', 'Tokens to generate (gpt; default 200)')
    .option('--temperature <t>', 'Sampling temperature, 0 = greedy (default 1)')
    .option('--top-k <n>', 'Sample among the k most likely tokens only (gpt)')
    .option(
      '--top-p <p>',
      'Nucleus sampling: the most likely tokens (gpt) or μ-law levels (wavenet) up to probability p',
    )
    .option('--seed <n>', 'Seed of the sampling (default 0)')
    .option('--seconds <s>', 'Seconds of audio (wavenet; default 1)')
    .option('--count <n>', 'Images to draw (pixelcnn; default 16)')
    .option('--class <n>', 'Class to generate (class-conditional wavenet/pixelcnn; default 0)')
    .option(
      '--out <file>',
      'Write the output here (wavenet: generated.wav, pixelcnn: generated.png; gpt: stdout)',
    )
    .option('--force', 'Replace an existing --out file')
    .option(
      '--config <file>',
      'YAML or JSON with these settings in camelCase (maxTokens: 50); flags win',
    )
    .option('--backend <name>', 'Force a backend: node-gpu, node, wasm, cpu')
    .option('--json', 'Print the result as one JSON document (no streaming)')
    .option('--quiet', 'No logs')
    .example('selfsup generate runs/gpt --prompt "Call me" --max-tokens 200 --top-k 40 --seed 1')
    .example('selfsup generate runs/wavenet --class 2 --seconds 1 --out tone.wav')
    .example('selfsup generate runs/pixelcnn --count 16 --out digits.png')
    .action(async (checkpoint: string, given: Record<string, unknown>) => {
      const output = createCommandOutput(given);
      const flags = withConfigFile(given, generateSettingKeys);
      const settings = parseGenerateFlags(flags);
      const backend = parseBackend(flags.backend);
      const { openMethodRun } = await import('../methods/open-method-run');
      const run = await openMethodRun(checkpoint, generativeMethods, 'generate');
      const method = run.manifest.method;
      const out =
        method === 'wavenet'
          ? (settings.out ?? 'generated.wav')
          : method === 'pixel-cnn'
            ? (settings.out ?? 'generated.png')
            : settings.out;
      if (out !== undefined) checkOutputFile(out, Boolean(flags.force));
      const { initBackend } = await import('@selfsup/core');
      await initBackend({
        ...(backend === undefined ? {} : { backend }),
        onReport: (message) => output.log(message),
      });
      const started = performance.now();
      const generated =
        method === 'wavenet'
          ? await generateAudio(run, { ...settings, out }, output)
          : method === 'pixel-cnn'
            ? await generateImages(run, { ...settings, out }, output)
            : await generateText(run, settings, output);
      const result: GenerateResult = {
        checkpoint: run.directory,
        method,
        seed: settings.seed,
        ...generated,
        seconds: (performance.now() - started) / 1000,
      };
      const human =
        method === 'pixel-cnn'
          ? `wrote ${result.out}: ${result.images} images`
          : method === 'wavenet'
            ? `wrote ${result.out}: ${result.samples} samples at ${result.sampleRate} Hz${result.classId === undefined ? '' : `, class ${result.classId}`}`
            : settings.out === undefined
              ? ''
              : `wrote ${settings.out}: ${result.tokens} tokens`;
      output.result(result, human);
    });
}
