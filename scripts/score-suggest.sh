#!/bin/sh
# score-suggest.sh GOLD_DIR SCORER [BIN]: how good `marginalia suggest` is on a
# PolNeAR split (GOLD_DIR holds text/ and attributions/). Copies the texts to a
# temporary folder, times `suggest` on them, exports with `--status all` and
# scores with SCORER (the shared score-attributions.py, given the time) and
# scripts/suggest-breakdown.py (direct and indirect apart, Citron-style exact F1s).
set -eu
G=$1; SCORER=$2; BIN=${3:-target/release/marginalia}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
mkdir "$W/texts"; cp "$G"/text/*.txt "$W/texts/"
n=$(ls "$W/texts" | wc -l)
t0=$(date +%s%N)
"$BIN" suggest "$W/texts" 2>"$W/suggest.err" >/dev/null || { cat "$W/suggest.err"; exit 1; }
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
cat "$W/suggest.err"
"$BIN" export --format spacy --status all "$W/texts" > "$W/pred.jsonl" 2>/dev/null
echo "suggest: $n articles in $ms ms"
python3 "$SCORER" "$G" "$W/pred.jsonl" "$ms" "$n" || true
python3 "$(dirname "$0")/suggest-breakdown.py" "$G" "$W/pred.jsonl"
