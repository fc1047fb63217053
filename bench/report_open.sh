#!/usr/bin/env bash
# How long report.html of a run with 200,000 logged steps takes to open and draw in headless
# Chromium. Trains a linear regression with batch size 1 on 200,000 synthetic rows (one epoch =
# 200,000 steps, each logged to steps.csv), then loads its report.html `runs` times (5) and prints:
#   draw   the page's own clock when every chart has drawn (performance.now() from navigation start:
#          parsing the page and its data, decoding, smoothing, drawing), set by the page as
#          data-draw-ms: the open-and-draw time (the per-step charts drawn from their preview);
#   exact  when the exact rows have replaced the preview on the charts (data-exact-ms);
#   wall / cpu  of a whole chromium run that loads and paints the page (--screenshot), and of one
#          that loads an empty page (browser start-up): on a busy machine the cpu difference says
#          what the page costs when it has a core to itself.
# Usage: bench/report_open.sh [path/to/descent] [steps] [runs]   (needs chromium and scripts/deps.sh)
set -euo pipefail
descent=${1:-build/release/descent}
steps=${2:-200000}
runs=${3:-5}
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
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --disable-sync --no-first-run --window-size=1280,1800 --user-data-dir="$work/profile")
shoot() {  # shoot PAGE: prints "wall_seconds cpu_seconds" of a chromium run that loads and paints it
  local TIMEFORMAT='%R %U %S'
  { time "$chromium" "${flags[@]}" --screenshot="$work/shot.png" "file://$1" >/dev/null 2>&1; } 2>&1 |
    awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }'
}
echo "(machine load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores)"
for ((i = 1; i <= runs; i++)); do
  body=$("$chromium" "${flags[@]}" --dump-dom "file://$work/run/report.html" 2>/dev/null |
         grep -o '<body[^>]*>' | head -1)
  draw=$(grep -o 'data-draw-ms="[0-9.]*"' <<<"$body" | grep -o '[0-9.]*' || echo "?")
  exact=$(grep -o 'data-exact-ms="[0-9.]*"' <<<"$body" | grep -o '[0-9.]*' || echo "?")
  charts=$(grep -o 'data-charts-drawn="[0-9]*"' <<<"$body" | grep -o '[0-9]*' || echo "0")
  read -r wall cpu < <(shoot "$work/run/report.html")
  read -r empty_wall empty_cpu < <(shoot "$work/empty.html")
  printf 'run %d: draw %s ms (%s charts), exact %s ms; chromium wall %s s, cpu %s s; empty page wall %s s, cpu %s s\n' \
    "$i" "$draw" "$charts" "$exact" "$wall" "$cpu" "$empty_wall" "$empty_cpu"
done
