#!/usr/bin/env bash
# Check Marginalia's exports against the real tools' own code, and import
# files those tools write. Prints one table row per check, with tool versions.
#
#   scripts/interop-check.sh                # venvs under $XDG_CACHE_HOME/marginalia-interop
#   BRAT_SRC=/path/to/brat scripts/interop-check.sh   # also run brat's annotation loader
#
# Needs python3 (3.9-3.11) and network access to PyPI the first time. Nothing is
# written inside the repository: the venvs, the corpus and every output live in
# $MARGINALIA_INTEROP_DIR (default: ${XDG_CACHE_HOME:-~/.cache}/marginalia-interop).
# brat is not on PyPI: give a checkout of github.com/nlplab/brat as BRAT_SRC to
# run its loader (server/src/annotation.py, used standalone); otherwise that row
# says "not run". Prodigy is licensed and not run: its `db-out` JSONL is
# written by hand following its documentation.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${MARGINALIA_INTEROP_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/marginalia-interop}"
mkdir -p "$work"
py="${PYTHON:-python3}"

venv() { # venv NAME PACKAGES...
    local dir="$work/$1"; shift
    if [ ! -x "$dir/bin/python" ]; then
        "$py" -m venv "$dir"
        "$dir/bin/pip" install -q --upgrade pip >/dev/null
        "$dir/bin/pip" install -q "$@" >&2
    fi
}
venv venv-tools spacy datasets label-studio-converter
venv venv-doccano doccano 'marshmallow<3.24' 'numpy<2'

(cd "$repo" && cargo build -q --bin marginalia)
bin="$repo/target/debug/marginalia"
run="$work/run"
rm -rf "$run" && mkdir -p "$run"
: > "$run/rows.tsv"

# Each checker prints TSV rows (tool, version, check, result); the tools' own
# chatter goes to the log.
# A checker that crashes is a FAIL row pointing at the log.
check() { # check TOOL PYTHON SCRIPT ARGS...
    local tool="$1" python="$2" script="$3"; shift 3
    if ! "$python" "$repo/scripts/interop/$script" "$@" 2>>"$run/log" > "$run/out"; then
        printf '%s\t?\t%s\tFAIL: crashed, see %s\n' "$tool" "$script" "$run/log" >> "$run/rows.tsv"
    fi
    grep $'\t' "$run/out" >> "$run/rows.tsv" || true
}
check spaCy/datasets/label-studio-converter "$work/venv-tools/bin/python" tools.py "$bin" "$run" "$repo"
DJANGO_SETTINGS_MODULE=config.settings.development \
    check doccano "$work/venv-doccano/bin/python" doccano_check.py "$bin" "$run"
if [ -n "${BRAT_SRC:-}" ]; then
    check brat "$work/venv-tools/bin/python" brat_check.py "$bin" "$run" "$BRAT_SRC"
else
    printf 'brat\t(not run)\tannotation.py loader on the brat export\tset BRAT_SRC to a brat checkout\n' >> "$run/rows.tsv"
fi

printf '| tool | version | check | result |\n|---|---|---|---|\n'
while IFS=$'\t' read -r tool version check result; do
    printf '| %s | %s | %s | %s |\n' "$tool" "$version" "$check" "$result"
done < "$run/rows.tsv"
if grep -q $'\tFAIL' "$run/rows.tsv"; then exit 1; fi
