/**
 * The resolved configuration, one interface per YAML section. Keys are snake_case exactly as in YAML,
 * so a key path in an error message is the same string a user types. Defaults and validation live in
 * `schema.ts`; stages receive only their own section.
 */

export type Layout = 'dcase2019' | 'dcase2017';

export interface DataConfig {
  /** Which official folder layout `root` follows. */
  layout: Layout;
  /** Dataset folder (DCASE layout). Relative paths resolve against the working directory. */
  root: string;
  /** Class names in output order. Empty = the layout's official list (or classes.json of synthetic data). */
  classes: string[];
}

export type LogScale =
  | { type: 'db'; amin: number; top_db: number | null }
  | { type: 'ln'; eps: number };

export interface FeatureSettings {
  sample_rate: number; // Hz the audio is resampled to
  n_fft: number;
  win_length: number; // samples, <= n_fft (window is zero-padded to n_fft, centred)
  hop_length: number; // samples
  window: 'hann' | 'hamming';
  /** true: periodic window (torch default); false: symmetric (DESED uses a symmetric Hamming window). */
  periodic: boolean;
  n_mels: number;
  f_min: number; // Hz
  f_max: number; // Hz
  mel_scale: 'htk' | 'slaney';
  /** 'slaney' scales each triangle to unit area (librosa/torchaudio norm="slaney"). */
  norm: 'none' | 'slaney';
  /** 1 = magnitude, 2 = power spectrum. */
  power: 1 | 2;
  log: LogScale;
  /** Pad n_fft/2 on both sides so frame t is centred on sample t·hop. */
  center: boolean;
  pad_mode: 'reflect' | 'constant';
  /** Clip length the features are cut or zero-padded to, in seconds; null keeps each clip's own length. */
  clip_seconds: number | null;
}

export interface ConvBlockConfig {
  filters: number;
  kernel: [number, number];
  batch_norm: boolean;
  activation: 'relu' | 'glu' | 'leaky_relu';
  /** Max-pool size over (time, freq); [1, 1] = no pooling. */
  pool: [number, number];
  dropout: number;
}

export interface NetConfig {
  conv: ConvBlockConfig[];
  rnn: { type: 'bigru'; units: number; layers: number; dropout: number };
  /** Dropout before the frame-level classifier. */
  dropout: number;
}

export type PoolingName =
  | 'max'
  | 'average'
  | 'linear_softmax'
  | 'exp_softmax'
  | 'attention'
  | 'auto_pool'
  | 'power';

export interface PoolingConfig {
  head: PoolingName;
  /** Power pooling: initial n_c for every class. */
  n_init: number;
  /** Power pooling: weight of λ Σ_c n_c² in the loss. */
  lambda: number;
  /** Learning rate of the pooling parameters (n_c, α_c); null = the model's learning rate. */
  lr: number | null;
  /** Epochs during which the pooling parameters stay frozen and λ is off (0 = the paper's plain recipe). */
  warmup_epochs: number;
  /**
   * After the warm-up, a class's pooling parameters stay frozen until the class is learned: its clip-level F1 on the
   * training clips of an epoch reaches this value (then they stay free). null = all classes free (the paper's recipe).
   */
  unfreeze_f1: number | null;
}

export interface MeanTeacherConfig {
  enabled: boolean;
  ema_decay: number;
  /** Maximum weight of the consistency loss, reached after rampup_epochs (sigmoid ramp-up). */
  consistency_weight: number;
  rampup_epochs: number;
}

export interface TrainConfig {
  epochs: number;
  batch_size: number;
  lr: number;
  seed: number;
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  /** Metric that selects the best epoch, read from the validation metrics. */
  select_metric: 'val_loss' | 'clip_f1_macro' | 'event_f1_macro';
  /** Weight of the frame-level BCE on strongly labelled clips (DCASE 2019 synthetic). */
  strong_weight: number;
  mean_teacher: MeanTeacherConfig;
  /** Log a line every this many steps when stderr is not a TTY. */
  log_every: number;
  /** Keep the checkpoint of every epoch (true) or only the last and the best (false). */
  keep_all_checkpoints: boolean;
}

export interface PostprocessConfig {
  /** One threshold for every class, or one per class name. */
  threshold: number | Record<string, number>;
  /** Median filter window; unit given by median_unit. 1 = no filtering. */
  median_window: number;
  median_unit: 'frames' | 'seconds';
}

export interface EvalConfig {
  t_collar: number; // seconds
  percentage_of_length: number;
  segment_seconds: number;
  psds: {
    dtc: number;
    gtc: number;
    cttc: number;
    alpha_ct: number;
    alpha_st: number;
    max_efpr: number;
    n_thresholds: number;
  };
}

export interface ReproduceConfig {
  /** Pooling heads to train, one model per head and seed. */
  heads: PoolingName[];
  seeds: number[];
  /** Weakly labelled clips `sed synth` makes when data.root is empty. */
  synth_clips: number;
  synth_seed: number;
}

export interface SedConfig {
  data: DataConfig;
  features: FeatureSettings;
  net: NetConfig;
  pooling: PoolingConfig;
  train: TrainConfig;
  postprocess: PostprocessConfig;
  eval: EvalConfig;
  reproduce: ReproduceConfig;
}
