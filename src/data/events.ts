/** One labelled (or detected) sound event. Times are seconds from the start of the clip. */
export interface SoundEvent {
  /** Clip file name as written in DCASE tables, e.g. `Y0123abc_30.000_40.000.wav`. */
  file: string;
  onsetSec: number;
  offsetSec: number;
  label: string;
}

/**
 * A table of events plus the files it covers. DCASE tables list a clip with no event as a row with empty
 * onset/offset/label; such a clip is in `files` with no entry in `events`.
 */
export interface EventTable {
  files: string[]; // every clip the table covers, first-appearance order
  events: SoundEvent[]; // table order
}

/** The detections at one global decision threshold (an operating point of PSDS). */
export interface OperatingPointTable {
  threshold: number;
  table: EventTable;
  /** Names the table in error messages (e.g. its file); default "detections at threshold T". */
  name?: string;
}
