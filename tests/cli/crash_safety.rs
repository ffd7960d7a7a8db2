//! Crash safety of sidecar saves: a writer process that saves two different
//! sidecars A and B in a loop is killed with SIGKILL at random moments; after
//! every kill the sidecar must be exactly A or exactly B, never a mix or a
//! truncated file. Temp files left by killed writers are removed by the next
//! save once they are stale.

#![cfg(unix)]

use marginalia::cli::stress_write::fixture;
use marginalia::store::sidecar;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

const ANNOTATIONS: usize = 2000;
/// Kills always made, however long they take.
const MIN_KILLS: usize = 20;
const KILLS: usize = 50;

/// A small xorshift generator, seeded from the clock: different moments each run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn temp_files(dir: &Path) -> Vec<std::path::PathBuf> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(".marginalia-") && name.ends_with(".tmp")
        })
        .collect()
}

#[test]
fn sigkill_during_saves_leaves_a_or_b_never_a_mix() {
    let a = fixture(ANNOTATIONS, 0);
    let b = fixture(ANNOTATIONS, 1);
    assert_ne!(a, b);
    assert!(
        a.len() > 200_000,
        "sidecars must be big enough to be caught mid-write"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stress.txt.ann.ron");
    fs::write(&path, &a).unwrap();

    let seed = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Rng(seed | 1);
    let started = Instant::now();
    let (mut kills, mut seen_a, mut seen_b) = (0, 0, 0);
    // At least MIN_KILLS whatever the machine's load (a busy CI machine is
    // slow, not wrong), and up to KILLS while time allows.
    while kills < MIN_KILLS || (kills < KILLS && started.elapsed() < Duration::from_secs(30)) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_marginalia"))
            .arg("__stress-write")
            .arg(&path)
            .arg(ANNOTATIONS.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut ready = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut ready)
            .unwrap();
        assert_eq!(ready.trim(), "ready");
        std::thread::sleep(Duration::from_millis(rng.below(120)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        kills += 1;
        let got = fs::read_to_string(&path).unwrap();
        if got == a {
            seen_a += 1;
        } else if got == b {
            seen_b += 1;
        } else {
            panic!(
                "after kill {kills} (seed {seed}) the sidecar is neither A nor B: {} bytes",
                got.len()
            );
        }
        // It must also parse.
        sidecar::parse(&got, &path).unwrap();
    }
    eprintln!(
        "{kills} kills in {:?}: A {seen_a}, B {seen_b}, leftover temp files {}",
        started.elapsed(),
        temp_files(dir.path()).len()
    );
    assert!(
        seen_b > 0,
        "the writer never completed a save: the test proves nothing"
    );

    // Leftover temp files of killed writers are removed by the next save
    // once stale (older than a minute); age them instead of waiting.
    let old = SystemTime::now() - Duration::from_secs(120);
    for t in temp_files(dir.path()) {
        fs::File::options()
            .write(true)
            .open(&t)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    sidecar::write_atomic(&path, a.as_bytes()).unwrap();
    assert!(temp_files(dir.path()).is_empty());
    assert_eq!(fs::read_to_string(&path).unwrap(), a);
}

#[test]
fn fresh_temp_files_are_kept_stale_ones_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.txt.ann.ron");
    let fresh = dir.path().join(".marginalia-fresh.tmp");
    let stale = dir.path().join(".marginalia-stale.tmp");
    let other = dir.path().join("notes.tmp");
    for p in [&fresh, &stale, &other] {
        fs::write(p, "x").unwrap();
    }
    let old = SystemTime::now() - Duration::from_secs(3600);
    for p in [&stale, &other] {
        fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }
    sidecar::write_atomic(&path, b"hello").unwrap();
    assert!(
        fresh.exists(),
        "a concurrent writer's temp file must survive"
    );
    assert!(!stale.exists());
    assert!(
        other.exists(),
        "only Marginalia's own temp files are touched"
    );
}

#[test]
fn saves_in_a_row_list_the_folder_for_stale_temps_once_not_per_save() {
    // Listing the folder on every save made a 1,000-article `suggest` read
    // 1,000 folder listings of 2,000 entries each.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.txt.ann.ron");
    sidecar::write_atomic(&path, b"first").unwrap();
    let stale = dir.path().join(".marginalia-killed.tmp");
    fs::write(&stale, "x").unwrap();
    fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
    for i in 0..3 {
        sidecar::write_atomic(&path, format!("save {i}").as_bytes()).unwrap();
    }
    assert!(
        stale.exists(),
        "the folder was listed again within a minute of the first save"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), "save 2");
}
