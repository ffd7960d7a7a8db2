//! `marginalia agree` and `marginalia merge` as a black box: the real binary,
//! fixtures in a temp folder, and real `git merge` runs using the driver.

use crate::{assert_exit, marginalia, stderr, stdout};
use marginalia::model::annotation::{Annotation, AnnotationId, Label, Origin};
use marginalia::model::offset::CharRange;
use marginalia::store::article_file::read_article;
use marginalia::store::sidecar::{self, Sidecar};
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_marginalia");

/// Offsets: Ali 0..3, met 4..7, Bo 8..10, in 11..13, Rome 14..18, today 19..24, "." 24..25.
const TEXT: &str = "Ali met Bo in Rome today.";

/// An annotation with a fixed id.
fn ann(path: &Path, id: &str, label: Label, start: usize, end: usize, author: &str) -> Annotation {
    let file = read_article(path).unwrap();
    let mut a = Annotation::new(
        &file.article,
        CharRange::from_usize(start, end),
        label,
        author,
        chrono::Utc::now(),
        Origin::Manual,
    )
    .unwrap();
    a.id = AnnotationId(id.into());
    a
}

/// Write `TEXT` to `path` and a sidecar with `(id, start, end, author)` entity spans.
fn annotated(path: &Path, spans: &[(&str, usize, usize, &str)]) -> Sidecar {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, TEXT).unwrap();
    let anns = spans
        .iter()
        .map(|&(id, s, e, who)| ann(path, id, Label::Entity, s, e, who))
        .collect();
    let sc = read_article(path).unwrap().sidecar(anns);
    write_sidecar(path, &sc);
    sc
}

fn write_sidecar(article: &Path, sc: &Sidecar) {
    std::fs::write(sidecar::sidecar_path(article), sidecar::to_string(sc)).unwrap();
}

fn read_sidecar(article: &Path) -> Sidecar {
    sidecar::read(&sidecar::sidecar_path(article))
        .unwrap()
        .unwrap()
        .0
}

fn row<'a>(table: &'a str, label: &str) -> Vec<&'a str> {
    table
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no {label} row in\n{table}"))
        .split_whitespace()
        .collect()
}

#[test]
fn agree_on_two_sidecars_prints_scores_and_disagreements() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A: Ali, Bo, Rome. B: Ali, Bo, "Rome today" (overlapping).
    annotated(
        &root.join("a/x.txt"),
        &[
            ("1", 0, 3, "ana"),
            ("2", 8, 10, "ana"),
            ("3", 14, 18, "ana"),
        ],
    );
    annotated(
        &root.join("b/x.txt"),
        &[("1", 0, 3, "bo"), ("2", 8, 10, "bo"), ("4", 14, 24, "bo")],
    );
    let out = marginalia(&["agree", "a/x.txt.ann.ron", "b/x.txt.ann.ron"], root);
    assert_exit(&out, 0);
    let table = stdout(&out);
    // Exact 2 of 3 each way; overlap 3 of 3. Tokens: 7; A marks 3, B marks 4
    // (both 3, B only 1, neither 3): κ = (6/7 − 24/49) / (25/49) = 0.72.
    assert_eq!(
        row(&table, "Entity"),
        [
            "Entity", "3", "3", "0.667", "0.667", "0.667", "1.000", "1.000", "1.000", "0.720", "7"
        ]
    );
    assert_eq!(
        row(&table, "Claim"),
        [
            "Claim", "0", "0", "-", "-", "-", "-", "-", "-", "1.000", "7"
        ]
    );
    assert!(
        table.contains("only A  x.txt  Entity  14..18  \"Rome\"  (overlaps B 14..24)"),
        "{table}"
    );
    assert!(
        table.contains("only B  x.txt  Entity  14..24  \"Rome today\"  (overlaps A 14..18)"),
        "{table}"
    );
    // Articles work as well as sidecars, and folders pair up relative paths.
    let by_article = marginalia(&["agree", "a/x.txt", "b/x.txt"], root);
    let body = |t: &str| t.lines().skip(2).map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(body(&stdout(&by_article)), body(&table));
    let by_folder = marginalia(&["agree", "--json", "a", "b"], root);
    assert_exit(&by_folder, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&by_folder)).unwrap();
    assert_eq!(json["documents"], 1);
    let entity = &json["labels"]["Entity"];
    assert!((entity["exact"]["f1"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(entity["overlap"]["matched"], 3);
    assert!((entity["kappa"].as_f64().unwrap() - 0.72).abs() < 1e-9);
    assert_eq!(json["disagreements"].as_array().unwrap().len(), 2);
    assert_eq!(json["disagreements"][0]["quote"], "Rome");
}

#[test]
fn agree_by_author_and_status_filter() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("x.txt");
    let mut sc = annotated(
        &article,
        &[("1", 0, 3, "ana"), ("2", 0, 3, "bo"), ("3", 8, 10, "bo")],
    );
    let json = |args: &[&str]| -> serde_json::Value {
        let out = marginalia(args, dir.path());
        assert_exit(&out, 0);
        serde_json::from_str(&stdout(&out)).unwrap()
    };
    let v = json(&["agree", "--json", ".", "--author", "ana", "--author", "bo"]);
    let e = &v["labels"]["Entity"]["exact"];
    assert_eq!(
        (
            e["a_spans"].as_u64(),
            e["b_spans"].as_u64(),
            e["matched"].as_u64()
        ),
        (Some(1), Some(2), Some(1))
    );
    assert_eq!(e["precision"], 0.5);
    assert_eq!(e["recall"], 1.0);
    // Rejected spans are left out by default, included on request.
    sc.annotations[2].status = marginalia::model::annotation::Status::Rejected;
    write_sidecar(&article, &sc);
    let v = json(&[
        "agree", "--json", "x.txt", "--author", "ana", "--author", "bo",
    ]);
    assert_eq!(v["labels"]["Entity"]["exact"]["precision"], 1.0);
    let v = json(&[
        "agree",
        "--json",
        "x.txt",
        "--author",
        "ana",
        "--author",
        "bo",
        "--status",
        "accepted,rejected",
    ]);
    assert_eq!(v["labels"]["Entity"]["exact"]["precision"], 0.5);
}

#[test]
fn completely_different_annotations_score_no_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    annotated(
        &root.join("a/x.txt"),
        &[("1", 0, 3, "ana"), ("2", 4, 7, "ana")],
    );
    annotated(
        &root.join("b/x.txt"),
        &[("3", 14, 18, "bo"), ("4", 19, 24, "bo")],
    );
    let out = marginalia(&["agree", "--json", "a", "b"], root);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let e = &v["labels"]["Entity"];
    assert_eq!(e["exact"]["f1"], 0.0);
    assert_eq!(e["overlap"]["f1"], 0.0);
    assert!(e["kappa"].as_f64().unwrap() <= 0.0, "{e}");
}

#[test]
fn agree_refuses_mismatched_inputs() {
    let dir = tempfile::tempdir().unwrap();
    annotated(&dir.path().join("a/x.txt"), &[]);
    let out = marginalia(&["agree", "a", "a/x.txt"], dir.path());
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("not one of each"), "{}", stderr(&out));
    let out = marginalia(&["agree", "a", "--author", "x"], dir.path());
    assert_exit(&out, 2);
    let out = marginalia(&["agree", "a/x.txt", "nothing.txt"], dir.path());
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("nothing.txt: no such sidecar or article"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn merge_refuses_unparsable_input_and_leaves_ours_alone() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("x.txt");
    annotated(&article, &[("1", 0, 3, "ana")]);
    std::fs::copy(sidecar::sidecar_path(&article), dir.path().join("ours.ron")).unwrap();
    let ours_before = std::fs::read(dir.path().join("ours.ron")).unwrap();
    std::fs::write(
        dir.path().join("theirs.ron"),
        "(\n  version: 1,\n  article: [\n",
    )
    .unwrap();
    let out = marginalia(
        &["merge", "x.txt.ann.ron", "ours.ron", "theirs.ron"],
        dir.path(),
    );
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("theirs.ron:3:"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(dir.path().join("ours.ron")).unwrap(),
        ours_before
    );
}

fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap()
}

fn git_ok(dir: &Path, args: &[&str]) {
    let out = git(dir, args);
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

/// A repository with the driver installed, `x.txt` and its sidecar holding
/// annotation "base" committed on `main`, and a branch `theirs` at that commit.
fn repo_with_driver() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git_ok(root, &["init", "-q", "-b", "main"]);
    git_ok(root, &["config", "user.name", "Tester"]);
    git_ok(root, &["config", "user.email", "t@example.org"]);
    git_ok(
        root,
        &[
            "config",
            "merge.marginalia.driver",
            &format!("'{BIN}' merge %O %A %B"),
        ],
    );
    std::fs::write(root.join(".gitattributes"), "*.ann.ron merge=marginalia\n").unwrap();
    let article = root.join("x.txt");
    annotated(&article, &[("base", 0, 3, "ana")]);
    git_ok(root, &["add", "-A"]);
    git_ok(root, &["commit", "-q", "-m", "base"]);
    git_ok(root, &["branch", "theirs"]);
    (dir, article)
}

/// Commit a change to the sidecar on `branch`.
fn commit_on(root: &Path, article: &Path, branch: &str, change: impl FnOnce(&mut Sidecar)) {
    git_ok(root, &["checkout", "-q", branch]);
    let mut sc = read_sidecar(article);
    change(&mut sc);
    write_sidecar(article, &sc);
    git_ok(root, &["commit", "-q", "-am", branch]);
}

#[test]
fn git_merge_with_the_driver_keeps_both_sides_annotations() {
    let (dir, article) = repo_with_driver();
    let root = dir.path();
    // Both sides add an annotation right after the same one: a line-based
    // merge would conflict here, the driver does not.
    commit_on(root, &article, "theirs", |sc| {
        sc.annotations
            .push(ann(&article, "t", Label::Entity, 8, 10, "bo"));
        sc.annotations[0].note = Some("checked by bo".into());
    });
    commit_on(root, &article, "main", |sc| {
        sc.annotations
            .push(ann(&article, "o", Label::Claim, 8, 10, "ana"));
    });
    let out = git(root, &["merge", "--no-edit", "theirs"]);
    assert_exit(&out, 0);
    let merged = read_sidecar(&article);
    let mut ids: Vec<_> = merged.annotations.iter().map(|a| a.id.0.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["base", "o", "t"]);
    assert_eq!(merged.annotations[0].note.as_deref(), Some("checked by bo"));
    assert!(merged.annotations.iter().all(|a| a.conflict.is_none()));
}

#[test]
fn git_merge_of_one_annotation_changed_twice_records_a_conflict_not_markers() {
    let (dir, article) = repo_with_driver();
    let root = dir.path();
    commit_on(root, &article, "theirs", |sc| {
        sc.annotations[0].note = Some("theirs".into())
    });
    commit_on(root, &article, "main", |sc| {
        sc.annotations[0].note = Some("ours".into())
    });
    let out = git(root, &["merge", "--no-edit", "theirs"]);
    assert!(!out.status.success(), "a conflict must stop the merge");
    let text = std::fs::read_to_string(sidecar::sidecar_path(&article)).unwrap();
    assert!(!text.contains("<<<<<<<"), "{text}");
    let merged = sidecar::parse(&text, Path::new("merged")).unwrap();
    assert_eq!(merged.annotations.len(), 1);
    let a = &merged.annotations[0];
    assert_eq!(a.note.as_deref(), Some("ours"));
    assert_eq!(
        a.conflict.as_ref().and_then(|c| c.note.as_deref()),
        Some("theirs")
    );
}

#[test]
fn agree_by_kind_prints_per_kind_tables_and_json_keyed_by_kind() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let kinded = |path: &Path, spans: &[(&str, usize, usize, Option<&str>)]| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, TEXT).unwrap();
        let anns = spans
            .iter()
            .map(|&(id, s, e, kind)| {
                let mut a = ann(path, id, Label::Entity, s, e, "ana");
                a.kind = kind.map(str::to_owned);
                a
            })
            .collect();
        write_sidecar(path, &read_article(path).unwrap().sidecar(anns));
    };
    // A: Ali PER, Bo PER, Rome LOC, today (no kind). B: Ali PER, Bo ORG, Rome LOC, today.
    kinded(
        &root.join("a/x.txt"),
        &[
            ("1", 0, 3, Some("PER")),
            ("2", 8, 10, Some("PER")),
            ("3", 14, 18, Some("LOC")),
            ("4", 19, 24, None),
        ],
    );
    kinded(
        &root.join("b/x.txt"),
        &[
            ("1", 0, 3, Some("PER")),
            ("2", 8, 10, Some("ORG")),
            ("3", 14, 18, Some("LOC")),
            ("4", 19, 24, None),
        ],
    );
    let out = marginalia(&["agree", "--by", "kind", "a", "b"], root);
    assert_exit(&out, 0);
    let table = stdout(&out);
    assert!(table.contains("\nkind "), "{table}");
    assert_eq!(
        row(&table, "PER")[..6],
        ["PER", "2", "1", "1.000", "0.500", "0.667"]
    );
    assert_eq!(row(&table, "ORG")[..4], ["ORG", "0", "1", "0.000"]);
    assert_eq!(
        row(&table, "LOC")[..6],
        ["LOC", "1", "1", "1.000", "1.000", "1.000"]
    );
    assert_eq!(row(&table, "Entity")[..3], ["Entity", "1", "1"]);
    assert!(
        table.contains("only A  x.txt  PER  8..10  \"Bo\""),
        "{table}"
    );
    assert!(
        table.contains("only B  x.txt  ORG  8..10  \"Bo\""),
        "{table}"
    );
    // By label, all four are Entity spans and only Bo's kind differs: no disagreement.
    let by_label = stdout(&marginalia(&["agree", "a", "b"], root));
    assert_eq!(
        row(&by_label, "Entity")[..6],
        ["Entity", "4", "4", "1.000", "1.000", "1.000"]
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&marginalia(
        &["agree", "--by", "kind", "--json", "a", "b"],
        root,
    )))
    .unwrap();
    assert_eq!(v["by"], "kind");
    let kinds: Vec<&String> = v["kinds"].as_object().unwrap().keys().collect();
    assert_eq!(kinds, ["Entity", "LOC", "ORG", "PER"]);
    // Each kind's object has the per-label shape.
    let label_json: serde_json::Value =
        serde_json::from_str(&stdout(&marginalia(&["agree", "--json", "a", "b"], root))).unwrap();
    let keys = |x: &serde_json::Value| x.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(&v["kinds"]["PER"]),
        keys(&label_json["labels"]["Entity"])
    );
    assert_eq!(v["kinds"]["PER"]["exact"]["matched"], 1);
    assert_eq!(v["kinds"]["PER"]["tokens"]["a_only"], 1);
    assert_eq!(v["disagreements"][0]["kind"], "PER");
}
