#!/usr/bin/python3
"""Golden trajectories of torch.optim.SGD, Adam and AdamW (Debian python3-torch 1.13).

Run with /usr/bin/python3 from the repository root:
    /usr/bin/python3 tools/golden/optim_sgd_adam.py
It writes tests/golden/optim_sgd_adam.json, replayed by tests/optim/sgd_adam_golden_test.cpp.

Every case starts from the same three tensors and takes STEPS steps on a deterministic gradient
that depends on the parameters, so a difference in one step propagates to the next:

    g_i(t) = sin(0.7*t + 1.3*i) + 0.1*p_i          (t = 1, 2, ... the step about to be taken)

where i is the element's index when the tensors are flattened and concatenated in declaration
order, and p_i the current parameter. g is computed in double (libm sin, the same in Python and
C++) from the parameter converted to double, then rounded to the parameter's dtype. The C++ test
computes the same expression in the same order.

For float64 and float32 the file records, after every step, the parameters and the optimizer
state (momentum_buffer, exp_avg, exp_avg_sq, max_exp_avg_sq, where torch keeps it; zeros for
tensors and steps where torch keeps none, as descent does), flattened in declaration order. float32 numbers are written in their shortest float32 form (they read back to
the same float). Each case stores the descent optimizer spec (the JSON given to optim::make); the
torch arguments are derived from it here.
"""
import json
import math
import os

import numpy as np
import torch

STEPS = 60
OUT = os.path.join("tests", "golden", "optim_sgd_adam.json")

# name, shape, initial values (p0_i = 0.8*cos(0.9*i + 0.2) in declaration order)
SHAPES = [("weight", [2, 2]), ("bias", [3]), ("scale", [1, 3])]


def initial_values():
    out, i = [], 0
    for _, shape in SHAPES:
        n = math.prod(shape)
        out.append([0.8 * math.cos(0.9 * (i + k) + 0.2) for k in range(n)])
        i += n
    return out


def gradient(t, i, p):
    """g_i(t) = sin(0.7*t + 1.3*i) + 0.1*p_i, in double."""
    return math.sin(0.7 * t + 1.3 * i) + 0.1 * p


STATE_KEYS = {"sgd": ["momentum_buffer"], "adam": ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]}
STATE_KEYS["adamw"] = STATE_KEYS["adam"]
TORCH_CLASS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}


def torch_kwargs(options):
    kw = dict(options)
    if "betas" in kw:
        kw["betas"] = tuple(kw["betas"])
    return kw


def to_json_numbers(values, dtype):
    """Doubles as they are; float32 in shortest float32 form, checked to read back exactly."""
    if dtype == torch.float64:
        return [float(v) for v in values]
    out = []
    for v in values:
        f = np.float32(v)
        short = float(repr(f))
        assert np.float32(short) == f
        out.append(short)
    return out


def run(case, dtype):
    spec = case["spec"]
    name = spec["name"]
    groups_of = case.get("tensor_groups", [0] * len(SHAPES))
    tensors = [torch.tensor(v, dtype=torch.float64).to(dtype).reshape(shape)
               for v, (_, shape) in zip(initial_values(), SHAPES)]
    for t in tensors:
        t.requires_grad_(True)
    defaults = {k: v for k, v in spec.items() if k not in ("name", "groups")}
    overrides = spec.get("groups", [])
    num_groups = max(groups_of) + 1
    param_groups = []
    for g in range(num_groups):
        group = {"params": [t for t, tg in zip(tensors, groups_of) if tg == g]}
        if g < len(overrides):
            group.update(torch_kwargs(overrides[g]))
        param_groups.append(group)
    opt = TORCH_CLASS[name](param_groups, **torch_kwargs(defaults))
    lr_changes = case.get("lr_changes", [])
    option_changes = case.get("option_changes", [])

    record = {"params": [], "state": {}}
    held_per_step = {key: [] for key in STATE_KEYS[name]}
    for t in range(1, STEPS + 1):
        for change in lr_changes:
            if change["step"] == t:
                opt.param_groups[change["group"]]["lr"] = change["lr"]
        for change in option_changes:
            if change["step"] == t:
                opt.param_groups[change["group"]].update(torch_kwargs(change["options"]))
        i = 0
        for p in tensors:
            flat = p.detach().reshape(-1).tolist()
            g = [gradient(t, i + k, flat[k]) for k in range(len(flat))]
            p.grad = torch.tensor(g, dtype=torch.float64).to(dtype).reshape(p.shape)
            i += len(flat)
        opt.step()
        record["params"].append(
            to_json_numbers([x for p in tensors for x in p.detach().reshape(-1).tolist()], dtype))
        for key in STATE_KEYS[name]:
            held = [opt.state[p].get(key) for p in tensors]  # tensors change in place: copy now
            held_per_step[key].append([h.reshape(-1).tolist() if h is not None else None for h in held])
    # A buffer torch never creates is not recorded. Where torch has none (amsgrad off in a group, SGD
    # before the first step with momentum) descent's holds zeros.
    for key, per_step in held_per_step.items():
        if all(h is None for held in per_step for h in held):
            continue
        for held in per_step:
            values = [x for p, h in zip(tensors, held) for x in (h if h is not None else [0.0] * p.numel())]
            record["state"].setdefault(key, []).append(to_json_numbers(values, dtype))
    return record


def cases():
    c = []

    def add(name, spec, **extra):
        c.append({"name": name, "spec": spec, **extra})

    sgd = {"name": "sgd", "lr": 0.1}
    add("sgd_default", sgd)
    add("sgd_momentum", {**sgd, "momentum": 0.9})
    add("sgd_dampening", {**sgd, "momentum": 0.9, "dampening": 0.5})
    add("sgd_weight_decay", {**sgd, "weight_decay": 0.1})
    add("sgd_nesterov", {**sgd, "momentum": 0.9, "nesterov": True})
    add("sgd_maximize", {**sgd, "maximize": True})
    add("sgd_nesterov_weight_decay", {**sgd, "momentum": 0.9, "nesterov": True, "weight_decay": 0.05})
    add("sgd_momentum_dampening_weight_decay",
        {**sgd, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.05})
    add("sgd_nesterov_weight_decay_maximize",
        {**sgd, "lr": 0.01, "momentum": 0.5, "nesterov": True, "weight_decay": 0.05, "maximize": True})
    add("sgd_two_groups",
        {**sgd, "momentum": 0.9,
         "groups": [{}, {"lr": 0.05, "momentum": 0.5, "dampening": 0.2, "weight_decay": 0.1}]},
        tensor_groups=[0, 1, 0])
    add("sgd_lr_change", {**sgd, "momentum": 0.9, "dampening": 0.1},
        lr_changes=[{"step": 21, "group": 0, "lr": 0.02}, {"step": 41, "group": 0, "lr": 0.2}])
    # Momentum switched on mid-run (a scheduler cycling it, or set by hand): torch's buffer is absent
    # until the first step with momentum, which copies the gradient into it even with dampening;
    # switched off and on again, the kept buffer continues with dampening.
    add("sgd_momentum_switched_on", {**sgd, "dampening": 0.5},
        option_changes=[{"step": 10, "group": 0, "options": {"momentum": 0.9}},
                        {"step": 30, "group": 0, "options": {"momentum": 0.0}},
                        {"step": 45, "group": 0, "options": {"momentum": 0.9}}])

    for name in ("adam", "adamw"):
        big = {"name": name, "lr": 0.05}
        add(f"{name}_default", {"name": name})
        add(f"{name}_lr", big)
        add(f"{name}_betas", {**big, "betas": [0.8, 0.99]})
        add(f"{name}_eps", {**big, "eps": 1e-3})
        add(f"{name}_weight_decay", {**big, "weight_decay": 0.1})
        add(f"{name}_amsgrad", {**big, "amsgrad": True})
        add(f"{name}_maximize", {**big, "maximize": True})
        add(f"{name}_amsgrad_weight_decay_maximize",
            {**big, "amsgrad": True, "weight_decay": 0.1, "maximize": True})
        add(f"{name}_two_groups_lr_change",
            {**big, "groups": [{"betas": [0.5, 0.9]}, {"lr": 0.01, "weight_decay": 0.2, "amsgrad": True}]},
            tensor_groups=[1, 0, 1],
            lr_changes=[{"step": 16, "group": 1, "lr": 0.1}, {"step": 31, "group": 0, "lr": 0.005}])
    return c


def main():
    torch.set_num_threads(1)
    out = {
        "generator": "tools/golden/optim_sgd_adam.py",
        "torch": torch.__version__,
        "gradient": "g_i(t) = sin(0.7*t + 1.3*i) + 0.1*p_i in double, i = flat index in declaration "
                    "order, t = 1, 2, ...; lr_changes and option_changes apply before step `step`",
        "steps": STEPS,
        "tensors": [{"name": n, "shape": s, "init": v} for (n, s), v in zip(SHAPES, initial_values())],
        "cases": [],
    }
    for case in cases():
        entry = dict(case)
        entry["float64"] = run(case, torch.float64)
        entry["float32"] = run(case, torch.float32)
        out["cases"].append(entry)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {len(out['cases'])} cases x {STEPS} steps")


if __name__ == "__main__":
    main()
