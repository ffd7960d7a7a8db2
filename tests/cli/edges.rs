//! The command line's edges (issue 10, "The command line"): a closed pipe
//! ends every command quietly, and `check` reports unresolved merge conflicts.

use crate::{assert_exit, marginalia, stderr, stdout};
use marginalia::model::annotation::{Annotation, AnnotationId, Label, Origin};
use marginalia::model::offset::CharRange;
use marginalia::store::article_file::read_article;
use marginalia::store::sidecar;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// An article with `n` entity annotations on its words, and its sidecar.
fn article_with(dir: &Path, name: &str, n: usize) -> PathBuf {
    let path = dir.join(name);
    let text: String = (0..n).map(|i| format!("word{i:05} ")).collect();
    std::fs::write(&path, &text).unwrap();
    let file = read_article(&path).unwrap();
    let anns = (0..n)
        .map(|i| {
            let mut a = Annotation::new(
                &file.article,
                CharRange::from_usize(i * 10, i * 10 + 9),
                Label::Entity,
                "ana",
                chrono::Utc::now(),
                Origin::Manual,
            )
            .unwrap();
            a.id = AnnotationId(format!("id{i}"));
            a
        })
        .collect();
    let sc = file.sidecar(anns);
    sidecar::write_atomic(
        &sidecar::sidecar_path(&path),
        sidecar::to_string(&sc).as_bytes(),
    )
    .unwrap();
    path
}

/// Run the binary with its stdout a pipe whose reading end is already
/// closed, as in `marginalia … | head` once head has exited.
fn with_closed_stdout(args: &[&str], dir: &Path) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run marginalia");
    drop(child.stdout.take());
    child.wait_with_output().expect("wait for marginalia")
}

#[test]
fn every_command_ends_quietly_on_a_closed_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("a")).unwrap();
    std::fs::create_dir_all(root.join("b")).unwrap();
    // Enough output that it cannot all sit in the pipe's buffer.
    article_with(&root.join("a"), "x.txt", 3000);
    article_with(&root.join("b"), "x.txt", 2000);
    for args in [
        &["agree", "--json", "a", "b"][..],
        &["agree", "a", "b"],
        &["export", "a"],
        &["export", "--format", "conll", "a"],
        &["export", "--format", "labelstudio", "a"],
        &["stats", "a"],
        &["check", "a"],
    ] {
        let out = with_closed_stdout(args, root);
        let err = stderr(&out);
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe") && !err.contains("error"),
            "{args:?}: {err}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            assert!(
                out.status.success() || out.status.signal() == Some(SIGPIPE),
                "{args:?}: {:?}",
                out.status
            );
        }
    }
}

/// The signal number of SIGPIPE on Linux and the BSDs.
#[cfg(unix)]
const SIGPIPE: i32 = 13;

#[test]
fn check_reports_an_unresolved_merge_conflict_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = article_with(dir.path(), "x.txt", 3);
    let ok = marginalia(&["check", "x.txt"], dir.path());
    assert_exit(&ok, 0);
    let sc_path = sidecar::sidecar_path(&path);
    let (mut sc, _) = sidecar::read(&sc_path).unwrap().unwrap();
    let mut theirs = sc.annotations[1].clone();
    theirs.label = Label::Quote;
    sc.annotations[1].conflict = Some(Box::new(theirs));
    sidecar::write_atomic(&sc_path, sidecar::to_string(&sc).as_bytes()).unwrap();
    let out = marginalia(&["check", "x.txt"], dir.path());
    assert_exit(&out, 1);
    assert_eq!(
        stdout(&out),
        "x.txt: id1: unresolved merge conflict (both sides changed it; open the article and choose)\n"
    );
    assert!(stderr(&out).contains("1 problems"), "{}", stderr(&out));
}
