import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeNpy, encodeNpy } from '../src/io/npy.ts';
import { DataError } from '../src/errors.ts';

test('npy header matches what numpy 1.x writes for a float32 [2, 3] array', () => {
  const bytes = encodeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  // numpy.save(f, np.zeros((2,3), '<f4')) writes this header, space-padded so data starts at byte 128... for
  // version 1.0 numpy pads to a multiple of 64: 10 + 118 = 128.
  const header = new TextDecoder().decode(bytes.subarray(10, 128));
  assert.equal(header.trimEnd(), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
  assert.equal(header.at(-1), '\n');
  assert.equal(new DataView(bytes.buffer).getUint16(8, true), 118);
  assert.equal(bytes.length, 128 + 24);
  // 1.0 as little-endian float32 is 00 00 80 3f
  assert.deepEqual([...bytes.subarray(128, 132)], [0x00, 0x00, 0x80, 0x3f]);
});

test('npy round-trips 1-D and 2-D arrays', () => {
  const data = Float32Array.from({ length: 35 }, (_, i) => Math.sin(i) * 1e3);
  for (const shape of [[35], [5, 7]]) {
    const back = decodeNpy(encodeNpy(data, shape), 'x.npy');
    assert.deepEqual(back.shape, shape);
    assert.deepEqual([...back.data], [...data]);
  }
});

test('truncated or foreign files name the file', () => {
  const bytes = encodeNpy(new Float32Array(10), [10]);
  assert.throws(() => decodeNpy(bytes.subarray(0, bytes.length - 4), 'a.npy'), (e: unknown) => e instanceof DataError && /a\.npy: truncated/.test(e.message));
  assert.throws(() => decodeNpy(new Uint8Array([1, 2, 3]), 'b.npy'), /b\.npy: not a \.npy/);
});

test('regression: decodeNpy of a Node Buffer reads the data, not the start of the pooled buffer behind it', () => {
  // Buffer.from(small) lives inside Node's shared 8 KiB pool at a non-zero offset, and Buffer#slice is a view: the old
  // code read its floats from offset 0 of that pool.
  const data = new Float32Array([1.5, -2.25, 3.125]);
  const npy = encodeNpy(data, [3]);
  const padding = Buffer.from('x'.repeat(13)); // moves the next pooled Buffer off any 64-byte boundary
  const asBuffer = Buffer.from(npy);
  assert.ok(padding.length > 0 && asBuffer.byteOffset > 0, 'the test needs a pooled Buffer at a non-zero offset');
  assert.deepEqual(Array.from(decodeNpy(asBuffer as unknown as Uint8Array, 'b.npy').data), [1.5, -2.25, 3.125]);
});
