/** Worker thread body for `sed features`: builds the extractor once, then extracts the clips it is sent. */
import { workerData } from 'node:worker_threads';
import type { FeatureSettings } from '../config/types.ts';
import { serveTasks } from '../util/worker-pool.ts';
import { extractClipToFile, type ClipResult } from './extract-clip.ts';
import type { FeatureTask } from './run-features.ts';
import { LogMelExtractor } from './log-mel.ts';

const settings = workerData as FeatureSettings;
const extractor = new LogMelExtractor(settings);

await serveTasks<FeatureTask, ClipResult>((task) => extractClipToFile(task.audioPath, task.npyPath, settings, extractor, { allowTruncated: task.allowTruncated }));
