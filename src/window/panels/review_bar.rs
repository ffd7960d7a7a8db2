//! The review bar: progress, the queue's filters, the review commands as
//! buttons, and the card of the current annotation (its context, label,
//! kind, author, origin, attributes and history).
//!
//! Review mode steps one annotation at a time through a queue (a
//! [`ReviewFilter`](crate::model::review::ReviewFilter) in reading order).
//! The current annotation is always the workspace's selected one, so relabel
//! keys and the editor act on it. Nothing here holds an annotation across
//! frames, only ids.
use crate::model::annotation::{Annotation, Annotations, Label, Status};
use crate::model::review::{self, Progress};
use crate::window::bidi_text::{is_rtl_paragraph, label_text};
use crate::window::commands::Command;
use crate::window::palette::Palette;
use crate::window::panels::{Panel, chip_ui, command_button_ui, palette};
use crate::window::prefs::DEFAULT_FONT_SIZE;
use crate::window::text::{history_lines, one_line, origin_text, speaker_text};
use crate::window::workspace::Workspace;
use eframe::egui;

/// Id of the origin filter field of the review bar.
pub const ORIGIN_FILTER_ID: &str = "marginalia.review_origin";
/// The review bar's own state: what is typed in its origin filter. (The
/// queue's author filter is the side panel's "Author:", so there is one.)
#[derive(Debug, Default)]
pub struct ReviewBar {
    origin_buf: String,
}

/// "37 of 112 reviewed".
pub fn progress_text(p: Progress) -> String {
    format!("{} of {} reviewed", p.reviewed, p.total)
}

/// The review commands, as the bar's buttons show them: their names, and
/// the shorter ones of a narrow bar (each button's tooltip gives the whole
/// command and its keys).
const BUTTONS: [(&str, &str, Command); 7] = [
    ("◀ Prev", "◀", Command::ReviewPrevious),
    ("Next ▶", "▶", Command::ReviewNext),
    (
        "Next unreviewed",
        "Next unreviewed",
        Command::ReviewNextUnreviewed,
    ),
    ("Accept", "Accept", Command::Accept),
    ("Reject", "Reject", Command::Reject),
    ("Undo decision", "Undo", Command::UndoDecision),
    ("Leave review", "Leave", Command::ToggleReview),
];

/// The label of the bar's overflow menu: told apart from the toolbar's
/// "More ▾" just above it.
pub const MORE_LABEL: &str = "More review ▾";

/// The order the buttons fold into the bar's [`MORE_LABEL`] menu when even
/// their short names do not fit (big text in a narrow window): the least
/// used first, Accept and Reject last. Indexes into [`BUTTONS`].
const FOLD_ORDER: [usize; 7] = [5, 2, 0, 6, 1, 4, 3];

/// The progress bar's width in a wide bar.
const PROGRESS_BAR_WIDTH: f32 = 120.0;

/// egui's separator: 6 points of room between its neighbours' gaps.
const SEPARATOR_WIDTH: f32 = 6.0;

/// How the bar fits the width it has.
struct BarFit {
    /// Whole names and the progress bar, else short names.
    wide: bool,
    /// Which of [`BUTTONS`] are in the bar; the others are in its
    /// [`MORE_LABEL`] menu.
    shown: [bool; 7],
}

impl BarFit {
    /// Measure the bar's parts with the fonts in use (the text size
    /// follows Ctrl+=/-) and fit it to one row of `ui`'s width: whole
    /// names if they fit, else short ones, folding buttons into [`MORE_LABEL`]
    /// (in [`FOLD_ORDER`]) until the row fits.
    fn measure(ui: &egui::Ui, progress: Progress, queue: &str) -> BarFit {
        let gap = ui.spacing().item_spacing.x;
        let room = ui.available_width();
        let text = |t: &str, style: egui::TextStyle| {
            egui::WidgetText::from(t)
                .into_galley(ui, Some(egui::TextWrapMode::Extend), f32::INFINITY, style)
                .size()
                .x
        };
        let button =
            |t: &str| text(t, egui::TextStyle::Button) + 2.0 * ui.spacing().button_padding.x;
        // Each part with the gap before the next one.
        let head = button(&format!("{queue} ▾")) + gap + SEPARATOR_WIDTH + gap;
        // The last part's gap is counted, and needs no room.
        let room = room + gap;
        let wide = text("REVIEW MODE", egui::TextStyle::Body)
            + PROGRESS_BAR_WIDTH
            + text(&progress_text(progress), egui::TextStyle::Body)
            + 3.0 * gap
            + head
            + BUTTONS.iter().map(|(t, _, _)| button(t) + gap).sum::<f32>();
        let mut fit = BarFit {
            wide: wide <= room,
            shown: [true; 7],
        };
        if fit.wide {
            return fit;
        }
        let short: Vec<f32> = BUTTONS.iter().map(|(_, t, _)| button(t) + gap).collect();
        let more = button(MORE_LABEL) + gap;
        let mut width = text(&short_progress(progress), egui::TextStyle::Body) + gap + head;
        width += short.iter().sum::<f32>();
        for i in FOLD_ORDER {
            if width <= room {
                break;
            }
            if fit.shown.iter().all(|&s| s) {
                width += more;
            }
            fit.shown[i] = false;
            width -= short[i];
        }
        fit
    }
}

/// "37/112", the progress of a narrow bar.
fn short_progress(p: Progress) -> String {
    format!("{}/{}", p.reviewed, p.total)
}

/// Below this window height (at the default text size; bigger text
/// raises it in proportion) the card leaves out the history lines (the
/// editor below the list shows them), to leave the article some room.
const SHORT_WINDOW: f32 = 560.0;
/// Below this height (scaled as [`SHORT_WINDOW`]) the card is one line.
const TIGHT_WINDOW: f32 = 360.0;
/// Below this height (scaled as [`SHORT_WINDOW`]: at 600×400 from 32 pt
/// on) there is no card.
const TINY_WINDOW: f32 = 200.0;

impl Panel for ReviewBar {
    type Output = Option<Command>;

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) -> Option<Command> {
        let Some(doc) = &ws.doc else { return None };
        let progress = review::progress(&doc.annotations, &ws.review.filter);
        let mut command = None;
        let mut filter_changed = false;
        let queue = queue_summary(&ws.review.filter);
        let fit = BarFit::measure(ui, progress, &queue);
        ui.horizontal(|ui| {
            if fit.wide {
                ui.strong("REVIEW MODE");
                progress_bar_ui(ui, progress);
                ui.label(progress_text(progress));
            } else {
                ui.label(short_progress(progress))
                    .on_hover_text(progress_text(progress));
            }
            // The queue's filters fold into a menu: they are set once per
            // review, the buttons used on every annotation.
            let before = ws.review.filter.clone();
            let stays_open = egui::containers::menu::MenuConfig::new()
                .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
            egui::containers::menu::MenuButton::new(format!("{queue} ▾"))
                .config(stays_open)
                .ui(ui, |ui| self.filters_ui(ui, ws));
            self.sync_typed(ws);
            filter_changed = ws.review.filter != before;
            ui.separator();
            command = buttons_ui(ui, ws, &fit);
        });
        if filter_changed {
            ws.selected = None;
            ws.review_step(Some(true));
        }
        let palette = palette(ws, ui.visuals().dark_mode);
        let scale = ws.prefs.font_size / DEFAULT_FONT_SIZE;
        let size = CardSize::of(ui.ctx().content_rect().height(), scale);
        let Some(doc) = &ws.doc else { return command };
        match ws.selected.as_ref().and_then(|id| doc.annotations.get(id)) {
            Some(_) if size == CardSize::None => {}
            Some(a) => card_ui(ui, &doc.annotations, a, &palette, size),
            None if progress.total == 0 => {
                ui.weak("No annotation matches the review filter.");
            }
            None => {
                ui.weak("Press J for the first annotation, Space for the next unreviewed.");
            }
        }
        command
    }
}

/// The progress as a bar [`PROGRESS_BAR_WIDTH`] wide. Empty at 0 (egui's
/// `ProgressBar` fills at least its height, a dot that reads as progress),
/// else filled in proportion, at least a round end's width.
fn progress_bar_ui(ui: &mut egui::Ui, progress: Progress) {
    let fraction = match progress.total {
        0 => 0.0,
        total => progress.reviewed as f32 / total as f32,
    };
    let size = egui::vec2(PROGRESS_BAR_WIDTH, ui.spacing().interact_size.y);
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
    response.widget_info(|| {
        let mut info = egui::WidgetInfo::new(egui::Role::ProgressIndicator);
        info.value = Some((fraction as f64 * 100.0).floor());
        info
    });
    if !ui.is_rect_visible(rect) {
        return;
    }
    let radius = rect.height() / 2.0;
    let visuals = ui.visuals();
    ui.painter()
        .rect_filled(rect, radius, visuals.extreme_bg_color);
    if progress.reviewed > 0 {
        let width = (rect.width() * fraction).max(rect.height());
        let filled = egui::Rect::from_min_size(rect.min, egui::vec2(width, rect.height()));
        ui.painter()
            .rect_filled(filled, radius, visuals.selection.bg_fill);
    }
}

/// The review commands' buttons, as `fit` has them: in the bar, and the
/// folded ones (whole names) in its [`MORE_LABEL`] menu. The command
/// clicked.
fn buttons_ui(ui: &mut egui::Ui, ws: &Workspace, fit: &BarFit) -> Option<Command> {
    let situation = ws.situation();
    let mut command = None;
    let mut button = |ui: &mut egui::Ui, text: &str, c: Command| {
        if command_button_ui(ui, egui::Button::new(text), c, &ws.keymap, &situation) {
            command = Some(c);
        }
    };
    for (&(text, short, c), _) in BUTTONS.iter().zip(fit.shown).filter(|(_, s)| *s) {
        button(ui, if fit.wide { text } else { short }, c);
    }
    if fit.shown.iter().any(|s| !s) {
        egui::containers::menu::MenuButton::new(MORE_LABEL).ui(ui, |ui| {
            for (&(text, _, c), _) in BUTTONS.iter().zip(fit.shown).filter(|(_, s)| !*s) {
                button(ui, text, c);
            }
        });
    }
    command
}

/// The queue menu's button: "Queue: all", or what the filters keep
/// ("Queue: unreviewed · Quote · origin “spacy”").
pub fn queue_summary(filter: &review::ReviewFilter) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(filter.status.map(|s| s.name().to_owned()));
    parts.extend(filter.label.map(|l| l.name().to_owned()));
    parts.extend(filter.origin.as_ref().map(|o| format!("origin “{o}”")));
    parts.extend(filter.author.as_ref().map(|a| format!("author “{a}”")));
    match parts.is_empty() {
        true => "Queue: all".to_owned(),
        false => format!("Queue: {}", parts.join(" · ")),
    }
}

impl ReviewBar {
    /// The queue's filters, in the queue menu: status, label and origin.
    fn filters_ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) {
        let filter = &mut ws.review.filter;
        ui.label("Status:");
        ui.horizontal_wrapped(|ui| {
            let status_text = |s: Option<Status>| s.map_or("any", Status::name);
            for s in [None].into_iter().chain(Status::ALL.map(Some)) {
                ui.selectable_value(&mut filter.status, s, status_text(s));
            }
        });
        ui.label("Label:");
        ui.horizontal_wrapped(|ui| {
            let label_text = |l: Option<Label>| l.map_or("any", Label::name);
            for l in [None].into_iter().chain(Label::ALL.map(Some)) {
                ui.selectable_value(&mut filter.label, l, label_text(l));
            }
        });
        ui.horizontal(|ui| {
            let name = ui.label("Origin:");
            ui.add(
                egui::TextEdit::singleline(&mut self.origin_buf)
                    .id(egui::Id::unique(ORIGIN_FILTER_ID))
                    .hint_text("any")
                    .desired_width(120.0),
            )
            .labelled_by(name.id);
        });
        ui.weak("The side panel's Author: filters the queue too.");
    }

    /// The queue's author (the side panel's) and origin from what is typed.
    fn sync_typed(&self, ws: &mut Workspace) {
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        // One author filter for the list and the queue: the side panel's.
        ws.review.filter.author = text(&ws.filter.author);
        ws.review.filter.origin = text(&self.origin_buf);
    }
}

/// How much the review card shows, by the window's height in lines of
/// text (see [`CardSize::of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CardSize {
    /// The quote in its context, the facts and the history.
    Full,
    /// No history lines (the editor below the list shows them).
    Short,
    /// The quote in its context on one line, cut to the bar's width (the
    /// editor shows the facts): big text in a small window.
    OneLine,
    /// No card: the article (scrolled to the quote, in its context) and the
    /// editor show it, and keep what little room there is.
    None,
}

impl CardSize {
    /// The card for a window `height` points high with text `scale` times
    /// the default size.
    fn of(height: f32, scale: f32) -> CardSize {
        if height < TINY_WINDOW * scale {
            CardSize::None
        } else if height < TIGHT_WINDOW * scale {
            CardSize::OneLine
        } else if height < SHORT_WINDOW * scale {
            CardSize::Short
        } else {
            CardSize::Full
        }
    }
}

/// The quote's context on either side, as the card shows it: the left and
/// the right part (a right-to-left paragraph puts what comes before at the
/// right), with the spaces next to the quote kept.
fn context_parts(a: &Annotation) -> (String, String) {
    let gap = |yes: bool| if yes { " " } else { "" };
    let before = gap(a.prefix.ends_with(char::is_whitespace));
    let after = gap(a.suffix.starts_with(char::is_whitespace));
    let prefix = format!("…{}{before}", one_line(&a.prefix));
    let suffix = format!("{after}{}…", one_line(&a.suffix));
    let rtl = is_rtl_paragraph(&format!("{}{}{}", a.prefix, a.quote, a.suffix));
    let (left, right) = if rtl {
        (suffix, prefix)
    } else {
        (prefix, suffix)
    };
    (
        label_text(&left).into_owned(),
        label_text(&right).into_owned(),
    )
}

/// The review card: the quote in its context, its label, kind, author,
/// origin, attributes and history, as much as `size` keeps.
fn card_ui(
    ui: &mut egui::Ui,
    set: &Annotations,
    a: &Annotation,
    palette: &Palette,
    size: CardSize,
) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        let (left, right) = context_parts(a);
        let quote = egui::RichText::new(label_text(&one_line(&a.quote)).into_owned())
            .strong()
            .background_color(palette.color(a.label));
        if size == CardSize::OneLine {
            // One label, cut at the bar's end: a little context on the
            // left, so the quote stays in view.
            let left = context_tail(&left, ONE_LINE_CONTEXT);
            let mut job = egui::text::LayoutJob::default();
            let (style, font) = (ui.style().clone(), egui::FontSelection::Default);
            for part in [
                egui::RichText::new(left).weak(),
                quote,
                egui::RichText::new(right).weak(),
            ] {
                part.append_to(&mut job, &style, font.clone(), egui::Align::Center);
            }
            ui.add(egui::Label::new(job).truncate());
            return;
        }
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 0.0;
            ui.weak(left);
            ui.label(quote);
            ui.weak(right);
        });
        ui.horizontal_wrapped(|ui| facts_ui(ui, set, a, palette));
        if let Some(note) = &a.note {
            ui.label(label_text(&format!("Note: {}", one_line(note))).into_owned());
        }
        if size == CardSize::Full {
            for line in history_lines(a) {
                ui.weak(line);
            }
        }
    });
}

/// Chars of context kept left of the quote on a one-line card.
const ONE_LINE_CONTEXT: usize = 24;

/// The end of `context` (the part left of the quote), about `max` chars
/// of it from a word's start, after a `…`; all of it when short.
fn context_tail(context: &str, max: usize) -> String {
    let skip = context.chars().count().saturating_sub(max);
    if skip == 0 {
        return context.to_owned();
    }
    let tail: String = context.chars().skip(skip).collect();
    let word = tail.find(char::is_whitespace).map_or(0, |i| i + 1);
    format!("…{}", &tail[word..])
}

fn facts_ui(ui: &mut egui::Ui, set: &Annotations, a: &Annotation, palette: &Palette) {
    chip_ui(ui, palette.color(a.label));
    ui.strong(a.label.name());
    if let Some(kind) = &a.kind {
        ui.label(format!("kind: {kind}"));
    }
    let status_color = match a.status {
        Status::Unreviewed => ui.visuals().warn_fg_color,
        Status::Accepted => ui.visuals().text_color(),
        Status::Rejected => ui.visuals().error_fg_color,
    };
    ui.colored_label(status_color, a.status.name());
    ui.label(format!("{}..{}", a.start, a.end));
    ui.label(format!("by {}", a.author));
    ui.label(origin_text(&a.origin));
    if let Some(speaker) = speaker_text(a, set, 40) {
        ui.label(label_text(&format!("— {speaker}")).into_owned());
    }
    for (k, v) in &a.attrs {
        ui.label(format!("{k}: {v}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_line_cards_context_starts_at_a_word() {
        assert_eq!(context_tail("…met bravo ", 24), "…met bravo ");
        let long = "…the Azerbaijani Defense Minister ";
        assert_eq!(context_tail(long, 24), "…Defense Minister ");
    }

    #[test]
    fn progress_reads_like_a_sentence() {
        let p = Progress {
            reviewed: 37,
            total: 112,
        };
        assert_eq!(progress_text(p), "37 of 112 reviewed");
    }
}
