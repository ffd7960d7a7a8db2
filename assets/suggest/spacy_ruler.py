#!/usr/bin/env python3
"""An external suggester for `marginalia suggest --cmd`, needing only `pip install spacy`.

It reads one JSON line per article on stdin, {"text": ..., "meta": {"source": ...}},
and answers one spaCy-style line per article on stdout:
{"meta": {"source": ...}, "spans": [{"start", "end", "label", "kind"}]}, offsets in
code points (Python's str indexes, as Marginalia counts them).

No trained model: a blank English pipeline with an entity ruler. Titles followed
by capitalised words are people, capitalised words before Party/Committee/...
are organisations; add your own patterns (spaCy's pattern JSONL) as arguments:

    marginalia suggest --cmd "python3 spacy_ruler.py my-patterns.jsonl" report.txt
"""
import json
import sys

import spacy

TITLES = ["mr.", "mrs.", "ms.", "dr.", "president", "senator", "sen.", "gov.", "governor",
          "rep.", "minister", "secretary", "judge", "mayor", "gen.", "prof."]
ORG_HEADS = ["party", "committee", "ministry", "department", "university", "campaign",
             "council", "agency", "commission", "institute", "foundation", "inc.", "corp."]
PATTERNS = [
    {"label": "PERSON", "pattern": [{"LOWER": {"IN": TITLES}}, {"IS_TITLE": True, "OP": "+"}]},
    {"label": "ORG", "pattern": [{"IS_TITLE": True, "OP": "+"}, {"LOWER": {"IN": ORG_HEADS}}]},
    {"label": "ORG", "pattern": [{"LOWER": "the"}, {"IS_TITLE": True, "OP": "*"},
                                 {"LOWER": {"IN": ORG_HEADS}}, {"LOWER": "of"},
                                 {"IS_TITLE": True, "OP": "+"}]},
]


def main():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    patterns = list(PATTERNS)
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            patterns.extend(json.loads(line) for line in f if line.strip())
    ruler.add_patterns(patterns)
    kinds = {"PERSON": "Person", "ORG": "Organization", "GPE": "Location", "LOC": "Location"}
    for line in sys.stdin:
        if not line.strip():
            continue
        record = json.loads(line)
        doc = nlp(record["text"])
        spans = [{"start": e.start_char, "end": e.end_char, "label": "Entity",
                  "kind": kinds.get(e.label_, e.label_)} for e in doc.ents]
        print(json.dumps({"meta": record.get("meta", {}), "spans": spans}, ensure_ascii=False))


if __name__ == "__main__":
    main()
