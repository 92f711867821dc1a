/**
 * Regression: `sed train` printed tfjs-layers' "Orthogonal initializer … Slowness may result." twice per run (and
 * tfjs-core's "Hi, looks like you are running TensorFlow.js in Node.js" banner on the cpu backend).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import '../src/model/tensor-chained-ops.ts'; // t.flatten() and the like, which the Orthogonal initializer calls
import { isTfjsNoise, silenceTfjsNoise } from '../src/util/tfjs-noise.ts';

test('the orthogonal-initializer warning is dropped, every other console.warn passes', async () => {
  await tf.setBackend('cpu');
  const seen: unknown[][] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void seen.push(args);
  try {
    // a BiGRU recurrent kernel of the DCASE 2019 config: [64, 3·64] = 12,288 weights (> tfjs' 2,000)
    tf.dispose(tfl.initializers.orthogonal({}).apply([64, 192]));
    // without the filter: tfjs' two messages (the banner comes with the first cpu kernel run)
    assert.equal(seen.length, 2, JSON.stringify(seen));
    assert.match(seen[0][0] as string, /^Orthogonal initializer is being called on a matrix with more than 2000 \(12288\) elements/);
    assert.match(seen[1][0] as string, /Hi, looks like you are running TensorFlow\.js in Node\.js/);
    assert.ok(seen.every((args) => isTfjsNoise(args[0] as string)));
    silenceTfjsNoise();
    const q = tfl.initializers.orthogonal({}).apply([64, 192]);
    // still orthogonal columns: QᵀQ = I (64×64) within float32 rounding
    const gram = tf.matMul(q, q, false, true).arraySync() as number[][];
    for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) assert.ok(Math.abs(gram[i][j] - (i === j ? 1 : 0)) < 1e-4, `${i},${j}: ${gram[i][j]}`);
    tf.dispose(q);
    assert.equal(seen.length, 2, 'the filtered message is not printed');
    console.warn('something else');
    console.warn('Orthogonal initializer', 'with a second argument');
    assert.deepEqual(seen.slice(2), [['something else'], ['Orthogonal initializer', 'with a second argument']]);
  } finally {
    console.warn = original;
  }
});
