//! A headless run of the real window, timed: open, first frame, scrolling
//! (in equal steps top to bottom, or at a fixed speed), a fling top to
//! bottom, one resize, one tag, one save, and peak memory.
//!
//! It drives [`MarginaliaApp::ui_body`] through `egui::Context::run_ui` and
//! tessellates every frame, as the window does (only the GPU upload is
//! missing). Invariant: it never touches the user's files — the article and
//! its sidecar are copied into a temporary folder first, and only the copy
//! is opened and saved.
use crate::model::offset::CharRange;
use crate::store::sidecar;
use crate::window::app::MarginaliaApp;
use crate::window::prefs::Prefs;
use anyhow::{Context as _, bail};
use eframe::egui;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How to run the bench.
#[derive(Clone, Copy, Debug)]
pub struct BenchConfig {
    /// Frames spent scrolling from the top to the bottom.
    pub frames: usize,
    /// Points scrolled per frame instead, over `frames` frames, turning back
    /// at either end (`None`: top to bottom in `frames` equal steps).
    pub step_points: Option<f32>,
    /// Window width in points.
    pub width_points: f32,
    /// Window height in points.
    pub height_points: f32,
    /// Frames of the fling: top to bottom in this many equal steps, timed
    /// after the scrolling above.
    pub fling_frames: usize,
    /// Time frames by the UI thread's CPU time instead of the wall clock:
    /// on a loaded machine, what the frames cost rather than how long they
    /// waited for a core (Unix; elsewhere the wall clock).
    pub cpu_clock: bool,
    /// Tags made after the timed one, about a second apart and never saved
    /// until the save: the crash journal's cost while work is unsaved.
    pub unsaved_edits: usize,
}

/// What unsaved work cost while the crash journal kept it.
#[derive(Clone, Debug, PartialEq)]
pub struct UnsavedCost {
    /// Tags made.
    pub edits: usize,
    /// CPU time of the window's thread over those tags and their frames.
    pub window_cpu_ms: f64,
    /// CPU time of the whole process (the journal's writer included).
    pub process_cpu_ms: f64,
    /// Peak resident memory while the work was unsaved (VmHWM, reset at
    /// the start), when known.
    pub peak_rss_mb: Option<f64>,
}

/// What was measured, in milliseconds (memory in MiB).
#[derive(Clone, Debug, PartialEq)]
pub struct BenchReport {
    /// Constructing the app: reading the article (and, when not deferred,
    /// the sidecar) until the app can draw.
    pub open_ms: f64,
    /// From the start of open to the end of the first tessellated frame.
    pub first_frame_ms: f64,
    /// From the start of open to the end of the first frame that shows the
    /// sidecar's annotations.
    pub ready_ms: f64,
    /// Median of the scrolling frames.
    pub frame_median_ms: f64,
    /// 99th percentile of the scrolling frames.
    pub frame_p99_ms: f64,
    /// The frame after the window width changed.
    pub resize_ms: f64,
    /// The frame whose input holds the E key press with a selection set.
    pub tag_ms: f64,
    /// [`MarginaliaApp::save`] of the copy's sidecar, once the app is idle
    /// (see [`MarginaliaApp::wait_for_background`]).
    pub save_ms: f64,
    /// Peak resident memory of the process (VmHWM), when known.
    pub peak_rss_mb: Option<f64>,
    /// Median of the fling's frames.
    pub fling_median_ms: f64,
    /// 99th percentile of the fling's frames.
    pub fling_p99_ms: f64,
    /// `--unsaved-edits`: the cost of unsaved work.
    pub unsaved: Option<UnsavedCost>,
}

impl BenchReport {
    /// The one-line summary `marginalia bench` prints.
    pub fn line(&self) -> String {
        let rss = self
            .peak_rss_mb
            .map_or_else(|| "unknown".to_owned(), |m| format!("{m:.1}"));
        format!(
            "open_ms={:.1} first_frame_ms={:.1} frame_median_ms={:.2} frame_p99_ms={:.2} resize_ms={:.1} tag_ms={:.2} save_ms={:.1} peak_rss_mb={rss} ready_ms={:.1} fling_median_ms={:.2} fling_p99_ms={:.2}",
            self.open_ms,
            self.first_frame_ms,
            self.frame_median_ms,
            self.frame_p99_ms,
            self.resize_ms,
            self.tag_ms,
            self.save_ms,
            self.ready_ms,
            self.fling_median_ms,
            self.fling_p99_ms,
        ) + &self.unsaved.as_ref().map_or_else(String::new, |u| {
            let rss = u
                .peak_rss_mb
                .map_or_else(|| "unknown".to_owned(), |m| format!("{m:.1}"));
            format!(
                " unsaved_edits={} unsaved_window_cpu_ms={:.1} unsaved_cpu_ms={:.1} unsaved_peak_rss_mb={rss}",
                u.edits, u.window_cpu_ms, u.process_cpu_ms
            )
        })
    }
}

/// The reference article's scrolling frames, timed alternately with the
/// article's (see [`run_with_reference`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ReferenceReport {
    /// Median of its scrolling frames.
    pub frame_median_ms: f64,
    /// 99th percentile of its scrolling frames.
    pub frame_p99_ms: f64,
}

/// Feeds frames to the app with a steadily advancing clock.
struct Driver {
    ctx: egui::Context,
    size: egui::Vec2,
    frame: u64,
    cpu_clock: bool,
    /// The delay of each repaint asked for since the last frame began
    /// (from any thread), as eframe is told of them.
    repaints: mpsc::Receiver<Duration>,
    /// When the last frame asked to be drawn again.
    next_repaint: Duration,
    /// When the last frame started.
    last_started: Instant,
}

impl Driver {
    fn input(&mut self, events: Vec<egui::Event>) -> egui::RawInput {
        self.frame += 1;
        egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, self.size)),
            time: Some(self.frame as f64 / 60.0),
            predicted_dt: 1.0 / 60.0,
            focused: true,
            events,
            ..Default::default()
        }
    }

    /// Wait, as eframe would, until the window asked to be drawn: after the
    /// delay the last frame asked for, or when another thread asks (the
    /// sidecar reader when it is done), but not before the display's next
    /// refresh after the last frame (60 Hz); at most `limit`.
    fn wait_for_repaint(&mut self, limit: Duration) {
        let mut until = Instant::now() + self.next_repaint.min(limit);
        loop {
            let now = Instant::now();
            if until <= now {
                break;
            }
            match self.repaints.recv_timeout(until - now) {
                Ok(delay) => until = until.min(Instant::now() + delay),
                Err(_) => break,
            }
        }
        let refresh = self.last_started + Duration::from_secs_f64(1.0 / 60.0);
        std::thread::sleep(refresh.saturating_duration_since(Instant::now()));
    }

    /// One frame of the whole window (UI pass and tessellation); its duration.
    fn frame(&mut self, app: &mut MarginaliaApp, events: Vec<egui::Event>) -> Duration {
        let input = self.input(events);
        // Asked for before this frame: it answers them.
        while self.repaints.try_recv().is_ok() {}
        let cpu_started = self.cpu_clock.then(thread_cpu_time).flatten();
        let started = Instant::now();
        self.last_started = started;
        let mut output = self.ctx.run_ui(input, |ui| app.ui_body(ui));
        self.next_repaint = output
            .viewport_output
            .get(&egui::ViewportId::ROOT)
            .map_or(Duration::MAX, |v| v.repaint_delay);
        // No GPU to upload to; clear the updates (dropping them unhandled
        // panics in debug builds).
        output.textures_delta.clear();
        let prims = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(prims);
        match (cpu_started, thread_cpu_time()) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => started.elapsed(),
        }
    }
}

/// CPU time used by this thread so far, where the platform tells it.
fn thread_cpu_time() -> Option<Duration> {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec for the call.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        let secs = u64::try_from(ts.tv_sec).ok()?;
        let nanos = u32::try_from(ts.tv_nsec).ok()?;
        (rc == 0).then(|| Duration::new(secs, nanos))
    }
    #[cfg(not(unix))]
    None
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The value at quantile `q` (0..=1) of `sorted` (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Peak resident set size of this process in MiB (Linux `VmHWM`).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Copy `article` and its sidecar (if any) into `dir`; the copy's path.
fn copy_into(article: &Path, dir: &Path) -> anyhow::Result<std::path::PathBuf> {
    let name = article
        .file_name()
        .with_context(|| format!("{} has no file name", article.display()))?;
    let copy = dir.join(name);
    std::fs::copy(article, &copy).with_context(|| format!("copying {}", article.display()))?;
    let sc = sidecar::sidecar_path(article);
    if sc.exists() {
        std::fs::copy(&sc, sidecar::sidecar_path(&copy))
            .with_context(|| format!("copying {}", sc.display()))?;
    }
    Ok(copy)
}

/// Run the bench on a copy of `article` (and its sidecar).
pub fn run(article: &Path, config: BenchConfig) -> anyhow::Result<BenchReport> {
    Ok(run_with(article, None, config)?.0)
}

/// [`run`], with the scrolling frames of `reference` (a 5 KB article at
/// the same density, opened after the article in a window of its own)
/// timed alternately with the article's, frame by frame, so that both
/// medians are taken under the same load: run one after the other, the
/// reference's median moved by half from run to run on a shared machine.
pub fn run_with_reference(
    article: &Path,
    reference: &Path,
    config: BenchConfig,
) -> anyhow::Result<(BenchReport, ReferenceReport)> {
    let (report, reference) = run_with(article, Some(reference), config)?;
    let reference = reference.context("the reference was not run")?;
    Ok((report, reference))
}

fn new_driver(config: &BenchConfig, work: &Path) -> Driver {
    let (asked, repaints) = mpsc::channel();
    let ctx = egui::Context::default();
    ctx.set_request_repaint_callback(move |info| {
        let _ = asked.send(info.delay);
    });
    let mut driver = Driver {
        ctx,
        size: egui::vec2(config.width_points, config.height_points),
        frame: 0,
        cpu_clock: config.cpu_clock,
        repaints,
        next_repaint: Duration::ZERO,
        last_started: Instant::now(),
    };
    crate::window::fonts::install(&driver.ctx);
    warm_up(&mut driver, work);
    driver
}

/// The reference's window, open and at the top.
struct Reference {
    driver: Driver,
    app: MarginaliaApp,
    bottom: f32,
    /// Keeps the copy of the reference until the bench ends.
    _work: tempfile::TempDir,
}

/// Open a copy of `reference` in a window of its own.
fn open_reference(reference: &Path, config: &BenchConfig) -> anyhow::Result<Reference> {
    let work = tempfile::tempdir().context("creating a temporary folder")?;
    let copy = copy_into(reference, work.path())?;
    let mut driver = new_driver(config, work.path());
    let (mut app, _) = open_timed(&mut driver, &copy, work.path())
        .with_context(|| format!("opening the reference {}", reference.display()))?;
    let bottom = find_bottom(&mut driver, &mut app);
    Ok(Reference {
        driver,
        app,
        bottom,
        _work: work,
    })
}

fn run_with(
    article: &Path,
    reference: Option<&Path>,
    config: BenchConfig,
) -> anyhow::Result<(BenchReport, Option<ReferenceReport>)> {
    let work = tempfile::tempdir().context("creating a temporary folder")?;
    let copy = copy_into(article, work.path())?;
    let mut driver = new_driver(&config, work.path());
    let (mut app, opened) = open_timed(&mut driver, &copy, work.path())?;
    let bottom = find_bottom(&mut driver, &mut app);
    let (times, reference) =
        scroll_with_reference(&mut driver, &mut app, bottom, reference, &config)?;
    // The fling: from the top (not timed) to the bottom in equal steps.
    let fling = Scroll::start(&mut driver, &mut app, bottom, None).run(
        &mut driver,
        &mut app,
        config.fling_frames,
    )?;

    driver.size.x = (driver.size.x * 0.8).round();
    let resize = driver.frame(&mut app, Vec::new());
    driver.frame(&mut app, Vec::new());
    let tag = tag_timed(&mut driver, &mut app)?;
    let peak_before_unsaved = peak_rss_mb();
    let unsaved = (config.unsaved_edits > 0)
        .then(|| unsaved_timed(&mut driver, &mut app, config.unsaved_edits))
        .transpose()?;

    // A save is timed on an idle app: after a load, the sidecar is
    // serialized on a background thread for fast saves (one core, ~0.4 s
    // for 50,000 annotations); a save made before that waits for it.
    app.wait_for_background();
    let started = Instant::now();
    app.save().map_err(|e| anyhow::anyhow!("{e}"))?;
    let save = started.elapsed();
    // Peak memory is taken before the bench reads the sidecar itself (and
    // over the whole run when the unsaved phase reset the kernel's peak).
    let peak_rss_mb = match (peak_rss_mb(), peak_before_unsaved) {
        (Some(now), Some(before)) if unsaved.is_some() => Some(now.max(before)),
        (now, _) => now,
    };
    // The original's, not the copy's: the copy was just saved.
    let expected = match sidecar::read(&sidecar::sidecar_path(article))
        .with_context(|| format!("reading the sidecar of {}", article.display()))?
    {
        Some((sc, _)) => sc.annotations.len(),
        None => 0,
    };
    if opened.annotations != expected {
        bail!(
            "opened {} annotations, the sidecar holds {expected}",
            opened.annotations
        );
    }

    let report = BenchReport {
        open_ms: ms(opened.open),
        first_frame_ms: ms(opened.first_frame),
        ready_ms: ms(opened.ready),
        frame_median_ms: quantile(&times, 0.5),
        frame_p99_ms: quantile(&times, 0.99),
        resize_ms: ms(resize),
        tag_ms: ms(tag),
        save_ms: ms(save),
        peak_rss_mb,
        fling_median_ms: quantile(&fling, 0.5),
        fling_p99_ms: quantile(&fling, 0.99),
        unsaved,
    };
    Ok((report, reference))
}

/// `edits` more tags, each followed by frames for a little longer than the
/// journal's write interval (as a window asked to draw again would), none
/// saved: the window's and the process's CPU time and the peak memory.
fn unsaved_timed(
    driver: &mut Driver,
    app: &mut MarginaliaApp,
    edits: usize,
) -> anyhow::Result<UnsavedCost> {
    reset_peak_rss();
    let (window_start, process_start) = (thread_cpu_time(), process_cpu_time());
    for k in 1..=edits {
        let range = tag_target(app, k).context("the article has too few lines to tag")?;
        app.select(range);
        driver.frame(app, vec![key_e()]);
        let until =
            Instant::now() + crate::store::journal::WRITE_INTERVAL + Duration::from_millis(150);
        while Instant::now() < until {
            driver.frame(app, Vec::new());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let cpu_ms = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
        (Some(a), Some(b)) => ms(b.saturating_sub(a)),
        _ => f64::NAN,
    };
    Ok(UnsavedCost {
        edits,
        window_cpu_ms: cpu_ms(window_start, thread_cpu_time()),
        process_cpu_ms: cpu_ms(process_start, process_cpu_time()),
        peak_rss_mb: peak_rss_mb(),
    })
}

/// User and system CPU time of the whole process, where the platform tells it.
fn process_cpu_time() -> Option<Duration> {
    #[cfg(unix)]
    {
        // SAFETY: an all-zero rusage is valid, and getrusage only writes it.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `usage` is a valid, writable rusage for the call.
        let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
        let micros = |t: libc::timeval| -> Option<u64> {
            Some(u64::try_from(t.tv_sec).ok()? * 1_000_000 + u64::try_from(t.tv_usec).ok()?)
        };
        let total = micros(usage.ru_utime)? + micros(usage.ru_stime)?;
        (rc == 0).then(|| Duration::from_micros(total))
    }
    #[cfg(not(unix))]
    None
}

/// Start the kernel's count of peak resident memory again (Linux: "5" to
/// `/proc/self/clear_refs`); elsewhere nothing.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The window (fonts, atlas) exists before an article is opened; warm it
/// with an empty app so the figures are about the article.
fn warm_up(driver: &mut Driver, work: &Path) {
    let mut empty = MarginaliaApp::new_for_test(
        Some(&work.join("no-such-article.txt")),
        Prefs::default(),
        work.to_owned(),
    );
    for _ in 0..3 {
        driver.frame(&mut empty, Vec::new());
    }
}

/// How long opening took, each time from the start of the open.
struct Opened {
    open: Duration,
    first_frame: Duration,
    ready: Duration,
    /// How many annotations it loaded.
    annotations: usize,
}

/// Open `copy` and draw until its annotations are all loaded.
fn open_timed(
    driver: &mut Driver,
    copy: &Path,
    work: &Path,
) -> anyhow::Result<(MarginaliaApp, Opened)> {
    let prefs = Prefs {
        autosave: false,
        ..Prefs::default()
    };
    let started = Instant::now();
    let mut app = MarginaliaApp::new_for_test(Some(copy), prefs, work.to_owned());
    let open = started.elapsed();
    if let Some(e) = &app.state.open_error {
        bail!("{e}");
    }
    driver.frame(&mut app, Vec::new());
    let first_frame = started.elapsed();
    // Annotations may arrive after the first frame (loaded in the
    // background): frames are drawn when the window asks for them, as in
    // eframe (it polls every 15 ms, and the reader wakes it when done).
    let deadline = Instant::now() + Duration::from_secs(120);
    while !app.annotations_loaded() {
        if Instant::now() > deadline {
            bail!("the annotations did not load within 120 s");
        }
        driver.wait_for_repaint(Duration::from_millis(100));
        driver.frame(&mut app, Vec::new());
    }
    let ready = started.elapsed();
    let annotations = app.state.doc.as_ref().map_or(0, |d| d.annotations.len());
    // Settle (the view refines estimated heights over a frame or two).
    for _ in 0..3 {
        driver.frame(&mut app, Vec::new());
    }
    let opened = Opened {
        open,
        first_frame,
        ready,
        annotations,
    };
    Ok((app, opened))
}

/// Scroll to the end and back (not timed); the scroll offset at the end.
fn find_bottom(driver: &mut Driver, app: &mut MarginaliaApp) -> f32 {
    app.scroll_view_by(1.0e9);
    driver.frame(app, Vec::new());
    driver.frame(app, Vec::new());
    app.view_scroll_offset_y()
}

/// The scrolling frames of the article (sorted), timed in turns with
/// those of `reference` when given (then its figures too).
fn scroll_with_reference(
    driver: &mut Driver,
    app: &mut MarginaliaApp,
    bottom: f32,
    reference: Option<&Path>,
    config: &BenchConfig,
) -> anyhow::Result<(Vec<f64>, Option<ReferenceReport>)> {
    let Some(path) = reference else {
        let scroll = Scroll::start(driver, app, bottom, config.step_points);
        return Ok((scroll.run(driver, app, config.frames)?, None));
    };
    let mut r = open_reference(path, config)?;
    let (times, ref_times) = scroll_alternately(
        (driver, app, bottom),
        (&mut r.driver, &mut r.app, r.bottom),
        config.frames,
        config.step_points,
        TURN_FRAMES,
    )?;
    let figures = ReferenceReport {
        frame_median_ms: quantile(&ref_times.times, 0.5),
        frame_p99_ms: quantile(&ref_times.times, 0.99),
    };
    Ok((times.times, Some(figures)))
}

/// A timed scroll of one window: by `step_points` a frame (turning back at
/// either end) or else from the top down to `bottom` in equal steps.
struct Scroll {
    bottom: f32,
    step_points: Option<f32>,
    /// Points a frame (negative going up); `None` until the frame count is
    /// known for equal steps.
    step: Option<f32>,
    highest: f32,
    /// Each frame's time in ms, in the order drawn.
    times: Vec<f64>,
    /// When each frame started.
    started: Vec<Instant>,
}

/// A scroll's frames.
struct Timed {
    /// Their times in ms, sorted.
    times: Vec<f64>,
    /// When each started, in the order drawn (the tests check the turns).
    #[cfg_attr(not(test), allow(dead_code))]
    started: Vec<Instant>,
}

impl Scroll {
    /// Go back to the top (not timed).
    fn start(
        driver: &mut Driver,
        app: &mut MarginaliaApp,
        bottom: f32,
        step_points: Option<f32>,
    ) -> Scroll {
        app.scroll_view_by(-1.0e9);
        driver.frame(app, Vec::new());
        driver.frame(app, Vec::new());
        Scroll {
            bottom,
            step_points,
            step: step_points.map(f32::abs),
            highest: 0.0,
            times: Vec::new(),
            started: Vec::new(),
        }
    }

    /// One timed frame of a scroll of `frames` frames.
    fn frame(&mut self, driver: &mut Driver, app: &mut MarginaliaApp, frames: usize) {
        let step = *self.step.get_or_insert(self.bottom / frames.max(1) as f32);
        let mut delta = step;
        if self.step_points.is_some() {
            // Go to the end, then turn back.
            let y = app.view_scroll_offset_y();
            let mut step = step;
            if (step > 0.0 && y >= self.bottom) || (step < 0.0 && y <= 0.0) {
                step = -step;
                self.step = Some(step);
            }
            delta = step.clamp(-y, (self.bottom - y).max(0.0));
        }
        app.scroll_view_by(delta);
        self.started.push(Instant::now());
        self.times.push(ms(driver.frame(app, Vec::new())));
        self.highest = self.highest.max(app.view_scroll_offset_y());
    }

    /// `frames` timed frames, then [`Scroll::finish`].
    fn run(
        mut self,
        driver: &mut Driver,
        app: &mut MarginaliaApp,
        frames: usize,
    ) -> anyhow::Result<Vec<f64>> {
        for _ in 0..frames.max(1) {
            self.frame(driver, app, frames);
        }
        Ok(self.finish()?.times)
    }

    /// The frames, sorted; an error when the view did not really scroll (a
    /// view that ignored the steps would time steady frames instead).
    fn finish(mut self) -> anyhow::Result<Timed> {
        let frames = self.times.len();
        let step = self.step.unwrap_or(0.0).abs();
        let expected = (step * frames as f32).min(self.bottom) * 0.9;
        if self.highest < expected {
            bail!(
                "the view scrolled to {} points of the expected {expected}",
                self.highest
            );
        }
        self.times.sort_by(f64::total_cmp);
        Ok(Timed {
            times: self.times,
            started: self.started,
        })
    }
}

/// Frames a window is drawn in a row before the other window's turn when
/// two are timed in turn ([`scroll_alternately`]). Turns of single frames
/// made each window's frame pay for the other's use of the caches (the 5 KB
/// reference's median rose from 0.50 to 1.15 ms), and so flattered the
/// ratio; 25 frames are under 0.1 s here, far shorter than the load's swings.
const TURN_FRAMES: usize = 25;

/// Scroll two windows `frames` frames each, in turns of `turn` frames (the
/// first turn of each pair alternating between them), so that both are
/// timed under the same load; the article's frames and the reference's.
fn scroll_alternately(
    (driver, app, bottom): (&mut Driver, &mut MarginaliaApp, f32),
    (ref_driver, ref_app, ref_bottom): (&mut Driver, &mut MarginaliaApp, f32),
    frames: usize,
    step_points: Option<f32>,
    turn: usize,
) -> anyhow::Result<(Timed, Timed)> {
    let mut article = Scroll::start(driver, app, bottom, step_points);
    let mut reference = Scroll::start(ref_driver, ref_app, ref_bottom, step_points);
    let frames = frames.max(1);
    let turn = turn.max(1);
    for pair in 0..frames.div_ceil(turn) {
        let n = turn.min(frames - pair * turn);
        for reference_first in [pair % 2 == 0, pair % 2 != 0] {
            for _ in 0..n {
                match reference_first {
                    true => reference.frame(ref_driver, ref_app, frames),
                    false => article.frame(driver, app, frames),
                }
            }
        }
    }
    Ok((article.finish()?, reference.finish()?))
}

/// Select a few words and press E: the frame that tags them.
fn tag_timed(driver: &mut Driver, app: &mut MarginaliaApp) -> anyhow::Result<Duration> {
    let range = tag_target(app, 0).context("the article has no text to tag")?;
    app.select(range);
    let before = app.state.doc.as_ref().map_or(0, |d| d.annotations.len());
    let tag = driver.frame(app, vec![key_e()]);
    let after = app.state.doc.as_ref().map_or(0, |d| d.annotations.len());
    if after != before + 1 {
        bail!(
            "tagging did not add an annotation: {}",
            app.state.message.clone()
        );
    }
    Ok(tag)
}

/// The E key pressed (tag as Entity).
fn key_e() -> egui::Event {
    egui::Event::Key {
        key: egui::Key::E,
        physical_key: Some(egui::Key::E),
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::NONE,
    }
}

/// A few words of the `skip`-th last non-empty paragraph (the last is on
/// screen after scrolling to the bottom).
fn tag_target(app: &MarginaliaApp, skip: usize) -> Option<CharRange> {
    let article = &app.state.doc.as_ref()?.file.article;
    let line = (0..article.line_count())
        .rev()
        .filter(|&i| article.line_range(i).is_some_and(|r| r.char_len() > 2))
        .nth(skip)?;
    let r = article.line_range(line)?;
    let len = r.char_len().min(24);
    Some(CharRange::new(r.start, r.start.forward(len)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 14 (the reference's noise): the reference's scrolling frames
    /// are drawn in turns with the article's, the first turn of each pair
    /// alternating, each window scrolling as far as it would alone.
    #[test]
    fn the_reference_scrolls_in_turns_with_the_article() {
        let work = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: usize, spans: usize| {
            let doc = crate::model::sample_text::sample(7, bytes, spans);
            let path = work.path().join(name);
            std::fs::write(&path, doc.article.text()).unwrap();
            let sc = sidecar::Sidecar::new(name, "utf-8", &doc.article, doc.annotations.into_vec());
            sidecar::write_atomic(
                &sidecar::sidecar_path(&path),
                sidecar::to_string(&sc).as_bytes(),
            )
            .unwrap();
            path
        };
        let config = BenchConfig {
            frames: 12,
            step_points: Some(60.0),
            width_points: 600.0,
            height_points: 400.0,
            fling_frames: 2,
            cpu_clock: false,
            unsaved_edits: 0,
        };
        let article = write("big.txt", 40_000, 300);
        let reference = write("small.txt", 3_000, 20);
        let mut driver = new_driver(&config, work.path());
        let (mut app, _) = open_timed(&mut driver, &article, work.path()).unwrap();
        let bottom = find_bottom(&mut driver, &mut app);
        let mut r = open_reference(&reference, &config).unwrap();
        assert!(bottom > r.bottom && r.bottom > 0.0);
        let (a, b) = scroll_alternately(
            (&mut driver, &mut app, bottom),
            (&mut r.driver, &mut r.app, r.bottom),
            config.frames,
            config.step_points,
            5,
        )
        .unwrap();
        assert_eq!((a.times.len(), b.times.len()), (12, 12));
        // Who drew each frame, in the order they started.
        let mut drawn: Vec<(Instant, char)> = a.started.iter().map(|&t| (t, 'A')).collect();
        drawn.extend(b.started.iter().map(|&t| (t, 'R')));
        drawn.sort();
        let order: String = drawn.iter().map(|(_, who)| who).collect();
        assert_eq!(order, "RRRRRAAAAAAAAAARRRRRRRAA");
    }

    #[test]
    fn quantiles_use_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 50.0);
        assert_eq!(quantile(&v, 0.99), 99.0);
        assert_eq!(quantile(&[3.0], 0.99), 3.0);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }
}
