#!/usr/bin/python3
"""Golden learning-rate sequences from torch.optim.lr_scheduler (Debian python3-torch 1.13).

Writes tests/golden/schedules.json: a list of cases, each with the optimizer spec (descent's JSON,
two parameter groups with different lrs), the scheduler spec (descent's sched::make JSON, mapped
here to torch's classes), the number of steps, and what every group's lr (and cycled momentum) is
before each optimizer step. Protocol, replayed by tests/sched/: for t in 0..steps-1: record the lrs;
optimizer.step(); if t == set_lr.at: set the lrs by hand; scheduler.step() (step(metrics[t]) for
plateau, step(epochs[t]) when epochs are given).

Run: /usr/bin/python3 tools/golden/schedules.py   (from the repository root)
"""
import json
import math
import os
import random

import torch
from torch.optim import lr_scheduler as S

STEPS = 240


def form(spec):
    """The course forms: factor f(t) with lr_t = lr0 * f(t), as in include/descent/sched/course_forms.hpp."""
    n = spec["name"]
    if n == "exponential_decay":
        d, s = spec["decay_rate"], spec["decay_steps"]
        if spec.get("staircase", False):
            return lambda t: d ** math.floor(t / s)
        return lambda t: d ** (t / s)
    if n == "natural_exp_decay":
        return lambda t: math.exp(-spec["k"] * t)
    if n == "inverse_time_decay":
        return lambda t: 1 / (1 + spec["k"] * t)
    w, s0 = spec.get("warmup_steps", 1), spec.get("start_factor", 0)
    warm = lambda t: 1 if t >= w else s0 + (1 - s0) * t / w
    if n in ("warmup", "linear_warmup"):
        return warm
    if n == "inverse_sqrt":
        return lambda t: warm(t) if t < w else math.sqrt(w / t)
    raise ValueError(n)


def make(opt, spec):
    n = spec["name"]
    kw = {k: v for k, v in spec.items() if k not in ("name", "schedulers", "then")}
    simple = {"step": S.StepLR, "multistep": S.MultiStepLR, "constant": S.ConstantLR, "linear": S.LinearLR,
              "exponential": S.ExponentialLR, "polynomial": S.PolynomialLR, "cosine": S.CosineAnnealingLR,
              "cosine_warm_restarts": S.CosineAnnealingWarmRestarts, "cyclic": S.CyclicLR,
              "onecycle": S.OneCycleLR, "plateau": S.ReduceLROnPlateau}
    if n in simple:
        return simple[n](opt, **kw)
    if n == "sequential":
        children = [make(opt, c) for c in spec["schedulers"]]
        return S.SequentialLR(opt, children, spec["milestones"])
    if n == "chained":
        return S.ChainedScheduler([make(opt, c) for c in spec["schedulers"]])
    if n == "warmup" and "then" in spec:
        warm = S.LambdaLR(opt, form(spec))
        return S.SequentialLR(opt, [warm, make(opt, spec["then"])], [spec["warmup_steps"]])
    return S.LambdaLR(opt, form(spec))


def optimizer(spec):
    params = [torch.zeros(1, dtype=torch.float64, requires_grad=True) for _ in spec["groups"]]
    top = {k: v for k, v in spec.items() if k not in ("name", "groups")}
    groups = [dict(g, params=[p]) for g, p in zip(spec["groups"], params)]
    cls = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[spec["name"]]
    return cls(groups, **top)


def run(case):
    opt = optimizer(case["optimizer"])
    sched = make(opt, case["scheduler"])
    momentum_key = case.get("momentum_key")
    lrs, moms = [], []
    for t in range(case["steps"]):
        lrs.append([g["lr"] for g in opt.param_groups])
        if momentum_key == "momentum":
            moms.append([g["momentum"] for g in opt.param_groups])
        elif momentum_key == "betas":
            moms.append([g["betas"][0] for g in opt.param_groups])
        opt.step()
        if "set_lr" in case and case["set_lr"]["at"] == t:
            for g, lr in zip(opt.param_groups, case["set_lr"]["lr"]):
                g["lr"] = lr
        if "metrics" in case:
            sched.step(case["metrics"][t])
        elif "epochs" in case:
            sched.step(case["epochs"][t])
        else:
            sched.step()
    out = dict(case)
    out["lr"] = lrs
    if momentum_key:
        out["momentum"] = moms
    return out


SGD = {"name": "sgd", "lr": 0.1, "momentum": 0.9, "groups": [{"lr": 0.1}, {"lr": 0.03}]}
SGD_PLAIN = {"name": "sgd", "lr": 0.5, "groups": [{"lr": 0.5}, {"lr": 0.02}]}
ADAM = {"name": "adam", "lr": 0.001, "groups": [{"lr": 0.001}, {"lr": 0.004, "betas": [0.8, 0.99]}]}


def case(name, scheduler, opt=SGD, steps=STEPS, **extra):
    return dict(name=name, optimizer=opt, scheduler=scheduler, steps=steps, **extra)


def metrics(seed, n):
    """A recorded validation-loss-like sequence: decreasing, with plateaus and noise."""
    rng = random.Random(seed)
    out, level = [], 2.0
    for t in range(n):
        if t % 40 < 25:
            level *= 0.97
        out.append(level * (1 + 0.02 * rng.uniform(-1, 1)))
    return out


def main():
    cos = {"name": "cosine", "T_max": 60, "eta_min": 0.001}
    cases = [
        case("step_30", {"name": "step", "step_size": 30}),
        case("step_7_half", {"name": "step", "step_size": 7, "gamma": 0.5}, SGD_PLAIN),
        case("multistep_repeat", {"name": "multistep", "milestones": [30, 80, 80, 150], "gamma": 0.5}),
        case("multistep_10_20", {"name": "multistep", "milestones": [10, 20]}, SGD_PLAIN),
        case("constant_default", {"name": "constant"}),
        case("constant_half_40", {"name": "constant", "factor": 0.5, "total_iters": 40}, SGD_PLAIN),
        case("linear_default", {"name": "linear"}),
        case("linear_up", {"name": "linear", "start_factor": 0.25, "total_iters": 100}),
        case("linear_down", {"name": "linear", "start_factor": 1.0, "end_factor": 0.1, "total_iters": 150},
             SGD_PLAIN),
        case("exponential_098", {"name": "exponential", "gamma": 0.98}),
        case("exponential_0995", {"name": "exponential", "gamma": 0.995}, SGD_PLAIN),
        case("polynomial_default", {"name": "polynomial"}),
        case("polynomial_150_2", {"name": "polynomial", "total_iters": 150, "power": 2.0}),
        case("polynomial_250_half", {"name": "polynomial", "total_iters": 250, "power": 0.5}, SGD_PLAIN),
        case("cosine_60_eta", cos),
        case("cosine_200", {"name": "cosine", "T_max": 200}, SGD_PLAIN),
        case("cosine_7", {"name": "cosine", "T_max": 7, "eta_min": 0.0001}),
        case("cosine_hand_lr", {"name": "cosine", "T_max": 100, "eta_min": 0.001},
             set_lr={"at": 40, "lr": [0.05, 0.2]}),
        case("step_hand_lr", {"name": "step", "step_size": 25, "gamma": 0.5}, set_lr={"at": 60, "lr": [1.0, 0.5]}),
        case("warm_restarts_10_2", {"name": "cosine_warm_restarts", "T_0": 10, "T_mult": 2, "eta_min": 0.0001}),
        case("warm_restarts_25", {"name": "cosine_warm_restarts", "T_0": 25}, SGD_PLAIN),
        case("warm_restarts_3_3", {"name": "cosine_warm_restarts", "T_0": 3, "T_mult": 3, "eta_min": 0.001}),
        case("warm_restarts_fractional", {"name": "cosine_warm_restarts", "T_0": 4, "T_mult": 2},
             epochs=[(t + 1) / 7 for t in range(STEPS)]),
        case("warm_restarts_fractional_1", {"name": "cosine_warm_restarts", "T_0": 3},
             epochs=[(t + 1) / 9 for t in range(STEPS)]),
        case("cyclic_triangular", {"name": "cyclic", "base_lr": 0.01, "max_lr": 0.1, "step_size_up": 20},
             momentum_key="momentum"),
        case("cyclic_triangular2", {"name": "cyclic", "base_lr": [0.01, 0.002], "max_lr": [0.1, 0.05],
                                    "step_size_up": 20, "step_size_down": 10, "mode": "triangular2",
                                    "base_momentum": [0.8, 0.85], "max_momentum": 0.95},
             momentum_key="momentum"),
        case("cyclic_exp_range", {"name": "cyclic", "base_lr": 0.001, "max_lr": 0.2, "step_size_up": 15,
                                  "mode": "exp_range", "gamma": 0.99}, momentum_key="momentum"),
        case("cyclic_no_momentum", {"name": "cyclic", "base_lr": 0.01, "max_lr": 0.1, "step_size_up": 7.5,
                                    "step_size_down": 30, "cycle_momentum": False}, SGD_PLAIN),
        case("cyclic_adam_no_momentum", {"name": "cyclic", "base_lr": 0.0001, "max_lr": 0.003, "step_size_up": 33,
                                         "cycle_momentum": False}, ADAM),
        case("onecycle_cos_sgd", {"name": "onecycle", "max_lr": 0.5, "total_steps": STEPS},
             momentum_key="momentum"),
        case("onecycle_linear_three_phase_adam",
             {"name": "onecycle", "max_lr": [0.01, 0.02], "epochs": 12, "steps_per_epoch": 20, "pct_start": 0.25,
              "anneal_strategy": "linear", "three_phase": True, "base_momentum": 0.8,
              "max_momentum": [0.9, 0.95]}, ADAM, momentum_key="betas"),
        case("onecycle_cos_adam", {"name": "onecycle", "max_lr": 0.003, "total_steps": 300, "pct_start": 0.1,
                                   "div_factor": 10.0, "final_div_factor": 100.0}, ADAM, momentum_key="betas"),
        case("onecycle_no_momentum", {"name": "onecycle", "max_lr": [0.3, 0.1], "total_steps": STEPS + 1,
                                      "cycle_momentum": False, "three_phase": True, "pct_start": 0.4}, SGD_PLAIN),
        case("plateau_min_rel", {"name": "plateau", "factor": 0.5, "patience": 5, "cooldown": 3,
                                 "min_lr": [0.001, 0.0005]}, metrics=metrics(1, STEPS)),
        case("plateau_default", {"name": "plateau"}, SGD_PLAIN, metrics=metrics(2, STEPS)),
        case("plateau_max_abs", {"name": "plateau", "mode": "max", "threshold_mode": "abs", "threshold": 0.01,
                                 "patience": 3, "factor": 0.7, "eps": 0.001},
             metrics=[-m for m in metrics(3, STEPS)]),
        case("plateau_min_abs_eps", {"name": "plateau", "threshold_mode": "abs", "threshold": 0.001, "patience": 2,
                                     "factor": 0.3, "min_lr": 0.004, "eps": 0.0005}, SGD_PLAIN,
             metrics=metrics(4, STEPS)),
        case("sequential_linear_cosine", {"name": "sequential", "milestones": [20], "schedulers": [
            {"name": "linear", "start_factor": 0.1, "total_iters": 20}, {"name": "cosine", "T_max": 200}]}),
        case("sequential_three", {"name": "sequential", "milestones": [10, 100], "schedulers": [
            {"name": "constant", "factor": 0.1, "total_iters": 10}, {"name": "exponential", "gamma": 0.97},
            {"name": "step", "step_size": 30, "gamma": 0.5}]}, SGD_PLAIN),
        case("sequential_restarts_multistep", {"name": "sequential", "milestones": [50], "schedulers": [
            {"name": "cosine_warm_restarts", "T_0": 12, "eta_min": 0.001},
            {"name": "multistep", "milestones": [20, 60, 120]}]}),
        case("sequential_poly_cyclic", {"name": "sequential", "milestones": [30, 150], "schedulers": [
            {"name": "polynomial", "total_iters": 30, "power": 2.0},
            {"name": "cyclic", "base_lr": 0.01, "max_lr": 0.2, "step_size_up": 10},
            {"name": "linear", "start_factor": 0.5, "end_factor": 0.2, "total_iters": 40}]},
             momentum_key="momentum"),
        case("chained_constant_exponential", {"name": "chained", "schedulers": [
            {"name": "constant", "factor": 0.1, "total_iters": 2}, {"name": "exponential", "gamma": 0.9}]}),
        case("chained_three", {"name": "chained", "schedulers": [
            {"name": "linear", "start_factor": 0.2, "total_iters": 30}, {"name": "step", "step_size": 50},
            {"name": "cosine", "T_max": 80, "eta_min": 0.0001}]}, SGD_PLAIN),
        case("chained_sequential_multistep", {"name": "chained", "schedulers": [
            {"name": "sequential", "milestones": [15], "schedulers": [
                {"name": "constant", "factor": 0.5, "total_iters": 15}, {"name": "exponential", "gamma": 0.99}]},
            {"name": "multistep", "milestones": [100, 200], "gamma": 0.3}]}),
        case("exponential_decay", {"name": "exponential_decay", "decay_rate": 0.96, "decay_steps": 10}),
        case("exponential_decay_staircase", {"name": "exponential_decay", "decay_rate": 0.5, "decay_steps": 30,
                                             "staircase": True}, SGD_PLAIN),
        case("natural_exp_decay", {"name": "natural_exp_decay", "k": 0.01}),
        case("inverse_time_decay", {"name": "inverse_time_decay", "k": 0.05}, SGD_PLAIN),
        case("inverse_sqrt_10", {"name": "inverse_sqrt", "warmup_steps": 10}),
        case("inverse_sqrt_1", {"name": "inverse_sqrt", "warmup_steps": 1, "start_factor": 1.0}, SGD_PLAIN),
        case("warmup_only", {"name": "warmup", "warmup_steps": 50, "start_factor": 0.1}),
        case("warmup_cosine", {"name": "warmup", "warmup_steps": 20,
                               "then": {"name": "cosine", "T_max": 220, "eta_min": 0.0001}}),
        case("warmup_step", {"name": "warmup", "warmup_steps": 5, "start_factor": 0.2,
                             "then": {"name": "step", "step_size": 40, "gamma": 0.5}}, SGD_PLAIN),
    ]
    out = [run(c) for c in cases]
    path = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "schedules.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": out}, f, separators=(",", ":"))
    print(f"wrote {len(out)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    import warnings
    warnings.simplefilter("ignore")
    main()
