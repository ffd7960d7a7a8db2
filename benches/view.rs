//! Frame cost of the article view, headless: a 5 KB article with 20
//! annotations against a 5 MB one with 50,000 nested and overlapping
//! annotations. The promise is that frame cost follows what is visible, so
//! each large-article figure should stay within about 1.5× of the small one.
//!
//! Cases: the first frame of a fresh view, a steady frame, a scrolling frame
//! (300 points per frame) and a resize frame (a new width every frame).

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use eframe::egui::{self, Context, RawInput, Rect, vec2};
use marginalia::model::filter::Filter;
use marginalia::model::sample_text::{SampleDoc, sample};
use marginalia::window::article_view::{ArticleView, ViewInput};
use marginalia::window::palette::Palette;
use std::hint::black_box;

fn raw_input(width: f32) -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(egui::Pos2::ZERO, vec2(width, 900.0))),
        ..Default::default()
    }
}

/// One full frame: run the UI and tessellate, as the app does.
fn frame(ctx: &Context, view: &mut ArticleView, doc: &SampleDoc, palette: &Palette, width: f32) {
    let input = ViewInput {
        article: &doc.article,
        annotations: &doc.annotations,
        selection: None,
        selected_annotation: None,
        palette,
        filter: &Filter::default(),
        snap_to_words: true,
        font_size: 16.0,
    };
    let mut output = ctx.run_ui(raw_input(width), |ui| {
        black_box(view.ui(ui, &input));
    });
    let _textures = std::mem::take(&mut output.textures_delta);
    black_box(ctx.tessellate(output.shapes, output.pixels_per_point));
}

/// A frame showing nothing, so egui's own galley cache forgets the article.
fn blank_frame(ctx: &Context) {
    let mut output = ctx.run_ui(raw_input(1000.0), |ui| {
        ui.label("blank");
    });
    let _textures = std::mem::take(&mut output.textures_delta);
}

fn bench_doc(c: &mut Criterion, name: &str, doc: &SampleDoc) {
    let palette = Palette::for_dark_mode(false);
    let ctx = Context::default();
    // Warm the font atlas so the first case measures the view, not egui's start-up.
    let mut warm = ArticleView::new();
    frame(&ctx, &mut warm, doc, &palette, 1000.0);
    let mut group = c.benchmark_group(name);
    group.sample_size(20);
    group.measurement_time(std::time::Duration::from_secs(3));
    group.warm_up_time(std::time::Duration::from_millis(500));

    group.bench_function("first_frame", |b| {
        b.iter_batched(
            || {
                blank_frame(&ctx);
                blank_frame(&ctx);
                ArticleView::new()
            },
            |mut view| frame(&ctx, &mut view, doc, &palette, 1000.0),
            BatchSize::PerIteration,
        )
    });

    let mut view = ArticleView::new();
    frame(&ctx, &mut view, doc, &palette, 1000.0);
    group.bench_function("steady_frame", |b| {
        b.iter(|| frame(&ctx, &mut view, doc, &palette, 1000.0))
    });

    // Scroll down 300 points a frame through the first 60,000 points and back,
    // so both articles always have text to lay out.
    let mut step: f32 = 300.0;
    group.bench_function("scroll_frame", |b| {
        b.iter(|| {
            let y = view.scroll_offset_y();
            if y > 60_000.0 || (step > 0.0 && view.is_scrolled_to_end()) {
                step = -300.0;
            } else if y <= 0.0 {
                step = 300.0;
            }
            view.scroll_by(step);
            frame(&ctx, &mut view, doc, &palette, 1000.0)
        })
    });

    let mut width = 800.0;
    group.bench_function("resize_frame", |b| {
        b.iter(|| {
            width = if width >= 1200.0 { 800.0 } else { width + 7.0 };
            frame(&ctx, &mut view, doc, &palette, width)
        })
    });
    group.finish();
}

fn view_benches(c: &mut Criterion) {
    let small = sample(42, 5_000, 20);
    let large = sample(42, 5_000_000, 50_000);
    bench_doc(c, "view_5KB_20ann", &small);
    bench_doc(c, "view_5MB_50000ann", &large);
}

criterion_group!(benches, view_benches);
criterion_main!(benches);
