import { SeededRandom } from '@selfsup/core';
import * as tf from '@tensorflow/tfjs';
import { filterTopP, softmaxOfLogits } from '../gpt/sampling-filters';
import { classGuidedLogProbabilities } from './class-guidance';
import { gatedActivation } from './gated-activation';
import { muLawDecode, muLawLevels } from './mu-law';
import type { Wavenet } from './wavenet';

/** Options of {@link generateWavenet}. */
export type GenerateWavenetOptions = {
  /** Samples to generate per clip. */
  readonly samples: number;
  /** Seed of the sampling. @default 0 */
  readonly seed?: number;
  /**
   * The class of every clip (a number) or of each clip (an array, which also sets `count`);
   * required by class-conditional models, refused by unconditional ones.
   */
  readonly classId?: number | readonly number[];
  /** Clips generated in parallel (one batch). @default the length of `classId`, else 1 */
  readonly count?: number;
  /**
   * The local conditioning of each clip, for a WaveNet with `controls` features (required then,
   * refused otherwise): frame-major features `[frames, F]` (e.g. `controlFeatures` of a control
   * track from a prior or from a real clip), `frames · controlHop ≥ samples`; one per clip (its
   * length sets `count`, or matches the classes).
   */
  readonly controls?: readonly Float32Array[];
  /** Softmax temperature; 0 picks the most likely level (greedy). @default 1 */
  readonly temperature?: number;
  /**
   * Nucleus sampling (Holtzman et al. 2020): each sample is drawn among the most probable levels
   * whose probability (after the temperature) sums to at least `topP`; the unlikely tail, whose
   * draws add noise that the next steps then condition on, is cut. 1 keeps every level.
   * @default 1
   */
  readonly topP?: number;
  /**
   * Class guidance scale `w` of a class-conditional model (1: off). Every clip is run under every
   * class at once, and its samples are drawn from
   * `log p(x | c) + (w − 1) · (log p(x | c) − log mean_k p(x | k))`: the classifier-free guidance
   * of Ho & Salimans (2022), as AudioGen (Kreuk et al. 2022) applies it to autoregressive audio,
   * with the class-averaged prediction of the same model standing for the unconditional one, so
   * that a model trained without class dropout can be guided. `w > 1` favours the samples that
   * tell the requested class apart from the others given the same past; it costs `classes`× the
   * work of a plain draw.
   * @default 1
   */
  readonly guidance?: number;
  /**
   * `'cached'`: fast WaveNet (Paine et al. 2016), per-layer queues of past activations, O(layers)
   * work per sample; `'naive'`: recompute the stack over the last receptive field for every sample
   * (a reference: the two give the same samples).
   * @default 'cached'
   */
  readonly mode?: 'cached' | 'naive';
  /** Called every `progressEvery` samples with (samples done, total per clip). */
  readonly onProgress?: (done: number, total: number) => void;
  /** How often `onProgress` is called. @default 1000 */
  readonly progressEvery?: number;
};

/** What {@link generateWavenet} returns. */
export type WavenetGeneration = {
  /** The sampled μ-law ids, one array per clip. */
  readonly ids: Int32Array[];
  /** The decoded waveforms in [-1, 1], one per clip. */
  readonly audio: Float32Array[];
  /** The class of each clip, for conditional models. */
  readonly classIds?: number[];
  /** Wall time of the generation. */
  readonly seconds: number;
};

/** One autoregressive step: companded inputs `[B]` of step `t` → logits `[B, 256]`. */
type Stepper = {
  step(t: number, inputs: Float32Array, ids: Int32Array): tf.Tensor2D;
  dispose(): void;
};

/**
 * Samples audio from a WaveNet, one sample at a time, each drawn from the model's 256-way
 * softmax (at `temperature`, optionally cut to its nucleus `topP`) and fed back as the next input.
 *
 * The default `'cached'` mode is fast WaveNet (Paine et al. 2016, "Fast Wavenet Generation
 * Algorithm"): every layer keeps a queue of its last `(k − 1) · d` inputs, so each new sample
 * costs one small product per layer instead of a pass over the receptive field. `'naive'` mode
 * reruns the whole stack on the last receptive field for every sample; both draw the same
 * samples for the same seed (the unit tests check it). Clips are generated in parallel.
 *
 * @param wavenet a (trained) WaveNet from {@link createWavenet} (e.g. `objective.wavenet`).
 * @param options length, seed, classes, control tracks, temperature, top-p, guidance, mode (see
 *   {@link GenerateWavenetOptions}).
 * @returns μ-law ids and decoded waveforms per clip; write them with {@link encodeWav}.
 * @example
 * const { audio } = await generateWavenet(objective.wavenet, { samples: 8000, classId: [0, 1], seed: 3 });
 * writeFileSync('tone.wav', encodeWav(audio[0]!, 8000));
 */
export async function generateWavenet(
  wavenet: Wavenet,
  options: GenerateWavenetOptions,
): Promise<WavenetGeneration> {
  const started = performance.now();
  const {
    samples,
    seed = 0,
    temperature = 1,
    topP = 1,
    guidance = 1,
    mode = 'cached',
    onProgress,
    progressEvery = 1000,
  } = options;
  if (!(Number.isInteger(samples) && samples >= 1)) {
    throw new RangeError(`generateWavenet: samples must be a positive integer, got ${samples}.`);
  }
  if (!(temperature >= 0 && Number.isFinite(temperature))) {
    throw new RangeError(
      `generateWavenet: temperature must be ≥ 0 (0 is greedy), got ${temperature}.`,
    );
  }
  if (!(topP > 0 && topP <= 1)) {
    throw new RangeError(
      `generateWavenet: topP must be in (0, 1] (1 keeps every level), got ${topP}.`,
    );
  }
  if (!(guidance >= 1 && Number.isFinite(guidance))) {
    throw new RangeError(
      `generateWavenet: guidance must be a finite number ≥ 1 (1 is plain conditional sampling), got ${guidance}.`,
    );
  }
  if (mode !== 'cached' && mode !== 'naive') {
    throw new Error(`generateWavenet: mode must be 'cached' or 'naive', got '${mode}'.`);
  }
  const classes = wavenet.settings.classes;
  const classIds = resolveClassIds(options, classes);
  const count = classIds?.length ?? options.controls?.length ?? options.count ?? 1;
  const controls = resolveControls(wavenet, options.controls, count, samples);
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new RangeError(`generateWavenet: count must be a positive integer, got ${count}.`);
  }
  if (guidance !== 1 && classIds === undefined) {
    throw new Error(
      'generateWavenet: guidance needs a class-conditional WaveNet (this one has classes: 0); leave guidance at 1.',
    );
  }
  // Guided: every clip runs as `classes` rows, row k under class k, all fed the clip's samples.
  const guided = guidance !== 1 && classIds !== undefined;
  const branches = guided ? classes : 1;
  const rows = count * branches;
  const rowClassIds = guided ? Array.from({ length: rows }, (_, row) => row % classes) : classIds;
  const random = new SeededRandom(seed);
  const ids = new Int32Array(count * samples);
  // Only the naive stepper reads past ids: per row when guided.
  const rowIds = guided && mode === 'naive' ? new Int32Array(rows * samples) : ids;
  const inputs = new Float32Array(rows);
  const conditioning = tf.tidy(() =>
    wavenet.conditioning(rowClassIds === undefined ? undefined : tf.tensor1d(rowClassIds, 'int32')),
  );
  const targetRows = guided
    ? tf.tensor1d(
        classIds.map((classId, clip) => clip * classes + classId),
        'int32',
      )
    : undefined;
  // Each row's control features per sample: row r is clip ⌊r / branches⌋.
  const rowControls =
    controls === undefined
      ? undefined
      : {
          features: wavenet.settings.controls,
          frames: (row: number) => controls[Math.floor(row / branches)]!,
        };
  const stepper =
    mode === 'cached'
      ? cachedStepper(wavenet, rows, conditioning, rowControls)
      : naiveStepper(wavenet, rows, samples, rowClassIds, rowControls);
  try {
    for (let t = 0; t < samples; t++) {
      const rowLogits = stepper.step(t, inputs, rowIds);
      const logits =
        targetRows === undefined
          ? rowLogits
          : classGuidedLogProbabilities(rowLogits, targetRows, guidance);
      if (logits !== rowLogits) rowLogits.dispose();
      // Greedy and nucleus draws read the (tempered) logits; plain draws the probabilities.
      const nucleus = temperature > 0 && topP < 1;
      const scores = tf.tidy(() =>
        temperature === 0
          ? logits.clone()
          : nucleus
            ? tf.div(logits, temperature)
            : tf.softmax(tf.div(logits, temperature)),
      );
      logits.dispose();
      let values: Float32Array;
      try {
        values = (await scores.data()) as Float32Array;
      } finally {
        scores.dispose();
      }
      for (let clip = 0; clip < count; clip++) {
        const row = values.subarray(clip * muLawLevels, (clip + 1) * muLawLevels);
        const id =
          temperature === 0
            ? argMax(row)
            : nucleus
              ? drawLevel(softmaxOfLogits(filterTopP(row, topP)), random.nextFloat())
              : drawLevel(row, random.nextFloat());
        ids[clip * samples + t] = id;
        for (let branch = 0; branch < branches; branch++) {
          const row = clip * branches + branch;
          if (rowIds !== ids) rowIds[row * samples + t] = id;
          inputs[row] = (2 * id) / (muLawLevels - 1) - 1;
        }
      }
      if (onProgress !== undefined && ((t + 1) % progressEvery === 0 || t + 1 === samples))
        onProgress(t + 1, samples);
    }
  } finally {
    stepper.dispose();
    targetRows?.dispose();
    if (conditioning !== undefined) tf.dispose(conditioning);
  }
  const clips = Array.from({ length: count }, (_, clip) =>
    ids.slice(clip * samples, (clip + 1) * samples),
  );
  return {
    ids: clips,
    audio: clips.map((clip) => muLawDecode(clip)),
    ...(classIds === undefined ? {} : { classIds }),
    seconds: (performance.now() - started) / 1000,
  };
}

function resolveClassIds(options: GenerateWavenetOptions, classes: number): number[] | undefined {
  const { classId } = options;
  if (classes === 0) {
    if (classId !== undefined) {
      throw new Error(
        'generateWavenet: this WaveNet is unconditional (classes: 0); leave classId out, or train with createWavenet({ classes }).',
      );
    }
    return undefined;
  }
  if (classId === undefined) {
    throw new Error(
      `generateWavenet: this WaveNet is class-conditional (${classes} classes); pass classId (a class, or one per clip).`,
    );
  }
  const list =
    typeof classId === 'number'
      ? Array.from({ length: options.count ?? 1 }, () => classId)
      : [...classId];
  if (typeof classId !== 'number' && options.count !== undefined && options.count !== list.length) {
    throw new Error(
      `generateWavenet: count is ${options.count} but classId lists ${list.length} classes; give one or the other.`,
    );
  }
  for (const id of list) {
    if (!(Number.isInteger(id) && id >= 0 && id < classes)) {
      throw new RangeError(`generateWavenet: classId ${id} is not an integer in [0, ${classes}).`);
    }
  }
  return list;
}

function resolveControls(
  wavenet: Wavenet,
  controls: readonly Float32Array[] | undefined,
  count: number,
  samples: number,
): readonly Float32Array[] | undefined {
  const { controls: features, controlHop } = wavenet.settings;
  if (features === 0) {
    if (controls !== undefined) {
      throw new Error(
        'generateWavenet: this WaveNet has no local conditioning (controls: 0); leave controls out, or train with createWavenet({ controls }).',
      );
    }
    return undefined;
  }
  if (controls === undefined) {
    throw new Error(
      `generateWavenet: this WaveNet is locally conditioned (${features} features per ${controlHop}-sample frame); pass controls, one Float32Array per clip.`,
    );
  }
  if (controls.length !== count) {
    throw new Error(
      `generateWavenet: controls has ${controls.length} clips but ${count} are generated; give one per clip.`,
    );
  }
  const frames = Math.ceil(samples / controlHop);
  controls.forEach((clip, index) => {
    if (clip.length < frames * features || clip.length % features !== 0) {
      throw new RangeError(
        `generateWavenet: controls[${index}] holds ${clip.length} values; ${samples} samples need at least ${frames} frames × ${features} features (${frames * features}).`,
      );
    }
  });
  return controls;
}

/** Where each generated row reads its frame-rate control features. */
type RowControls = {
  /** Features per frame. */
  readonly features: number;
  /** Row `r`'s frames, frame-major. */
  frames(row: number): Float32Array;
};

/** The control features of sample `t` of every row, `[rows, F]`. */
function controlsAt(rowControls: RowControls, rows: number, hop: number, t: number): Float32Array {
  const { features } = rowControls;
  const frame = Math.floor(t / hop);
  const values = new Float32Array(rows * features);
  for (let row = 0; row < rows; row++) {
    values.set(
      rowControls.frames(row).subarray(frame * features, (frame + 1) * features),
      row * features,
    );
  }
  return values;
}

/** Inverse-CDF draw of one level from probabilities (float64 accumulation). */
function drawLevel(probabilities: Float32Array | Float64Array, uniform: number): number {
  let total = 0;
  for (const value of probabilities) total += value;
  const target = uniform * total;
  let cumulative = 0;
  let last = 0;
  for (let level = 0; level < probabilities.length; level++) {
    const value = probabilities[level]!;
    if (value <= 0) continue;
    cumulative += value;
    last = level;
    if (cumulative > target) return level;
  }
  return last;
}

function argMax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Fast WaveNet: per-layer queues of past layer inputs (Paine et al. 2016). */
function cachedStepper(
  wavenet: Wavenet,
  count: number,
  conditioning: tf.Tensor2D[] | undefined,
  rowControls: RowControls | undefined,
): Stepper {
  const { channels, kernelSize, controlHop } = wavenet.settings;
  const controlKernel = wavenet.controlKernel();
  // Every layer's local term of the current frame, [count, layers · 2C], recomputed at frame starts.
  let controlTerms: tf.Tensor2D | undefined;
  const dilations = wavenet.dilations;
  const weights = wavenet.encoder.stack.getStackWeights();
  const lastLayer = weights.layers.length - 1;
  // The taps of each convolution flattened to one product: [k, Cin, Cout] → [k · Cin, Cout].
  const kernels = tf.tidy(() => ({
    input: weights.inputKernel.reshape([2, channels]) as tf.Tensor2D,
    layers: weights.layers.map(
      (layer) =>
        layer.filterGateKernel.reshape([kernelSize * channels, 2 * channels]) as tf.Tensor2D,
    ),
  }));
  // Queues hold the inputs at t − span … t − 1 (oldest first), zeros before the start (the
  // causal padding of training).
  const inputQueue: tf.Tensor2D[] = [tf.zeros([count, 1])];
  const queues: tf.Tensor2D[][] = dilations.map((dilation) =>
    Array.from({ length: (kernelSize - 1) * dilation }, () => tf.zeros([count, channels])),
  );
  return {
    step(t, inputs) {
      if (rowControls !== undefined && controlKernel !== undefined && t % controlHop === 0) {
        controlTerms?.dispose();
        controlTerms = tf.tidy(
          () =>
            tf.matMul(
              tf.tensor2d(controlsAt(rowControls, count, controlHop, t), [
                count,
                rowControls.features,
              ]),
              controlKernel,
            ) as tf.Tensor2D,
        );
      }
      const current = tf.tensor2d(inputs, [count, 1]);
      const layerInputs: tf.Tensor2D[] = [];
      const logits = tf.tidy(() => {
        let hidden: tf.Tensor2D = tf.fused.matMul({
          a: tf.concat([inputQueue[0]!, current], 1),
          b: kernels.input,
          bias: weights.inputBias,
        }) as tf.Tensor2D;
        let skips: tf.Tensor2D | undefined;
        weights.layers.forEach((layer, index) => {
          const queue = queues[index]!;
          const dilation = dilations[index]!;
          const taps: tf.Tensor2D[] = [];
          for (let tap = 0; tap < kernelSize - 1; tap++) taps.push(queue[tap * dilation]!);
          taps.push(hidden);
          let filterGate = tf.fused.matMul({
            a: tf.concat(taps, 1),
            b: kernels.layers[index]!,
            bias: layer.filterGateBias,
          }) as tf.Tensor2D;
          const classTerm = conditioning?.[index];
          if (classTerm !== undefined) filterGate = tf.add<tf.Tensor2D>(filterGate, classTerm);
          if (controlTerms !== undefined) {
            filterGate = tf.add<tf.Tensor2D>(
              filterGate,
              controlTerms.slice([0, index * 2 * channels], [count, 2 * channels]),
            );
          }
          const [filter, gate] = tf.split(filterGate, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
          const gated = gatedActivation(filter, gate);
          const output = tf.fused.matMul({
            a: gated,
            b: layer.outputKernel,
            bias: layer.outputBias,
          }) as tf.Tensor2D;
          layerInputs.push(tf.keep(hidden));
          let skip = output;
          if (index < lastLayer) {
            const [residual, skipPart] = tf.split(
              output,
              [channels, (output.shape[1] ?? channels) - channels],
              1,
            ) as [tf.Tensor2D, tf.Tensor2D];
            hidden = tf.add<tf.Tensor2D>(hidden, residual);
            skip = skipPart;
          }
          skips = skips === undefined ? skip : tf.add<tf.Tensor2D>(skips, skip);
        });
        return wavenet.outputHead.apply(tf.relu(skips!)) as tf.Tensor2D;
      });
      inputQueue.shift()?.dispose();
      inputQueue.push(current);
      queues.forEach((queue, index) => {
        queue.shift()?.dispose();
        queue.push(layerInputs[index]!);
      });
      return logits;
    },
    dispose() {
      tf.dispose([kernels.input, ...kernels.layers, ...inputQueue, ...queues.flat()]);
      controlTerms?.dispose();
    },
  };
}

/** Reference generation: the full stack over the last receptive field, for every sample. */
function naiveStepper(
  wavenet: Wavenet,
  count: number,
  samples: number,
  classIds: number[] | undefined,
  rowControls: RowControls | undefined,
): Stepper {
  const labels = classIds === undefined ? undefined : tf.tensor1d(classIds, 'int32');
  const hop = wavenet.settings.controlHop;
  return {
    step(t, _inputs, ids) {
      // R + 1 ids end at t: the output at t sees inputs t − R + 1 … t, i.e. ids t − R … t − 1.
      const start = Math.max(0, t - wavenet.receptiveField);
      const length = t - start + 1;
      const window = new Int32Array(count * length);
      for (let clip = 0; clip < count; clip++) {
        window.set(ids.subarray(clip * samples + start, clip * samples + t + 1), clip * length);
      }
      let controls: tf.Tensor3D | undefined;
      if (rowControls !== undefined) {
        const { features } = rowControls;
        const values = new Float32Array(count * length * features);
        for (let position = 0; position < length; position++) {
          const rowsAt = controlsAt(rowControls, count, hop, start + position);
          for (let row = 0; row < count; row++) {
            values.set(
              rowsAt.subarray(row * features, (row + 1) * features),
              (row * length + position) * features,
            );
          }
        }
        controls = tf.tensor3d(values, [count, length, features]);
      }
      return tf.tidy(() => {
        const logits = wavenet.logits(
          tf.tensor2d(window, [count, length], 'int32'),
          labels,
          controls,
        );
        controls?.dispose();
        return logits
          .slice([0, length - 1, 0], [count, 1, muLawLevels])
          .reshape([count, muLawLevels]) as tf.Tensor2D;
      });
    },
    dispose() {
      labels?.dispose();
    },
  };
}
