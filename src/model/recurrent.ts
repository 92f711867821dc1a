/**
 * The recurrent part of the CRNN, behind one function so that a faster implementation (issue 5: a fused GRU for
 * the wasm backend) can replace it without touching the model builder.
 *
 * tfjs-layers' GRU: recurrentActivation is set to 'sigmoid' as in PyTorch and the DCASE baselines (the tfjs default
 * is 'hardSigmoid'). It applies the reset gate before the recurrent matmul (Keras resetAfter = false, the only
 * mode tfjs supports), whereas PyTorch applies it after; the two are different parameterisations of the same
 * architecture, so weights do not transfer between them.
 */
import { layers } from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';

export interface BiGruOptions {
  /** Units per direction; outputs are concatenated (2·units features per frame). */
  units: number;
  name: string;
}

/** A bidirectional GRU returning sequences: [batch, frames, dims] → [batch, frames, 2·units]. */
export function applyBiGru(x: SymbolicTensor, opts: BiGruOptions): SymbolicTensor {
  const gru = layers.gru({
    units: opts.units,
    returnSequences: true,
    recurrentActivation: 'sigmoid',
    name: `${opts.name}_gru`,
  });
  const bi = layers.bidirectional({ layer: gru, mergeMode: 'concat', name: opts.name });
  return bi.apply(x) as SymbolicTensor;
}
