/**
 * The configuration schema (zod 4): every key, its default, its allowed values and its TypeScript type, in one place.
 * The defaults describe the built-in synthetic data (16 kHz, 10 s clips) and a small CRNN; configs/*.yaml override
 * them for DCASE data. Types are derived with `z.infer` (types.ts); messages are turned into our one-line
 * `file: key.path: message` form by zod-errors.ts. Keys are snake_case exactly as in YAML, so a key path in an error
 * message is the string a user types. Stages receive only their own section.
 */
import { z } from 'zod';
import { POOLING_NAMES } from '../model/pooling/registry.ts';

/** An integer ≥ min (≤ max) with a default. */
const int = (def: number, min: number, max?: number) => {
  const base = z.number().int().gte(min);
  return (max === undefined ? base : base.lte(max)).default(def);
};
/** A number ≥ min (> min with exclusiveMin), ≤ max. */
const number = (opts: { min?: number; max?: number; exclusiveMin?: boolean } = {}) => {
  let n = z.number();
  if (opts.min !== undefined) n = opts.exclusiveMin ? n.gt(opts.min) : n.gte(opts.min);
  if (opts.max !== undefined) n = n.lte(opts.max);
  return n;
};
/** A section: unknown keys rejected, every key defaulted when the section is absent. */
// prefault parses {} when the section is absent, so nested defaults fill in (zod's plain default would skip them)
const section = <T extends z.core.$ZodLooseShape>(shape: T) => z.strictObject(shape).prefault({} as never);

/** features.log: log compression of the mel energies. */
const logScale = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('db'),
      /** Floor before 10·log10 (torchaudio AmplitudeToDB amin). */
      amin: number({ min: 0, exclusiveMin: true }).default(1e-5),
      /** Dynamic range kept below the clip's maximum, dB; null = no limit. */
      top_db: number({ min: 0, exclusiveMin: true }).nullable().default(null),
    }),
    z.strictObject({
      type: z.literal('ln'),
      /** Added before the natural log. */
      eps: number({ min: 0, exclusiveMin: true }).default(1e-6),
    }),
  ])
  .default({ type: 'db', amin: 1e-5, top_db: null });

/** postprocess.threshold: a number in [0, 1], or a mapping class → number in [0, 1]. */
const threshold = z
  .unknown()
  .transform((value, ctx): number | Record<string, number> => {
    const inUnit = (x: unknown, path: string[]) => {
      if (typeof x !== 'number' || x < 0 || x > 1) ctx.addIssue({ code: 'custom', message: `must be a number in [0, 1] (${JSON.stringify(x)} given)`, path, input: x });
      return x as number;
    };
    if (typeof value === 'number') return inUnit(value, []);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: 'expected a number or a mapping class → number', input: value });
      return z.NEVER;
    }
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, inUnit(x, [k])]));
  })
  .default(0.5);

// tuple items carry no default: [3] is an error, not [3, 3]
const positiveInt = z.number().int().gte(1);

const convBlock = z.strictObject({
  filters: int(16, 1),
  kernel: z.tuple([positiveInt, positiveInt]).default((): [number, number] => [3, 3]),
  batch_norm: z.boolean().default(true),
  activation: z.enum(['relu', 'glu', 'leaky_relu']).default('relu'),
  /** Max-pool size over (time, freq); [1, 1] = no pooling. */
  pool: z.tuple([positiveInt, positiveInt]).default((): [number, number] => [1, 1]),
  dropout: number({ min: 0, max: 0.99 }).default(0),
});

const poolingName = z.enum(POOLING_NAMES);

/** The dataset folder layouts the readers know (data/dcase2019.ts, data/dcase2017.ts). */
export const LAYOUT_SCHEMA = z.enum(['dcase2019', 'dcase2017']);

/**
 * The `features` section: everything that changes feature values (its hash names a feature store). Also checks the
 * settings a feature store's features.json records.
 */
export const FEATURES_SCHEMA = z.strictObject({
  /** Hz the audio is resampled to. */
  sample_rate: int(16000, 1000),
  n_fft: int(1024, 16),
  /** Samples, <= n_fft (the window is zero-padded to n_fft, centred). */
  win_length: int(1024, 16),
  /** Samples. */
  hop_length: int(320, 1),
  window: z.enum(['hann', 'hamming']).default('hann'),
  /** true: periodic window (torch default); false: symmetric (DESED uses a symmetric Hamming window). */
  periodic: z.boolean().default(true),
  n_mels: int(64, 1),
  /** Hz. */
  f_min: number({ min: 0 }).default(0),
  /** Hz. */
  f_max: number({ min: 0, exclusiveMin: true }).default(8000),
  mel_scale: z.enum(['htk', 'slaney']).default('htk'),
  /** 'slaney' scales each triangle to unit area (librosa/torchaudio norm="slaney"). */
  norm: z.enum(['none', 'slaney']).default('none'),
  /** 1 = magnitude, 2 = power spectrum. */
  power: z.literal([1, 2]).default(1),
  log: logScale,
  /** Pad n_fft/2 on both sides so frame t is centred on sample t·hop. */
  center: z.boolean().default(true),
  pad_mode: z.enum(['reflect', 'constant']).default('reflect'),
  /** Clip length the features are cut or zero-padded to, in seconds; null keeps each clip's own length. */
  clip_seconds: number({ min: 0, exclusiveMin: true }).nullable().default(10),
});

/** The whole config: one strict section per YAML section, each key with its default (z.infer gives SedConfig). */
export const SCHEMA = z.strictObject({
  data: section({
    /** Which official folder layout `root` follows. */
    layout: LAYOUT_SCHEMA.default('dcase2019'),
    /** Dataset folder (DCASE layout). Relative paths resolve against the working directory. */
    root: z.string().default('data/synth2019'),
    /** Class names in output order. Empty = the layout's official list (or classes.json of synthetic data). */
    classes: z.array(z.string()).default(() => []),
  }),
  features: FEATURES_SCHEMA.prefault({} as never),
  net: section({
    conv: z
      .array(convBlock)
      .min(1)
      .default((): z.output<typeof convBlock>[] => [
        { filters: 8, kernel: [3, 3], batch_norm: true, activation: 'relu', pool: [2, 4], dropout: 0 },
        { filters: 16, kernel: [3, 3], batch_norm: true, activation: 'relu', pool: [2, 4], dropout: 0 },
        { filters: 32, kernel: [3, 3], batch_norm: true, activation: 'relu', pool: [1, 4], dropout: 0 },
      ]),
    rnn: section({
      type: z.enum(['bigru']).default('bigru'),
      units: int(32, 1),
      layers: int(1, 1),
      dropout: number({ min: 0, max: 0.99 }).default(0),
    }),
    /** Dropout before the frame-level classifier. */
    dropout: number({ min: 0, max: 0.99 }).default(0),
  }),
  pooling: section({
    /** A head of model/pooling/registry.ts. */
    head: poolingName.default('power'),
    /** Power pooling: initial n_c for every class. */
    n_init: number({ min: 0 }).default(1),
    /** Power pooling: weight of λ Σ_c n_c² in the loss. */
    lambda: number({ min: 0 }).default(1e-3),
    /** Learning rate of the pooling parameters (n_c, α_c); null = the model's learning rate. */
    lr: number({ min: 0, exclusiveMin: true }).nullable().default(null),
    /** Epochs during which the pooling parameters stay frozen and λ is off (0 = the paper's plain recipe). */
    warmup_epochs: int(0, 0),
    /**
     * After the warm-up, a class's pooling parameters stay frozen until the class is learned: its clip-level F1 on the
     * training clips of an epoch reaches this value (then they stay free). null = all classes free (the paper's recipe).
     */
    unfreeze_f1: number({ min: 0, max: 1 }).nullable().default(null),
  }),
  train: section({
    epochs: int(20, 1),
    /** Clips the optimiser's step averages over; the step runs in micro-batches of micro_batch clips. */
    batch_size: int(16, 1),
    lr: number({ min: 0, exclusiveMin: true }).default(1e-3),
    /**
     * Clips per forward/backward pass; the passes' gradients are summed into one step of batch_size clips.
     * auto = the largest that fits the backend's memory, measured by a probe step (backend/micro-batch.ts).
     */
    micro_batch: z.union([z.literal('auto'), z.number().int().gte(1)], { error: 'must be auto or an integer >= 1' }).default('auto'),
    /** Memory a training step may use, GiB; null = the backend's (wasm32's 4 GiB heap, or free host memory). */
    memory_limit_gib: number({ min: 0, exclusiveMin: true }).nullable().default(null),
    seed: int(1, 0),
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    /** Metric that selects the best epoch, read from the validation metrics. */
    /** event_f1_macro_tuned: each class's median window chosen among postprocess.median_candidates on the same
     * validation clips, as `sed eval` then reports (short classes count; with one window they are erased). */
    select_metric: z.enum(['val_loss', 'clip_f1_macro', 'event_f1_macro', 'event_f1_macro_tuned']).default('event_f1_macro'),
    /** Weight of the frame-level BCE on strongly labelled clips (DCASE 2019 synthetic). */
    strong_weight: number({ min: 0 }).default(1),
    mean_teacher: section({
      enabled: z.boolean().default(false),
      ema_decay: number({ min: 0, max: 1 }).default(0.999),
      /** Maximum weight of the consistency loss, reached after rampup_epochs (sigmoid ramp-up). */
      consistency_weight: number({ min: 0 }).default(2),
      rampup_epochs: int(50, 0),
    }),
    /** Log a line every this many steps when stderr is not a TTY. */
    log_every: int(50, 1),
    /** Keep the checkpoint of every epoch (true) or only the last and the best (false). */
    keep_all_checkpoints: z.boolean().default(false),
  }),
  postprocess: section({
    /** One threshold for every class, or one per class name. */
    threshold,
    /** Median filter window; unit given by median_unit. 1 = no filtering. */
    median_window: number({ min: 0, exclusiveMin: true }).default(5),
    median_unit: z.enum(['frames', 'seconds']).default('frames'),
    /** Windows (unit median_unit) to choose from per class on the validation subset at eval time; [] = median_window
     * for every class. The choice maximises each class's event-based F1 there (postprocess/tune-median.ts). */
    median_candidates: z.array(number({ min: 0, exclusiveMin: true })).default(() => []),
  }),
  reproduce: section({
    /** Pooling heads to train, one model per head and seed. */
    heads: z.array(poolingName).min(1).default(() => ['power', 'linear_softmax']),
    seeds: z.array(int(1, 0)).min(1).default(() => [1, 2]),
    /** Weakly labelled clips `sed synth` makes when data.root is empty. */
    synth_clips: int(200, 1),
    synth_seed: int(1, 0),
    /** With synth_backgrounds: mix real recordings (one subfolder of isolated events per class) instead of the built-in
     * sounds when data.root is empty (`sed synth --events/--backgrounds`); '' = the built-in sounds. */
    synth_events: z.string().default(''),
    synth_backgrounds: z.string().default(''),
    /** JSON file {class: [min_sec, max_sec]}: those classes' events are cropped or looped to that length; '' = none. */
    synth_event_durations: z.string().default(''),
    /** With synth_events: event-to-background SNR range in dB, [low, high] (`sed synth --snr`); DESED mixes at 6–30. */
    synth_snr_db: z.tuple([z.number(), z.number()]).default(() => [0, 15] as [number, number]),
    /** With synth_events: speed perturbation of the training clips' events, [low, high] (`sed synth --speed`); [1, 1] = none. */
    synth_speed: z.tuple([z.number(), z.number()]).default(() => [1, 1] as [number, number]),
    /** Classes with mean event duration ≤ this (s) are the short ones of the short-class F1 check; null = no check. */
    short_max_sec: number({ min: 0, exclusiveMin: true }).nullable().default(null),
  }),
  eval: section({
    /** Seconds. */
    t_collar: number({ min: 0 }).default(0.2),
    percentage_of_length: number({ min: 0 }).default(0.2),
    segment_seconds: number({ min: 0, exclusiveMin: true }).default(1),
    psds: section({
      dtc: number({ min: 0, max: 1 }).default(0.7),
      gtc: number({ min: 0, max: 1 }).default(0.7),
      cttc: number({ min: 0, max: 1 }).default(0.3),
      alpha_ct: number({ min: 0 }).default(0),
      alpha_st: number({ min: 0 }).default(1),
      max_efpr: number({ min: 0, exclusiveMin: true }).default(100),
      n_thresholds: int(50, 2),
    }),
  }),
});
