//! Sans-IO progress of one read of the runner pool, counted in runners.
//!
//! A 30-page fleet takes 8 s or more under ComfyControl's rate limit; users need to see
//! it move. [`ReadProgress`] turns the pages of every requested source into one
//! `{loaded, total}` that a caller reports after each page (a JS callback, a terminal
//! progress bar).
//!
//! # Policies
//! - **Counted in runners, across every source of the read.** `loaded` sums the
//!   runners on the pages received; `total` sums each source's `total` as its newest
//!   page reports it (a listing that grows while read grows the total).
//! - **No total before every source has one.** Until each requested source has
//!   answered once (a page, or a 403 that [`settle`](ReadProgress::settle)s it at 0),
//!   no progress is reported: a total missing a source would look nearly done.
//! - **`loaded ≤ total` always,** and the last report, from
//!   [`finish`](ReadProgress::finish), has `loaded == total ==` the pool's size. (Pages
//!   that overlap while the listing shifts can make earlier counts run a little ahead of
//!   the distinct runners finally kept.)

use crate::source::Source;

/// How far a read has come, in runners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Progress {
    /// Runners received so far.
    pub loaded: u64,
    /// Runners expected in all; at least `loaded`.
    pub total: u64,
}

/// One read's progress over its sources; see the [module docs](self).
///
/// ```
/// use runner_match::progress::{Progress, ReadProgress};
/// use runner_match::Source;
/// let mut progress = ReadProgress::new(&Source::ALL);
/// // Self-hosted page 1 (2 of 2 runners) arrives first: the managed total is unknown.
/// assert_eq!(progress.page(Source::SelfHosted, 2, 2), None);
/// assert_eq!(progress.page(Source::Managed, 100, 250), Some(Progress { loaded: 102, total: 252 }));
/// assert_eq!(progress.page(Source::Managed, 100, 250), Some(Progress { loaded: 202, total: 252 }));
/// assert_eq!(progress.page(Source::Managed, 50, 250), Some(Progress { loaded: 252, total: 252 }));
/// assert_eq!(progress.finish(252), Progress { loaded: 252, total: 252 });
/// ```
#[derive(Debug, Clone)]
pub struct ReadProgress {
    /// Per requested source: runners received and its newest total, once known.
    sources: Vec<(Source, u64, Option<u64>)>,
}

impl ReadProgress {
    /// A read of these sources (duplicates count once).
    pub fn new(sources: &[Source]) -> Self {
        let mut tracked: Vec<(Source, u64, Option<u64>)> = Vec::with_capacity(sources.len());
        for &source in sources {
            if !tracked.iter().any(|(seen, _, _)| *seen == source) {
                tracked.push((source, 0, None));
            }
        }
        Self { sources: tracked }
    }

    /// A page of `source` arrived holding `runners` runners and reporting `total`. The
    /// progress to report, or `None` while some source has not answered yet (or
    /// `source` was not requested).
    pub fn page(&mut self, source: Source, runners: usize, total: u64) -> Option<Progress> {
        let entry = self.sources.iter_mut().find(|(s, _, _)| *s == source)?;
        entry.1 = entry
            .1
            .saturating_add(u64::try_from(runners).unwrap_or(u64::MAX));
        entry.2 = Some(total);
        self.current()
    }

    /// `source` ended without pages that count (a 403 the pool excuses): it contributes
    /// nothing. The progress to report, as for [`page`](Self::page).
    pub fn settle(&mut self, source: Source) -> Option<Progress> {
        let entry = self.sources.iter_mut().find(|(s, _, _)| *s == source)?;
        *entry = (source, 0, Some(0));
        self.current()
    }

    /// The last report: the read is complete and the pool holds `pool_size` runners.
    pub fn finish(&self, pool_size: usize) -> Progress {
        let size = u64::try_from(pool_size).unwrap_or(u64::MAX);
        Progress {
            loaded: size,
            total: size,
        }
    }

    /// The progress so far, once every source has a total.
    pub fn current(&self) -> Option<Progress> {
        let mut progress = Progress {
            loaded: 0,
            total: 0,
        };
        for &(_, loaded, total) in &self.sources {
            progress.loaded = progress.loaded.saturating_add(loaded);
            progress.total = progress.total.saturating_add(total?.max(loaded));
        }
        Some(progress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_for_every_total_and_keeps_loaded_within_total() {
        let mut progress =
            ReadProgress::new(&[Source::Managed, Source::SelfHosted, Source::Managed]);
        assert_eq!(progress.page(Source::Managed, 10, 5), None);
        // A 403 on managed: settled at 0, its pages forgotten.
        assert_eq!(
            progress.settle(Source::Managed),
            None,
            "self-hosted has not answered"
        );
        assert_eq!(
            progress.page(Source::SelfHosted, 3, 2),
            Some(Progress {
                loaded: 3,
                total: 3
            })
        );
        let single = ReadProgress::new(&[Source::SelfHosted]);
        assert_eq!(single.current(), None);
        assert_eq!(
            ReadProgress::new(&[Source::Managed]).page(Source::SelfHosted, 1, 1),
            None
        );
    }
}
