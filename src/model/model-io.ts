/**
 * Model save and load in the tfjs-node `file://` layout: model.json (topology + weight manifest) and weights.bin, so
 * a folder written here loads in tfjs-node's `loadLayersModel('file://…')` and back. No tfjs-node needed.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { DataError } from '../errors.ts';
import { writeFileAtomic } from '../io/atomic.ts';

/** Writes a tfjs model as model.json + weights.bin into `dir` (each file atomically; the folder is created). */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData as ArrayBuffer;
      await writeFileAtomic(join(dir, 'weights.bin'), new Uint8Array(weightData));
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: null,
        weightsManifest: [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs }],
      };
      await writeFileAtomic(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/**
 * Loads model.json + weights.bin from `dir`. Custom layers (pooling heads, fused GRU) must be registered first, which
 * importing model/crnn.ts does. Throws DataError when model.json is missing; tfjs errors pass through.
 */
export async function loadModel(dir: string): Promise<tfl.LayersModel> {
  const modelFile = join(dir, 'model.json');
  if (!existsSync(modelFile)) throw new DataError(modelFile, 'no model here (expected model.json + weights.bin)');
  const json = JSON.parse(await readFile(modelFile, 'utf8'));
  const manifest = json.weightsManifest as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  const buffers = await Promise.all(manifest.flatMap((g) => g.paths.map((p) => readFile(join(dir, p)))));
  const total = Buffer.concat(buffers.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
  const weightData = total.buffer.slice(total.byteOffset, total.byteOffset + total.byteLength);
  return tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: manifest.flatMap((g) => g.weights), weightData, format: json.format }),
  );
}
