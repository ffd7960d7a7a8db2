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

/// Feeds frames to the app with a steadily advancing clock.
struct Driver {
    ctx: egui::Context,
    size: egui::Vec2,
    frame: u64,
    cpu_clock: bool,
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

    /// One frame of the whole window (UI pass and tessellation); its duration.
    fn frame(&mut self, app: &mut MarginaliaApp, events: Vec<egui::Event>) -> Duration {
        let input = self.input(events);
        let cpu_started = self.cpu_clock.then(thread_cpu_time).flatten();
        let started = Instant::now();
        let mut output = self.ctx.run_ui(input, |ui| app.ui_body(ui));
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
    let work = tempfile::tempdir().context("creating a temporary folder")?;
    let copy = copy_into(article, work.path())?;
    let mut driver = Driver {
        ctx: egui::Context::default(),
        size: egui::vec2(config.width_points, config.height_points),
        frame: 0,
        cpu_clock: config.cpu_clock,
    };
    crate::window::fonts::install(&driver.ctx);
    warm_up(&mut driver, work.path());
    let (mut app, opened) = open_timed(&mut driver, &copy, work.path())?;
    let bottom = find_bottom(&mut driver, &mut app);
    let times = scroll_timed(
        &mut driver,
        &mut app,
        bottom,
        config.frames,
        config.step_points,
    )?;
    // The fling: from the top (not timed) to the bottom in equal steps.
    let fling = scroll_timed(&mut driver, &mut app, bottom, config.fling_frames, None)?;

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

    Ok(BenchReport {
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
    })
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
    // Annotations may arrive after the first frame (loaded in the background).
    let deadline = Instant::now() + Duration::from_secs(120);
    while !app.annotations_loaded() {
        if Instant::now() > deadline {
            bail!("the annotations did not load within 120 s");
        }
        std::thread::sleep(Duration::from_millis(1));
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

/// Go back to the top (not timed), then scroll `frames` frames, by
/// `step_points` a frame (turning back at either end) or else down to
/// `bottom` in equal steps; each frame's time in ms, sorted.
fn scroll_timed(
    driver: &mut Driver,
    app: &mut MarginaliaApp,
    bottom: f32,
    frames: usize,
    step_points: Option<f32>,
) -> anyhow::Result<Vec<f64>> {
    app.scroll_view_by(-1.0e9);
    driver.frame(app, Vec::new());
    driver.frame(app, Vec::new());
    let frames = frames.max(1);
    let mut step = step_points.map_or(bottom / frames as f32, f32::abs);
    let mut times = Vec::with_capacity(frames);
    let mut highest: f32 = 0.0;
    for _ in 0..frames {
        let mut delta = step;
        if step_points.is_some() {
            // Go to the end, then turn back.
            let y = app.view_scroll_offset_y();
            if (step > 0.0 && y >= bottom) || (step < 0.0 && y <= 0.0) {
                step = -step;
            }
            delta = step.clamp(-y, (bottom - y).max(0.0));
        }
        app.scroll_view_by(delta);
        times.push(ms(driver.frame(app, Vec::new())));
        highest = highest.max(app.view_scroll_offset_y());
    }
    // The frames above must really have scrolled (a view that ignored the
    // steps would time steady frames instead).
    let expected = (step.abs() * frames as f32).min(bottom) * 0.9;
    if highest < expected {
        bail!("the view scrolled to {highest} points of the expected {expected}");
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
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

    #[test]
    fn quantiles_use_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 50.0);
        assert_eq!(quantile(&v, 0.99), 99.0);
        assert_eq!(quantile(&[3.0], 0.99), 3.0);
        assert_eq!(quantile(&[], 0.5), 0.0);
    }
}
