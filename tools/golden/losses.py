#!/usr/bin/python3
"""Golden values and gradients of descent's losses from torch 1.13 (double precision).

Run from the repository root:  /usr/bin/python3 tools/golden/losses.py
Writes tests/golden/losses.json: a list of cases {name, options, output, target, value, grad}.
Targets of class-index losses are lists of class ids; others have the output's shape.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(1234)
B, K = 6, 4
logits = (torch.randn(B, K, dtype=torch.float64) * 2.0)
classes = torch.tensor([0, 3, 1, 2, 3, 0])
regress_target = torch.randn(B, K, dtype=torch.float64)
prob_target = torch.rand(B, K, dtype=torch.float64)
binary_target = (torch.rand(B, K) > 0.5).to(torch.float64)
weights = [0.5, 2.0, 1.0, 3.0]


def sigmoid_focal(x, y, gamma, alpha):
    # Lin et al. 2017, torchvision.ops.sigmoid_focal_loss (reduction='mean'), written out here
    p = torch.sigmoid(x)
    ce = F.binary_cross_entropy_with_logits(x, y, reduction="none")
    p_t = p * y + (1 - p) * (1 - y)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * y + (1 - alpha) * (1 - y)) * loss
    return loss.mean()


def softmax_focal(x, y, gamma, weight):
    # descent's multiclass focal loss: mean_i -w_{y_i} (1 - p_{i,y_i})^gamma log p_{i,y_i}
    logp = F.log_softmax(x, dim=1).gather(1, y[:, None])[:, 0]
    w = torch.ones(x.shape[1], dtype=x.dtype) if weight is None else torch.tensor(weight, dtype=x.dtype)
    return (-w[y] * (1 - logp.exp()) ** gamma * logp).mean()


cases = []


def add(name, options, fn, target, output=logits):
    x = output.clone().requires_grad_(True)
    value = fn(x)
    value.backward()
    t = target.tolist()
    cases.append({"name": name, "options": options, "output": output.tolist(), "target": t,
                  "value": value.item(), "grad": x.grad.tolist()})


add("mse", {}, lambda x: F.mse_loss(x, regress_target), regress_target)
add("half_mse", {}, lambda x: ((x - regress_target) ** 2).sum() / (2 * B), regress_target)
add("mae", {}, lambda x: F.l1_loss(x, regress_target), regress_target)
add("huber", {}, lambda x: F.huber_loss(x, regress_target), regress_target)
add("huber", {"delta": 0.5}, lambda x: F.huber_loss(x, regress_target, delta=0.5), regress_target)
add("bce_with_logits", {}, lambda x: F.binary_cross_entropy_with_logits(x, prob_target), prob_target)
big = logits * 30  # saturated logits: the stable form must not overflow
add("bce_with_logits", {}, lambda x: F.binary_cross_entropy_with_logits(x, binary_target),
    binary_target, output=big)
add("cross_entropy", {}, lambda x: F.cross_entropy(x, classes), classes)
add("cross_entropy", {}, lambda x: F.cross_entropy(x, classes), classes, output=big)
add("cross_entropy", {"label_smoothing": 0.1},
    lambda x: F.cross_entropy(x, classes, label_smoothing=0.1), classes)
add("cross_entropy", {"weight": weights},
    lambda x: F.cross_entropy(x, classes, weight=torch.tensor(weights, dtype=torch.float64)), classes)
add("cross_entropy", {"label_smoothing": 0.2, "weight": weights},
    lambda x: F.cross_entropy(x, classes, weight=torch.tensor(weights, dtype=torch.float64),
                              label_smoothing=0.2), classes)
add("binary_focal", {}, lambda x: sigmoid_focal(x, binary_target, 2.0, 0.25), binary_target)
add("binary_focal", {"gamma": 1.5, "alpha": -1},
    lambda x: sigmoid_focal(x, binary_target, 1.5, -1), binary_target)
add("focal", {}, lambda x: softmax_focal(x, classes, 2.0, None), classes)
add("focal", {"gamma": 0.0}, lambda x: softmax_focal(x, classes, 0.0, None), classes)
add("focal", {"gamma": 3.0, "weight": weights}, lambda x: softmax_focal(x, classes, 3.0, weights), classes)
add("multi_margin", {}, lambda x: F.multi_margin_loss(x, classes), classes)
add("multi_margin", {"margin": 2.5}, lambda x: F.multi_margin_loss(x, classes, margin=2.5), classes)
add("multi_margin", {"weight": weights},
    lambda x: F.multi_margin_loss(x, classes, weight=torch.tensor(weights, dtype=torch.float64)), classes)

out = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "losses.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
