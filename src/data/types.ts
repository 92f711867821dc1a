/**
 * The normalized dataset index that both DCASE layout readers (dcase2019.ts, dcase2017.ts) produce and dataset.ts
 * assembles; in its own module so the readers and dataset.ts do not import each other.
 */
import type { Layout } from '../config/types.ts';
import type { SoundEvent } from './events.ts';

export interface ClipEntry {
  /** File name as in the metadata (DCASE 2017: with the `Y` prefix added), e.g. `Yabc_10.000_20.000.wav`. */
  name: string;
  audioPath: string;
  subset: string;
  /** Clip-level labels, deduplicated, in first-appearance order; null = not labelled. */
  weakLabels: string[] | null;
  /** Strong labels; [] = labelled with no event; null = no strong labels. */
  events: SoundEvent[] | null;
}

export type SubsetRole = 'train_weak' | 'train_strong' | 'train_unlabeled' | 'validation' | 'test';

export interface SubsetIndex {
  name: string;
  role: SubsetRole;
  clips: ClipEntry[];
}

export interface DataProblem {
  file: string;
  line?: number;
  message: string;
  kind: 'missing_audio' | 'unknown_label' | 'malformed_row' | 'duplicate';
}

export interface DatasetIndex {
  layout: Layout;
  root: string;
  classes: string[];
  subsets: SubsetIndex[];
  problems: DataProblem[];
}

export interface ReadDatasetOptions {
  /** Overrides classes.json and the official list. */
  classes?: string[];
  /** Stat every audio file and report the missing ones (default true). */
  checkAudio?: boolean;
}

/** What a layout reader returns; readDataset adds the audio check. */
export interface LayoutReadResult {
  subsets: SubsetIndex[];
  problems: DataProblem[];
}
