/**
 * NumPy .npy format 1.0, little-endian float32, C order — the format `numpy.load` reads. The header is padded so
 * that the data starts on a 64-byte boundary, as numpy writes it.
 */
import { DataError } from '../errors.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** float32 data of `shape` (C order) → .npy v1.0 bytes ('<f4'). Throws when the shape does not hold data.length values. */
export function encodeNpy(data: Float32Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`npy: shape [${shape}] holds ${count} values, data has ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1; // magic(6) + version(2) + length(2) + header + '\n'
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  // Float32Array is little-endian on every platform Node runs on that we support (x86-64, arm64).
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

export interface NpyArray {
  data: Float32Array;
  shape: number[];
}

/**
 * .npy bytes (little-endian float32, C order) → data and shape. Throws DataError naming `file` for a bad magic, a
 * truncated header or data, another dtype, Fortran order or a header without a shape.
 */
export function decodeNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new DataError(file, 'not a .npy file (bad magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart + headerLength) throw new DataError(file, 'truncated .npy header');
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr !== '<f4') throw new DataError(file, `expected little-endian float32 ('<f4'), got ${descr}`);
  if (fortran !== 'False') throw new DataError(file, 'Fortran-order arrays are not supported');
  if (shapeText === undefined) throw new DataError(file, 'no shape in .npy header');
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLength;
  if (bytes.length - dataStart < count * 4) throw new DataError(file, `truncated .npy data: need ${count * 4} bytes, have ${bytes.length - dataStart}`);
  // Uint8Array's slice copies; a Node Buffer's slice is a view into a pooled ArrayBuffer, so call it explicitly
  const copy = Uint8Array.prototype.slice.call(bytes, dataStart, dataStart + count * 4);
  return { data: new Float32Array(copy.buffer, 0, count), shape };
}
