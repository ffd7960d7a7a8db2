"""doccano's own importer and exporter against Marginalia (run by
scripts/interop-check.sh in a venv with doccano; Django on a throwaway SQLite
database in RUN_DIR). Usage: doccano_check.py MARGINALIA RUN_DIR (after tools.py
made RUN_DIR/corpus). Writes TSV rows like tools.py."""
import json, os, subprocess, sys, zipfile
from importlib.metadata import version

BIN, RUN = sys.argv[1], sys.argv[2]
DB = os.path.join(RUN, "doccano.sqlite3")
if os.path.exists(DB):
    os.remove(DB)
os.environ["DATABASE_URL"] = "sqlite:///" + DB
os.environ.setdefault("MEDIA_ROOT", os.path.join(RUN, "doccano-media"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
import backend  # noqa: E402  (doccano's package; its modules import as top level)
sys.path.insert(0, os.path.dirname(backend.__file__))
import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)
from django.contrib.auth import get_user_model  # noqa: E402
from projects.models import Member, ProjectType, SequenceLabelingProject, Role  # noqa: E402
from examples.models import Example  # noqa: E402
from labels.models import Relation, Span  # noqa: E402
from data_import.datasets import load_dataset  # noqa: E402
from data_import.pipeline.catalog import JSONL  # noqa: E402
from data_import.pipeline.readers import FileName  # noqa: E402

VERSION = version("doccano")
rows = []


def row(check, ok, detail):
    rows.append(("doccano", VERSION, check, ("ok: " if ok else "FAIL: ") + detail))


def marginalia(*args):
    p = subprocess.run([BIN, *args], cwd=RUN, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def exported(err):
    line = [l for l in err.splitlines() if " spans exported" in l][-1]
    return int(line.split(" spans exported")[0].split()[-1])


user = get_user_model().objects.create(username="ana")


def project(name, relations):
    p = SequenceLabelingProject.objects.create(
        name=name, project_type=ProjectType.SEQUENCE_LABELING, created_by=user,
        allow_overlapping=True, use_relation=relations)
    role, _ = Role.objects.get_or_create(name=settings.ROLE_PROJECT_ADMIN)
    Member.objects.create(project=p, user=user, role=role)
    return p


def load(p, task, path):
    ds = load_dataset(task, JSONL, [FileName(path, os.path.basename(path), os.path.basename(path))], p,
                      encoding="utf_8")
    ds.save(user)
    return ds.errors


# 1. --format doccano into a sequence-labelling project.
code, out, err = marginalia("export", "--format", "doccano", "--status", "all", "--out", "doccano.jsonl", "corpus")
n = exported(err)
p1 = project("labels", False)
errors = load(p1, ProjectType.SEQUENCE_LABELING, os.path.join(RUN, "doccano.jsonl"))
spans = Span.objects.filter(example__project=p1).count()
examples = Example.objects.filter(project=p1).count()
row("importer (JSONL, sequence labelling) on `export --format doccano`", not errors and spans == n,
    f"{examples} examples, {spans}/{n} spans, {len(errors)} errors")

# 2. --format doccano-relations into a project with relations.
code, out, err = marginalia("export", "--format", "doccano-relations", "--status", "all", "--out", "doccano-rel.jsonl", "corpus")
n = exported(err)
want_rel = sum(len(json.loads(l)["relations"]) for l in open(os.path.join(RUN, "doccano-rel.jsonl"), encoding="utf-8"))
p2 = project("relations", True)
errors = load(p2, "RelationExtraction", os.path.join(RUN, "doccano-rel.jsonl"))
spans = Span.objects.filter(example__project=p2).count()
rels = Relation.objects.filter(example__project=p2).count()
row("importer (JSONL(Relation)) on `export --format doccano-relations`",
    not errors and spans == n and rels == want_rel > 0,
    f"{spans}/{n} spans, {rels}/{want_rel} relations, {len(errors)} errors"
    + ("" if want_rel else " (no links reached the export: the seed's links were not imported)"))

# 3. doccano's exporter on that project, imported into a fresh corpus.
import shutil  # noqa: E402
from data_export.celery_tasks import export_dataset  # noqa: E402
from examples.models import Comment  # noqa: E402


def export_jsonl(p, out_name):
    """doccano's own JSONL export of project p, written to RUN/out_name; its first record."""
    zip_path = export_dataset(p.id, "JSONL", confirmed_only=False)
    with zipfile.ZipFile(zip_path) as z:
        name = [n for n in z.namelist() if n.endswith(".jsonl")][0]
        data = z.read(name).decode("utf-8")
    with open(os.path.join(RUN, out_name), "w", encoding="utf-8") as f:
        f.write(data)
    return json.loads(data.splitlines()[0])


def import_fresh(fresh_name, *args):
    """`marginalia import --root FRESH ARGS` into a copy of the corpus without sidecars: (exit, summary)."""
    shutil.copytree(os.path.join(RUN, "corpus"), os.path.join(RUN, fresh_name),
                    ignore=shutil.ignore_patterns("*.ann.ron"))
    code, out, err = marginalia("import", "--root", fresh_name, *args)
    return code, (err.strip().splitlines() or ["(no summary)"])[-1]


Comment.objects.create(example=Example.objects.filter(project=p2).first(), user=user, text="check the dates")
first = export_jsonl(p2, "from-doccano.jsonl")
code, summary = import_fresh("fresh-doccano", "--format", "doccano", "from-doccano.jsonl")
row(f"its exporter's JSONL (keys {sorted(first)}, one comment) imported into a fresh corpus",
    code == 0 and f"({spans} spans, {rels} links, 1 note)" in summary and " 0 not imported" in summary,
    summary + f" (exit {code})")

# 4. doccano's exporter on the sequence-labelling project (`label` tuples,
# `Comments` as strings), imported into a fresh corpus with the format guessed.
Comment.objects.create(example=Example.objects.filter(project=p1).first(), user=user, text="check the names")
first = export_jsonl(p1, "from-doccano-labels.jsonl")
spans1 = Span.objects.filter(example__project=p1).count()
code, summary = import_fresh("fresh-doccano-labels", "from-doccano-labels.jsonl")
row(f"its exporter's JSONL (keys {sorted(first)}, one comment) imported (format guessed) into a fresh corpus",
    code == 0 and f"({spans1} spans, 1 note)" in summary and " 0 not imported" in summary,
    summary + f" (exit {code})")

for r in rows:
    print("\t".join(r))
