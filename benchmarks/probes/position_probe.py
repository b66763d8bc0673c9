"""Where-probe of the tiny preset: can it learn the motion label (left/centre/right of the square) from
the frame alone? Prompt = 16 image tokens + the motion token; 3-way head on the motion token's logits.

    OMP_NUM_THREADS=1 python benchmarks/probes/position_probe.py base 300   # variants: flat, pos10_proj, lr1e-3, ...

Prints train/test accuracy every 100 steps next to the majority answer (see the README, section "Cold-start SFT").
"""

# ruff: noqa
import os, sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
import io, sys, time, numpy as np, torch
from PIL import Image
from crossagent.training.synthetic_data import _frame, TARGETS
from crossagent.models.presets import build_model

torch.set_num_threads(1)
variant = sys.argv[1]
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 300
m, p = build_model("tiny")
rng = np.random.default_rng(0)
names = sorted(TARGETS)


def data(n):
    X = []
    Y = []
    for i in range(n):
        colour = TARGETS[names[int(rng.integers(len(names)))]][2]
        x, y = int(rng.integers(80, 921)), int(rng.integers(300, 701))
        X.append(np.array(Image.open(io.BytesIO(_frame(rng, colour, (x * 64 // 1000, y * 64 // 1000), 64)))))
        off = x - 500
        Y.append(0 if abs(off) < 120 else (1 if off > 0 else 2))
    return p.image_processor(images=X, return_tensors="pt")["pixel_values"], torch.tensor(Y)


Xtr, Ytr = data(960)
Xte, Yte = data(300)
vt = m.model.vision_tower
if "pos10" in variant:
    with torch.no_grad():
        vt.embeddings.position_embedding.weight.mul_(10)
if "proj" in variant:
    for l in (m.model.projector.linear_1, m.model.projector.linear_2):
        torch.nn.init.normal_(l.weight, std=1 / l.in_features**0.5)
if "nopostln" in variant:
    vt.post_layernorm = torch.nn.Identity()
if "dinit" in variant:
    sd = float(variant.split("dinit")[1].split("_")[0])
    for n, mod in m.model.language_model.named_modules():
        if isinstance(mod, torch.nn.Linear):
            torch.nn.init.normal_(mod.weight, std=sd)
flat = torch.nn.Linear(16 * 192, 3)
summary = torch.nn.Linear(16 * 192, 192)  # `summary` variant: one extra token from all 16 tokens
emb = m.model.language_model.embed_tokens
prefix_len = int(variant.split("pre")[1].split("_")[0]) if "pre" in variant else 0
cls_ids = torch.tensor([10, 11, 12])
qid = torch.tensor([m.config.action_token_ids["motion"]])


def fwd(pv, randpre=False):
    f = m.model.get_image_features(pv)
    if "flat" in variant:
        return flat(f.flatten(1))
    if "center" in variant:
        f = f - f.mean(1, keepdim=True)
    if "ln" in variant.split("_"):
        f = torch.nn.functional.layer_norm(f, f.shape[-1:]) * 0.02
    if "marker" in variant:
        g = f.detach()[..., 0]  # pick slot with largest deviation from median as the marker slot
        dev = (f.detach() - f.detach().median(1, keepdim=True).values).norm(dim=-1)
        slot = dev.argmax(1)
        f = emb(torch.tensor(500)).expand(f.shape).clone()
        f[torch.arange(f.shape[0]), slot] = emb(torch.tensor(600))
    B = f.shape[0]
    if "summary" in variant:
        f = torch.cat([f, summary(f.flatten(1)).unsqueeze(1)], 1)
    parts = [f]
    if prefix_len:
        ids = torch.randint(100, 3000, (B, int(torch.randint(1, prefix_len + 1, (1,)))))
        parts.append(emb(ids))
    if "sumadd" in variant:  # `sumadd`: the answer token's embedding plus the image summary (no extra token)
        parts.append(emb(qid).expand(B, 1, -1) + summary(f.flatten(1)).unsqueeze(1))
    elif "summarylast" not in variant:  # `summarylast`: read the answer at the summary token itself
        parts.append(emb(qid).expand(B, 1, -1))
    h = m.model.language_model(inputs_embeds=torch.cat(parts, 1)).last_hidden_state[:, -1]
    return m.lm_head(h)[:, cls_ids]


lr = float(variant.split("lr")[1].split("_")[0]) if "lr" in variant else 3e-3
if "freezev" in variant:
    vt.requires_grad_(False)
if "freezevp" in variant:
    m.model.projector.requires_grad_(False)
# `vlrX`: the vision tower and projector train at X times the learning rate of the rest.
vision_mult = float(variant.split("vlr")[1].split("_")[0]) if "vlr" in variant else 1.0
vision_params = list(vt.parameters()) + list(m.model.projector.parameters())
vision_ids = {id(q) for q in vision_params}
rest = (
    [q for q in m.parameters() if id(q) not in vision_ids]
    + list(flat.parameters())
    + list(summary.parameters())
)
opt = torch.optim.AdamW([{"params": rest}, {"params": vision_params, "lr": lr * vision_mult}], lr)
t = time.time()
for s in range(steps):
    i = torch.randint(0, 960, (16,))
    loss = torch.nn.functional.cross_entropy(fwd(Xtr[i]), Ytr[i])
    opt.zero_grad()
    loss.backward()
    opt.step()
    if (s + 1) % 100 == 0:
        with torch.no_grad():
            tr = (fwd(Xtr[:300]).argmax(1) == Ytr[:300]).float().mean().item()
            te = (fwd(Xte).argmax(1) == Yte).float().mean().item()
        print(
            variant,
            s + 1,
            f"loss {loss.item():.3f} train {tr:.2f} test {te:.2f} maj {torch.bincount(Yte).max().item() / 300:.2f} {time.time() - t:.0f}s",
            flush=True,
        )
