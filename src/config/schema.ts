/**
 * The configuration schema: every key, its default and its allowed values, in one place. The defaults describe the
 * built-in synthetic data (16 kHz, 10 s clips) and a small CRNN; configs/*.yaml override them for DCASE data.
 */
import { ConfigError } from '../errors.ts';
import { bool, int, list, num, obj, oneOf, pair, str, type Spec } from './spec.ts';

const POOLING_HEADS = ['max', 'average', 'linear_softmax', 'exp_softmax', 'attention', 'auto_pool', 'power'] as const;

const logScale: Spec = {
  kind: 'custom',
  describe: '{type: db, amin, top_db} or {type: ln, eps}',
  default: { type: 'db', amin: 1e-5, top_db: null },
  check(value, path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(path, 'expected a mapping {type: db|ln, ...}');
    const v = value as Record<string, unknown>;
    const allowed = v.type === 'db' ? ['type', 'amin', 'top_db'] : v.type === 'ln' ? ['type', 'eps'] : null;
    if (!allowed) throw new ConfigError(`${path}.type`, `expected db or ln, got ${JSON.stringify(v.type)}`);
    for (const key of Object.keys(v)) if (!allowed.includes(key)) throw new ConfigError(`${path}.${key}`, `unknown key for log type ${v.type}`);
    const positive = (key: string, def: number) => {
      const x = v[key] ?? def;
      if (typeof x !== 'number' || !(x > 0)) throw new ConfigError(`${path}.${key}`, `must be a number > 0 (${JSON.stringify(x)} given)`);
      return x;
    };
    if (v.type === 'ln') return { type: 'ln', eps: positive('eps', 1e-6) };
    const topDb = v.top_db ?? null;
    if (topDb !== null && (typeof topDb !== 'number' || !(topDb > 0))) throw new ConfigError(`${path}.top_db`, `must be null or a number > 0 (${JSON.stringify(topDb)} given)`);
    return { type: 'db', amin: positive('amin', 1e-5), top_db: topDb };
  },
};

const threshold: Spec = {
  kind: 'custom',
  describe: 'a number in [0,1] or a mapping class → number',
  default: 0.5,
  check(value, path) {
    const inUnit = (x: unknown, p: string) => {
      if (typeof x !== 'number' || x < 0 || x > 1) throw new ConfigError(p, `must be a number in [0, 1] (${JSON.stringify(x)} given)`);
      return x;
    };
    if (typeof value === 'number') return inUnit(value, path);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(path, 'expected a number or a mapping class → number');
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, inUnit(x, `${path}.${k}`)]));
  },
};

const convBlock = obj({
  filters: int(16, 1),
  kernel: pair(int(3, 1), [3, 3]),
  batch_norm: bool(true),
  activation: oneOf(['relu', 'glu', 'leaky_relu'], 'relu'),
  pool: pair(int(1, 1), [1, 1]),
  dropout: num(0, { min: 0, max: 0.99 }),
});

export const SCHEMA = obj({
  data: obj({
    layout: oneOf(['dcase2019', 'dcase2017'], 'dcase2019'),
    root: str('data/synth2019'),
    classes: list(str(''), []),
  }),
  features: obj({
    sample_rate: int(16000, 1000),
    n_fft: int(1024, 16),
    win_length: int(1024, 16),
    hop_length: int(320, 1),
    window: oneOf(['hann', 'hamming'], 'hann'),
    periodic: bool(true),
    n_mels: int(64, 1),
    f_min: num(0, { min: 0 }),
    f_max: num(8000, { min: 0, exclusiveMin: true }),
    mel_scale: oneOf(['htk', 'slaney'], 'htk'),
    norm: oneOf(['none', 'slaney'], 'none'),
    power: oneOf([1, 2], 1),
    log: logScale,
    center: bool(true),
    pad_mode: oneOf(['reflect', 'constant'], 'reflect'),
    clip_seconds: num(10, { min: 0, exclusiveMin: true, nullable: true }),
  }),
  net: obj({
    conv: list(convBlock, [
      { filters: 8, kernel: [3, 3], batch_norm: true, activation: 'relu', pool: [2, 4], dropout: 0 },
      { filters: 16, kernel: [3, 3], batch_norm: true, activation: 'relu', pool: [2, 4], dropout: 0 },
      { filters: 32, kernel: [3, 3], batch_norm: true, activation: 'relu', pool: [1, 4], dropout: 0 },
    ], 1),
    rnn: obj({ type: oneOf(['bigru'], 'bigru'), units: int(32, 1), layers: int(1, 1), dropout: num(0, { min: 0, max: 0.99 }) }),
    dropout: num(0, { min: 0, max: 0.99 }),
  }),
  pooling: obj({
    head: oneOf(POOLING_HEADS, 'power'),
    n_init: num(1, { min: 0 }),
    lambda: num(1e-3, { min: 0 }),
    lr: num(null, { min: 0, exclusiveMin: true, nullable: true }),
    warmup_epochs: int(0, 0),
    unfreeze_f1: num(null, { min: 0, max: 1, nullable: true }),
  }),
  train: obj({
    epochs: int(20, 1),
    batch_size: int(16, 1),
    lr: num(1e-3, { min: 0, exclusiveMin: true }),
    seed: int(1, 0),
    backend: oneOf(['auto', 'tensorflow', 'wasm', 'cpu'], 'auto'),
    select_metric: oneOf(['val_loss', 'clip_f1_macro', 'event_f1_macro'], 'event_f1_macro'),
    strong_weight: num(1, { min: 0 }),
    mean_teacher: obj({
      enabled: bool(false),
      ema_decay: num(0.999, { min: 0, max: 1 }),
      consistency_weight: num(2, { min: 0 }),
      rampup_epochs: int(50, 0),
    }),
    log_every: int(50, 1),
    keep_all_checkpoints: bool(false),
  }),
  postprocess: obj({
    threshold,
    median_window: num(5, { min: 0, exclusiveMin: true }),
    median_unit: oneOf(['frames', 'seconds'], 'frames'),
  }),
  reproduce: obj({
    heads: list(oneOf(POOLING_HEADS, 'power'), ['power', 'linear_softmax'], 1),
    seeds: list(int(1, 0), [1, 2], 1),
    synth_clips: int(200, 1),
    synth_seed: int(1, 0),
  }),
  eval: obj({
    t_collar: num(0.2, { min: 0 }),
    percentage_of_length: num(0.2, { min: 0 }),
    segment_seconds: num(1, { min: 0, exclusiveMin: true }),
    psds: obj({
      dtc: num(0.7, { min: 0, max: 1 }),
      gtc: num(0.7, { min: 0, max: 1 }),
      cttc: num(0.3, { min: 0, max: 1 }),
      alpha_ct: num(0, { min: 0 }),
      alpha_st: num(1, { min: 0 }),
      max_efpr: num(100, { min: 0, exclusiveMin: true }),
      n_thresholds: int(50, 2),
    }),
  }),
});

export { POOLING_HEADS };
