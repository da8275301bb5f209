//! The workflow model, in ComfyControl's wire format (`GET /v1/workflow`).
//!
//! Only what diagnosing needs: identity, status, the literal tag list the workflow was
//! submitted with, and its timestamps. Like runners, workflows and pages decode from
//! JSON objects only, and a status this crate does not know is kept, never a failure.
//! Which statuses wait on a runner is decided in [`WorkflowStatus::is_waiting`].

use std::fmt;

#[cfg(feature = "serde")]
use serde::{Deserialize, Deserializer, Serialize};

use crate::json::{Decode, JsonError, Reader};
#[cfg(feature = "serde")]
use crate::model::map_only;
use crate::model::{decode_page, open_enum};
use crate::timestamp::Timestamp;

open_enum! {
    /// A workflow's state.
    WorkflowStatus {
        /// `accepted`: created; its workflow JSON is being stored.
        Accepted => "accepted",
        /// `uploaded`: stored, not yet queued.
        Uploaded => "uploaded",
        /// `queued`: waiting for a runner.
        Queued => "queued",
        /// `running`: on a runner.
        Running => "running",
        /// `completed`: finished successfully.
        Completed => "completed",
        /// `cancelled`: cancelled by the user.
        Cancelled => "cancelled",
        /// `invalid`: rejected (undocumented beyond its name).
        Invalid => "invalid",
        /// `failed`: ended with an error.
        Failed => "failed",
    }
}

impl WorkflowStatus {
    /// Every documented status, in the docs' order.
    pub const DOCUMENTED: [WorkflowStatus; 8] = [
        Self::Accepted,
        Self::Uploaded,
        Self::Queued,
        Self::Running,
        Self::Completed,
        Self::Cancelled,
        Self::Invalid,
        Self::Failed,
    ];

    /// `true` for the statuses that wait on a runner: `accepted`, `uploaded` and
    /// `queued`.
    ///
    /// ComfyControl documents eight statuses but not its state machine. This crate's
    /// reading:
    /// - `queued` waits on a runner.
    /// - `accepted` and `uploaded` count as waiting too: they come before `queued`
    ///   (cancel refuses them as "not yet queued"), nothing has started, and the docs do
    ///   not say that a workflow no runner can take ever leaves them, so a workflow stuck
    ///   there for want of a runner is exactly what a user asks about. A fresh one simply
    ///   shows a short wait.
    /// - `running` and the terminal statuses do not wait; statuses this crate does not
    ///   know are not claimed to wait.
    ///
    /// ```
    /// use runner_match::WorkflowStatus;
    /// assert!(WorkflowStatus::Queued.is_waiting());
    /// assert!(WorkflowStatus::Uploaded.is_waiting());
    /// assert!(!WorkflowStatus::Running.is_waiting());
    /// assert!(!WorkflowStatus::from("paused").is_waiting());
    /// ```
    pub fn is_waiting(&self) -> bool {
        matches!(self, Self::Accepted | Self::Uploaded | Self::Queued)
    }
}

/// A workflow as `GET /v1/workflow` lists it.
///
/// ```
/// let workflow: runner_match::Workflow = serde_json::from_str(
///     r#"{"id":"w1","name":"portrait","status":"queued","tags":["gpu-a100","flux"],
///        "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:05Z",
///        "started_at":null,"completed_at":null}"#,
/// )?;
/// assert!(workflow.status.is_waiting());
/// assert_eq!(workflow.tags, ["gpu-a100", "flux"]);
/// assert_eq!(workflow.started_at, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "serde", serde(from = "WireWorkflow"))]
pub struct Workflow {
    /// The workflow's UUID.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Its state; [`WorkflowStatus::is_waiting`] tells whether it waits on a runner.
    pub status: WorkflowStatus,
    /// The tags it was submitted with, exactly as listed: all of them are required.
    pub tags: Vec<String>,
    /// When it was submitted (listings are newest first by this instant).
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When a runner started it, once one has.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub started_at: Option<Timestamp>,
    /// When it ended, once it has.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub completed_at: Option<Timestamp>,
}

impl Workflow {
    /// How long it has waited by `now`: `now − created_at` in ms, 0 if `now` is
    /// earlier (clock skew between the caller and the server).
    ///
    /// ```
    /// # let mut workflow: runner_match::Workflow = serde_json::from_str(
    /// #     r#"{"id":"w1","name":"x","status":"queued","tags":[],
    /// #        "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}"#)?;
    /// let now = "2024-01-10T08:01:30.5Z".parse()?;
    /// assert_eq!(workflow.waited_ms(&now), 90_500);
    /// assert_eq!(workflow.waited_ms(&"2024-01-10T07:00:00Z".parse()?), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn waited_ms(&self, now: &Timestamp) -> u64 {
        let waited = now
            .unix_millis()
            .saturating_sub(self.created_at.unix_millis());
        u64::try_from(waited).unwrap_or(0)
    }
}

/// One page of the workflow listing: `{"workflows": [...], "total": N}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(Serialize))]
pub struct WorkflowPage {
    /// The workflows on this page, newest `created_at` first.
    pub workflows: Vec<Workflow>,
    /// How many workflows there are across all pages.
    pub total: u64,
}

/// Objects only, as the serde impl reads them.
impl Decode for WorkflowPage {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let (workflows, total) = decode_page(
            reader,
            "a workflow page object {workflows, total}",
            "workflows",
        )?;
        Ok(WorkflowPage { workflows, total })
    }
}

/// Objects only, as the serde impl reads them; `started_at` and `completed_at` may be
/// absent or `null`.
impl Decode for Workflow {
    fn decode(reader: &mut Reader<'_>) -> Result<Self, JsonError> {
        let mut entries = reader.open(b'{', &"a workflow object")?;
        let (mut id, mut name, mut status, mut tags) = (None, None, None, None);
        let (mut created_at, mut updated_at) = (None, None);
        let (mut started_at, mut completed_at) = (None, None);
        while let Some(key) = entries.next_key(reader)? {
            let field = &*key;
            match field {
                "id" => reader.field(&mut id, field)?,
                "name" => reader.field(&mut name, field)?,
                "status" => reader.field(&mut status, field)?,
                "tags" => reader.field(&mut tags, field)?,
                "created_at" => reader.field(&mut created_at, field)?,
                "updated_at" => reader.field(&mut updated_at, field)?,
                "started_at" => reader.field(&mut started_at, field)?,
                "completed_at" => reader.field(&mut completed_at, field)?,
                _ => reader.skip_field()?,
            }
        }
        // In declaration order, as serde's derive checks them.
        Ok(Workflow {
            id: reader.required(id, "id")?,
            name: reader.required(name, "name")?,
            status: reader.required(status, "status")?,
            tags: reader.required(tags, "tags")?,
            created_at: reader.required(created_at, "created_at")?,
            updated_at: reader.required(updated_at, "updated_at")?,
            started_at: started_at.flatten(),
            completed_at: completed_at.flatten(),
        })
    }
}

#[cfg(feature = "serde")]
#[derive(Deserialize)]
struct WirePage {
    workflows: Vec<Workflow>,
    total: u64,
}

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for WorkflowPage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let WirePage { workflows, total } =
            map_only(deserializer, "a workflow page object {workflows, total}")?;
        Ok(WorkflowPage { workflows, total })
    }
}

/// A workflow object as received (objects only).
#[cfg(feature = "serde")]
struct WireWorkflow(WireFields);

#[cfg(feature = "serde")]
impl<'de> Deserialize<'de> for WireWorkflow {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        map_only(deserializer, "a workflow object").map(WireWorkflow)
    }
}

#[cfg(feature = "serde")]
#[derive(Deserialize)]
struct WireFields {
    id: String,
    name: String,
    status: WorkflowStatus,
    tags: Vec<String>,
    created_at: Timestamp,
    updated_at: Timestamp,
    #[serde(default)]
    started_at: Option<Timestamp>,
    #[serde(default)]
    completed_at: Option<Timestamp>,
}

#[cfg(feature = "serde")]
impl From<WireWorkflow> for Workflow {
    fn from(WireWorkflow(wire): WireWorkflow) -> Self {
        Workflow {
            id: wire.id,
            name: wire.name,
            status: wire.status,
            tags: wire.tags,
            created_at: wire.created_at,
            updated_at: wire.updated_at,
            started_at: wire.started_at,
            completed_at: wire.completed_at,
        }
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;

    const ONE: &str = r#"{"id":"w1","name":"n","status":"uploaded","tags":["a"],
        "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z",
        "started_at":null,"completed_at":null}"#;

    #[test]
    fn decodes_objects_only_and_keeps_unknown_statuses() {
        let page: WorkflowPage =
            serde_json::from_str(&format!(r#"{{"workflows":[{ONE}],"total":7}}"#)).unwrap();
        assert_eq!((page.workflows.len(), page.total), (1, 7));
        assert_eq!(page.workflows[0].status, WorkflowStatus::Uploaded);

        let err = serde_json::from_str::<WorkflowPage>(r#"[[], 0]"#).unwrap_err();
        assert!(err.to_string().contains("a workflow page object"), "{err}");
        let err = serde_json::from_str::<Workflow>(
            r#"["w1","n","queued",[],"2024-01-10T08:00:00Z","2024-01-10T08:00:00Z"]"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("a workflow object"), "{err}");

        let odd: Workflow = serde_json::from_str(&ONE.replace("uploaded", "paused")).unwrap();
        assert_eq!(odd.status, WorkflowStatus::Other("paused".into()));
        assert_eq!(odd.status.as_str(), "paused");
    }

    #[test]
    fn waiting_statuses() {
        let waiting: Vec<&str> = WorkflowStatus::DOCUMENTED
            .iter()
            .filter(|s| s.is_waiting())
            .map(WorkflowStatus::as_str)
            .collect();
        assert_eq!(waiting, ["accepted", "uploaded", "queued"]);
    }

    #[test]
    fn serializes_back_to_the_wire_shape() {
        let workflow: Workflow = serde_json::from_str(ONE).unwrap();
        assert_eq!(
            serde_json::to_value(&workflow).unwrap(),
            serde_json::json!({"id":"w1","name":"n","status":"uploaded","tags":["a"],
                "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"})
        );
    }
}
