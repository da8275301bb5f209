//! The report shapes as JSON ([`ToJson`]): the field names and order, and the fields
//! left out when `None`, of their `Serialize` derives (`tests/report_json.rs` compares
//! the two on every shape).

use super::*;
use crate::json_write::{JsonWriter, ToJson};

/// `ToJson` for fieldless enums written as their names.
macro_rules! names_to_json {
    ($($type:ty { $($variant:ident => $name:literal),+ $(,)? })+) => {$(
        impl ToJson for $type {
            fn write_json(&self, json: &mut JsonWriter) {
                json.string(match self {
                    $(Self::$variant => $name,)+
                });
            }
        }
    )+};
}

names_to_json! {
    FitKind { Exact => "exact", Superset => "superset", Wildcard => "wildcard" }
    SourceKind { Managed => "managed", SelfHosted => "self-hosted" }
    TermKind { Prefer => "prefer", Avoid => "avoid" }
    ReasonKind {
        Disabled => "disabled",
        UnknownStatus => "unknown_status",
        Missing => "missing",
        Excluded => "excluded",
        NoTagMatches => "no_tag_matches",
        TypeMismatch => "type_mismatch",
        ClauseFailed => "clause_failed",
    }
    ChangeKind { DropTag => "drop_tag", DropClause => "drop_clause" }
    SimilarityKind { Case => "case", Whitespace => "whitespace", Typo => "typo" }
    StuckKind {
        NoActiveRunner => "no_active_runner",
        UnknownTag => "unknown_tag",
        NoRunnerHasAll => "no_runner_has_all",
        UnreadableTags => "unreadable_tags",
    }
    SourceStatusKind { Ok => "ok", Unavailable => "unavailable" }
}

/// `ToJson` for structs written as objects: each field's key and how it is written
/// (`field`, or `field_if_some` for one left out when `None`), in the derive's order.
macro_rules! objects_to_json {
    ($($type:ty { $($write:ident($key:literal, $field:ident)),+ $(,)? })+) => {$(
        impl ToJson for $type {
            fn write_json(&self, json: &mut JsonWriter) {
                json.object(|json| {
                    $(json.$write($key, &self.$field);)+
                });
            }
        }
    )+};
}

impl ToJson for ApiRunnersJson<'_> {
    fn write_json(&self, json: &mut JsonWriter) {
        json.array_of(self.0.iter().map(ApiRunner::from));
    }
}

/// `ToJson` for structs with one field (marked `given`) that can also be written from
/// elsewhere: `write_fields(json, given)` writes the object with `given` in that
/// field's place (what [`ExplanationJson`] and [`DiagnoseJson`] use to write a large
/// part one item at a time, straight from the core's data); `ToJson` writes its own.
macro_rules! objects_with_given_to_json {
    ($($type:ty { $($write:ident($key:literal, $field:ident)),+ $(,)? })+) => {$(
        impl ToJson for $type {
            fn write_json(&self, json: &mut JsonWriter) {
                $(given_field!(self, json, $write, $field);)+
            }
        }

        impl $type {
            /// Writes the object with `given` as the field marked `given`.
            pub(super) fn write_fields(&self, json: &mut JsonWriter, given: &dyn ToJson) {
                json.object(|json| {
                    $(write_field!(self, json, given, $write($key, $field));)+
                });
            }
        }
    )+};
}

/// In `ToJson` of [`objects_with_given_to_json`]: passes the field marked `given`.
macro_rules! given_field {
    ($self:ident, $json:ident, given, $field:ident) => {
        $self.write_fields($json, &$self.$field)
    };
    ($self:ident, $json:ident, $write:ident, $field:ident) => {};
}

/// One field of [`objects_with_given_to_json`]'s `write_fields`.
macro_rules! write_field {
    ($self:ident, $json:ident, $given:ident, given($key:literal, $field:ident)) => {
        $json.field($key, $given)
    };
    ($self:ident, $json:ident, $given:ident, $write:ident($key:literal, $field:ident)) => {
        $json.$write($key, &$self.$field)
    };
}

objects_with_given_to_json! {
    ExplanationReport {
        field("summary", summary),
        field("matchCount", match_count),
        field("total", total),
        given("runners", runners),
        field("closest", closest),
        field_if_some("bestChange", best_change),
        field("hints", hints),
        field("workflowTags", workflow_tags),
        field("text", text),
    }
    DiagnoseReport {
        given("workflows", workflows),
        field("summary", summary),
        field("waiting", waiting),
        field("runnable", runnable),
        field("stuck", stuck),
        field("read", read),
        field("total", total),
        field("pages", pages),
        field("stoppedEarly", stopped_early),
        field("pool", pool),
    }
    WaitingWorkflow {
        field("workflow", workflow),
        field("matchCount", match_count),
        field("best", best),
        given("explanation", explanation),
        field("stuck", stuck),
    }
}

objects_to_json! {
    RunnerMatch {
        field("id", id),
        field("name", name),
        field_if_some("runnerType", runner_type),
        field("status", status),
        field("tags", tags),
        field("createdAt", created_at),
        field("updatedAt", updated_at),
        field("score", score),
        field("fit", fit),
        field("matchedTags", matched_tags),
        field("extraTags", extra_tags),
        field("source", source),
    }
    ApiRunner {
        field("id", id),
        field("name", name),
        field_if_some("runner_type", runner_type),
        field("status", status),
        field("tags", tags),
        field("created_at", created_at),
        field("updated_at", updated_at),
        field_if_some("user_id", user_id),
        field_if_some("endpoint", endpoint),
    }
    WorkflowTagsReport {
        field("text", text),
        field("tags", tags),
        field("enforced", enforced),
        field("notEnforced", not_enforced),
    }
    RunnerVerdict {
        field("id", id),
        field("name", name),
        field("source", source),
        field("matched", matched),
        field_if_some("score", score),
        field_if_some("fit", fit),
        field_if_some("breakdown", breakdown),
        field("reasons", reasons),
    }
    BreakdownReport {
        field("fitScore", fit_score),
        field_if_some("preferenceScore", preference_score),
        field("terms", terms),
        field("score", score),
    }
    TermReport {
        field("term", term),
        field("kind", kind),
        field("weight", weight),
        field("satisfied", satisfied),
    }
    ReasonReport {
        field("kind", kind),
        field_if_some("subject", subject),
        field("message", message),
    }
    ChangeReport {
        field("kind", kind),
        field("subject", subject),
        field("runners", runners),
        field("message", message),
    }
    HintReport {
        field("tag", tag),
        field("suggestions", suggestions),
        field("message", message),
    }
    SuggestionReport {
        field("tag", tag),
        field("runners", runners),
        field("similarity", similarity),
    }
    WorkflowReport {
        field("id", id),
        field("name", name),
        field("status", status),
        field("tags", tags),
        field("createdAt", created_at),
        field("waitedMs", waited_ms),
    }
    StuckReport {
        field("kind", kind),
        field_if_some("tag", tag),
        field_if_some("nearMiss", near_miss),
        field("message", message),
    }
    PoolReport {
        field("runners", runners),
        field("sources", sources),
    }
    SourceReport {
        field("source", source),
        field("status", status),
        field("runners", runners),
        field_if_some("reason", reason),
        field_if_some("message", message),
    }
}
