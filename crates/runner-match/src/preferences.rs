//! Soft preferences: weighted terms that rank the matching runners without filtering
//! any of them out.
//!
//! A preference is a key in the requirement language (a tag, a glob, `type:pro`, or any
//! expression) with a weight, either *preferred* (satisfied when the runner has it) or
//! *avoided* (satisfied when it does not). Keys are evaluated strictly
//! ([`Expression::eval_strict`]): the wildcard rule lets an untagged runner *run* any
//! workflow, but it does not *have* `gpu-h100`, so it earns no credit for it.
//!
//! With preferences, a match scores `(1 − λ) · fit + λ · pref`, where `λ` is
//! [`PREFERENCE_INFLUENCE`], `fit` the score without preferences and `pref` the
//! satisfied share of the total preference weight. Both lie in `[0, 1]`, so the score
//! does too. Without preferences the score is exactly `fit`.

use std::fmt;
use std::hash::{Hash, Hasher};

use crate::decimal::Shortest;
use crate::expr::{Expression, ExpressionError};
use crate::model::Runner;

/// The most preferences (prefer and avoid together) one requirement may carry.
pub const MAX_PREFERENCES: usize = 64;

/// The largest weight accepted. Bounding weights keeps their sum finite, so the
/// preference share is always a number in `[0, 1]`.
pub const MAX_PREFERENCE_WEIGHT: f64 = 1_000_000.0;

/// `λ`: how much of the score preferences decide, when there are any.
pub const PREFERENCE_INFLUENCE: f64 = 0.5;

/// Whether a preference wants its key present or absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PreferenceKind {
    /// Satisfied when the runner has the key.
    Prefer,
    /// Satisfied when the runner does not have the key.
    Avoid,
}

/// One weighted preference.
#[derive(Debug, Clone, PartialEq)]
pub struct Preference {
    key: Expression,
    weight: f64,
    kind: PreferenceKind,
}

impl Preference {
    /// The key, as parsed.
    pub fn key(&self) -> &Expression {
        &self.key
    }

    /// The weight: finite, above 0, at most [`MAX_PREFERENCE_WEIGHT`].
    pub fn weight(&self) -> f64 {
        self.weight
    }

    /// Prefer or avoid.
    pub fn kind(&self) -> PreferenceKind {
        self.kind
    }

    /// `true` when `runner` satisfies this preference: it has the key (prefer) or lacks
    /// it (avoid), evaluated strictly, so an untagged runner has no tags.
    pub fn is_satisfied_by(&self, runner: &Runner) -> bool {
        let runner_type = runner.runner_type.as_ref().map(|t| t.as_str());
        let has = self.key.eval_strict(&runner.tags, runner_type);
        has == (self.kind == PreferenceKind::Prefer)
    }
}

// Weights are finite and positive (validated on construction), where `==` on `f64` is
// an equivalence and agrees with bit equality, so these are lawful.
impl Eq for Preference {}

impl Hash for Preference {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key.hash(state);
        self.weight.to_bits().hash(state);
        self.kind.hash(state);
    }
}

impl fmt::Display for Preference {
    /// `prefer gpu-h100 ×3`, `avoid development ×2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = match self.kind {
            PreferenceKind::Prefer => "prefer",
            PreferenceKind::Avoid => "avoid",
        };
        write!(f, "{verb} {} ×{}", self.key, Shortest(self.weight))
    }
}

/// Weighted soft preferences, in the order they were added. Empty means none.
///
/// ```
/// use runner_match::{Preferences, Requirements};
/// let prefs = Preferences::new()
///     .prefer("gpu-h100", 3.0)?
///     .prefer("eu-west", 1.0)?
///     .avoid("development", 2.0)?;
/// assert_eq!(prefs.to_string(), "prefer gpu-h100 ×3, prefer eu-west ×1, avoid development ×2");
/// let req = "flux".parse::<Requirements>()?.with_preferences(prefs);
/// assert_eq!(req.preferences().len(), 3);
///
/// // The shape of a JS object `{ prefer: {...}, avoid: {...} }`:
/// let same = Preferences::from_weights([("gpu-h100", 3.0), ("eu-west", 1.0)], [("development", 2.0)])?;
/// assert_eq!(&same, req.preferences());
///
/// let err = Preferences::new().prefer("gpu-h100", 0.0).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"preference "gpu-h100" has weight 0; a weight must be above 0 and at most 1000000"#
/// );
/// # Ok::<(), runner_match::RequirementError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Preferences {
    items: Vec<Preference>,
}

impl Preferences {
    /// No preferences.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds preferences from `(key, weight)` pairs to prefer and to avoid, prefers
    /// first, each in the given order.
    pub fn from_weights<P, A, K>(prefer: P, avoid: A) -> Result<Self, PreferenceError>
    where
        P: IntoIterator<Item = (K, f64)>,
        A: IntoIterator<Item = (K, f64)>,
        K: AsRef<str>,
    {
        let mut prefs = Self::new();
        for (key, weight) in prefer {
            prefs.add(PreferenceKind::Prefer, key.as_ref(), weight)?;
        }
        for (key, weight) in avoid {
            prefs.add(PreferenceKind::Avoid, key.as_ref(), weight)?;
        }
        Ok(prefs)
    }

    /// Adds a preference for runners that have `key`.
    pub fn prefer(mut self, key: &str, weight: f64) -> Result<Self, PreferenceError> {
        self.add(PreferenceKind::Prefer, key, weight)?;
        Ok(self)
    }

    /// Adds a preference for runners that do not have `key`.
    pub fn avoid(mut self, key: &str, weight: f64) -> Result<Self, PreferenceError> {
        self.add(PreferenceKind::Avoid, key, weight)?;
        Ok(self)
    }

    /// Parses `key` in the requirement language and adds it.
    ///
    /// # Errors
    /// The key does not parse or is empty, the weight is not finite, not above 0 or
    /// above [`MAX_PREFERENCE_WEIGHT`], the key is already present (as a prefer or an
    /// avoid; keys compare by syntax tree, so `gpu` and `(gpu)` are the same), or there
    /// would be more than [`MAX_PREFERENCES`].
    pub fn add(
        &mut self,
        kind: PreferenceKind,
        key: &str,
        weight: f64,
    ) -> Result<(), PreferenceError> {
        let parsed = Expression::parse(key).map_err(|error| PreferenceError::Key {
            key: shorten(key),
            error,
        })?;
        self.add_expression(kind, parsed, weight)
    }

    /// Adds an already parsed key; errors as for [`add`](Self::add).
    pub fn add_expression(
        &mut self,
        kind: PreferenceKind,
        key: Expression,
        weight: f64,
    ) -> Result<(), PreferenceError> {
        if key.is_wildcard() {
            return Err(PreferenceError::EmptyKey);
        }
        if !(weight > 0.0 && weight <= MAX_PREFERENCE_WEIGHT) {
            return Err(PreferenceError::Weight {
                key: shorten(&key.to_string()),
                weight,
            });
        }
        if self.items.iter().any(|item| item.key == key) {
            return Err(PreferenceError::Duplicate {
                key: shorten(&key.to_string()),
            });
        }
        if self.items.len() >= MAX_PREFERENCES {
            return Err(PreferenceError::TooMany);
        }
        self.items.push(Preference { key, weight, kind });
        Ok(())
    }

    /// The preferences, in the order added.
    pub fn as_slice(&self) -> &[Preference] {
        &self.items
    }

    /// How many preferences there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// `true` when there are none; the score is then the fit alone.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The satisfied share of the total weight for `runner`, in `[0, 1]`; `None`
    /// without preferences.
    pub fn share(&self, runner: &Runner) -> Option<f64> {
        self.share_by(|_, item| item.is_satisfied_by(runner))
    }

    /// The satisfied share, with `satisfied(i, item)` saying whether the `i`-th
    /// preference is satisfied: the one computation behind [`share`](Self::share) and
    /// the index's set-based scoring, so both give the same bits.
    pub(crate) fn share_by(
        &self,
        mut satisfied_by: impl FnMut(usize, &Preference) -> bool,
    ) -> Option<f64> {
        if self.items.is_empty() {
            return None;
        }
        let (mut satisfied, mut total) = (0.0, 0.0);
        for (index, item) in self.items.iter().enumerate() {
            total += item.weight;
            if satisfied_by(index, item) {
                satisfied += item.weight;
            }
        }
        // Rounding is monotone, so a sum over a subset never exceeds the full sum; the
        // clamp is a belt over those braces.
        Some((satisfied / total).clamp(0.0, 1.0))
    }

    /// The final score of a match with fit score `fit`: `fit` itself without
    /// preferences, otherwise `(1 − λ) · fit + λ · share`.
    pub(crate) fn combine(&self, fit: f64, runner: &Runner) -> f64 {
        match self.share(runner) {
            None => fit,
            Some(share) => blend(fit, share),
        }
    }
}

/// `(1 − λ) · fit + λ · share`, in one place so that every caller rounds identically.
pub(crate) fn blend(fit: f64, share: f64) -> f64 {
    ((1.0 - PREFERENCE_INFLUENCE) * fit + PREFERENCE_INFLUENCE * share).clamp(0.0, 1.0)
}

impl fmt::Display for Preferences {
    /// The preferences in order, comma-separated: `prefer gpu-h100 ×3, avoid development ×2`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, item) in self.items.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{item}")?;
        }
        Ok(())
    }
}

/// A preference that cannot be added.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PreferenceError {
    /// The key is not a valid expression.
    #[error("invalid preference key {key:?}: {error}")]
    Key {
        /// The key as given (cut after 64 characters).
        key: String,
        /// Why it does not parse.
        error: ExpressionError,
    },
    /// The key is empty or blank.
    #[error("empty preference key")]
    EmptyKey,
    /// The weight is not finite, not above 0, or above [`MAX_PREFERENCE_WEIGHT`].
    #[error(
        "preference {key:?} has weight {}; a weight must be above 0 and at most 1000000",
        Shortest(*weight)
    )]
    Weight {
        /// The key, in canonical form (cut after 64 characters).
        key: String,
        /// The rejected weight.
        weight: f64,
    },
    /// The key is already a preference (prefer or avoid).
    #[error("preference {key:?} is listed twice")]
    Duplicate {
        /// The key, in canonical form (cut after 64 characters).
        key: String,
    },
    /// More than [`MAX_PREFERENCES`] preferences.
    #[error("more than {MAX_PREFERENCES} preferences")]
    TooMany,
}

/// Keys in error messages are cut, so that a hostile key cannot make a huge message.
fn shorten(key: &str) -> String {
    const MAX_CHARS: usize = 64;
    match key.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &key[..cut]),
        None => key.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejected_preferences_have_exact_messages() {
        let cases: &[(PreferenceKind, &str, f64, &str)] = &[
            (PreferenceKind::Prefer, "", 1.0, "empty preference key"),
            (PreferenceKind::Avoid, "  ", 1.0, "empty preference key"),
            (
                PreferenceKind::Prefer,
                "gpu &",
                1.0,
                r#"invalid preference key "gpu &": unexpected end of input at 5: expected a tag"#,
            ),
            (
                PreferenceKind::Prefer,
                "x",
                f64::NAN,
                r#"preference "x" has weight NaN; a weight must be above 0 and at most 1000000"#,
            ),
            (
                PreferenceKind::Avoid,
                "x",
                -1.0,
                r#"preference "x" has weight -1; a weight must be above 0 and at most 1000000"#,
            ),
            (
                PreferenceKind::Prefer,
                "x",
                f64::INFINITY,
                r#"preference "x" has weight inf; a weight must be above 0 and at most 1000000"#,
            ),
            (
                PreferenceKind::Prefer,
                "x",
                1e7,
                r#"preference "x" has weight 10000000; a weight must be above 0 and at most 1000000"#,
            ),
            (
                PreferenceKind::Avoid,
                "(gpu)",
                1.0,
                r#"preference "gpu" is listed twice"#,
            ),
        ];
        for &(kind, key, weight, want) in cases {
            let mut prefs = Preferences::new().prefer("gpu", 1.0).unwrap();
            let err = prefs.add(kind, key, weight).unwrap_err();
            assert_eq!(err.to_string(), want, "{key:?} {weight}");
            assert_eq!(prefs.len(), 1, "a failed add changes nothing");
        }
    }

    #[test]
    fn limits() {
        let mut prefs = Preferences::new();
        for i in 0..MAX_PREFERENCES {
            prefs
                .add(
                    PreferenceKind::Prefer,
                    &format!("t{i}"),
                    MAX_PREFERENCE_WEIGHT,
                )
                .unwrap();
        }
        let err = prefs.add(PreferenceKind::Avoid, "more", 1.0).unwrap_err();
        assert_eq!(err, PreferenceError::TooMany);
        assert_eq!(err.to_string(), "more than 64 preferences");

        let long = "k".repeat(100);
        let err = Preferences::new().prefer(&long, -1.0).unwrap_err();
        let PreferenceError::Weight { key, .. } = err else {
            panic!("a weight error");
        };
        assert_eq!(key, format!("{}…", "k".repeat(64)));
    }
}
