"""Interop checks with spaCy, HF datasets and label-studio-converter (run by
scripts/interop-check.sh in its own venv). Usage: tools.py MARGINALIA RUN_DIR REPO.
Writes TSV rows: tool, version, check, result ("ok: ..." or "FAIL: ...")."""
import json, os, shutil, subprocess, sys
from importlib.metadata import version

BIN, RUN, REPO = sys.argv[1], sys.argv[2], sys.argv[3]
CORPUS = os.path.join(RUN, "corpus")

# Awkward articles: emoji (ZWJ, flags), Persian, combining marks, BOM + CRLF,
# Windows-1252 bytes, and one article whose spans are all unreviewed.
ARTICLES = {
    "emoji.txt": ("utf-8", "Family 👩‍👩‍👧 met Zakir 🇦🇿 Hasanov.\nHe said «peace now» today.\n"),
    "sub/persian.txt": ("utf-8", "دهقان گفت «صلح» در ایران ممکن است.\n"),
    "combining.txt": ("utf-8", "Jose\u0301 met Zoe\u0308 in Zu\u0308rich.\n"),
    "crlf.txt": ("utf-8-sig", "Dehqan met Hasanov.\r\nThey talked in Baku.\r\n"),
    "cp1252.txt": ("cp1252", "\u201cPeace\u201d in Z\u00fcrich, said Ren\u00e9e.\r\n"),
    "predicted.txt": ("utf-8", "Zakir came to Tehran on Monday.\n"),
}
# (article, quote, label, kind, status, id)
SPANS = [
    ("emoji.txt", "👩‍👩‍👧", "ENTITY", None, "accepted", "e1"),
    ("emoji.txt", "Zakir 🇦🇿 Hasanov", "ENTITY", "PER", "accepted", "e2"),
    ("emoji.txt", "«peace now»", "QUOTE", None, "accepted", "e3"),
    ("sub/persian.txt", "دهقان", "ENTITY", "PER", "accepted", "p1"),
    ("sub/persian.txt", "«صلح»", "QUOTE", None, "accepted", "p2"),
    ("sub/persian.txt", "ایران", "ENTITY", "GPE", "unreviewed", "p3"),
    ("combining.txt", "Jose\u0301", "ENTITY", "PER", "accepted", "c1"),
    ("combining.txt", "Zu\u0308rich", "ENTITY", "GPE", "accepted", "c2"),
    ("crlf.txt", "Dehqan", "ENTITY", "PER", "accepted", "r1"),
    ("crlf.txt", "Baku", "ENTITY", "GPE", "accepted", "r2"),
    ("cp1252.txt", "\u201cPeace\u201d", "QUOTE", None, "accepted", "w1"),
    ("cp1252.txt", "Ren\u00e9e", "ENTITY", "PER", "accepted", "w2"),
    ("predicted.txt", "Zakir", "ENTITY", "PER", "unreviewed", "z1"),
    ("predicted.txt", "Tehran", "ENTITY", "GPE", "unreviewed", "z2"),
]
LINKS = [("emoji.txt", "e3", "e2", "speaker"), ("sub/persian.txt", "p2", "p1", "speaker")]

rows = []


def row(tool, check, ok, detail):
    rows.append((tool, version(tool_pkg.get(tool, tool)), check, ("ok: " if ok else "FAIL: ") + detail))


tool_pkg = {"spaCy": "spacy", "datasets": "datasets", "label-studio-converter": "label-studio-converter"}


def marginalia(*args, cwd=RUN):
    p = subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def text_of(name):
    enc, _ = ARTICLES[name]
    with open(os.path.join(CORPUS, name), encoding=enc, newline=None) as f:
        return f.read()


def make_corpus(root):
    for name, (enc, text) in ARTICLES.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding=enc, newline="") as f:
            f.write(text)


def annotate():
    """Sidecars through Marginalia's own spaCy import (lossless fields)."""
    recs = {}
    for name, quote, label, kind, status, sid in SPANS:
        text = text_of(name)
        start = text.index(quote)
        rec = recs.setdefault(name, {"text": text, "spans": [], "links": [], "meta": {"source": name}})
        span = {"start": start, "end": start + len(quote), "label": label, "id": sid,
                "status": status, "author": "ana"}
        if kind:
            span["kind"] = kind
        rec["spans"].append(span)
    for name, src, dst, role in LINKS:
        recs[name]["links"].append({"from": src, "to": dst, "role": role})
    # Two files, so statuses hold whether or not the importer reads a span's own.
    for status, flag in (("accepted", ["--as", "accepted"]), ("unreviewed", [])):
        with open(os.path.join(RUN, f"seed-{status}.jsonl"), "w", encoding="utf-8") as f:
            for rec in recs.values():
                part = dict(rec, spans=[s for s in rec["spans"] if s["status"] == status])
                f.write(json.dumps(part, ensure_ascii=False) + "\n")
        result = marginalia("import", "--format", "spacy", "--root", "corpus", *flag, f"seed-{status}.jsonl")
    return result


def exported(out_err):
    line = [l for l in out_err.splitlines() if " spans exported" in l][-1]
    return int(line.split(" spans exported")[0].split()[-1])


make_corpus(CORPUS)
code, out, err = annotate()
n_spans = len(SPANS)

import spacy
from spacy.tokens import DocBin

# 1. spaCy JSONL export: Doc.char_span finds every span.
code, out, err = marginalia("export", "--status", "all", "--out", "spacy.jsonl", "corpus")
nlp = spacy.blank("xx")
found = strict = total = 0
bad = []
for line in open(os.path.join(RUN, "spacy.jsonl"), encoding="utf-8"):
    rec = json.loads(line)
    doc = nlp.make_doc(rec["text"])
    for s in rec["spans"]:
        total += 1
        if doc.char_span(s["start"], s["end"]) is not None:
            strict += 1
        span = doc.char_span(s["start"], s["end"], alignment_mode="expand")
        if span is not None and rec["text"][s["start"]:s["end"]] in span.text:
            found += 1
        else:
            bad.append(rec["text"][s["start"]:s["end"]])
row("spaCy", "`Doc.char_span` on every span of `export --format spacy`", found == total == n_spans,
    f"{found}/{n_spans} spans found ({strict} on spaCy's token boundaries as they are, the rest widened by alignment_mode='expand'){' missing ' + repr(bad) if bad else ''}")

# 2. DocBin through assets/jsonl_to_docbin.py.
p = subprocess.run([sys.executable, os.path.join(REPO, "assets", "jsonl_to_docbin.py"),
                    os.path.join(RUN, "spacy.jsonl"), os.path.join(RUN, "train.spacy")], capture_output=True, text=True)
docs = list(DocBin().from_disk(os.path.join(RUN, "train.spacy")).get_docs(nlp.vocab)) if p.returncode == 0 else []
in_docbin = sum(len(d.spans["sc"]) for d in docs)
row("spaCy", "DocBin written by `assets/jsonl_to_docbin.py`, read back", len(docs) == len(ARTICLES) and in_docbin == n_spans,
    f"{len(docs)} docs, {in_docbin}/{n_spans} spans in doc.spans['sc']")

# 3. spacy convert -c ner on the CoNLL export.
code, out, err = marginalia("export", "--format", "conll", "--status", "all", "--out", "entities.conll", "corpus")
conll_spans = exported(err)
os.makedirs(os.path.join(RUN, "converted"), exist_ok=True)
p = subprocess.run([sys.executable, "-m", "spacy", "convert", "-c", "ner", os.path.join(RUN, "entities.conll"),
                    os.path.join(RUN, "converted")], capture_output=True, text=True)
conv = os.path.join(RUN, "converted", "entities.spacy")
cdocs = list(DocBin().from_disk(conv).get_docs(nlp.vocab)) if os.path.exists(conv) else []
ents = sum(len(d.ents) for d in cdocs)
row("spaCy", "`spacy convert -c ner` on `export --format conll`", len(cdocs) == len(ARTICLES) and ents == conll_spans,
    f"{len(cdocs)} docs for {len(ARTICLES)} articles, {ents} entities for {conll_spans} exported")

# 4. HF datasets.
from datasets import load_dataset, Sequence, ClassLabel
code, out, err = marginalia("export", "--format", "hf", "--status", "all", "--out", "hf", "corpus")
names = json.load(open(os.path.join(RUN, "hf", "labels.json")))["label_names"]
ds = load_dataset("json", data_files=os.path.join(RUN, "hf", "data.jsonl"), split="train")
ds = ds.cast_column("ner_tags", Sequence(ClassLabel(names=names)))
b_tags = sum(1 for r in ds for t in r["ner_tags"] if names[t].startswith("B-"))
row("datasets", "`load_dataset('json')` + `ClassLabel` cast of `export --format hf`", b_tags == exported(err),
    f"{len(ds)} sentences, {b_tags} B- tags for {exported(err)} spans, {len(names)} label names")

# 5. label-studio-converter.
from label_studio_converter import Converter
config = """<View><Relations><Relation value="speaker"/></Relations>
<Labels name="label" toName="text"><Label value="Entity"/><Label value="Quote"/><Label value="PER"/><Label value="GPE"/></Labels>
<Text name="text" value="$text"/></View>"""
code, out, err = marginalia("export", "--format", "labelstudio", "--out", "ls.json", "corpus")
conv = Converter(config=config, project_dir=None)
items = list(conv.iter_from_json_file(os.path.join(RUN, "ls.json")))
spans_ok = spans_seen = 0
for it in items:
    for v in it["output"].get("label", []):
        spans_seen += 1
        spans_ok += it["input"]["text"][v["start"]:v["end"]] == v["text"]
tasks = json.load(open(os.path.join(RUN, "ls.json"), encoding="utf-8"))
accepted = sum(1 for s in SPANS if s[4] == "accepted")
row("label-studio-converter", "`Converter.iter_from_json_file` on `export --format labelstudio`",
    len({it["id"] for it in items}) == len(tasks) == len(ARTICLES) and spans_ok == spans_seen == accepted,
    f"{len({it['id'] for it in items})}/{len(ARTICLES)} tasks (one holds only predictions), {spans_ok}/{accepted} accepted spans with text == data.text[start:end]")

# 5b. The converter's JSON-MIN of that export, imported into a fresh corpus.
conv.convert_to_json_min(os.path.join(RUN, "ls.json"), os.path.join(RUN, "ls-min"), is_dir=False)
fresh_min = os.path.join(RUN, "fresh-lsmin")
make_corpus(fresh_min)
code, out, err = marginalia("import", "--format", "labelstudio", "--root", "fresh-lsmin", "ls-min/result.json")
summary = (err.strip().splitlines() or ["(no summary)"])[-1]
row("label-studio-converter", "its `convert_to_json_min` of that export imported into a fresh corpus",
    code == 0 and f"({accepted} spans" in summary and " 0 not imported" in summary, summary + f" (exit {code})")

# 5c. Two authors marking the same span: one annotation each, which the
# converter yields as two items, and which import back as two spans.
two = os.path.join(RUN, "two-authors")
os.makedirs(os.path.join(two, "fresh"), exist_ok=True)
two_text = "Zakir came to Tehran on Monday.\n"
for d in (two, os.path.join(two, "fresh")):
    with open(os.path.join(d, "t.txt"), "w", encoding="utf-8") as f:
        f.write(two_text)
zs, ze = 0, len("Zakir")
with open(os.path.join(two, "seed.jsonl"), "w", encoding="utf-8") as f:
    f.write(json.dumps({"text": two_text, "meta": {"source": "t.txt"}, "spans": [
        {"start": zs, "end": ze, "label": "PER", "id": f"z-{a}", "status": "accepted", "author": a}
        for a in ("ana", "bob")]}) + "\n")
marginalia("import", "--format", "spacy", "seed.jsonl", cwd=two)
code_x, _, err_x = marginalia("export", "--format", "labelstudio", "--out", "ls.json", "t.txt", cwd=two)
two_items = list(conv.iter_from_json_file(os.path.join(two, "ls.json")))
two_spans = [v["text"] for it in two_items for v in it["output"].get("label", [])]
code_i, _, err_i = marginalia("import", "--format", "labelstudio", "--root", "fresh", "ls.json", cwd=two)
summary = (err_i.strip().splitlines() or ["(no summary)"])[-1]
row("label-studio-converter", "`iter_from_json_file` on an export where two authors mark the same span, imported back",
    len(two_items) == 2 and two_spans == ["Zakir", "Zakir"] and code_x == 1 and "(2 spans" in summary and code_i == 0,
    f"{len(two_items)} items (one per author), spans {two_spans}; export exit {code_x} (authors Label Studio ignores reported); import back: {summary} (exit {code_i})")

# 6. spaCy's own Doc.to_json() imported into a fresh copy of the corpus.
fresh = os.path.join(RUN, "fresh")
make_corpus(fresh)
with open(os.path.join(RUN, "spacy-docs.jsonl"), "w", encoding="utf-8") as f:
    for d in docs:
        j = d.to_json()
        f.write(json.dumps({"text": j["text"], "spans": j.get("spans", {}), "ents": j.get("ents", [])}, ensure_ascii=False) + "\n")
code, out, err = marginalia("import", "--format", "spacy", "--root", "fresh", "spacy-docs.jsonl")
row("spaCy", "`Doc.to_json()` of those DocBin docs imported into a fresh corpus", code == 0 and f"({n_spans} spans" in err and " 0 not imported" in err,
    (err.strip().splitlines() or ["(no summary)"])[-1] + f" (exit {code})")

for r in rows:
    print("\t".join(r))
