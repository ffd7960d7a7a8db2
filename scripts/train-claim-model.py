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

--sources trains the source picker instead (assets/suggest/source-model.txt):
each candidate noun phrase of a sentence the rules left is labelled by whether
it overlaps the gold Source of the gold Content the sentence overlaps most;
--cv then prints how often the best-scored candidate is right, next to taking
the subject (the first candidate flagged `subj`).

--boundaries trains the start chooser for direct quotations instead
(assets/suggest/boundary-model.txt) from `marginalia __suggest-features
--boundaries TRAIN/text`: each content fragment holding a quotation, with its
candidate starts. The gold is the Content fragment that overlaps it most
(stripped, as the scorer compares); a row whose gold start is among the
candidates teaches a conditional logit over them (softmax, AdaGrad, the same
fixed order). --cv prints, for 5 folds by article, held-out exact boundaries of
the direct quotations (gold starting or ending with a mark) with the rules'
starts and with the chooser's at several thresholds (the margin by which the
best candidate must beat the rules' start).
"""
import glob, json, math, os, sys, collections

MIN_COUNT, L2, EPOCHS, RATE = 5, 1e-4, 8, 0.1


def first_annotator_files(P):
    """(article base name, .ann path): the first annotator's file of each article."""
    seen = set()
    for ann in sorted(glob.glob(P + "/attributions/*.ann")):
        base = os.path.basename(ann).rsplit("_", 1)[0]
        if base not in seen:
            seen.add(base)
            yield base, ann


def gold_contents(P):
    out = {}
    for base, ann in first_annotator_files(P):
        frs = []
        for l in open(ann, encoding="utf-8"):
            f = l.rstrip("\n").split("\t")
            if l[0] == "T" and len(f) > 1:
                typ, rng = f[1].split(" ", 1)
                if typ == "Content":
                    frs += [tuple(map(int, p.split())) for p in rng.split(";")]
        out[base + ".txt"] = frs
    return out


def gold_attributions(P):
    """Per article: [(content fragments, source fragments)]."""
    out = {}
    for base, ann in first_annotator_files(P):
        T, E = {}, []
        for l in open(ann, encoding="utf-8"):
            f = l.rstrip("\n").split("\t")
            if l[0] == "T" and len(f) > 1:
                typ, rng = f[1].split(" ", 1)
                T[f[0]] = [tuple(map(int, p.split())) for p in rng.split(";")]
            elif l[0] == "E":
                E.append(dict((p.split(":")[0].rstrip("0123456789"), p.split(":")[1]) for p in f[1].split()[1:] if ":" in p))
        out[base + ".txt"] = [(T[e["Content"]], T[e["Source"]]) for e in E if "Content" in e and "Source" in e and e["Content"] in T and e["Source"] in T]
    return out


def source_rows(P, rows_path):
    """(article, [(features, label)]) per sentence with a gold source."""
    gold = gold_attributions(P)
    ov = lambda a, b, c, d: min(b, d) - max(a, c)
    out = []
    for l in open(rows_path, encoding="utf-8"):
        r = json.loads(l)
        if r["touched"] or not r.get("candidates"):
            continue
        name = os.path.basename(r["path"])
        a, b = r["start"], r["end"]
        best = max(((sum(max(0, ov(a, b, c, d)) for c, d in frs), srcs) for frs, srcs in gold.get(name, [])), default=(0, None), key=lambda x: x[0])
        if best[0] <= 0:
            continue
        cands = [(c["features"], 1 if any(ov(c["start"], c["end"], x, y) > 0 for x, y in best[1]) else 0) for c in r["candidates"]]
        out.append((name, cands))
    return out


def all_candidate_rows(rows_path):
    """(article, row) for every sentence the rules left that has candidates."""
    for l in open(rows_path, encoding="utf-8"):
        r = json.loads(l)
        if not r["touched"] and r.get("candidates"):
            yield os.path.basename(r["path"]), r


def sources_main(P, rows_path, cv, threshold):
    rows = source_rows(P, rows_path)
    flat = lambda rs: [(n, fs, y, None) for n, cands in rs for fs, y in cands]
    if cv:
        names = sorted({n for n, _ in rows})
        fold = {n: i % 5 for i, n in enumerate(names)}
        right = subj_right = total = 0
        for k in range(5):
            m = train(flat([r for r in rows if fold[r[0]] != k]))
            for n, cands in rows:
                if fold[n] != k:
                    continue
                total += 1
                i = max(range(len(cands)), key=lambda i: (score(m, cands[i][0]), -i))
                right += cands[i][1]
                subj = [y for fs, y in cands if "subj" in fs]
                subj_right += subj[0] if subj else 0
        print(f"{total} sentences with a gold source: best candidate right {right / total:.3f}, subject right {subj_right / total:.3f}", file=sys.stderr)
        models = [train(flat([r for r in rows if fold[r[0]] != k])) for k in range(5)]
        with open(rows_path + ".srccv", "w", encoding="utf-8") as out:
            for n, r in all_candidate_rows(rows_path):
                m = models[fold.get(n, 0)]
                cands = [{"start": c["start"], "end": c["end"], "score": score(m, c["features"])} for c in r["candidates"]]
                out.write(json.dumps({"path": r["path"], "start": r["start"], "end": r["end"], "candidates": cands}) + "\n")
        return
    write_weights(["Source picker for marginalia suggest's claim model: logistic regression weights,",
                   "trained by scripts/train-claim-model.py --sources on PolNeAR's train split."],
                  train(flat(rows)), threshold)


OPEN, CLOSE = "“\"‘«„‹「『", "”\"’»“›」』"


def gold_texts(P):
    return {base + ".txt": open(f"{P}/text/{base}.txt", encoding="utf-8").read() for base, _ in first_annotator_files(P)}


def stripped(text, a, b):
    s = text[a:b]
    return a + len(s) - len(s.lstrip()), b - (len(s) - len(s.rstrip()))


def boundary_rows(P, rows_path):
    """(article, candidates' features, gold index or None, rules index, is direct, end right)."""
    gold, texts = gold_contents(P), gold_texts(P)
    out = []
    for l in open(rows_path, encoding="utf-8"):
        r = json.loads(l)
        name = os.path.basename(r["path"])
        text = texts.get(name)
        if text is None:
            continue
        a, b = r["start"], r["end"]
        ov = [(min(b, d) - max(a, c), c, d) for c, d in gold.get(name, [])]
        ov = [x for x in ov if x[0] > 0]
        if not ov:
            continue
        _, c, d = max(ov)
        c, d = stripped(text, c, d)
        g = text[c:d]
        direct = bool(g) and (g[0] in OPEN or g[-1] in CLOSE or g[-2:-1] in CLOSE)
        starts = [k["start"] for k in r["candidates"]]
        y = starts.index(c) if c in starts else None
        rules = starts.index(a) if a in starts else 0
        out.append((name, [k["features"] for k in r["candidates"]], y, rules, direct, d == b))
    return out


def train_ranker(rows):
    """Conditional logit: softmax over each row's candidates."""
    count = collections.Counter(f for _, cands, y, *_ in rows if y is not None for fs in cands for f in set(fs))
    keep = {f for f, n in count.items() if n >= MIN_COUNT}
    w, g2 = collections.defaultdict(float), collections.defaultdict(float)
    for _ in range(EPOCHS):
        for _, cands, y, *_ in rows:
            if y is None or len(cands) < 2:
                continue
            fss = [[f for f in fs if f in keep] for fs in cands]
            z = [sum(w[f] for f in fs) for fs in fss]
            top = max(z)
            e = [math.exp(v - top) for v in z]
            tot = sum(e)
            grad = collections.defaultdict(float)
            for i, fs in enumerate(fss):
                p = e[i] / tot - (1 if i == y else 0)
                for f in fs:
                    grad[f] += p
            for f, g in grad.items():
                g += L2 * w[f]
                g2[f] += g * g
                w[f] -= RATE * g / math.sqrt(g2[f])
    return 0.0, {f: v for f, v in w.items() if abs(v) >= 0.005}


def pick(model, cands, rules, threshold):
    scores = [score(model, fs) for fs in cands]
    best = max(range(len(cands)), key=lambda i: (scores[i], -i))
    return best if best != rules and scores[best] - scores[rules] > threshold else rules


def boundaries_main(P, rows_path, cv, threshold):
    rows = boundary_rows(P, rows_path)
    if cv:
        names = sorted({r[0] for r in rows})
        fold = {n: i % 5 for i, n in enumerate(names)}
        models = [train_ranker([r for r in rows if fold[r[0]] != k]) for k in range(5)]
        direct = [r for r in rows if r[4]]
        base = sum(1 for r in direct if r[2] == r[3] and r[5])
        reach = sum(1 for r in direct if r[2] is not None and r[5])
        print(f"{len(rows)} fragments with a quotation overlapping gold content, {len(direct)} of them direct; exact with the rules' start {base}, reachable {reach}", file=sys.stderr)
        for t in [0.0, 0.5, 1.0, 1.5, 2.0, 3.0]:
            ex = fixed = broken = 0
            for n, cands, y, rules, is_direct, end_ok in direct:
                k = pick(models[fold[n]], cands, rules, t)
                ok = k == y and end_ok
                ex += ok
                fixed += ok and rules != y
                broken += (not ok) and rules == y and end_ok
            print(f"threshold {t:.1f}: exact {ex} ({ex - base:+d}: {fixed} fixed, {broken} broken)", file=sys.stderr)
        return
    write_weights(["Start chooser for direct quotations (src/analysis/suggest/boundary.rs): conditional",
                   "logit weights, trained by scripts/train-claim-model.py --boundaries on PolNeAR's train split.",
                   f"{len(rows)} content fragments holding a quotation, {sum(r[2] is not None for r in rows)} with the gold start among the candidates."],
                  train_ranker(rows), threshold)


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


def write_weights(comments, model, threshold):
    """A weights file as src/analysis/suggest/model.rs reads it."""
    bias, w = model
    for c in comments:
        print(f"# {c}")
    print(f"__bias\t{bias:.4f}")
    print(f"__threshold\t{threshold:.4f}")
    for f in sorted(w):
        print(f"{f}\t{w[f]:.4f}")


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
    if "--boundaries" in args:
        return boundaries_main(P, rows_path, "--cv" in args, threshold)
    if "--sources" in args:
        return sources_main(P, rows_path, "--cv" in args, threshold)
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
    write_weights(["Claim model for marginalia suggest: logistic regression weights, trained by",
                   "scripts/train-claim-model.py on PolNeAR's train split (see README, Suggestions).",
                   f"{len(rows)} sentences the rules left, {sum(y for _, _, y, _ in rows)} with attributed content."],
                  train(rows), threshold)


if __name__ == "__main__":
    main()
