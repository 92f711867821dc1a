"""Log-mel features of every .wav in a folder with torchaudio, for comparison with `sed features` at the DESED setting.

The chain of DESED_task's baseline feature extraction: torchaudio.load → mean over channels → Resample(sr → 16 kHz)
(built once per source rate) → MelSpectrogram(n_fft 2048, win 2048, hop 256, f_min 0, f_max 8000, 128 mels,
symmetric Hamming window, power 1) → AmplitudeToDB(amplitude, amin 1e-5) → one float32 .npy per clip
[frames, 128] written with numpy.save. `src/bench/features-compare.ts` times this whole process against
`sed features --jobs 1` on the same files.

    python3 scripts/torchaudio_features.py AUDIO_DIR OUT_DIR [--threads 1]

Prints one JSON line: {"clips": .., "seconds_in_loop": .., "torch": .., "torchaudio": .., "threads": ..}.
Needs torch and torchaudio (Debian: python3-torch, python3-torchaudio).
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torchaudio


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("audio_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out_dir, exist_ok=True)
    target_hz = 16000
    mel = torchaudio.transforms.MelSpectrogram(
        sample_rate=target_hz, n_fft=2048, win_length=2048, hop_length=256, f_min=0.0, f_max=8000.0, n_mels=128,
        window_fn=torch.hamming_window, wkwargs={"periodic": False}, power=1.0,
    )
    to_db = torchaudio.transforms.AmplitudeToDB(stype="amplitude")
    to_db.amin = 1e-5
    resamplers = {}
    names = sorted(n for n in os.listdir(args.audio_dir) if n.lower().endswith(".wav"))
    t0 = time.perf_counter()
    with torch.inference_mode():
        for name in names:
            wave, sr = torchaudio.load(os.path.join(args.audio_dir, name))  # [channels, samples]
            mono = wave.mean(dim=0)
            if sr != target_hz:
                if sr not in resamplers:
                    resamplers[sr] = torchaudio.transforms.Resample(sr, target_hz)
                mono = resamplers[sr](mono)
            feats = to_db(mel(mono)).T.contiguous()  # [frames, 128]
            np.save(os.path.join(args.out_dir, name[:-4] + ".npy"), feats.numpy().astype(np.float32))
    print(json.dumps({
        "clips": len(names),
        "seconds_in_loop": round(time.perf_counter() - t0, 3),
        "torch": torch.__version__,
        "torchaudio": torchaudio.__version__,
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
