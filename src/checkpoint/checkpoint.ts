/**
 * Checkpoint folders in the tfjs-node `file://` layout (model.json + weights.bin), plus what resuming needs:
 * state.json (epoch, step, RNG state, best metric, optimizer weight specs), optimizer.bin, and the teacher model
 * when mean teacher is on. Folders are written under a temporary name and renamed into place.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { DataError } from '../errors.ts';
import { z } from 'zod';
import { writeFileAtomic } from '../io/atomic.ts';
import { readJsonFile } from '../io/json-file.ts';
import { saveModel } from '../model/model-io.ts';
import type { RngState } from '../util/rng.ts';

/** state.json of a checkpoint: what resuming needs besides the weights. JSON writes a non-finite number as null. */
export const TRAIN_STATE_SCHEMA = z.object({
  /** Epochs fully completed. */
  epoch: z.number().int().gte(0),
  /** Batches done inside the epoch in progress (0 at an epoch boundary). */
  batch_in_epoch: z.number().int().gte(0),
  step: z.number().int().gte(0),
  rng: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  best: z.object({ metric: z.string(), value: z.number(), epoch: z.number().int() }).nullable(),
  /** Weight specs of each optimizer's optimizer-<name>.bin. */
  optimizers: z.record(z.string(), z.array(z.looseObject({ name: z.string(), shape: z.array(z.number()), dtype: z.string() }))),
  /** Running sums of the epoch in progress, so an epoch resumed mid-way reports the same means. */
  epoch_sums: z.record(z.string(), z.number().nullable()),
  /** Per class, whether its pooling parameters may move (pooling.unfreeze_f1); null when every class is free. */
  unfrozen: z.array(z.boolean()).nullable(),
  /** Clip-level tp, fp, fn per class over the training clips of the epoch in progress (at threshold 0.5). */
  clip_counts: z.tuple([z.array(z.number()), z.array(z.number()), z.array(z.number())]),
  interrupted: z.boolean(),
});

/** state.json's content; optimizers' weight specs typed as tfjs has them. */
export type TrainState = Omit<z.infer<typeof TRAIN_STATE_SCHEMA>, 'optimizers' | 'epoch_sums' | 'rng'> & {
  rng: RngState;
  optimizers: Record<string, tf.io.WeightsManifestEntry[]>;
  epoch_sums: Record<string, number>;
};

export interface PerClassParams {
  pooling: string;
  epoch: number;
  [name: string]: unknown;
}

/** An optimizer's slots as bytes plus weight specs (tfjs weight encoding) for optimizer-<name>.bin and state.json. */
export async function encodeOptimizer(optimizer: tf.Optimizer): Promise<{ data: Uint8Array; specs: tf.io.WeightsManifestEntry[] }> {
  const named = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(named);
  return { data: new Uint8Array(data as ArrayBuffer), specs };
}

/** Restores an optimizer's slots from encodeOptimizer's bytes and specs (nothing when specs is empty). */
export async function restoreOptimizer(optimizer: tf.Optimizer, bytes: Uint8Array, specs: tf.io.WeightsManifestEntry[]) {
  if (!specs.length) return;
  const buffer = bytes.slice().buffer as ArrayBuffer;
  const decoded = tf.io.decodeWeights(buffer, specs);
  await optimizer.setWeights(specs.map((s) => ({ name: s.name, tensor: decoded[s.name] })));
}

export interface CheckpointContent {
  model: tfl.LayersModel;
  teacher: tfl.LayersModel | null;
  optimizers: Record<string, tf.Optimizer>;
  state: Omit<TrainState, 'optimizers'>;
  perClass: PerClassParams | null;
}

/** Writes a whole checkpoint folder atomically (temporary folder, then rename over the old one). */
export async function writeCheckpoint(dir: string, content: CheckpointContent): Promise<void> {
  const temp = `${dir}.${randomBytes(4).toString('hex')}.tmp`;
  await mkdir(temp, { recursive: true });
  await saveModel(content.model, temp);
  if (content.teacher) await saveModel(content.teacher, join(temp, 'teacher'));
  const optimizerSpecs: TrainState['optimizers'] = {};
  for (const [name, optimizer] of Object.entries(content.optimizers)) {
    const { data, specs } = await encodeOptimizer(optimizer);
    optimizerSpecs[name] = specs;
    await writeFileAtomic(join(temp, `optimizer-${name}.bin`), data);
  }
  const state: TrainState = { ...content.state, optimizers: optimizerSpecs };
  await writeFileAtomic(join(temp, 'state.json'), `${JSON.stringify(state, null, 1)}\n`);
  if (content.perClass) await writeFileAtomic(join(temp, 'n_c.json'), `${JSON.stringify(content.perClass, null, 1)}\n`);
  await replaceDir(temp, dir);
}

/** Puts the complete folder `fresh` in place of `target` (old copy parked as `<target>.old` between two renames). */
export async function replaceDir(fresh: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const old = `${target}.old`;
  await rm(old, { recursive: true, force: true });
  if (existsSync(target)) await rename(target, old);
  await rename(fresh, target);
  await rm(old, { recursive: true, force: true });
}

/** The folder to resume from: `dir`, or its `.old` twin when an earlier run stopped between the two renames. */
export function findCheckpoint(dir: string): string | null {
  if (existsSync(join(dir, 'state.json'))) return dir;
  if (existsSync(join(`${dir}.old`, 'state.json'))) return `${dir}.old`;
  return null;
}

/** A checkpoint's state.json, checked (TRAIN_STATE_SCHEMA); DataError naming the file when missing or invalid. */
export function readState(dir: string): TrainState {
  return readJsonFile(join(dir, 'state.json'), TRAIN_STATE_SCHEMA, 'training state (state.json)') as TrainState;
}
