#!/usr/bin/python3
"""Golden iterates of torch.optim.LBFGS (torch 1.13, float64) -> tests/golden/lbfgs.json.

Each case minimizes one function from a start point with fixed options and records, after every
call of step(closure): the returned loss, the parameters, and the state's n_iter and func_evals.
The closures compute value and gradient by explicit formulas (no autograd), in the operation order
that tests/optim/lbfgs_test.cpp uses, so both sides see the same gradient bits.
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "lbfgs.json")


def rosenbrock(v):
    """sum_i (1 - x_i)^2 + 100*(x_{i+1} - x_i^2)^2 over consecutive pairs (2-D: the classic one)."""
    n = len(v)
    f = 0.0
    g = [0.0] * n
    for i in range(n - 1):
        r = 1.0 - v[i]
        s = v[i + 1] - v[i] * v[i]
        f = f + (r * r + 100.0 * (s * s))
        g[i] = g[i] + (-2.0 * r - 400.0 * v[i] * s)
        g[i + 1] = g[i + 1] + 200.0 * s
    return f, g


def quadratic(k):
    """0.5*(x^2 + k*y^2): condition number k."""
    def f(v):
        x, y = v
        return 0.5 * (x * x + k * (y * y)), [x, k * y]
    return f


FUNCTIONS = {"rosenbrock": rosenbrock, "quadratic10": quadratic(10.0),
             "quadratic1000": quadratic(1000.0)}


def run(function, start, options, steps, shapes):
    """shapes: sizes of the parameter tensors the start vector is split into."""
    fn = FUNCTIONS[function]
    params, at = [], 0
    for n in shapes:
        params.append(torch.tensor(start[at:at + n], requires_grad=True))
        at += n
    opt = torch.optim.LBFGS(params, **options)

    def closure():
        v = [float(e) for p in params for e in p.detach()]
        f, g = fn(v)
        at = 0
        for p in params:
            p.grad = torch.tensor(g[at:at + p.numel()])
            at += p.numel()
        return f

    records = []
    for _ in range(steps):
        loss = opt.step(closure)
        state = opt.state[params[0]]
        records.append({"loss": float(loss), "x": [float(e) for p in params for e in p.detach()],
                        "n_iter": state["n_iter"], "func_evals": state["func_evals"]})
    return records


CASES = [
    ("rosenbrock", [-1.5, 2.0], {}, 6, [2]),
    ("rosenbrock", [-1.5, 2.0], {"lr": 0.1, "max_iter": 1}, 60, [2]),
    ("rosenbrock", [-1.2, 1.0], {"line_search_fn": "strong_wolfe"}, 3, [2]),
    ("rosenbrock", [-1.2, 1.0], {"line_search_fn": "strong_wolfe", "max_iter": 1}, 40, [2]),
    ("rosenbrock", [-1.2, 1.0], {"line_search_fn": "strong_wolfe", "history_size": 3, "max_iter": 4},
     12, [2]),
    ("rosenbrock", [-1.2, 1.0, -0.5, 0.3, 2.0], {"line_search_fn": "strong_wolfe", "history_size": 4,
                                                   "max_iter": 7, "max_eval": 9}, 8, [2, 3]),
    ("rosenbrock", [0.5, -0.4, 1.3, 0.9, -1.1], {"lr": 0.5, "history_size": 5, "max_iter": 3}, 20,
     [3, 2]),
    ("rosenbrock", [-1.2, 1.0], {"line_search_fn": "strong_wolfe", "lr": 3.0, "max_iter": 2}, 15, [2]),
    ("quadratic10", [3.0, -2.0], {}, 3, [2]),
    ("quadratic1000", [3.0, -2.0], {"max_iter": 2}, 12, [2]),
    ("quadratic1000", [3.0, -2.0], {"line_search_fn": "strong_wolfe"}, 2, [2]),
    ("quadratic1000", [1.0, 1.0], {"line_search_fn": "strong_wolfe", "lr": 0.3, "max_iter": 1,
                                   "tolerance_change": 1e-12}, 20, [2]),
    ("quadratic1000", [3.0, -2.0], {"tolerance_grad": 1e-3, "history_size": 1}, 3, [2]),
]

golden = []
for function, start, options, steps, shapes in CASES:
    golden.append({"function": function, "start": start, "options": options, "shapes": shapes,
                   "steps": run(function, start, options, steps, shapes)})
with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "cases": golden}, f)
