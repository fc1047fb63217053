#!/usr/bin/python3
"""Golden trajectories of torch.optim Adagrad, RMSprop, Adadelta, Adamax, NAdam and RAdam
(Debian python3-torch 1.13) for tests/optim/others_golden_test.cpp.

Run from the repository root:  /usr/bin/python3 tools/golden/optim_others.py
Writes tests/golden/optim_others.json.

Setup of every case: two parameter groups, tensor "a" (3 elements, group 0) and tensor "b"
(2 elements, group 1), starting at INIT. At step t = 1, 2, ... the gradient of arena element i
(a's elements, then b's) is computed in double from the current parameter values,
    g_i = sin(0.7 t + 1.3 i) + 0.1 p_i,
then rounded to the case's dtype. After every step the parameters and every state tensor torch
keeps (concatenated in the same order) are recorded, and NAdam's mu_product.
"""
import json
import math
import os

import torch

STEPS = 50
SIZES = [3, 2]
INIT = [0.8, -1.2, 0.3, 2.0, -0.5]
GRADIENT = "g_i = sin(0.7 t + 1.3 i) + 0.1 p_i (double, then rounded to dtype); t = step from 1, i = arena index"

CLASSES = {
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
    "adadelta": torch.optim.Adadelta,
    "adamax": torch.optim.Adamax,
    "nadam": torch.optim.NAdam,
    "radam": torch.optim.RAdam,
}

# name -> (top-level options, per-group overrides of group 1 or None)
CASES = {
    "adagrad": [
        ("defaults", {}, None),
        ("lr", {"lr": 0.1}, None),
        ("lr_decay", {"lr_decay": 0.05}, None),
        ("weight_decay", {"weight_decay": 0.1}, None),
        ("initial_accumulator_value", {"initial_accumulator_value": 0.5}, None),
        ("eps", {"eps": 1e-2}, None),
        ("maximize", {"maximize": True}, None),
        ("combined", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.05,
                      "initial_accumulator_value": 0.1, "maximize": True}, None),
        ("two_groups", {"lr": 0.1}, {"lr_decay": 0.1, "weight_decay": 0.2}),
    ],
    "rmsprop": [
        ("defaults", {}, None),
        ("lr", {"lr": 0.05}, None),
        ("alpha", {"alpha": 0.9}, None),
        ("eps", {"eps": 1e-2}, None),
        ("weight_decay", {"weight_decay": 0.1}, None),
        ("momentum", {"momentum": 0.9}, None),
        ("centered", {"centered": True}, None),
        ("maximize", {"maximize": True}, None),
        ("centered_momentum", {"centered": True, "momentum": 0.9}, None),
        ("centered_momentum_decay_maximize", {"lr": 0.005, "centered": True, "momentum": 0.5,
                                              "weight_decay": 0.1, "maximize": True}, None),
        ("two_groups", {"momentum": 0.9}, {"lr": 0.03, "centered": True, "alpha": 0.8}),
    ],
    "adadelta": [
        ("defaults", {}, None),
        ("lr", {"lr": 0.5}, None),
        ("rho", {"rho": 0.5}, None),
        ("eps", {"eps": 1e-3}, None),
        ("weight_decay", {"weight_decay": 0.1}, None),
        ("maximize", {"maximize": True}, None),
        ("combined", {"lr": 2.0, "rho": 0.95, "eps": 1e-4, "weight_decay": 0.05, "maximize": True}, None),
        ("two_groups", {"rho": 0.8}, {"lr": 3.0, "weight_decay": 0.2}),
    ],
    "adamax": [
        ("defaults", {}, None),
        ("lr", {"lr": 0.05}, None),
        ("betas", {"betas": [0.8, 0.9]}, None),
        ("eps", {"eps": 1e-2}, None),
        ("weight_decay", {"weight_decay": 0.1}, None),
        ("maximize", {"maximize": True}, None),
        ("combined", {"lr": 0.02, "betas": [0.5, 0.95], "weight_decay": 0.05, "maximize": True}, None),
        ("two_groups", {"lr": 0.01}, {"betas": [0.7, 0.99], "weight_decay": 0.2}),
    ],
    "nadam": [
        ("defaults", {}, None),
        ("lr", {"lr": 0.05}, None),
        ("betas", {"betas": [0.8, 0.9]}, None),
        ("eps", {"eps": 1e-2}, None),
        ("weight_decay", {"weight_decay": 0.1}, None),
        ("momentum_decay", {"momentum_decay": 0.1}, None),
        ("combined", {"lr": 0.02, "betas": [0.95, 0.99], "weight_decay": 0.05, "momentum_decay": 0.02}, None),
        ("two_groups", {"lr": 0.01}, {"betas": [0.7, 0.99], "momentum_decay": 0.5}),
    ],
    "radam": [
        ("defaults", {}, None),
        ("lr", {"lr": 0.05}, None),
        # beta2 = 0.9: rho_inf = 19, rho_t > 5 from step 3 on; beta2 = 0.999: from step 6 on
        ("betas", {"betas": [0.8, 0.9]}, None),
        ("eps", {"eps": 1e-2}, None),
        ("weight_decay", {"weight_decay": 0.1}, None),
        ("combined", {"lr": 0.02, "betas": [0.5, 0.99], "eps": 1e-6, "weight_decay": 0.05}, None),
        ("two_groups", {"lr": 0.01}, {"betas": [0.7, 0.95], "weight_decay": 0.2}),
    ],
}


def gradient(values, t):
    return [math.sin(0.7 * t + 1.3 * i) + 0.1 * p for i, p in enumerate(values)]


def run(name, options, group1, dtype):
    a = torch.tensor(INIT[:SIZES[0]], dtype=dtype, requires_grad=True)
    b = torch.tensor(INIT[SIZES[0]:], dtype=dtype, requires_grad=True)
    groups = [{"params": [a]}, {"params": [b], **(group1 or {})}]
    opt = CLASSES[name](groups, **options)
    params, state, mu_product = [], {}, []
    for t in range(1, STEPS + 1):
        values = a.tolist() + b.tolist()
        g = torch.tensor(gradient(values, t), dtype=dtype)
        a.grad, b.grad = g[:SIZES[0]].clone(), g[SIZES[0]:].clone()
        opt.step()
        params.append(a.tolist() + b.tolist())
        sa, sb = opt.state[a], opt.state[b]
        if "mu_product" in sa:
            mu_product.append([sa["mu_product"].item(), sb["mu_product"].item()])
        for key in sorted(set(sa) | set(sb)):
            if key in ("step", "mu_product"):
                continue
            # RMSprop keeps momentum_buffer / grad_avg only in the groups that use them: null elsewhere
            row = [v for s, n in ((sa, SIZES[0]), (sb, SIZES[1]))
                   for v in (s[key].tolist() if key in s else [None] * n)]
            state.setdefault(key, []).append(row)
    spec = {"name": name, **options}
    if group1:
        spec["groups"] = [{}, group1]
    case = {"spec": spec, "params": params, "state": state}
    if mu_product:
        case["mu_product"] = mu_product
    return case


def main():
    cases = []
    for name, variants in CASES.items():
        for label, options, group1 in variants:
            for dtype, dtype_name in ((torch.float64, "float64"), (torch.float32, "float32")):
                case = {"case": f"{name}/{dtype_name}/{label}", "dtype": dtype_name}
                case.update(run(name, options, group1, dtype))
                cases.append(case)
    out = {"generator": "tools/golden/optim_others.py", "torch": torch.__version__,
           "gradient": GRADIENT, "steps": STEPS, "sizes": SIZES, "init": INIT, "cases": cases}
    path = os.path.join("tests", "golden", "optim_others.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"{path}: {len(cases)} cases")


if __name__ == "__main__":
    main()
