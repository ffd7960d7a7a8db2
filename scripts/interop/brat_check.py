"""brat's own annotation loader (server/src/annotation.py of a brat checkout,
imported standalone, as brat allows) on Marginalia's brat export, and brat's
serialisation of what it loaded imported back. Usage: brat_check.py
MARGINALIA RUN_DIR BRAT_SRC (after tools.py made RUN_DIR/corpus)."""
import glob, os, shutil, subprocess, sys, tempfile

BIN, RUN, BRAT = sys.argv[1], sys.argv[2], sys.argv[3]
# Copied alone so that it runs in brat's "programmatic" mode (no server config).
# brat adds 'U' to read modes of codecs.open, which opens in binary mode where
# 'U' was a no-op until Python 3.11 began to refuse it: the copy leaves it out,
# which reads the same bytes the same way.
lib = tempfile.mkdtemp()
src = open(os.path.join(BRAT, "server", "src", "annotation.py"), encoding="utf-8").read()
with open(os.path.join(lib, "annotation.py"), "w", encoding="utf-8") as f:
    f.write(src.replace("'rU'", "'r'").replace("mode = mode + 'U'", "pass"))
sys.path.insert(0, lib)
import annotation  # noqa: E402

VERSION = os.environ.get("BRAT_REV") or "annotation.py"
try:
    rev = subprocess.run(["git", "-C", BRAT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if rev.returncode == 0 and rev.stdout.strip() and not os.environ.get("BRAT_REV"):
        VERSION = f"git {rev.stdout.strip()}"
except OSError:
    pass
rows = []


def row(check, ok, detail):
    rows.append(("brat", VERSION, check, ("ok: " if ok else "FAIL: ") + detail))


def marginalia(*args):
    p = subprocess.run([BIN, *args], cwd=RUN, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


code, out, err = marginalia("export", "--format", "brat", "--status", "all", "--out", "brat", "corpus")
t_lines = loaded = 0
errors = []
back = os.path.join(RUN, "brat-back")
for ann in sorted(glob.glob(os.path.join(RUN, "brat", "**", "*.ann"), recursive=True)):
    t_lines += sum(1 for l in open(ann, encoding="utf-8") if l.startswith("T"))
    stem = ann[:-4]
    try:
        doc = annotation.TextAnnotations(stem, read_only=True)
    except Exception as e:  # brat raises its own syntax errors per line
        errors.append(f"{os.path.basename(ann)}: {e}")
        continue
    errors += [f"{os.path.basename(ann)}: {m}" for m in doc.messages.messages.errors]
    loaded += sum(1 for _ in doc.get_textbounds())
    rel = os.path.relpath(stem, os.path.join(RUN, "brat"))
    os.makedirs(os.path.dirname(os.path.join(back, rel)), exist_ok=True)
    shutil.copy(stem + ".txt", os.path.join(back, rel) + ".txt")
    with open(os.path.join(back, rel) + ".ann", "w", encoding="utf-8") as f:
        f.write(str(doc))
row("`TextAnnotations` loads every exported .ann against its .txt", not errors and loaded == t_lines,
    f"{loaded}/{t_lines} text-bound annotations, {len(errors)} errors{': ' + '; '.join(errors[:3]) if errors else ''}")
code, out, err = marginalia("import", "--format", "brat", "brat-back")
summary = (err.strip().splitlines() or ["(no summary)"])[-1]
row("what brat wrote back (`str(TextAnnotations)`) imported by `import --format brat`",
    code == 0 and f"({t_lines} spans" in summary and " 0 not imported" in summary, summary + f" (exit {code})")
for r in rows:
    print("\t".join(r))
