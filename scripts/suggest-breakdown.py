#!/usr/bin/env python3
"""Direct and indirect attributions scored apart, plus Citron-style exact F1s.

    suggest-breakdown.py GOLD_DIR PRED.jsonl

Same inputs and gold as the shared scorer (`score-attributions.py`: the first
annotator's brat file of each article under GOLD_DIR/attributions, texts under
GOLD_DIR/text; PRED is `marginalia export --format spacy --status all` after
`marginalia suggest`). A gold Content fragment is *direct* when, stripped, it
starts or ends with a quotation mark (the scorer's rule), else *indirect*.
Per part:
- recall: gold fragments overlapped by a predicted Quote or Claim;
- precision: predicted Quotes (direct) / Claims (indirect) overlapping any gold
  Content;
- exact: gold fragments with an overlapping prediction whose stripped text
  equals theirs;
- speaker: among found fragments whose attribution has a Source, a `speaker` or
  `source` link from an overlapping prediction to a span overlapping the Source.
Then, as Citron reports on PARC 3.0 (spans, not attributions):
- content exact F1: predicted Quote/Claim spans whose stripped text equals a gold
  Content fragment's, against gold fragments with such a prediction;
- source exact F1: entities linked as `speaker`/`source` whose span equals a
  gold Source fragment (stripped), against gold Sources with such an entity.
"""
import glob, json, os, sys

OPEN, CLOSE = "“\"‘«„‹「『", "”\"’»“›」』"


def gold(P):
    seen = set()
    for ann in sorted(glob.glob(P + "/attributions/*.ann")):
        base = os.path.basename(ann).rsplit("_", 1)[0]
        if base in seen:
            continue
        seen.add(base)
        text = open(f"{P}/text/{base}.txt", encoding="utf-8").read()
        T, E = {}, []
        for l in open(ann, encoding="utf-8"):
            f = l.rstrip("\n").split("\t")
            if l[0] == "T" and len(f) > 1:
                typ, rng = f[1].split(" ", 1)
                T[f[0]] = (typ, [tuple(map(int, p.split())) for p in rng.split(";")])
            elif l[0] == "E":
                E.append(dict((p.split(":")[0].rstrip("0123456789"), p.split(":")[1])
                              for p in f[1].split()[1:] if ":" in p))
        yield base, text, T, E


def main():
    G, pred = sys.argv[1], sys.argv[2]
    recs = {}
    for l in open(pred, encoding="utf-8"):
        if l.strip():
            r = json.loads(l)
            recs[os.path.basename(r.get("meta", {}).get("source", ""))] = r
    ov = lambda a, b, c, d: min(b, d) - max(a, c) > 0
    c = {k: dict(gold=0, found=0, exact=0, spk_n=0, spk=0, pred=0, pred_ok=0)
         for k in ("direct", "indirect")}
    ce = dict(pred=0, pred_ok=0, gold=0, gold_ok=0)
    se = dict(pred=0, pred_ok=0, gold=0, gold_ok=0)
    for base, text, T, E in gold(G):
        src_of = {}
        for e in E:
            if "Content" in e and "Source" in e and e["Source"] in T:
                src_of[e["Content"]] = T[e["Source"]][1]
        contents = [(k, fr) for k, (typ, frs) in T.items() if typ == "Content" for fr in frs]
        r = recs.get(base + ".txt", {"spans": [], "links": []})
        spans = r.get("spans", [])
        byid = {s.get("id"): s for s in spans}
        preds = [s for s in spans if s["label"].upper() in ("QUOTE", "CLAIM")]
        spk = {}
        for l in r.get("links", []):
            if (l.get("role") or "").lower() in ("speaker", "source") and l.get("to") in byid:
                spk.setdefault(l.get("from"), []).append(byid[l["to"]])
        gold_texts = set()
        for k, (a, b) in contents:
            g = text[a:b].strip()
            if not g:
                continue
            gold_texts.add((a + len(text[a:b]) - len(text[a:b].lstrip()), g))
            part = c["direct" if (g[0] in OPEN or g[-1] in CLOSE or g[-2:-1] in CLOSE) else "indirect"]
            part["gold"] += 1
            hit = [q for q in preds if ov(a, b, q["start"], q["end"])]
            if not hit:
                continue
            part["found"] += 1
            if any(text[q["start"]:q["end"]].strip() == g for q in hit):
                part["exact"] += 1
            if k in src_of:
                part["spk_n"] += 1
                if any(ov(sa, sb, s["start"], s["end"]) for q in hit
                       for s in spk.get(q.get("id"), []) for sa, sb in src_of[k]):
                    part["spk"] += 1
        for q in preds:
            part = c["direct" if q["label"].upper() == "QUOTE" else "indirect"]
            part["pred"] += 1
            if any(ov(a, b, q["start"], q["end"]) for _, (a, b) in contents):
                part["pred_ok"] += 1
        # Citron-style exact span F1s.
        gold_strs = {g for _, g in gold_texts}
        pred_strs = {text[q["start"]:q["end"]].strip() for q in preds}
        ce["gold"] += len(gold_texts)
        ce["gold_ok"] += sum(1 for _, g in gold_texts if g in pred_strs)
        ce["pred"] += len(preds)
        ce["pred_ok"] += sum(1 for q in preds if text[q["start"]:q["end"]].strip() in gold_strs)
        gsrc = {(a, b) for k, (typ, frs) in T.items() if typ == "Source" for a, b in frs}
        gsrc = {(a + len(text[a:b]) - len(text[a:b].lstrip()), a + len(text[a:b].rstrip())) for a, b in gsrc}
        psrc = {(s["start"], s["end"]) for ss in spk.values() for s in ss}
        se["gold"] += len(gsrc)
        se["gold_ok"] += len(gsrc & psrc)
        se["pred"] += len(psrc)
        se["pred_ok"] += len(psrc & gsrc)
    for name, p in c.items():
        rec = p["found"] / max(p["gold"], 1)
        prec = p["pred_ok"] / max(p["pred"], 1)
        f1 = 2 * rec * prec / (rec + prec) if rec + prec else 0
        print(f"{name:8}: recall {rec:.3f} ({p['found']}/{p['gold']}), precision {prec:.3f} "
              f"({p['pred_ok']}/{p['pred']}), F1 {f1:.3f}, exact {p['exact'] / max(p['gold'], 1):.3f} "
              f"({p['exact']}/{p['gold']}), speaker {p['spk'] / max(p['spk_n'], 1):.3f} ({p['spk']}/{p['spk_n']})")
    for name, x in (("content exact", ce), ("source exact", se)):
        r = x["gold_ok"] / max(x["gold"], 1)
        p = x["pred_ok"] / max(x["pred"], 1)
        f1 = 2 * r * p / (r + p) if r + p else 0
        print(f"{name}: F1 {f1:.3f} (R {r:.3f} {x['gold_ok']}/{x['gold']}, P {p:.3f} {x['pred_ok']}/{x['pred']})")


if __name__ == "__main__":
    main()
