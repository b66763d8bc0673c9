"""One torch thread: tiny models on a shared 2-core machine run ~8x faster so (see benchmarks/act_speed.py)."""

import torch

torch.set_num_threads(1)
