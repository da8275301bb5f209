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

impl ToJson for RunnerMatch {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("id", &self.id);
            json.field("name", &self.name);
            json.field_if_some("runnerType", &self.runner_type);
            json.field("status", &self.status);
            json.field("tags", &self.tags);
            json.field("createdAt", &self.created_at);
            json.field("updatedAt", &self.updated_at);
            json.field("score", &self.score);
            json.field("fit", &self.fit);
            json.field("matchedTags", &self.matched_tags);
            json.field("extraTags", &self.extra_tags);
            json.field("source", &self.source);
        });
    }
}

impl ToJson for ApiRunner {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("id", &self.id);
            json.field("name", &self.name);
            json.field_if_some("runner_type", &self.runner_type);
            json.field("status", &self.status);
            json.field("tags", &self.tags);
            json.field("created_at", &self.created_at);
            json.field("updated_at", &self.updated_at);
            json.field_if_some("user_id", &self.user_id);
            json.field_if_some("endpoint", &self.endpoint);
        });
    }
}

impl ToJson for WorkflowTagsReport {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("text", &self.text);
            json.field("tags", &self.tags);
            json.field("enforced", &self.enforced);
            json.field("notEnforced", &self.not_enforced);
        });
    }
}

impl ToJson for ExplanationReport {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("summary", &self.summary);
            json.field("matchCount", &self.match_count);
            json.field("total", &self.total);
            json.field("runners", &self.runners);
            json.field("closest", &self.closest);
            json.field_if_some("bestChange", &self.best_change);
            json.field("hints", &self.hints);
            json.field("workflowTags", &self.workflow_tags);
            json.field("text", &self.text);
        });
    }
}

impl ToJson for RunnerVerdict {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("id", &self.id);
            json.field("name", &self.name);
            json.field("source", &self.source);
            json.field("matched", &self.matched);
            json.field_if_some("score", &self.score);
            json.field_if_some("fit", &self.fit);
            json.field_if_some("breakdown", &self.breakdown);
            json.field("reasons", &self.reasons);
        });
    }
}

impl ToJson for BreakdownReport {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("fitScore", &self.fit_score);
            json.field_if_some("preferenceScore", &self.preference_score);
            json.field("terms", &self.terms);
            json.field("score", &self.score);
        });
    }
}

impl ToJson for TermReport {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("term", &self.term);
            json.field("kind", &self.kind);
            json.field("weight", &self.weight);
            json.field("satisfied", &self.satisfied);
        });
    }
}

impl ToJson for ReasonReport {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("kind", &self.kind);
            json.field_if_some("subject", &self.subject);
            json.field("message", &self.message);
        });
    }
}

impl ToJson for ChangeReport {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("kind", &self.kind);
            json.field("subject", &self.subject);
            json.field("runners", &self.runners);
            json.field("message", &self.message);
        });
    }
}

impl ToJson for HintReport {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("tag", &self.tag);
            json.field("suggestions", &self.suggestions);
            json.field("message", &self.message);
        });
    }
}

impl ToJson for SuggestionReport {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("tag", &self.tag);
            json.field("runners", &self.runners);
            json.field("similarity", &self.similarity);
        });
    }
}

impl ToJson for DiagnoseReport {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("workflows", &self.workflows);
            json.field("summary", &self.summary);
            json.field("waiting", &self.waiting);
            json.field("runnable", &self.runnable);
            json.field("stuck", &self.stuck);
            json.field("read", &self.read);
            json.field("total", &self.total);
            json.field("pages", &self.pages);
            json.field("stoppedEarly", &self.stopped_early);
            json.field("pool", &self.pool);
        });
    }
}

impl ToJson for WaitingWorkflow {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("workflow", &self.workflow);
            json.field("matchCount", &self.match_count);
            json.field("best", &self.best);
            json.field("explanation", &self.explanation);
            json.field("stuck", &self.stuck);
        });
    }
}

impl ToJson for WorkflowReport {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("id", &self.id);
            json.field("name", &self.name);
            json.field("status", &self.status);
            json.field("tags", &self.tags);
            json.field("createdAt", &self.created_at);
            json.field("waitedMs", &self.waited_ms);
        });
    }
}

impl ToJson for StuckReport {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("kind", &self.kind);
            json.field_if_some("tag", &self.tag);
            json.field_if_some("nearMiss", &self.near_miss);
            json.field("message", &self.message);
        });
    }
}

impl ToJson for PoolReport {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("runners", &self.runners);
            json.field("sources", &self.sources);
        });
    }
}

impl ToJson for SourceReport {
    fn write_json(&self, json: &mut JsonWriter) {
        json.object(|json| {
            json.field("source", &self.source);
            json.field("status", &self.status);
            json.field("runners", &self.runners);
            json.field_if_some("reason", &self.reason);
            json.field_if_some("message", &self.message);
        });
    }
}
