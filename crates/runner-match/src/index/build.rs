//! Building a [`RunnerIndex`]: listing order, then the runners' tags interned and pushed
//! into a [`TagIndexBuilder`].

use super::recent::RecentIds;
use super::tag_index::TagIndexBuilder;
use super::RunnerIndex;
use crate::model::Runner;
use crate::order::sort_by;
use crate::rank::compare_runners;

impl RunnerIndex {
    /// Indexes `runners` (see [`RunnerIndex::new`]).
    pub(super) fn build(mut runners: Vec<Runner>) -> Self {
        sort_listing(&mut runners);
        assert!(
            u32::try_from(runners.len()).is_ok(),
            "a RunnerIndex holds at most u32::MAX runners"
        );
        // One pass over the runners (each is read once: they are large and scattered),
        // interning tags and types in first-seen order; most uses hit the recent cache.
        let mut ids = RecentIds::new();
        let mut type_ids = RecentIds::new();
        let mut builder = TagIndexBuilder::with_capacity(runners.len(), 4 * runners.len());
        let mut own: Vec<u32> = Vec::new();
        for runner in &runners {
            own.clear();
            own.extend(runner.tags.iter().map(|tag| ids.intern(tag)));
            let kind = (runner.runner_type.as_ref()).map(|kind| type_ids.intern(kind.as_str()));
            builder.push(&own, runner.is_schedulable(), kind);
        }
        let owned = |strings: &[&str]| strings.iter().map(|&s| s.to_owned()).collect();
        let tags = builder.build(owned(ids.strings()), owned(type_ids.strings()));
        // Interned ids are in range and name distinct strings; the count was checked.
        let tags = tags.unwrap_or_else(|error| unreachable!("{error}"));
        Self { runners, tags }
    }
}

/// Stable sort into listing order; input that is already in order (an API listing,
/// newest first) is only checked.
fn sort_listing(runners: &mut [Runner]) {
    if runners
        .windows(2)
        .all(|pair| compare_runners(&pair[0], &pair[1]).is_le())
    {
        return;
    }
    sort_by(runners, compare_runners);
}
