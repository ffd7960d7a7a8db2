//! `marginalia reanchor` and `marginalia check` as a black box: an article is
//! edited after annotating; reanchor rewrites the sidecar and prints the
//! tally; check keeps failing until every annotation is exact again.

use marginalia::model::annotation::{AnchorState, Annotation, Label, Origin};
use marginalia::model::document::Article;
use marginalia::model::offset::CharRange;
use marginalia::store::sidecar::{self, Sidecar};
use std::fs;
use std::path::Path;
use std::process::Command;

const OLD: &str = "Dehqan met Hasanov in Tehran on Monday. The talks ended without a deal. \
Observers were not surprised by the outcome.";

fn run(args: &[&str], path: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn annotate(article: &Article, needle: &str) -> Annotation {
    let text = article.text();
    let b = text.find(needle).unwrap();
    let s = text[..b].chars().count();
    Annotation::new(
        article,
        CharRange::from_usize(s, s + needle.chars().count()),
        Label::Claim,
        "ana",
        chrono::Utc::now(),
        Origin::Manual,
    )
    .unwrap()
}

/// `report.txt` holding `OLD`, with claims on "Dehqan", "The talks ended
/// without a deal." and "Observers were not surprised"; returns the folder,
/// the article and its sidecar path.
fn report_with_three_claims() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    fs::write(&path, OLD).unwrap();
    let old = Article::new(OLD.into());
    let anns = vec![
        annotate(&old, "Dehqan"),
        annotate(&old, "The talks ended without a deal."),
        annotate(&old, "Observers were not surprised"),
    ];
    let sc = Sidecar::new("report.txt", "utf-8", &old, anns);
    let sc_path = sidecar::sidecar_path(&path);
    fs::write(&sc_path, sidecar::to_string(&sc)).unwrap();
    (dir, path, sc_path)
}

#[test]
fn reanchor_rewrites_the_sidecar_and_prints_the_tally() {
    let (_dir, path, sc_path) = report_with_three_claims();
    assert_eq!(run(&["check"], &path).0, 0);

    // Edit: a word inserted after the first span, the last sentence deleted.
    let new_text = "Dehqan met Hasanov in Tehran on a cold Monday. The talks ended without a deal.";
    fs::write(&path, new_text).unwrap();
    let (code, out, err) = run(&["check"], &path);
    assert_eq!(code, 1, "{out}{err}");

    let (code, first, err) = run(&["reanchor"], &path);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        first,
        format!(
            "{}: exact 1, moved 1, fuzzy 0, orphaned 1\n",
            path.display()
        )
    );
    let (after, _) = sidecar::read(&sc_path).unwrap().unwrap();
    let new = Article::new(new_text.into());
    assert_eq!(after.article.hash, new.hash());
    assert_eq!(after.article.char_len, new.char_len());
    assert_eq!(after.annotations.len(), 3, "never dropped");
    let moved = after
        .annotations
        .iter()
        .find(|a| a.anchor == AnchorState::Moved)
        .unwrap();
    assert_eq!(new.slice(moved.range()), Some(moved.quote.as_str()));

    // The hash now matches, but moved and orphaned annotations still need review.
    let (code, out, _) = run(&["check"], &path);
    assert_eq!(code, 1);
    assert!(out.contains("anchor is Moved, needs review"), "{out}");
    assert!(out.contains("anchor is Orphaned, needs review"), "{out}");

    // A second run changes nothing on disk.
    let bytes = fs::read(&sc_path).unwrap();
    let (code, out2, _) = run(&["reanchor"], &path);
    assert_eq!(code, 0);
    assert_eq!(out2, first);
    assert_eq!(fs::read(&sc_path).unwrap(), bytes);
}

#[test]
fn check_exits_1_while_any_annotation_is_not_exact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    fs::write(&path, OLD).unwrap();
    let article = Article::new(OLD.into());
    for state in [
        AnchorState::Moved,
        AnchorState::Fuzzy,
        AnchorState::Orphaned,
    ] {
        let mut a = annotate(&article, "Dehqan");
        a.anchor = state;
        let sc = Sidecar::new("a.txt", "utf-8", &article, vec![a]);
        fs::write(sidecar::sidecar_path(&path), sidecar::to_string(&sc)).unwrap();
        let (code, out, _) = run(&["check"], &path);
        assert_eq!(code, 1, "{state:?}");
        assert!(out.contains(&format!("anchor is {state:?}")), "{out}");
    }
    let sc = Sidecar::new(
        "a.txt",
        "utf-8",
        &article,
        vec![annotate(&article, "Dehqan")],
    );
    fs::write(sidecar::sidecar_path(&path), sidecar::to_string(&sc)).unwrap();
    assert_eq!(run(&["check"], &path).0, 0);
}

#[test]
fn reanchor_walks_folders_and_skips_articles_without_sidecars() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("plain.txt"), "no sidecar here").unwrap();
    let (code, out, _) = run(&["reanchor"], dir.path());
    assert_eq!(code, 0);
    assert!(
        out.ends_with("plain.txt: exact 0, moved 0, fuzzy 0, orphaned 0\n"),
        "{out}"
    );
    assert!(!dir.path().join("plain.txt.ann.ron").exists());
}

/// Issue 10, "Re-anchoring friction": a paragraph inserted at the top left
/// every annotation below it `Moved` and out of exports.
#[test]
fn a_paragraph_inserted_at_the_top_leaves_certain_annotations_exact_and_confirm_takes_the_rest() {
    // "Dehqan"'s stored prefix is empty (it starts the text): not certain after the insert.
    let (_dir, path, sc_path) = report_with_three_claims();
    fs::write(&path, format!("UPDATE: this story was corrected.\n\n{OLD}")).unwrap();

    let (code, out, err) = run(&["reanchor"], &path);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.ends_with(": exact 2, moved 1, fuzzy 0, orphaned 0\n"),
        "{out}"
    );
    let (code, _, err) = run(&["export"], &path);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("2 spans exported, 1 skipped (1 not exactly anchored)"),
        "{err}"
    );

    // The analyst looked: confirm the rest in one go.
    let (code, out, err) = run(&["confirm", "--by", "bo"], &path);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.ends_with(": confirmed 1, still to review 0, orphaned 0\n"),
        "{out}"
    );
    assert_eq!(run(&["check"], &path).0, 0);
    let (code, _, err) = run(&["export"], &path);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("3 spans exported, 0 skipped"), "{err}");
    let (after, _) = sidecar::read(&sc_path).unwrap().unwrap();
    let dehqan = after
        .annotations
        .iter()
        .find(|a| a.quote == "Dehqan")
        .unwrap();
    assert_eq!(dehqan.modified_by.as_deref(), Some("bo"));
}

#[test]
fn confirm_leaves_fuzzy_without_the_flag_orphans_always_and_stale_sidecars_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.txt");
    fs::write(&path, OLD).unwrap();
    let article = Article::new(OLD.into());
    let states = [
        AnchorState::Moved,
        AnchorState::Fuzzy,
        AnchorState::Orphaned,
    ];
    let anns: Vec<Annotation> = ["Dehqan", "Hasanov", "Tehran"]
        .iter()
        .zip(states)
        .map(|(q, state)| {
            let mut a = annotate(&article, q);
            a.anchor = state;
            a
        })
        .collect();
    let sc = Sidecar::new("a.txt", "utf-8", &article, anns);
    fs::write(sidecar::sidecar_path(&path), sidecar::to_string(&sc)).unwrap();
    let (_, out, _) = run(&["confirm"], &path);
    assert!(
        out.ends_with(": confirmed 1, still to review 1, orphaned 1\n"),
        "{out}"
    );
    let (_, out, _) = run(&["confirm", "--fuzzy"], &path);
    assert!(
        out.ends_with(": confirmed 1, still to review 0, orphaned 1\n"),
        "{out}"
    );
    // The article changes: nothing is confirmed against a text it was not found in.
    fs::write(&path, format!("{OLD} More.")).unwrap();
    let before = fs::read(sidecar::sidecar_path(&path)).unwrap();
    let (code, out, _) = run(&["confirm"], &path);
    assert_eq!(code, 1);
    assert!(out.contains("run marginalia reanchor first"), "{out}");
    assert_eq!(fs::read(sidecar::sidecar_path(&path)).unwrap(), before);
}
