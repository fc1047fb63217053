#!/usr/bin/env bash
# The main job of ./run.sh: trace the classic optimizers on Rosenbrock from (-1.5, 2).
set -euo pipefail
descent=${1:-build/release/descent}
for opt in '{"name":"sgd","lr":0.0005}' '{"name":"sgd","lr":0.0005,"momentum":0.9}' \
           '{"name":"sgd","lr":0.0005,"momentum":0.9,"nesterov":true}' \
           '{"name":"adam","lr":0.02}' '{"name":"adamw","lr":0.02,"weight_decay":0.01}'; do
  "$descent" trace --function rosenbrock --x0 -1.5,2 --optimizer "$opt" --steps 5000 --summary
done
