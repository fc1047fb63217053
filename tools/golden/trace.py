#!/usr/bin/python3
"""Golden trajectories for `descent trace`: torch.optim optimizers (torch 1.13, Debian python3-torch)
on 2-D test functions, with f and its gradient from autograd in float64.

Each case: function, start point x0, optimizer spec (descent's JSON = torch's keyword arguments),
steps, and rows [x0, x1, f, grad_norm] for the start point and after every step (row k = after k
steps). Writes tests/golden/trace.json.  Run: /usr/bin/python3 tools/golden/trace.py
"""
import json
import pathlib

import torch

FUNCTIONS = {
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x ** 2) ** 2,
    "himmelblau": lambda x, y: (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2,
    "beale": lambda x, y: (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2
    + (2.625 - x + x * y ** 3) ** 2,
    "saddle": lambda x, y: x ** 2 - y ** 2,
}

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}

# (function, start, SGD lr, Adam lr): SGD's lr kept below 2/L of the region crossed.
SETUPS = [
    ("rosenbrock", [-1.5, 2.0], 5e-4, 0.02),
    ("himmelblau", [0.0, 0.0], 0.01, 0.05),
    ("beale", [1.0, 1.0], 0.01, 0.05),
    ("saddle", [1.0, 1e-3], 0.01, 0.01),
]
STEPS = {"rosenbrock": 600, "himmelblau": 250, "beale": 250, "saddle": 250}


def specs(sgd_lr, adam_lr):
    return [
        {"name": "sgd", "lr": sgd_lr},
        {"name": "sgd", "lr": sgd_lr, "momentum": 0.9},
        {"name": "sgd", "lr": sgd_lr, "momentum": 0.9, "nesterov": True},
        {"name": "sgd", "lr": sgd_lr, "momentum": 0.5, "dampening": 0.3, "weight_decay": 0.01},
        {"name": "adam", "lr": adam_lr},
        {"name": "adam", "lr": adam_lr, "betas": [0.8, 0.99], "amsgrad": True},
        {"name": "adamw", "lr": adam_lr, "weight_decay": 0.1},
    ]


def trajectory(function, x0, spec, steps):
    fn = FUNCTIONS[function]
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    kwargs = {k: v for k, v in spec.items() if k != "name"}
    opt = OPTIMIZERS[spec["name"]]([p], **kwargs)
    rows = []
    for k in range(steps + 1):
        opt.zero_grad()
        f = fn(p[0], p[1])
        f.backward()
        rows.append(p.detach().tolist() + [f.item(), torch.linalg.vector_norm(p.grad).item()])
        if k < steps:
            opt.step()
    return rows


def main():
    cases = []
    for function, x0, sgd_lr, adam_lr in SETUPS:
        for spec in specs(sgd_lr, adam_lr):
            cases.append({"function": function, "x0": x0, "optimizer": spec, "steps": STEPS[function],
                          "rows": trajectory(function, x0, spec, STEPS[function])})
    out = pathlib.Path(__file__).resolve().parents[2] / "tests" / "golden" / "trace.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"torch": torch.__version__, "cases": cases}, separators=(",", ":")))
    print(f"wrote {out} ({len(cases)} cases)")


if __name__ == "__main__":
    main()
