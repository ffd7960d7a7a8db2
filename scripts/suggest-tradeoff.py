#!/usr/bin/env python3
"""Held-out trade-off of the claim model's thresholds on PolNeAR train.

    suggest-tradeoff.py TRAIN RULES.jsonl rows.jsonl TC[,TC...] TS[,TS...]

RULES.jsonl is `marginalia export --format spacy --status all` of the train
texts after a rules-only `suggest` (the claim model's __threshold set out of
reach); rows.jsonl is `marginalia __suggest-features` of the same texts, after
`train-claim-model.py TRAIN rows.jsonl --cv` and `--sources --cv` wrote the
held-out scores next to it (rows.jsonl.cv, rows.jsonl.srccv). For each claim
threshold TC and source threshold TS, the sentences the model would take (the
Claim after the subject when the subject is the picked source, else the whole
sentence) are added to the rules' predictions, and all-content overlap F1 and
speaker accuracy are computed as score-attributions.py computes them.
"""
import collections, importlib.util, json, os, sys


def load_gold(P):
    """The gold of suggest-breakdown.py (the shared scorer's), keyed by file name."""
    spec = importlib.util.spec_from_file_location(
        "breakdown", os.path.join(os.path.dirname(os.path.abspath(__file__)), "suggest-breakdown.py"))
    breakdown = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(breakdown)
    for base, text, T, E in breakdown.gold(P):
        yield base + ".txt", text, T, E


def main():
    P, rules, rows_path, tcs, tss = sys.argv[1:6]
    recs = {}
    for l in open(rules, encoding="utf-8"):
        r = json.loads(l)
        recs[os.path.basename(r["meta"]["source"])] = r
    claim = {}
    for l in open(rows_path + ".cv", encoding="utf-8"):
        r = json.loads(l)
        claim[(os.path.basename(r["path"]), r["start"])] = r["score"]
    cands = {}
    for l in open(rows_path + ".srccv", encoding="utf-8"):
        r = json.loads(l)
        cands[(os.path.basename(r["path"]), r["start"])] = r["candidates"]
    sentences = collections.defaultdict(list)
    for l in open(rows_path, encoding="utf-8"):
        r = json.loads(l)
        if not r["touched"] and r.get("candidates"):
            n = os.path.basename(r["path"])
            sentences[n].append((r["start"], r["end"], ["subj" in c["features"] for c in r["candidates"]]))
    gold = list(load_gold(P))
    ov = lambda a, b, c, d: min(b, d) - max(a, c) > 0
    for tc in map(float, tcs.split(",")):
        for ts in map(float, tss.split(",")):
            g_all = g_found = p_all = p_ok = s_n = s_ok = 0
            for n, text, T, E in gold:
                r = recs.get(n, {"spans": [], "links": []})
                byid = {s["id"]: s for s in r["spans"]}
                spk = collections.defaultdict(list)
                for l in r["links"]:
                    if l["role"] in ("speaker", "source") and l["to"] in byid:
                        spk[l["from"]].append((byid[l["to"]]["start"], byid[l["to"]]["end"]))
                preds = [(s["start"], s["end"], spk.get(s["id"], [])) for s in r["spans"] if s["label"] in ("QUOTE", "CLAIM")]
                for start, end, subj in sentences[n]:
                    cs = cands.get((n, start))
                    if claim.get((n, start), float("-inf")) <= tc or not cs:
                        continue
                    i = max(range(len(cs)), key=lambda i: (cs[i]["score"], -i))
                    if cs[i]["score"] > ts:
                        preds.append((cs[i]["end"] if subj[i] else start, end, [(cs[i]["start"], cs[i]["end"])]))
                src_of = {e["Content"]: T[e["Source"]][1] for e in E if "Content" in e and "Source" in e and e["Source"] in T}
                contents = [(k, fr) for k, (t, frs) in T.items() if t == "Content" for fr in frs]
                for k, (a, b) in contents:
                    if not text[a:b].strip():
                        continue
                    g_all += 1
                    hit = [p for p in preds if ov(a, b, p[0], p[1])]
                    if hit:
                        g_found += 1
                        if k in src_of:
                            s_n += 1
                            s_ok += any(ov(x, y, sa, sb) for p in hit for x, y in p[2] for sa, sb in src_of[k])
                for p in preds:
                    p_all += 1
                    p_ok += any(ov(a, b, p[0], p[1]) for _, (a, b) in contents)
            R, Pr = g_found / g_all, p_ok / max(p_all, 1)
            print(f"claim > {tc:+.2f}, source > {ts:+.2f}: all-content F1 {2 * R * Pr / (R + Pr):.3f} (R {R:.3f}, P {Pr:.3f}); speaker {s_ok / s_n:.3f} ({s_ok}/{s_n})")


if __name__ == "__main__":
    main()
