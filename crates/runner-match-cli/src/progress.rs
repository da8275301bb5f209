//! A progress bar on stderr for reads that take more than about a second (a 30-page
//! read takes 8 s or more under ComfyControl's rate limit). Hidden for quick reads and
//! when stderr is not a terminal, so pipes and logs stay clean.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use runner_match_client::Progress;

/// How long a read runs before the bar appears.
const SHOW_AFTER: Duration = Duration::from_secs(1);

pub(crate) struct Bar {
    bar: ProgressBar,
    started: Instant,
    enabled: bool,
    done: AtomicBool,
}

impl Bar {
    pub(crate) fn new() -> Arc<Self> {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} reading runners {bar:30} {pos}/{len} ({elapsed})",
        ) {
            bar.set_style(style);
        }
        let this = Arc::new(Self {
            bar,
            started: Instant::now(),
            enabled: std::io::stderr().is_terminal(),
            done: AtomicBool::new(false),
        });
        if this.enabled {
            // A slow first page (a rate-limit cooldown, say) shows a spinner too.
            let watcher = this.clone();
            std::thread::spawn(move || {
                std::thread::sleep(SHOW_AFTER);
                watcher.show();
            });
        }
        this
    }

    fn show(&self) {
        if !self.done.load(Ordering::SeqCst) && self.bar.is_hidden() {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
    }

    /// The client's `on_progress` callback.
    pub(crate) fn callback(self: &Arc<Self>) -> impl Fn(Progress) + Send + Sync + 'static {
        let this = self.clone();
        move |progress: Progress| this.update(progress)
    }

    fn update(&self, progress: Progress) {
        self.bar.set_length(progress.total);
        self.bar.set_position(progress.loaded);
        if self.enabled && self.started.elapsed() >= SHOW_AFTER {
            self.show();
        }
    }

    /// Removes the bar before the results are printed.
    pub(crate) fn finish(&self) {
        self.done.store(true, Ordering::SeqCst);
        self.bar.finish_and_clear();
    }
}
