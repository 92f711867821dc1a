// The pthread worker of tfjs-backend-wasm's threaded SIMD build, as a file Node's worker_threads can start
// (src/backend/wasm-threads.ts). tfjs ships the worker only as a string (wasm-out/…worker.js exports
// `wasmWorkerContents`) and starts it from a `blob:` URL, which Node cannot run. The string was written for a
// template literal, so its "\n" escapes arrived as real newlines: put them back, as tfjs does before making its Blob.
// The worker expects a CommonJS scope (require, __filename); it reads the main script itself (`importScripts`).
'use strict';
const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
new Function('require', '__filename', wasmWorkerContents.replace(/\n/g, '\\n'))(require, __filename);
