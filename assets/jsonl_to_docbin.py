"""Convert `marginalia export --format spacy` JSONL to a spaCy DocBin (.spacy).

Usage: python jsonl_to_docbin.py export.jsonl out.spacy [--lang en]
Spans go to doc.spans["sc"] (they may overlap), labelled with their kind, else
ENTITY/CLAIM/QUOTE, widened to spaCy's tokens (alignment_mode="expand").
Needs only `pip install spacy` (a blank pipeline, no model download).
"""
import json, sys
import spacy
from spacy.tokens import DocBin

src, dst = sys.argv[1], sys.argv[2]
lang = sys.argv[sys.argv.index("--lang") + 1] if "--lang" in sys.argv else "en"
nlp, db = spacy.blank(lang), DocBin(store_user_data=True)
for line in open(src, encoding="utf-8"):
    rec = json.loads(line)
    doc = nlp.make_doc(rec["text"])
    spans = [doc.char_span(s["start"], s["end"], label=s.get("kind") or s["label"],
                           alignment_mode="expand") for s in rec["spans"]]
    doc.spans["sc"] = [s for s in spans if s is not None]
    doc.user_data["meta"] = rec.get("meta", {})
    db.add(doc)
db.to_disk(dst)
print(f"{len(db)} docs written to {dst}")
