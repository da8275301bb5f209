//! Human output: aligned tables with a score bar, matched and extra tags. Colour only
//! when the stream is a terminal and `NO_COLOR` is unset or empty (no-color.org).

use std::io::{IsTerminal, Write};

use runner_match::{Fit, Match, Requirements, Runner, RunnerSource};

/// Cells of the score bar.
const BAR_CELLS: usize = 10;
/// Widest name column before names are shortened with `…`.
const MAX_NAME: usize = 32;

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    colour: bool,
}

impl Style {
    pub(crate) fn for_stdout() -> Self {
        Self::new(std::io::stdout().is_terminal())
    }

    pub(crate) fn for_stderr() -> Self {
        Self::new(std::io::stderr().is_terminal())
    }

    fn new(terminal: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            colour: terminal && !no_color,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub(crate) fn error(&self, text: &str) -> String {
        self.paint("1;31", text)
    }

    pub(crate) fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    fn good(&self, text: &str) -> String {
        self.paint("32", text)
    }

    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
}

/// `█████░░░░░ 0.50`: the score as ten cells and two decimals.
fn score_bar(score: f64) -> String {
    let filled = ((score.clamp(0.0, 1.0) * BAR_CELLS as f64).round() as usize).min(BAR_CELLS);
    format!(
        "{}{} {score:.2}",
        "█".repeat(filled),
        "░".repeat(BAR_CELLS - filled)
    )
}

/// Server text with control characters replaced, so a hostile name cannot drive the
/// terminal, and shortened to `max` characters.
fn printable(text: &str, max: usize) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    if clean.chars().count() <= max {
        clean
    } else {
        let mut short: String = clean.chars().take(max - 1).collect();
        short.push('…');
        short
    }
}

fn type_of(runner: &Runner) -> String {
    runner
        .runner_type
        .as_ref()
        .map_or("-".to_owned(), |t| printable(t.as_str(), 16))
}

fn source_of(runner: &Runner) -> &'static str {
    match runner.source {
        RunnerSource::Managed => "managed",
        RunnerSource::SelfHosted { .. } => "self-hosted",
    }
}

fn fit_of(fit: Fit) -> &'static str {
    match fit {
        Fit::Exact => "exact",
        Fit::Superset { .. } => "superset",
        Fit::WildcardRunner => "wildcard",
    }
}

fn tag_list(tags: &[&String]) -> String {
    if tags.is_empty() {
        "-".to_owned()
    } else {
        tags.iter()
            .map(|t| printable(t, 64))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Rows of cells, padded to the widest cell of each column (by characters), then
/// `paint`ed per column, so escape codes never upset the alignment.
fn write_table(
    out: &mut impl Write,
    header: &[&str],
    rows: &[Vec<String>],
    paint: &dyn Fn(usize, &str) -> String,
    style: &Style,
) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String], paint: &dyn Fn(usize, &str) -> String| {
        let last = cells.len().saturating_sub(1);
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(column, cell)| {
                let pad = if column == last {
                    0
                } else {
                    widths[column].saturating_sub(cell.chars().count())
                };
                format!("{}{}", paint(column, cell), " ".repeat(pad))
            })
            .collect();
        padded.join("  ").trim_end().to_owned()
    };
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let _ = writeln!(out, "{}", line(&header, &|_, h| style.bold(h)));
    for row in rows {
        let _ = writeln!(out, "{}", line(row, paint));
    }
}

/// `find`: one row per match, best first, and a count line.
pub(crate) fn matches(
    out: &mut impl Write,
    style: &Style,
    matches: &[Match<'_>],
    requirements: &Requirements,
) {
    if matches.is_empty() {
        let _ = writeln!(
            out,
            "No runner can run a workflow with {:?}. Try: runner-match explain {:?}",
            requirements.to_comma_string(),
            requirements.to_comma_string()
        );
        return;
    }
    let wanted = runner_match::report::wanted_tags(requirements, matches);
    let rows: Vec<Vec<String>> = matches
        .iter()
        .map(|found| {
            let runner = found.runner;
            let mut seen: Vec<&String> = Vec::new();
            for tag in &runner.tags {
                if !seen.contains(&tag) {
                    seen.push(tag);
                }
            }
            let (matched, extra): (Vec<&String>, Vec<&String>) =
                seen.into_iter().partition(|tag| wanted.contains(tag));
            vec![
                score_bar(found.score),
                printable(&runner.name, MAX_NAME),
                type_of(runner),
                source_of(runner).to_owned(),
                fit_of(found.fit).to_owned(),
                tag_list(&matched),
                tag_list(&extra),
            ]
        })
        .collect();
    let paint = |column: usize, cell: &str| match column {
        0 => style.good(cell),
        5 => style.good(cell),
        6 => style.dim(cell),
        _ => cell.to_owned(),
    };
    write_table(
        out,
        &[
            "SCORE", "RUNNER", "TYPE", "SOURCE", "FIT", "MATCHED", "EXTRA",
        ],
        &rows,
        &paint,
        style,
    );
    let noun = if matches.len() == 1 {
        "runner"
    } else {
        "runners"
    };
    let _ = writeln!(out, "{} {noun} can run it", matches.len());
}

/// `list`: one row per runner, newest first.
pub(crate) fn runners(out: &mut impl Write, style: &Style, runners: &[Runner]) {
    let rows: Vec<Vec<String>> = runners
        .iter()
        .map(|runner| {
            vec![
                printable(&runner.name, MAX_NAME),
                type_of(runner),
                source_of(runner).to_owned(),
                printable(runner.status.as_str(), 16),
                tag_list(&runner.tags.iter().collect::<Vec<_>>()),
            ]
        })
        .collect();
    let paint = |column: usize, cell: &str| match column {
        3 if cell != "active" => style.dim(cell),
        _ => cell.to_owned(),
    };
    write_table(
        out,
        &["RUNNER", "TYPE", "SOURCE", "STATUS", "TAGS"],
        &rows,
        &paint,
        style,
    );
    let noun = if runners.len() == 1 {
        "runner"
    } else {
        "runners"
    };
    let _ = writeln!(out, "{} {noun}", runners.len());
}

/// `3m`, `2h 5m`, `4d 1h`: a waiting time at a glance.
fn waited(ms: u64) -> String {
    let minutes = ms / 60_000;
    match minutes {
        0 => format!("{}s", ms / 1000),
        1..=59 => format!("{minutes}m"),
        60..=1439 => format!("{}h {}m", minutes / 60, minutes % 60),
        _ => format!("{}d {}h", minutes / 1440, minutes / 60 % 24),
    }
}

/// `diagnose`: the summary, one row per waiting workflow (newest first), then what to
/// change for those that wait on a tag.
pub(crate) fn diagnosis(
    out: &mut impl Write,
    style: &Style,
    diagnosed: &runner_match_client::Diagnosed,
    diagnosis: &runner_match::Diagnosis<'_>,
) {
    let _ = writeln!(
        out,
        "{}",
        style.bold(&printable(&diagnosis.summary(), 2000))
    );
    let listing = diagnosed.listing();
    if listing.stopped_early {
        let _ = writeln!(
            out,
            "{}",
            style.dim(&format!(
                "(read the newest {} of {} workflows; raise --max-pages to check older ones)",
                listing.workflows.len(),
                listing.total
            ))
        );
    }
    if diagnosis.workflows.is_empty() {
        return;
    }
    let _ = writeln!(out);
    let rows: Vec<Vec<String>> = diagnosis
        .workflows
        .iter()
        .map(|entry| {
            let workflow = entry.workflow;
            let verdict = match (&entry.best, &entry.stuck) {
                (_, Some(stuck)) => format!("stuck: {}", printable(&stuck.to_string(), 200)),
                (Some(best), None) => format!(
                    "best: {} ({})",
                    printable(&best.runner.name, MAX_NAME),
                    fit_of(best.fit)
                ),
                (None, None) => "-".to_owned(),
            };
            vec![
                waited(entry.waited_ms),
                printable(&workflow.name, MAX_NAME),
                printable(workflow.status.as_str(), 16),
                tag_list(&workflow.tags.iter().collect::<Vec<_>>()),
                entry.match_count.to_string(),
                verdict,
            ]
        })
        .collect();
    let paint = |column: usize, cell: &str| match column {
        5 if cell.starts_with("stuck") => style.error(cell),
        5 => style.good(cell),
        _ => cell.to_owned(),
    };
    write_table(
        out,
        &["WAITED", "WORKFLOW", "STATUS", "TAGS", "RUNNERS", "VERDICT"],
        &rows,
        &paint,
        style,
    );
    for entry in &diagnosis.workflows {
        let Some(explanation) = entry.explanation.as_ref().filter(|_| entry.stuck.is_some()) else {
            continue;
        };
        let advice: Vec<String> = explanation
            .hints()
            .iter()
            .map(|hint| format!("hint: {hint}"))
            .chain(
                explanation
                    .best_change()
                    .map(|change| format!("try: {change}")),
            )
            .collect();
        if advice.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}:", printable(&entry.workflow.name, 200));
        for line in advice {
            let _ = writeln!(out, "  {}", printable(&line, 2000));
        }
    }
}
