#!/usr/bin/env python3
"""Train the claim model (src/analysis/suggest/model.rs) on PolNeAR's train split.

    marginalia __suggest-features TRAIN/text > rows.jsonl
    train-claim-model.py TRAIN rows.jsonl [--threshold T] [--cv] > assets/suggest/claim-model.txt

TRAIN holds text/ and attributions/ (brat standoff; the first annotator's file
of each article is the gold, as score-attributions.py reads it). Each row is a
sentence the rules left without content; its label is whether it overlaps a
gold Content fragment. The model is L2-regularised logistic regression fitted
by AdaGrad over a fixed number of epochs in a fixed order (deterministic:
the same rows give the same weights). Features seen in fewer than MIN_COUNT
rows are dropped, and so are weights too small to matter.

--cv prints, for 5 folds by article, held-out precision and recall of the
sentences at several thresholds (to stderr) and writes each row's held-out
score to rows.jsonl.cv (for choosing the threshold against the real scorer).
"""
import glob, json, math, os, sys, collections

MIN_COUNT, L2, EPOCHS, RATE = 5, 1e-4, 8, 0.1


def gold_contents(P):
    out, seen = {}, set()
    for ann in sorted(glob.glob(P + "/attributions/*.ann")):
        base = os.path.basename(ann).rsplit("_", 1)[0]
        if base in seen:
            continue
        seen.add(base)
        frs = []
        for l in open(ann, encoding="utf-8"):
            f = l.rstrip("\n").split("\t")
            if l[0] == "T" and len(f) > 1:
                typ, rng = f[1].split(" ", 1)
                if typ == "Content":
                    frs += [tuple(map(int, p.split())) for p in rng.split(";")]
        out[base + ".txt"] = frs
    return out


def rows_of(P, rows_path):
    gold = gold_contents(P)
    rows = []
    for l in open(rows_path, encoding="utf-8"):
        r = json.loads(l)
        if r["touched"]:
            continue
        name = os.path.basename(r["path"])
        a, b = r["start"], r["end"]
        y = any(min(b, d) - max(a, c) > 0 for c, d in gold.get(name, []))
        rows.append((name, r["features"], 1 if y else 0, r))
    return rows


def train(rows):
    count = collections.Counter(f for _, fs, _, _ in rows for f in fs)
    keep = {f for f, n in count.items() if n >= MIN_COUNT}
    w, g2 = collections.defaultdict(float), collections.defaultdict(float)
    bias, bg2 = 0.0, 0.0
    for _ in range(EPOCHS):
        for _, fs, y, _ in rows:
            fs = [f for f in fs if f in keep]
            z = bias + sum(w[f] for f in fs)
            p = 1 / (1 + math.exp(-max(-30, min(30, z))))
            g = p - y
            bg2 += g * g
            bias -= RATE * g / math.sqrt(bg2)
            for f in fs:
                gf = g + L2 * w[f]
                g2[f] += gf * gf
                w[f] -= RATE * gf / math.sqrt(g2[f])
    return bias, {f: v for f, v in w.items() if abs(v) >= 0.005}


def score(model, fs):
    bias, w = model
    return bias + sum(w.get(f, 0.0) for f in fs)


def main():
    args = sys.argv[1:]
    P, rows_path = args[0], args[1]
    threshold = float(args[args.index("--threshold") + 1]) if "--threshold" in args else 0.0
    rows = rows_of(P, rows_path)
    if "--cv" in args:
        names = sorted({n for n, _, _, _ in rows})
        fold = {n: i % 5 for i, n in enumerate(names)}
        scored = []
        for k in range(5):
            m = train([r for r in rows if fold[r[0]] != k])
            scored += [(score(m, fs), y, r) for n, fs, y, r in rows if fold[n] == k]
        pos = sum(y for _, y, _ in scored)
        for t in [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0]:
            sel = [y for s, y, _ in scored if s > t]
            tp = sum(sel)
            print(f"threshold {t:+.1f}: {len(sel)} sentences, precision {tp / max(len(sel), 1):.3f}, recall {tp / max(pos, 1):.3f}", file=sys.stderr)
        with open(rows_path + ".cv", "w", encoding="utf-8") as out:
            for s, y, r in scored:
                out.write(json.dumps({"path": r["path"], "start": r["start"], "end": r["end"], "score": s, "y": y}) + "\n")
        return
    bias, w = train(rows)
    print("# Claim model for marginalia suggest: logistic regression weights, trained by")
    print("# scripts/train-claim-model.py on PolNeAR's train split (see README, Suggestions).")
    print(f"# {len(rows)} sentences the rules left, {sum(y for _, _, y, _ in rows)} with attributed content.")
    print(f"__bias\t{bias:.4f}")
    print(f"__threshold\t{threshold:.4f}")
    for f in sorted(w):
        print(f"{f}\t{w[f]:.4f}")


if __name__ == "__main__":
    main()
