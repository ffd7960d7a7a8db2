//! Every keyboard shortcut of the window, in one table.
//!
//! [`BINDINGS`] maps keys to [`Action`]s and is also what the help overlay
//! lists, so the two never disagree. [`take_actions`] runs at the start of a
//! frame, *before* any widget, and removes the key events it uses, so a tag
//! key never reaches the article view and a key typed into a text field never
//! tags. Review mode's rows ([`When::Review`]) are live only while it is on;
//! the label schema's tag keys come in as extra rows ([`schema_bindings`]).
use crate::model::annotation::Label;
use crate::store::session::Edge;
use eframe::egui;
use egui::{Event, Key, Modifiers};

/// Something the user asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Pick an article to open.
    Open,
    /// Save the sidecar now.
    Save,
    /// Save the sidecar under another name.
    SaveAs,
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Open the find bar and focus it.
    Find,
    /// Select the next match of the find query.
    FindNext,
    /// Select the previous match.
    FindPrevious,
    /// Close the topmost thing (help, find bar, field focus), else clear the selection.
    Escape,
    /// Tag the selection, or relabel the selected annotation.
    Tag(Label),
    /// Delete the selected annotation.
    Delete,
    /// Move one edge of the selected annotation by one character.
    Nudge(Edge, i32),
    /// Bigger body text.
    ZoomIn,
    /// Smaller body text.
    ZoomOut,
    /// Default body text size.
    ZoomReset,
    /// Show or hide the shortcut list.
    Help,
    /// Switch light/dark.
    ToggleTheme,
    /// Open the next article of the corpus list.
    NextDocument,
    /// Open the previous article of the corpus list.
    PreviousDocument,
    /// Open the next article of the corpus list that has no annotations.
    NextUnannotated,
    /// Enter or leave review mode.
    ToggleReview,
    /// Review: go to the next annotation in the queue.
    ReviewNext,
    /// Review: go to the previous annotation in the queue.
    ReviewPrevious,
    /// Review: jump to the next unreviewed annotation.
    ReviewNextUnreviewed,
    /// Review: accept the current annotation.
    Accept,
    /// Review: reject the current annotation.
    Reject,
    /// Review: undo the last decision.
    UndoDecision,
    /// Review: put the keyboard in the note field of the current annotation.
    EditNote,
    /// Link the selected quote or claim to its speaker (pick an entity next).
    LinkSpeaker,
}

/// When a binding is live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// Always, even while typing in a field.
    Always,
    /// Only when no text field has keyboard focus.
    NotTyping,
    /// Only while the find box has focus.
    InFind,
    /// Only in review mode, when no text field has keyboard focus.
    Review,
}

/// One row of the shortcut table.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    /// The key.
    pub key: Key,
    /// Modifiers that must be held (Shift/Alt extra are tolerated, so more
    /// specific rows come first).
    pub modifiers: Modifiers,
    /// When it applies.
    pub when: When,
    /// What it does.
    pub action: Action,
    /// Shown in the help overlay; empty for aliases listed elsewhere.
    pub help: &'static str,
}

const fn bind(
    key: Key,
    modifiers: Modifiers,
    when: When,
    action: Action,
    help: &'static str,
) -> Binding {
    Binding {
        key,
        modifiers,
        when,
        action,
        help,
    }
}

const CTRL: Modifiers = Modifiers::COMMAND;
const CTRL_SHIFT: Modifiers = Modifiers::COMMAND.plus(Modifiers::SHIFT);
const SHIFT: Modifiers = Modifiers::SHIFT;
const ALT_SHIFT: Modifiers = Modifiers::ALT.plus(Modifiers::SHIFT);
const ALT: Modifiers = Modifiers::ALT;
const CTRL_ALT: Modifiers = Modifiers::COMMAND.plus(Modifiers::ALT);
const NONE: Modifiers = Modifiers::NONE;

/// The shortcut table, most specific first.
pub const BINDINGS: &[Binding] = &[
    bind(
        Key::O,
        CTRL,
        When::Always,
        Action::Open,
        "Ctrl+O  open an article",
    ),
    bind(
        Key::S,
        CTRL_SHIFT,
        When::Always,
        Action::SaveAs,
        "Ctrl+Shift+S  save the sidecar as…",
    ),
    bind(
        Key::S,
        CTRL,
        When::Always,
        Action::Save,
        "Ctrl+S  save the sidecar",
    ),
    bind(
        Key::Z,
        CTRL_SHIFT,
        When::NotTyping,
        Action::Redo,
        "Ctrl+Shift+Z / Ctrl+Y  redo",
    ),
    bind(Key::Y, CTRL, When::NotTyping, Action::Redo, ""),
    bind(Key::Z, CTRL, When::NotTyping, Action::Undo, "Ctrl+Z  undo"),
    bind(
        Key::F,
        CTRL,
        When::Always,
        Action::Find,
        "Ctrl+F  find (Enter: next match, Shift+Enter: previous)",
    ),
    bind(Key::Enter, SHIFT, When::InFind, Action::FindPrevious, ""),
    bind(Key::Enter, NONE, When::InFind, Action::FindNext, ""),
    bind(Key::F3, SHIFT, When::Always, Action::FindPrevious, ""),
    bind(
        Key::F3,
        NONE,
        When::Always,
        Action::FindNext,
        "F3 / Shift+F3  next / previous match",
    ),
    bind(
        Key::Escape,
        NONE,
        When::Always,
        Action::Escape,
        "Esc  close help or find; clear the selection",
    ),
    bind(
        Key::E,
        NONE,
        When::NotTyping,
        Action::Tag(Label::Entity),
        "E or 1  tag as Entity (or relabel the selected annotation)",
    ),
    bind(
        Key::C,
        NONE,
        When::NotTyping,
        Action::Tag(Label::Claim),
        "C or 2  tag as Claim",
    ),
    bind(
        Key::Q,
        NONE,
        When::NotTyping,
        Action::Tag(Label::Quote),
        "Q or 3  tag as Quote",
    ),
    bind(
        Key::Num1,
        NONE,
        When::NotTyping,
        Action::Tag(Label::Entity),
        "",
    ),
    bind(
        Key::Num2,
        NONE,
        When::NotTyping,
        Action::Tag(Label::Claim),
        "",
    ),
    bind(
        Key::Num3,
        NONE,
        When::NotTyping,
        Action::Tag(Label::Quote),
        "",
    ),
    bind(
        Key::Delete,
        NONE,
        When::NotTyping,
        Action::Delete,
        "Del  delete the selected annotation",
    ),
    bind(
        Key::ArrowLeft,
        ALT_SHIFT,
        When::NotTyping,
        Action::Nudge(Edge::Start, -1),
        "Alt+Shift+← / →  move the start of the selected annotation",
    ),
    bind(
        Key::ArrowRight,
        ALT_SHIFT,
        When::NotTyping,
        Action::Nudge(Edge::Start, 1),
        "",
    ),
    bind(
        Key::ArrowLeft,
        CTRL_SHIFT,
        When::NotTyping,
        Action::Nudge(Edge::Start, -1),
        "Ctrl+Shift+← / →  the same",
    ),
    bind(
        Key::ArrowRight,
        CTRL_SHIFT,
        When::NotTyping,
        Action::Nudge(Edge::Start, 1),
        "",
    ),
    bind(
        Key::ArrowLeft,
        SHIFT,
        When::NotTyping,
        Action::Nudge(Edge::End, -1),
        "Shift+← / →  move the end of the selected annotation",
    ),
    bind(
        Key::ArrowRight,
        SHIFT,
        When::NotTyping,
        Action::Nudge(Edge::End, 1),
        "",
    ),
    bind(Key::Plus, CTRL, When::Always, Action::ZoomIn, ""),
    bind(
        Key::Equals,
        CTRL,
        When::Always,
        Action::ZoomIn,
        "Ctrl+= / Ctrl+- / Ctrl+0  bigger / smaller / default text",
    ),
    bind(Key::Minus, CTRL, When::Always, Action::ZoomOut, ""),
    bind(Key::Num0, CTRL, When::Always, Action::ZoomReset, ""),
    bind(
        Key::T,
        CTRL,
        When::Always,
        Action::ToggleTheme,
        "Ctrl+T  light / dark theme",
    ),
    bind(
        Key::F1,
        NONE,
        When::Always,
        Action::Help,
        "F1 or ?  this help",
    ),
    bind(Key::Questionmark, NONE, When::NotTyping, Action::Help, ""),
    bind(
        Key::ArrowRight,
        CTRL_ALT,
        When::NotTyping,
        Action::NextUnannotated,
        "Ctrl+Alt+→  next article without annotations (folder)",
    ),
    bind(
        Key::ArrowRight,
        ALT,
        When::NotTyping,
        Action::NextDocument,
        "Alt+→ / Alt+←  next / previous article (folder)",
    ),
    bind(
        Key::ArrowLeft,
        ALT,
        When::NotTyping,
        Action::PreviousDocument,
        "",
    ),
    bind(
        Key::PageDown,
        CTRL,
        When::Always,
        Action::NextDocument,
        "Ctrl+PgDn / Ctrl+PgUp  the same",
    ),
    bind(
        Key::PageUp,
        CTRL,
        When::Always,
        Action::PreviousDocument,
        "",
    ),
    bind(
        Key::R,
        CTRL,
        When::Always,
        Action::ToggleReview,
        "Ctrl+R  review mode on / off",
    ),
    bind(
        Key::J,
        NONE,
        When::Review,
        Action::ReviewNext,
        "J / K (or N / P)  review: next / previous annotation",
    ),
    bind(Key::N, NONE, When::Review, Action::ReviewNext, ""),
    bind(Key::K, NONE, When::Review, Action::ReviewPrevious, ""),
    bind(Key::P, NONE, When::Review, Action::ReviewPrevious, ""),
    bind(
        Key::Space,
        NONE,
        When::Review,
        Action::ReviewNextUnreviewed,
        "Space or ]  review: next unreviewed",
    ),
    bind(
        Key::CloseBracket,
        NONE,
        When::Review,
        Action::ReviewNextUnreviewed,
        "",
    ),
    bind(
        Key::A,
        NONE,
        When::Review,
        Action::Accept,
        "A / R  review: accept / reject (E/C/Q relabel)",
    ),
    bind(Key::R, NONE, When::Review, Action::Reject, ""),
    bind(
        Key::U,
        NONE,
        When::Review,
        Action::UndoDecision,
        "U  review: undo the last decision",
    ),
    bind(
        Key::Enter,
        NONE,
        When::Review,
        Action::EditNote,
        "Enter  review: edit the note (Esc leaves it)",
    ),
    bind(
        Key::L,
        NONE,
        When::NotTyping,
        Action::LinkSpeaker,
        "L  link the selected quote/claim to its speaker, then pick the entity",
    ),
];

/// Where keyboard focus is, as far as shortcuts care.
#[derive(Clone, Copy, Debug, Default)]
pub struct Focus {
    /// A text field of the app (find box, kind, note, ...) has focus.
    pub typing: bool,
    /// That field is the find box.
    pub in_find: bool,
    /// Review mode is on.
    pub review: bool,
}

/// Tag shortcuts from the label schema (`key: "p"` for Entity, ...), as
/// rows that [`take_actions`] consults after [`BINDINGS`]. Keys that are not
/// a letter or digit are left out.
pub fn schema_bindings(schema: &crate::store::schema::Schema) -> Vec<Binding> {
    Label::ALL
        .into_iter()
        .filter_map(|label| {
            let c = schema.label(label).key.to_ascii_uppercase();
            let key = Key::from_name(&c.to_string())?;
            Some(bind(key, NONE, When::NotTyping, Action::Tag(label), ""))
        })
        .collect()
}

/// Take this frame's shortcut presses out of the input, in order, each with
/// the [`When`] of its binding. Callers run [`When::InFind`] actions only
/// after the find box has taken this frame's typed text, so a fast
/// "type + Enter" searches for everything typed. `extra` rows (the schema's
/// tag keys) are consulted after [`BINDINGS`].
pub fn take_actions(ctx: &egui::Context, focus: Focus, extra: &[Binding]) -> Vec<(Action, When)> {
    ctx.input_mut(|input| {
        let mut actions = Vec::new();
        let mut used_text: Vec<String> = Vec::new();
        input.events.retain(|event| {
            let Event::Key {
                key,
                pressed: true,
                modifiers,
                ..
            } = event
            else {
                return true;
            };
            let Some(b) = BINDINGS.iter().chain(extra).find(|b| {
                b.key == *key
                    && modifiers.matches_logically(b.modifiers)
                    && match b.when {
                        When::Always => true,
                        When::NotTyping => !focus.typing,
                        When::InFind => focus.in_find,
                        When::Review => focus.review && !focus.typing,
                    }
            }) else {
                return true;
            };
            actions.push((b.action, b.when));
            if b.modifiers.is_none() || b.modifiers == SHIFT {
                used_text.push(key.symbol_or_name().to_lowercase());
            }
            false
        });
        // A plain letter shortcut also arrives as typed text; drop that too so
        // no widget sees it.
        if !used_text.is_empty() {
            input.events.retain(|event| match event {
                Event::Text(t) => !used_text.contains(&t.to_lowercase()),
                _ => true,
            });
        }
        actions
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specific_rows_come_before_general_ones() {
        // A row whose modifiers are a superset of an earlier row's (same key)
        // would never fire, because Shift/Alt extras are tolerated.
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[..i] {
                if a.key == b.key && a.when == b.when {
                    assert!(
                        !a.modifiers.matches_logically(b.modifiers),
                        "{:?} {:?} is shadowed",
                        a.key,
                        a.modifiers
                    );
                }
            }
        }
    }
}
