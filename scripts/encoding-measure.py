#!/usr/bin/env python3
"""Measure encoding detection on short pieces of the fixture paragraphs.

From every paragraph of tests/fixtures/encodings/MANIFEST it cuts each
sentence, the first 40/80/120 characters, and 40 random sequences of 3-40 of
its words; it also makes 5,000 random French word sequences (15-300
characters) in windows-1252. Each piece is written with Python's encoder and
read by `marginalia __decode`; a piece counts as right when Marginalia's
text is the piece. Doubts (a guess reported with its alternative) are
counted apart. Seeded, so runs compare.

Usage: scripts/encoding-measure.py [path/to/marginalia]
"""

import json
import os
import random
import re
import subprocess
import sys
import tempfile
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "encodings")
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "marginalia")

FRENCH = (
    "le la les de des du un une et à en pour par sur avec dans que qui il elle ont a est été "
    "sont mais où ne pas plus très après avant déjà être selon contre entre chez ministre "
    "président Genève Ségolène Hélène Thérèse Noël Loïc Jérôme Côte grève trêve procès succès "
    "problème système règle siècle élève mère père frère pièce première dernière bientôt hôpital "
    "coût août sûr là reçu français naïf Raphaël cœur sœur vœux œuvre Œuvre À É È ÉTAT GENÈVE "
    "l’État d’être qu’il « » – … Ça Île-de-France"
).split()


def pieces():
    rng = random.Random(5)
    with open(os.path.join(FIXTURES, "MANIFEST"), encoding="utf-8") as m:
        for line in m:
            if line.startswith("#") or not line.strip():
                continue
            name, source, _ = line.rstrip("\n").split("\t")
            with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
                text = f.read().strip()
            words = text.split()
            cut = re.split(r"(?<=[.?!])\s+", text) + [text[:k] for k in (40, 80, 120)]
            cut += [" ".join(rng.choice(words) for _ in range(rng.randint(3, 40))) for _ in range(40)]
            for p in cut:
                yield "fixtures", p, source
    rng = random.Random(11)
    for _ in range(5000):
        words, n, limit = [], 0, rng.randint(15, 300)
        while n < limit:
            w = rng.choice(FRENCH)
            words.append(w)
            n += len(w) + 1
        yield "french", " ".join(words) + ".", "cp1252"


def main():
    with tempfile.TemporaryDirectory() as tmp:
        expected = {}
        for i, (group, text, source) in enumerate(pieces()):
            data = text.encode(source)
            if data.isascii():
                continue  # every encoding reads ASCII alike
            path = os.path.join(tmp, f"{group}-{i:05d}.txt")
            with open(path, "wb") as f:
                f.write(data)
            expected[path] = (group, text)
        out = subprocess.run([BINARY, "__decode", tmp], capture_output=True, text=True, encoding="utf-8")
        stats = {g: Counter() for g in ("fixtures", "french")}
        for line in out.stdout.splitlines():
            r = json.loads(line)
            group, text = expected[r["path"]]
            if "error" in r:
                stats[group]["refused"] += 1
                continue
            right = "right" if r["text"] == text else "WRONG"
            stats[group][right + (" (doubtful)" if r["alternative"] else "")] += 1
    for group, c in stats.items():
        print(f"{group}: {sum(c.values())} pieces: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
