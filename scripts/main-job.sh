#!/usr/bin/env bash
# The main job of ./run.sh: trace the classic optimizers on Rosenbrock from (-1.5, 2) and print one
# table row per optimizer (final point, f, gradient norm, distance to the minimum (1, 1)).
set -euo pipefail
descent=${1:-build/release/descent}
"$descent" trace --function rosenbrock --x0=-1.5,2 --steps 5000 --summary \
  --optimizer '{"name":"sgd","lr":0.0005}' \
  --optimizer '{"name":"sgd","lr":0.0005,"momentum":0.9}' \
  --optimizer '{"name":"sgd","lr":0.0005,"momentum":0.9,"nesterov":true}' \
  --optimizer '{"name":"adam","lr":0.02}' \
  --optimizer '{"name":"adamw","lr":0.02,"weight_decay":0.01}'
