#!/usr/bin/env bash
# How long report.html of a run with 200,000 logged steps takes to open and draw in headless
# Chromium. Trains a linear regression with batch size 1 on 200,000 synthetic rows (one epoch =
# 200,000 steps, each logged to steps.csv), then loads its report.html three times and prints:
#   draw   the page's own clock when every chart has drawn (performance.now() from navigation start:
#          parsing the page and its data, smoothing, drawing), set by the page as data-draw-ms;
#   wall   the whole chromium process, and the same for an empty page (browser start-up), whose
#          difference is the page's share of the wall time.
# Usage: bench/report_open.sh [path/to/descent] [steps]      (needs chromium and scripts/deps.sh)
set -euo pipefail
descent=${1:-build/release/descent}
steps=${2:-200000}
chromium=${DESCENT_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[[ -n "$chromium" ]] || { echo "bench: chromium is not installed (scripts/deps.sh --with-browser)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$descent" train --data synthetic:linear --samples "$steps" --val-split 0 --batch-size 1 --epochs 1 \
  --model linear --optimizer '{"name":"sgd","lr":0.001}' --log-steps --progress none \
  --out "$work/run" >/dev/null
rows=$(($(wc -l <"$work/run/steps.csv") - 1))
size=$(du -h "$work/run/report.html" | cut -f1)
echo "report.html: $rows logged steps, $size"
echo '<!DOCTYPE html><html><body>empty</body></html>' >"$work/empty.html"
load() {  # load PAGE: prints "wall_seconds body_tag"
  local start end dom
  start=$(date +%s.%N)
  dom=$("$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --window-size=1280,1800 \
        --user-data-dir="$work/profile" --dump-dom "file://$1" 2>/dev/null)
  end=$(date +%s.%N)
  echo "$(awk "BEGIN{print $end - $start}") $(grep -o '<body[^>]*>' <<<"$dom" | head -1)"
}
for i in 1 2 3; do
  read -r wall body < <(load "$work/run/report.html")
  read -r empty _ < <(load "$work/empty.html")
  draw=$(grep -o 'data-draw-ms="[0-9.]*"' <<<"$body" | grep -o '[0-9.]*' || echo "?")
  charts=$(grep -o 'data-charts-drawn="[0-9]*"' <<<"$body" | grep -o '[0-9]*' || echo "0")
  printf 'run %d: draw %s ms (%s charts), wall %.2f s, empty page wall %.2f s, difference %.2f s\n' \
    "$i" "$draw" "$charts" "$wall" "$empty" "$(awk "BEGIN{print $wall - $empty}")"
done
