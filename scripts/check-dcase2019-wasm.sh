#!/usr/bin/env bash
# The issue-12 command on the wasm backend, from a fresh checkout: the DCASE 2019 config (baseline net, batch 24,
# mean teacher) trains one epoch on a 16-clip synthetic set in micro-batches chosen by the memory probe, and writes
# n_c.json. Exits non-zero if any step fails. ~3 min on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
node bin/sed.js synth --layout dcase2019 --out "$dir/d" --clips 16 --seed 4
node bin/sed.js features --config configs/dcase2019.yaml --root "$dir/d" --out "$dir/f"
node bin/sed.js train --config configs/dcase2019.yaml --features "$dir/f" --out "$dir/r" --epochs 1 --backend wasm
test -s "$dir/r/n_c.json" || { echo "check-dcase2019-wasm: no n_c.json written" >&2; exit 1; }
cat "$dir/r/n_c.json"
