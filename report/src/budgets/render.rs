//! The plan as text (a terminal, a log) or Markdown (a pull request comment).

use std::fmt::Write as _;

use super::{Action, Plan, Scope};
use crate::safe::visible;

/// The plan for a terminal or a log: the changes by budget, each marked `+`, `~` or `-`, and how
/// to apply them. Names from the organization are shown, not obeyed (`safe::visible`).
pub fn render_text(plan: &Plan) -> String {
    let mut out = String::new();
    if plan.changes.is_empty() {
        let _ = writeln!(
            out,
            "No changes: the budgets are as {} declares.",
            plan.file
        );
        return out;
    }
    let n = plan.changes.len();
    let _ = writeln!(
        out,
        "{n} change{} to make the budgets what {} declares:\n",
        if n == 1 { "" } else { "s" },
        plan.file
    );
    for (scope, actions) in grouped(plan) {
        let _ = writeln!(out, "{}", visible(&scope.label()));
        for action in actions {
            let _ = writeln!(out, "  {} {}", action.mark(), visible(&action.describe()));
        }
    }
    let _ = writeln!(
        out,
        "\nApplied in this order: new and changed alerts, then limits, then deletions.\nTo apply: openai-usage-report budgets apply {} --yes",
        plan.file
    );
    out
}

/// The plan as Markdown, for a pull request comment: one table row per change.
pub fn render_markdown(plan: &Plan) -> String {
    let mut out = String::from("### Budget plan\n\n");
    if plan.changes.is_empty() {
        let _ = writeln!(
            out,
            "No changes: the budgets are as `{}` declares.",
            markdown(&plan.file)
        );
        return out;
    }
    let n = plan.changes.len();
    let _ = writeln!(
        out,
        "{n} change{} to make the budgets what `{}` declares.\n\n| | Budget | Change |\n| --- | --- | --- |",
        if n == 1 { "" } else { "s" },
        markdown(&plan.file)
    );
    for (scope, actions) in grouped(plan) {
        for action in actions {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                match action.mark() {
                    '+' => "➕",
                    '~' => "✏️",
                    _ => "➖",
                },
                markdown(&scope.label()),
                markdown(&action.describe())
            );
        }
    }
    let _ = writeln!(
        out,
        "\nApplied in this order: new and changed alerts, then limits, then deletions."
    );
    out
}

/// The changes by budget, in the order each budget first appears in the plan.
fn grouped(plan: &Plan) -> Vec<(&Scope, Vec<&Action>)> {
    let mut out: Vec<(&Scope, Vec<&Action>)> = Vec::new();
    for change in &plan.changes {
        match out.iter_mut().find(|(s, _)| **s == change.scope) {
            Some((_, actions)) => actions.push(&change.action),
            None => out.push((&change.scope, vec![&change.action])),
        }
    }
    out
}

/// Text in a Markdown table cell: shown as written, never as markup, a link or an HTML tag.
fn markdown(text: &str) -> String {
    let mut out = String::new();
    for c in visible(text).chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{Action, Change, Plan, Scope};
    use super::*;

    #[test]
    fn the_markdown_plan_shows_names_as_text() {
        let plan = Plan {
            file: "budgets.yaml".into(),
            changes: vec![Change {
                scope: Scope::Project {
                    id: "proj_1".into(),
                    name: Some("a|b <script>".into()),
                },
                action: Action::DeleteLimit { was: 100 },
            }],
        };
        let text = render_markdown(&plan);
        assert!(text.contains("| ➖ | project a\\|b \\<script\\> (proj\\_1) | delete hard limit (was $1.00 a month) |"), "{text}");
    }
}
