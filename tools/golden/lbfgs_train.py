#!/usr/bin/python3
"""Golden full-batch training with torch.optim.LBFGS (torch 1.13, float64) -> tests/golden/lbfgs_train.json.

The closure is torch's usual training closure over the whole data set:
    optimizer.zero_grad(); loss = criterion(model(X), y); loss.backward(); return loss
on a torch.nn.Linear model. Data and initial weights are float32 values (so descent's float data
holds them exactly); the model and the optimizer compute in float64. Each case records the loss
returned by every step(closure) and the weight and bias after it.
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "lbfgs_train.json")
torch.manual_seed(2024)
ROWS, FEATURES, CLASSES, STEPS = 40, 3, 3, 4

x32 = torch.randn(ROWS, FEATURES)
w_true = torch.tensor([[1.5, -2.0, 0.5]])
y32 = (x32 @ w_true.T)[:, 0] + 0.3 + 0.1 * torch.randn(ROWS)
labels = torch.argmax(x32 @ torch.randn(FEATURES, CLASSES), dim=1)


def case(name, loss, outputs, options):
    torch.manual_seed(7)
    model = torch.nn.Linear(FEATURES, outputs).to(torch.float32)
    w0, b0 = model.weight.detach().clone(), model.bias.detach().clone()
    model = model.to(torch.float64)
    x = x32.to(torch.float64)
    if loss == "mse":
        criterion, target = torch.nn.MSELoss(), y32.to(torch.float64)[:, None]
    else:
        criterion, target = torch.nn.CrossEntropyLoss(), labels
    opt = torch.optim.LBFGS(model.parameters(), **options)

    def closure():
        opt.zero_grad()
        value = criterion(model(x), target)
        value.backward()
        return value

    steps = []
    for _ in range(STEPS):
        value = opt.step(closure)
        steps.append({"loss": float(value), "weight": model.weight.detach().flatten().tolist(),
                      "bias": model.bias.detach().tolist()})
    return {"name": name, "loss": loss, "outputs": outputs, "optimizer": dict(options, name="lbfgs"),
            "weight": w0.flatten().tolist(), "bias": b0.tolist(), "steps": steps}


cases = [
    case("mse_fixed_step", "mse", 1, {"lr": 0.5, "max_iter": 5, "history_size": 4}),
    case("mse_strong_wolfe", "mse", 1, {"lr": 1, "max_iter": 10, "line_search_fn": "strong_wolfe"}),
    case("cross_entropy_strong_wolfe", "cross_entropy", CLASSES,
         {"lr": 1, "max_iter": 8, "history_size": 5, "line_search_fn": "strong_wolfe"}),
]
with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "x": x32.flatten().tolist(), "rows": ROWS,
               "features": FEATURES, "y": y32.tolist(), "labels": labels.tolist(), "cases": cases},
              f, indent=1)
print("wrote", OUT)
