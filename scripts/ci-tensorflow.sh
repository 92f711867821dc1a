#!/usr/bin/env bash
# CI's tensorflow step (.ci/run): builds the native CPU backend from the tensorflow-cpu wheel when pip can get one
# from its configured indexes, then runs the backend-parity suite on it. Without pip, the wheel, a compiler or make
# it says which and exits 0 (the rest of CI does not need the native backend); a wheel that is there but does not
# build, or a parity test that fails, exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
skip() { echo "tensorflow parity suite SKIPPED: $*"; exit 0; }
command -v python3 >/dev/null || skip "no python3 on this machine"
python3 -m pip --version >/dev/null 2>&1 || skip "no pip (python3 -m pip) on this machine"
command -v g++ >/dev/null || command -v c++ >/dev/null || skip "no C++ compiler to build the addon (apt install g++)"
command -v make >/dev/null || skip "no make to build the addon (apt install make)"
wheels=.cache/tensorflow/ci-wheel
rm -rf "$wheels" && mkdir -p "$wheels"
if ! out=$(python3 -m pip download --no-deps --only-binary=:all: --disable-pip-version-check -d "$wheels" tensorflow-cpu 2>&1); then
  skip "pip could not get the tensorflow-cpu wheel from its configured indexes ($(echo "$out" | grep -v '^\s*$' | tail -n 1))"
fi
wheel=$(ls "$wheels"/*.whl)
npm run --silent setup:tensorflow -- --wheel "$wheel"
rm -rf "$wheels"
node --import tsx --test test/tensorflow-parity.test.ts test/backend.test.ts
# Again with oneDNN's kernels, which the README offers as the faster setting (TF_ENABLE_ONEDNN_OPTS=1; ~10 s).
TF_ENABLE_ONEDNN_OPTS=1 node --import tsx --test test/tensorflow-parity.test.ts
node bin/sed.js doctor
echo "tensorflow step: $((SECONDS - start)) s"
