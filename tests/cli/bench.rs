//! `marginalia bench` and `__gen-article` as a black box: the line's format
//! (never its timings), and that the user's files are left untouched.

use crate::{assert_exit, marginalia};

const KEYS: [&str; 11] = [
    "open_ms",
    "first_frame_ms",
    "frame_median_ms",
    "frame_p99_ms",
    "resize_ms",
    "tag_ms",
    "save_ms",
    "peak_rss_mb",
    "ready_ms",
    "fling_median_ms",
    "fling_p99_ms",
];

#[test]
fn bench_prints_one_line_of_named_figures_and_leaves_the_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let generated = marginalia(
        &[
            "__gen-article",
            "small.txt",
            "--bytes",
            "5000",
            "--annotations",
            "20",
            "--seed",
            "7",
        ],
        dir.path(),
    );
    assert_exit(&generated, 0);
    let sidecar = dir.path().join("small.txt.ann.ron");
    let before = std::fs::read(&sidecar).unwrap();
    assert!(String::from_utf8_lossy(&before).matches("label:").count() == 20);

    let out = marginalia(&["bench", "small.txt", "--frames", "10"], dir.path());
    assert_exit(&out, 0);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let fields: Vec<(&str, &str)> = lines[0]
        .split(' ')
        .map(|f| f.split_once('=').unwrap())
        .collect();
    let keys: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, KEYS);
    for (k, v) in fields {
        if k == "peak_rss_mb" && v == "unknown" {
            continue;
        }
        let x: f64 = v.parse().unwrap_or_else(|_| panic!("{k}={v}"));
        assert!(x.is_finite() && x >= 0.0, "{k}={v}");
    }
    assert_eq!(
        std::fs::read(&sidecar).unwrap(),
        before,
        "the user's sidecar changed"
    );

    // A fixed scrolling speed, turning back at the ends, also runs.
    let out = marginalia(
        &["bench", "small.txt", "--frames", "40", "--step", "120"],
        dir.path(),
    );
    assert_exit(&out, 0);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("open_ms="));

    // With a reference article, its frame figures and the ratio follow.
    let out = marginalia(
        &[
            "bench",
            "small.txt",
            "--frames",
            "20",
            "--step",
            "60",
            "--fling-frames",
            "10",
            "--reference",
            "small.txt",
        ],
        dir.path(),
    );
    assert_exit(&out, 0);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let keys: Vec<&str> = stdout
        .trim_end()
        .split(' ')
        .map(|f| f.split_once('=').unwrap().0)
        .collect();
    assert_eq!(keys[..KEYS.len()], KEYS);
    assert_eq!(
        keys[KEYS.len()..],
        [
            "ref_frame_median_ms",
            "ref_frame_p99_ms",
            "frame_median_ratio"
        ]
    );
}

#[test]
fn generated_articles_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a.txt", "b.txt"] {
        let o = marginalia(
            &[
                "__gen-article",
                name,
                "--bytes",
                "3000",
                "--annotations",
                "9",
            ],
            dir.path(),
        );
        assert_exit(&o, 0);
    }
    let read = |n: &str| std::fs::read(dir.path().join(n)).unwrap();
    assert_eq!(read("a.txt"), read("b.txt"));
}

#[test]
fn bench_of_a_missing_article_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = marginalia(&["bench", "nope.txt"], dir.path());
    assert_exit(&out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.txt"));
}
