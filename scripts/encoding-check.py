#!/usr/bin/env python3
"""Check Marginalia's reading of legacy encodings against Python's own.

For every paragraph in tests/fixtures/encodings/MANIFEST (UTF-8 text, the
codec to write it in, the codec Marginalia must record), the text is
written with *Python's* encoder (LF and CRLF), read by
`marginalia __decode`, and checked three ways:

1. the detected encoding is the expected one, with no doubt;
2. Marginalia's text is the paragraph;
3. open(path, encoding=recorded, newline=None).read() is Marginalia's text.

Then every encoding of Reopen with Encoding is forced with --encoding on
every byte it maps (single-byte) or on a sample sentence (multi-byte), and
3. is checked again. Prints a table; exit 1 on any mismatch.

Usage: scripts/encoding-check.py [path/to/marginalia]
(default: target/debug/marginalia; build it first). Needs only python3.
"""

import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "encodings")
BINARY = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "debug", "marginalia")

# Python codec -> a sentence it can encode, for the multi-byte encodings.
MULTI_BYTE = {
    "cp932": "東京都は月曜日、新しい計画を発表した。「大切な一歩だ」と知事は述べた。",
    "euc_jp": "東京都は月曜日、新しい計画を発表した。",
    "iso2022_jp": "東京都は月曜日、新しい計画を発表した。",
    "cp949": "서울시는 월요일 새로운 계획을 발표했다. 시장은 중요한 한 걸음이라고 말했다.",
    "gb18030": "北京市政府周一公布了新的交通计划，市长说这是重要的一步。",
    "big5hkscs": "臺北市政府週一公布新的交通計畫，市長表示這是重要的一步。",
    "utf-8": "Zürich, Genève, İstanbul — «tout» 😀",
    "utf-16": "Zürich, Genève, İstanbul — «tout» 😀",
}

# Bytes Python's codec reads otherwise than encoding_rs (WHATWG): Marginalia
# refuses them, so offsets never disagree with Python.
PYTHON_DIFFERS = {"koi8-u": [0xAE, 0xBE]}

# Every encoding the window offers (TextEncoding::all), by Python name.
FORCED = [
    "cp1252", "iso8859-15", "cp1250", "iso8859-2", "iso8859-16", "cp1254", "cp1257",
    "iso8859-13", "iso8859-4", "iso8859-10", "iso8859-3", "iso8859-14", "mac-roman",
    "cp1258", "cp1251", "koi8-r", "koi8-u", "iso8859-5", "cp866", "mac-cyrillic",
    "cp1253", "iso8859-7", "cp1255", "iso8859-8", "cp1256", "iso8859-6", "cp874",
]


def decode(paths, encoding=None):
    args = [BINARY, "__decode", *paths]
    if encoding:
        args += ["--encoding", encoding]
    out = subprocess.run(args, capture_output=True, text=True, encoding="utf-8")
    return {r["path"]: r for r in map(json.loads, out.stdout.splitlines())}


def python_reads(path, encoding):
    try:
        with open(path, encoding=encoding, newline=None) as f:
            return f.read()
    except (UnicodeDecodeError, LookupError) as e:
        return f"<python: {e}>"


def main():
    failures = 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        with open(os.path.join(FIXTURES, "MANIFEST"), encoding="utf-8") as m:
            for line in m:
                if line.startswith("#") or not line.strip():
                    continue
                name, source, recorded = line.rstrip("\n").split("\t")
                with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
                    text = f.read()
                for ending in ("lf", "crlf"):
                    path = os.path.join(tmp, f"{ending}-{name}")
                    with open(path, "wb") as f:
                        f.write(text.replace("\n", "\r\n" if ending == "crlf" else "\n").encode(source))
                    cases.append((path, name, ending, source, recorded, text))
        got = decode([c[0] for c in cases])
        for path, name, ending, source, recorded, text in cases:
            r = got.get(path, {"error": "no output"})
            problems = []
            if "error" in r:
                problems.append(r["error"])
            else:
                if r["encoding"] != recorded:
                    problems.append(f"recorded {r['encoding']}, expected {recorded}")
                if r["alternative"]:
                    problems.append(f"doubt: {r['alternative']}")
                if r["text"] != text:
                    problems.append("text differs from the paragraph")
                if python_reads(path, r["encoding"]) != r["text"]:
                    problems.append("Python reads another text")
            failures += bool(problems)
            if ending == "lf" or problems:
                rows.append((f"{name} ({ending})", f"{source} -> {r.get('encoding', '-')}",
                             "; ".join(problems) or "ok"))

        # Forced encodings: every mapped byte of each single-byte table.
        for codec in FORCED:
            data = bytearray()
            for b in range(0x20, 0x100):
                try:
                    ch = bytes([b]).decode(codec)
                except UnicodeDecodeError:
                    continue
                if b == 0x7F or "\x80" <= ch <= "\x9f" or b in PYTHON_DIFFERS.get(codec, []):
                    continue  # controls: refused as binary when many
                data.append(b)
            path = os.path.join(tmp, f"forced-{codec}.txt")
            with open(path, "wb") as f:
                f.write(bytes(data))
            cases.append((path, codec))
            r = decode([path], codec).get(path, {"error": "no output"})
            ok = "error" not in r and python_reads(path, r["encoding"]) == r["text"]
            failures += not ok
            rows.append((f"--encoding {codec}", f"{len(data)} bytes -> {r.get('encoding', '-')}",
                         "ok" if ok else r.get("error", "Python reads another text")))
        for codec, differing in PYTHON_DIFFERS.items():
            path = os.path.join(tmp, f"differs-{codec}.txt")
            with open(path, "wb") as f:
                f.write(b"abc " + bytes(differing))
            r = decode([path], codec).get(path, {})
            ok = "is not a character in" in r.get("error", "")
            failures += not ok
            rows.append((f"--encoding {codec}", f"bytes {bytes(differing).hex()} -> refused",
                         "ok" if ok else f"not refused: {r}"))
        for codec, sentence in MULTI_BYTE.items():
            path = os.path.join(tmp, f"forced-{codec}.txt")
            with open(path, "wb") as f:
                f.write(sentence.encode(codec))
            r = decode([path], codec).get(path, {"error": "no output"})
            ok = "error" not in r and python_reads(path, r["encoding"]) == r["text"] == sentence
            failures += not ok
            rows.append((f"--encoding {codec}", f"sentence -> {r.get('encoding', '-')}",
                         "ok" if ok else r.get("error", "text differs")))

    width = max(len(r[0]) for r in rows)
    mid = max(len(r[1]) for r in rows)
    print(f"Python {sys.version.split()[0]}, {BINARY}")
    for a, b, c in rows:
        print(f"{a:<{width}}  {b:<{mid}}  {c}")
    print(f"{len(rows)} checks, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
