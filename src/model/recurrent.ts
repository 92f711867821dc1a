/**
 * The recurrent part of the CRNN, behind one function so that the model builder does not depend on how the GRU
 * is implemented.
 *
 * The GRU is tfjs-layers' formula with recurrentActivation 'sigmoid' as in PyTorch and the DCASE baselines (the
 * tfjs default is 'hardSigmoid'). It applies the reset gate before the recurrent matmul (Keras resetAfter = false,
 * the only mode tfjs supports), whereas PyTorch applies it after; the two are different parameterisations of the
 * same architecture, so weights do not transfer between them.
 *
 * 'fused' (the default) is `FusedBiGru`: the whole sequence and both directions as one op with its own gradient,
 * ~10× faster to train on wasm than 'layers', tfjs-layers' `bidirectional(gru)`, which runs each time step as a
 * dozen small ops. Both take the same six weight arrays in the same order and compute the same function.
 */
import { layers } from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { FusedBiGru } from './fused-bi-gru.ts';

export type BiGruImplementation = 'fused' | 'layers';

export interface BiGruOptions {
  /** Units per direction; outputs are concatenated (2·units features per frame). */
  units: number;
  name: string;
  /** Default 'fused'. */
  implementation?: BiGruImplementation;
}

/** A bidirectional GRU returning sequences: [batch, frames, dims] → [batch, frames, 2·units]. */
export function applyBiGru(x: SymbolicTensor, opts: BiGruOptions): SymbolicTensor {
  if ((opts.implementation ?? 'fused') === 'fused') {
    return new FusedBiGru({ units: opts.units, name: opts.name }).apply(x) as SymbolicTensor;
  }
  const gru = layers.gru({
    units: opts.units,
    returnSequences: true,
    recurrentActivation: 'sigmoid',
    name: `${opts.name}_gru`,
  });
  const bi = layers.bidirectional({ layer: gru, mergeMode: 'concat', name: opts.name });
  return bi.apply(x) as SymbolicTensor;
}
