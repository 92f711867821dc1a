"""One training step of issue 5's reference CRNN in PyTorch on the CPU, for comparison with `sed bench train`.

Same model, loss and timing as src/bench/train-bench.ts: input [B, 500, 64]; 7 x (Conv2d 3x3 'same', no bias
+ BatchNorm2d + ReLU), filters 16 32 64 128 128 128 128, max-pool (time, freq) (2,4) (2,4) (1,2) (1,2) - - -;
[B, 125, 128]; bidirectional GRU 64 per direction; Linear(128, 10) + sigmoid per frame; mean over time;
Adam 1e-3; binary cross-entropy; random inputs; median of >= 5 steps after 2 warm-up steps.

    python3 scripts/pytorch_train_step.py [--batch 8] [--threads 0] [--warmup 2] [--steps 5]

--threads 0 keeps PyTorch's default thread count. Prints one JSON line:
{"bench":"train_step","backend":"pytorch-cpu","model":"reference","batch":8,"threads":..,"step_ms_median":..,...}
Needs torch (Debian: python3-torch); the TypeScript bench does not.
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn

FILTERS = [16, 32, 64, 128, 128, 128, 128]
POOLS = [(2, 4), (2, 4), (1, 2), (1, 2), None, None, None]


class ReferenceCrnn(nn.Module):
    def __init__(self, n_classes: int = 10):
        super().__init__()
        layers, c_in = [], 1
        for filters, pool in zip(FILTERS, POOLS):
            layers += [nn.Conv2d(c_in, filters, 3, padding=1, bias=False), nn.BatchNorm2d(filters), nn.ReLU()]
            if pool is not None:
                layers.append(nn.MaxPool2d(pool))
            c_in = filters
        self.cnn = nn.Sequential(*layers)
        self.rnn = nn.GRU(128, 64, batch_first=True, bidirectional=True)
        self.dense = nn.Linear(128, n_classes)

    def forward(self, x):  # x: [batch, frames, mels]
        h = self.cnn(x.unsqueeze(1))  # [batch, 128, frames / 4, 1]
        h = h.squeeze(3).transpose(1, 2)  # [batch, frames / 4, 128]
        h, _ = self.rnn(h)  # [batch, frames / 4, 128]
        frame_prob = torch.sigmoid(self.dense(h))  # [batch, frames / 4, classes]
        return frame_prob.mean(dim=1)  # [batch, classes]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0 = PyTorch's default")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = ReferenceCrnn()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCELoss()
    x = torch.randn(args.batch, 500, 64)
    y = torch.tensor([1.0 if (i * 7919) % 3 == 0 else 0.0 for i in range(args.batch * 10)]).reshape(args.batch, 10)

    def step() -> None:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        loss.item()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({
        "bench": "train_step",
        "backend": "pytorch-cpu",
        "model": "reference",
        "batch": args.batch,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "step_ms_median": round(statistics.median(times)),
        "step_ms_min": round(min(times)),
        "steps": args.steps,
    }))


if __name__ == "__main__":
    main()
