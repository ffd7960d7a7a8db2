//! Encodings in the window: File ▸ Reopen with Encoding (a dialog that
//! lists every encoding with a preview of the text as it would read), the
//! banner shown while a detected encoding is in doubt, and the status bar's
//! encoding label.
//!
//! Reopening goes through [`Session::reopen_with_encoding`]: the text is
//! read again, the annotations are re-anchored when it reads otherwise, and
//! the choice is recorded in the sidecar on the next save.
//!
//! [`Session::reopen_with_encoding`]: crate::store::session::Session::reopen_with_encoding

use crate::model::decode::{self, EncodingSource, TextEncoding};
use crate::store::article_file::ArticleFile;
use eframe::egui;

/// Characters of preview shown around the first place the reading differs.
const PREVIEW_CHARS: usize = 160;

/// The Reopen with Encoding dialog.
#[derive(Debug)]
pub struct EncodingDialog {
    /// The file's bytes, read when the dialog opened.
    bytes: Vec<u8>,
    /// The text as it is read now.
    current_text: String,
    /// The encoding the article is read with now.
    current: TextEncoding,
    /// The encoding picked in the list, and its preview (or why it cannot
    /// read the file).
    picked: TextEncoding,
    preview: Result<String, String>,
}

/// What the dialog was answered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogAnswer {
    /// Read the article again with this encoding.
    Reopen(TextEncoding),
    /// Closed without a choice.
    Cancel,
}

impl EncodingDialog {
    /// A dialog for the article `file`, with the encoding `pick` (or its
    /// current one) picked.
    pub fn new(file: &ArticleFile, pick: Option<TextEncoding>) -> std::io::Result<Self> {
        let bytes = std::fs::read(&file.path)?;
        let picked = pick.unwrap_or(file.text_encoding);
        let mut dialog = EncodingDialog {
            bytes,
            current_text: file.article.text().to_owned(),
            current: file.text_encoding,
            picked,
            preview: Ok(String::new()),
        };
        dialog.pick(picked);
        Ok(dialog)
    }

    /// Pick `encoding` in the list and preview it.
    pub fn pick(&mut self, encoding: TextEncoding) {
        self.picked = encoding;
        self.preview = decode::decode_as(&self.bytes, encoding)
            .map(|d| {
                let current = self.current.python_name();
                preview(&self.current_text, &d.text, current, encoding.python_name())
            })
            .map_err(|e| e.to_string());
    }

    /// The encoding picked in the list.
    pub fn picked(&self) -> TextEncoding {
        self.picked
    }

    /// Show the dialog; `Some` once it is answered.
    pub fn ui(&mut self, ctx: &egui::Context) -> Option<DialogAnswer> {
        let mut answer = None;
        let modal =
            egui::Modal::new(egui::Id::unique("marginalia.reopen_encoding")).show(ctx, |ui| {
                ui.set_width(520.0_f32.min(ctx.content_rect().width() - 40.0));
                ui.heading("Reopen with Encoding");
                ui.label(format!(
                "Now read as {} — {}. Annotations are re-anchored when the text reads otherwise.",
                self.current,
                self.current.description()
            ));
                let mut clicked = None;
                egui::ScrollArea::vertical()
                    .max_height(220.0)
                    .show(ui, |ui| {
                        for encoding in TextEncoding::all() {
                            let text = format!("{} — {}", encoding, encoding.description());
                            if ui.selectable_label(encoding == self.picked, text).clicked() {
                                clicked = Some(encoding);
                            }
                        }
                    });
                if let Some(encoding) = clicked {
                    self.pick(encoding);
                }
                ui.separator();
                match &self.preview {
                    Ok(p) => {
                        ui.label(egui::RichText::new(p).monospace());
                    }
                    Err(e) => {
                        ui.colored_label(ui.visuals().error_fg_color, e);
                    }
                }
                ui.separator();
                ui.horizontal(|ui| {
                    let reopen = ui.add_enabled(
                        self.preview.is_ok(),
                        egui::Button::new(format!("Reopen as {}", self.picked)),
                    );
                    if reopen.clicked() {
                        answer = Some(DialogAnswer::Reopen(self.picked));
                    }
                    if ui.button("Cancel").clicked() {
                        answer = Some(DialogAnswer::Cancel);
                    }
                });
            });
        if modal.should_close() && answer.is_none() {
            answer = Some(DialogAnswer::Cancel);
        }
        answer
    }
}

/// Both readings around the first place they differ (or the start, and a
/// note, when they read the same), each line headed by its encoding.
fn preview(current: &str, new: &str, current_name: &str, new_name: &str) -> String {
    let (current_len, new_len) = (current.chars().count(), new.chars().count());
    let at = current
        .chars()
        .zip(new.chars())
        .position(|(a, b)| a != b)
        .or_else(|| (current_len != new_len).then(|| current_len.min(new_len)));
    let Some(at) = at else {
        let start: String = new.chars().take(PREVIEW_CHARS).collect();
        return format!("(reads the same)\n{}", one_line(&start));
    };
    let from = at.saturating_sub(PREVIEW_CHARS / 4);
    let excerpt = |s: &str| one_line(&s.chars().skip(from).take(PREVIEW_CHARS).collect::<String>());
    let width = current_name.len().max(new_name.len());
    format!(
        "{current_name:<width$}  …{}…\n{new_name:<width$}  …{}…",
        excerpt(current),
        excerpt(new)
    )
}

fn one_line(s: &str) -> String {
    s.replace('\n', " ⏎ ")
}

/// What the doubt banner asks the window to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BannerAnswer {
    /// Read it with this encoding (the alternative, or the current one to
    /// confirm it).
    Reopen(TextEncoding),
    /// Open the dialog to choose another encoding.
    Choose,
}

/// The banner shown while the article's encoding is an unconfirmed guess,
/// or its sidecar's encoding was not used: the message, and buttons to keep
/// the current reading, take the alternative, or choose another.
pub fn doubt_banner_ui(ui: &mut egui::Ui, file: &ArticleFile) -> Option<BannerAnswer> {
    let doubt = file.encoding_doubt.as_ref().map(|d| d.message());
    let warnings: Vec<String> = file
        .encoding_note
        .iter()
        .cloned()
        .chain(doubt)
        .map(|w| sentence(&w))
        .collect();
    if warnings.is_empty() {
        return None;
    }
    let color = ui.visuals().warn_fg_color;
    let mut answer = None;
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.0, color))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            for w in &warnings {
                ui.add(egui::Label::new(egui::RichText::new(format!("⚠ {w}")).color(color)).wrap());
            }
            ui.horizontal_wrapped(|ui| {
                if let Some(doubt) = &file.encoding_doubt {
                    if ui
                        .button(format!("Keep {}", doubt.chosen))
                        .on_hover_text("Record this encoding as chosen")
                        .clicked()
                    {
                        answer = Some(BannerAnswer::Reopen(doubt.chosen));
                    }
                    if ui
                        .button(format!("Reopen as {}", doubt.alternative))
                        .on_hover_text(doubt.alternative.description())
                        .clicked()
                    {
                        answer = Some(BannerAnswer::Reopen(doubt.alternative));
                    }
                } else if ui
                    .button(format!("Keep {}", file.encoding))
                    .on_hover_text("Record this encoding as chosen")
                    .clicked()
                {
                    answer = Some(BannerAnswer::Reopen(file.text_encoding));
                }
                if ui.button("Other encoding…").clicked() {
                    answer = Some(BannerAnswer::Choose);
                }
            });
        });
    answer
}

/// `s` with a capital and a full stop: a message as a sentence.
fn sentence(s: &str) -> String {
    let mut chars = s.chars();
    let first: String = chars
        .next()
        .into_iter()
        .flat_map(char::to_uppercase)
        .collect();
    let rest = chars.as_str().trim_end_matches('.');
    format!("{first}{rest}.")
}

/// The status bar's encoding: the codec name, and where it came from on hover.
pub fn status_ui(ui: &mut egui::Ui, file: &ArticleFile) -> egui::Response {
    let doubtful = file.encoding_doubt.is_some();
    let text = if doubtful {
        format!("{} (?)", file.encoding)
    } else {
        file.encoding.clone()
    };
    let source = match file.encoding_source {
        EncodingSource::Detected if doubtful => "detected, in doubt".to_owned(),
        s => s.describe().to_owned(),
    };
    ui.label(text).on_hover_text(format!(
        "Encoding: {} — {} ({source}). File ▸ Reopen with Encoding… to change it.",
        file.encoding,
        file.text_encoding.description()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_shows_both_readings_where_they_part() {
        let p = preview(
            "Brest – La tempęte arrache",
            "Brest – La tempête arrache",
            "cp1250",
            "cp1252",
        );
        assert_eq!(
            p,
            "cp1250  …Brest – La tempęte arrache…\ncp1252  …Brest – La tempête arrache…"
        );
        assert!(preview("same", "same", "a", "b").starts_with("(reads the same)"));
        assert!(preview("ab", "abc", "a", "b").ends_with("b  …abc…"));
    }
}
