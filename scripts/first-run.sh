#!/usr/bin/env bash
# The README's first run: built-in synthetic data end to end (synth → features → train → eval).
# Re-running reuses what is done: the data set, cached features, and a finished (or interrupted) run.
set -euo pipefail
cd "$(dirname "$0")/.."
sed() { node bin/sed.js "$@"; }
[ -f data/synth2019/metadata/train/weak.tsv ] || sed synth --layout dcase2019 --out data/synth2019 --clips 200 --seed 1
sed features --config configs/default.yaml --root data/synth2019 --out features/synth2019
# --resume continues a run with a checkpoint and starts afresh in a folder without one (e.g. after Ctrl-C in epoch 1)
sed train --config configs/default.yaml --features features/synth2019 --out runs/first --resume
sed eval --run runs/first --features features/synth2019 --out reports/first
echo "report: reports/first/report.md"
