/** Options of {@link createWavenet}: the architecture of a WaveNet (van den Oord et al. 2016). */
export type WavenetOptions = {
  /** Number of gated residual layers. @default 10 (one dilation cycle 1, 2, …, 512) */
  readonly layers?: number;
  /** Residual channels `C` (the width of every dilated layer). @default 32 */
  readonly channels?: number;
  /** Skip channels `S` (the width of the skip sum and of the output head). @default 64 */
  readonly skipChannels?: number;
  /**
   * Layers per dilation cycle: layer `l` has dilation `2^(l mod dilationCycle)` (the paper repeats
   * 1, 2, …, 512, i.e. a cycle of 10).
   * @default 10
   */
  readonly dilationCycle?: number;
  /** Taps of each dilated convolution. @default 2 (the paper's) */
  readonly kernelSize?: number;
  /**
   * Number of classes for global conditioning (`tanh(W_f ∗ x + V_f h) ⊙ σ(W_g ∗ x + V_g h)`,
   * section 2.5, with `h` the one-hot class); 0 trains an unconditional model.
   * @default 0
   */
  readonly classes?: number;
  /**
   * Features per frame of local conditioning (section 2.5: `tanh(W_f ∗ x + V_f ∗ y) ⊙ σ(…)`, `y`
   * a time series at a lower rate, repeated over each frame's samples), e.g. a
   * `extractControlTrack` control track (`controlFeatureCount` features); 0: none.
   * @default 0
   */
  readonly controls?: number;
  /** Samples per frame of the local conditioning series. @default 64 */
  readonly controlHop?: number;
  /** Seed of every weight's initialisation. @default 0 */
  readonly seed?: number;
};

/** A fully resolved {@link WavenetOptions} (every field present). */
export type WavenetSettings = {
  readonly layers: number;
  readonly channels: number;
  readonly skipChannels: number;
  readonly dilationCycle: number;
  readonly kernelSize: number;
  readonly classes: number;
  readonly controls: number;
  readonly controlHop: number;
  readonly seed: number;
};

/** The defaults of {@link WavenetOptions}. */
export const wavenetDefaults: WavenetSettings = {
  layers: 10,
  channels: 32,
  skipChannels: 64,
  dilationCycle: 10,
  kernelSize: 2,
  classes: 0,
  controls: 0,
  controlHop: 64,
  seed: 0,
};

/**
 * Fills in and validates WaveNet options.
 *
 * @param options the user's options (see {@link WavenetOptions}).
 * @returns every setting, defaults included.
 * @throws RangeError naming the bad option and its valid range.
 * @example resolveWavenetSettings({ layers: 4 }).dilationCycle; // 10
 */
export function resolveWavenetSettings(options: WavenetOptions = {}): WavenetSettings {
  const settings: WavenetSettings = { ...wavenetDefaults, ...stripUndefined(options) };
  const positive: (keyof WavenetSettings)[] = [
    'layers',
    'channels',
    'skipChannels',
    'dilationCycle',
    'kernelSize',
    'controlHop',
  ];
  for (const name of positive) {
    const value = settings[name];
    if (!(Number.isInteger(value) && value >= 1)) {
      throw new RangeError(`WaveNet option '${name}' must be a positive integer, got ${value}.`);
    }
  }
  if (settings.kernelSize < 2) {
    throw new RangeError(
      `WaveNet option 'kernelSize' must be at least 2 (a 1-tap layer sees no past), got ${settings.kernelSize}.`,
    );
  }
  if (settings.dilationCycle > 20) {
    throw new RangeError(
      `WaveNet option 'dilationCycle' must be at most 20 (dilation 2^19), got ${settings.dilationCycle}.`,
    );
  }
  if (!(Number.isInteger(settings.classes) && settings.classes >= 0)) {
    throw new RangeError(
      `WaveNet option 'classes' must be a non-negative integer (0: unconditional), got ${settings.classes}.`,
    );
  }
  if (!(Number.isInteger(settings.controls) && settings.controls >= 0)) {
    throw new RangeError(
      `WaveNet option 'controls' must be a non-negative integer (features per frame; 0: no local conditioning), got ${settings.controls}.`,
    );
  }
  if (!(Number.isInteger(settings.seed) && settings.seed >= 0)) {
    throw new RangeError(
      `WaveNet option 'seed' must be a non-negative integer, got ${settings.seed}.`,
    );
  }
  return settings;
}

function stripUndefined(options: WavenetOptions): Partial<WavenetSettings> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<WavenetSettings>;
}

/**
 * The dilation of each layer: `2^(l mod dilationCycle)` (van den Oord et al. 2016, section 2.1:
 * "1, 2, 4, …, 512, 1, 2, 4, …, 512, …").
 *
 * @param options the architecture (see {@link WavenetOptions}).
 * @returns one dilation per layer.
 * @example wavenetDilations({ layers: 4, dilationCycle: 2 }); // [1, 2, 1, 2]
 */
export function wavenetDilations(options: WavenetOptions = {}): number[] {
  const { layers, dilationCycle } = resolveWavenetSettings(options);
  return Array.from({ length: layers }, (_, layer) => 2 ** (layer % dilationCycle));
}

/**
 * The receptive field of a WaveNet in samples: how many consecutive input samples the output at
 * one position depends on, `1 + 1 + Σₗ (k − 1) · dₗ` (the causal input convolution of 2 taps adds
 * one sample, each dilated layer `(k − 1) · dₗ`).
 *
 * The model predicts sample `t` from samples `t − R … t − 1` (its input at `t` is sample `t − 1`).
 * The paper's stack of 10 layers with dilations 1…512 and `k = 2` has 1,024 from the dilated layers
 * (section 2.1), 1,025 with the input convolution: 128 ms at 8 kHz.
 *
 * @param options the architecture (see {@link WavenetOptions}).
 * @returns the receptive field `R` in samples.
 * @example wavenetReceptiveField({ layers: 10 }); // 1025
 */
export function wavenetReceptiveField(options: WavenetOptions = {}): number {
  const { kernelSize } = resolveWavenetSettings(options);
  return 2 + wavenetDilations(options).reduce((sum, d) => sum + (kernelSize - 1) * d, 0);
}
