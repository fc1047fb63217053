#!/usr/bin/env bash
# The main job of ./run.sh: train an MLP (784-256-10, ReLU, SGD with momentum 0.9 and a cosine
# schedule, batch 128, 10 epochs) on Fashion-MNIST and print the test accuracy and where the run
# directory and its report.html are. Without the Debian dataset-fashion-mnist package it trains on synthetic spirals.
set -euo pipefail
descent=${1:-build/release/descent}
out=${DESCENT_RUN_DIR:-runs/fashion-mnist-mlp}
if [[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]]; then
  data=(--data fashion-mnist --model mlp:256 --epochs 10 --schedule '{"name":"cosine","T_max":10}')
else
  echo "descent: Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist);" \
       "training on synthetic spirals instead"
  out=${DESCENT_RUN_DIR:-runs/spirals-mlp}
  data=(--data synthetic:spirals --samples 3000 --test-split 0.2 --model mlp:64,64 --epochs 30
        --schedule '{"name":"cosine","T_max":30}')
fi
"$descent" train "${data[@]}" --activation relu --batch-size 128 --val-split 0.1 --seed 0 \
  --optimizer '{"name":"sgd","lr":0.05,"momentum":0.9}' --out "$out" --force
echo "report: $out/report.html (open it in a browser; plots in $out/plots/)"
