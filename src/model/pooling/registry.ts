/**
 * Pooling heads by name: the one list the config schema (`pooling.head`, `reproduce.heads`), the CLI (`--pooling`
 * choices) and the README table derive from. Importing this module also registers every head's class for
 * (de)serialisation, which `tf.loadLayersModel` needs.
 *
 * Adding a head: write `src/model/pooling/<name>-pooling.ts` (a PoolingHead subclass, `registerClass`, and an exported
 * PoolingHeadEntry), add its entry to POOLING_HEADS below, and a test file; README "Layout of the code" has the recipe.
 */
import { ConfigError } from '../../errors.ts';
import { attentionPoolingHead } from './attention-pooling.ts';
import { autoPoolingHead } from './auto-pooling.ts';
import { averagePoolingHead } from './average-pooling.ts';
import { expSoftmaxPoolingHead } from './exp-softmax-pooling.ts';
import { linearSoftmaxPoolingHead } from './linear-softmax-pooling.ts';
import { maxPoolingHead } from './max-pooling.ts';
import type { PoolingBuildConfig, PoolingHead, PoolingHeadEntry } from './pooling-head.ts';
import { powerPoolingHead } from './power-pooling.ts';

/** Every head, in the order --help and error messages list them. */
export const POOLING_HEADS: readonly PoolingHeadEntry[] = [
  maxPoolingHead,
  averagePoolingHead,
  linearSoftmaxPoolingHead,
  expSoftmaxPoolingHead,
  attentionPoolingHead,
  autoPoolingHead,
  powerPoolingHead,
];

/** The heads' names, as a non-empty tuple for schema enums. */
export const POOLING_NAMES = POOLING_HEADS.map((h) => h.name) as [string, ...string[]];

/** The README table of heads (`| name | summary |`, registry order), printed by scripts/pooling-heads-table.ts. */
export function poolingHeadsTable(): string {
  return ['| `pooling.head` | pooled clip probability |', '|---|---|', ...POOLING_HEADS.map((h) => `| \`${h.name}\` | ${h.summary} |`)].join('\n') + '\n';
}

/**
 * Builds the head named by `cfg.head` for `nClasses` classes; the layer is named `name` ('pooling' in the CRNN).
 * Throws ConfigError('pooling.head') for an unknown name, or the head's own ConfigError (e.g. pooling.n_init).
 */
export function createPoolingHead(cfg: PoolingBuildConfig & { head: string }, nClasses: number, name = 'pooling'): PoolingHead {
  const entry = POOLING_HEADS.find((h) => h.name === cfg.head);
  if (!entry) throw new ConfigError('pooling.head', `unknown head '${String(cfg.head)}'; one of ${POOLING_NAMES.join(', ')}`);
  return entry.create({ name, nClasses }, cfg);
}

export { AttentionPooling } from './attention-pooling.ts';
export { AutoPooling } from './auto-pooling.ts';
export { AveragePooling } from './average-pooling.ts';
export { ExpSoftmaxPooling } from './exp-softmax-pooling.ts';
export { LinearSoftmaxPooling } from './linear-softmax-pooling.ts';
export { MaxPooling } from './max-pooling.ts';
export { PowerPooling } from './power-pooling.ts';
export type { PoolingHead, PoolingHeadEntry };
