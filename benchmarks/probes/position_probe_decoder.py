"""Decoder-only where-probe: 16 image tokens (real frames, `img`, or a marker token at the square's
column, `tok`) + one query token; 4-way head predicts the square's patch column. Only the decoder and
its (tied) embeddings train.

    OMP_NUM_THREADS=1 python benchmarks/probes/position_probe_decoder.py tok   # or img
"""

# ruff: noqa
import os, sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
import io, sys, numpy as np, torch
from PIL import Image
from crossagent.training.synthetic_data import _frame, TARGETS
from crossagent.models.presets import build_model

torch.manual_seed(0)
v = sys.argv[1]
m, p = build_model("tiny")
lm = m.model.language_model
emb = lm.embed_tokens
rng = np.random.default_rng(0)
names = sorted(TARGETS)
X = []
K = []
for i in range(960):
    colour = TARGETS[names[int(rng.integers(len(names)))]][2]
    x, y = int(rng.integers(6, 58)), int(rng.integers(19, 45))
    X.append(np.array(Image.open(io.BytesIO(_frame(rng, colour, (x, y), 64)))))
    K.append(x // 16)
X = p.image_processor(images=X, return_tensors="pt")["pixel_values"]
K = torch.tensor(K)
opt = torch.optim.AdamW(list(lm.parameters()), 3e-3)
ids_cls = torch.tensor([10, 11, 12, 13])
for s in range(300):
    i = torch.randint(0, 960, (32,))
    k = K[i]
    f = m.model.get_image_features(X[i])
    if v == "tok":  # replace by token markers at slot row 1/2 col k
        f = emb(torch.tensor(500)).expand(f.shape).clone()
        f[torch.arange(32), 4 + k] = emb(torch.tensor(600))
    if v == "x100":
        f = f * 100
    q = emb(torch.tensor(700)).expand(32, 1, -1)
    h = lm(inputs_embeds=torch.cat([f, q], 1)).last_hidden_state[:, -1]
    lo = m.lm_head(h)[:, ids_cls]
    loss = torch.nn.functional.cross_entropy(lo, k)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if s % 50 == 49:
        print(v, s, round(loss.item(), 3), (lo.argmax(1) == k).float().mean().item(), flush=True)
