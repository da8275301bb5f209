//! What ComfyControl itself enforces of a requirement, and what to submit.
//!
//! ComfyControl schedules a workflow by its `tags` alone: a comma-separated string whose
//! every item a runner must carry (or the runner is untagged). This library reads more
//! than that — ORs, NOTs, globs, `type:` constraints, preferences — and narrows *its*
//! answer accordingly, but none of that reaches the scheduler. [`workflow_tags`] says
//! what does: the literal tags to submit, and in words, every part the scheduler will
//! not hold to.
//!
//! **Rule.** The submitted tags are the requirement's literal conjunction: the tags of
//! a plain list, or the top-level literal tags of an expression (`gpu` and `flux` in
//! `gpu & flux & (a | b)`), each one the comma form can carry (no comma in it, no space
//! or tab around it). Every other top-level clause, every tag the comma form cannot
//! carry, and every preference is listed in `not_enforced`; `enforced` holds exactly
//! when that list is empty, that is when ComfyControl will only ever run the workflow
//! on a runner this library says matches.

use crate::expr::ExpressionNode;
use crate::requirements::Requirements;

/// What to submit as a workflow's `tags`, and whether ComfyControl then enforces the
/// whole requirement (the rule: [`workflow_tags`]).
///
/// ```
/// use runner_match::{workflow_tags, Requirements};
/// let plain: Requirements = "gpu-a100, flux".parse()?;
/// let tags = workflow_tags(&plain);
/// assert_eq!((tags.text.as_str(), tags.enforced), ("gpu-a100,flux", true));
///
/// let wider: Requirements = "gpu-a100 & (flux | sdxl) & !development".parse()?;
/// let tags = workflow_tags(&wider);
/// assert_eq!(tags.text, "gpu-a100");
/// assert!(!tags.enforced);
/// assert_eq!(tags.not_enforced, ["flux | sdxl (an OR)", "!development (a NOT)"]);
/// # Ok::<(), runner_match::RequirementError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkflowTags {
    /// The comma string to submit as the workflow's `tags` (`"gpu-a100,flux"`; empty
    /// for a wildcard workflow).
    pub text: String,
    /// The same tags as a list.
    pub tags: Vec<String>,
    /// `true` when ComfyControl enforces the whole requirement.
    pub enforced: bool,
    /// Each part ComfyControl will not enforce, as text with why in parentheses
    /// (`flux | sdxl (an OR)`, `prefer gpu-h100 ×3 (a preference)`); empty when
    /// `enforced`.
    pub not_enforced: Vec<String>,
}

/// What ComfyControl enforces of `requirements` (see [`WorkflowTags`]).
///
/// ComfyControl schedules by the workflow's `tags` alone, a comma string whose every item
/// a runner must carry. The submitted tags are the requirement's literal conjunction:
/// the tags of a plain list, or the top-level literal tags of an expression (`gpu` and
/// `flux` in `gpu & flux & (a | b)`), each one the comma form can carry (no comma in it,
/// no space or tab around it). Every other top-level clause (OR, NOT, glob, `type:`),
/// every tag the comma form cannot carry, and every preference is listed in
/// `not_enforced`; `enforced` holds exactly when that list is empty, that is when
/// ComfyControl will only ever run the workflow on a runner this library says matches.
pub fn workflow_tags(requirements: &Requirements) -> WorkflowTags {
    let mut tags: Vec<String> = Vec::new();
    let mut not_enforced: Vec<String> = Vec::new();
    let mut literal = |tag: &String, not_enforced: &mut Vec<String>| {
        if tag.contains(',') {
            not_enforced.push(format!("{tag:?} (a tag with a comma)"));
        } else if tag.trim_matches([' ', '\t']) != tag {
            not_enforced.push(format!("{tag:?} (spaces around a tag)"));
        } else if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    };
    match requirements.expression() {
        None => {
            for tag in requirements.tags() {
                literal(tag, &mut not_enforced);
            }
        }
        Some(expression) => {
            for clause in expression.conjuncts() {
                let why = match clause {
                    ExpressionNode::Tag(tag) => {
                        literal(tag, &mut not_enforced);
                        continue;
                    }
                    ExpressionNode::Glob(_) => "a glob",
                    ExpressionNode::Type(_) => "a runner type",
                    ExpressionNode::Not(_) => "a NOT",
                    ExpressionNode::Or(_) => "an OR",
                    // Only inside another operator; a top-level AND is flattened.
                    ExpressionNode::And(_) => "a group",
                };
                not_enforced.push(format!("{clause} ({why})"));
            }
        }
    }
    for preference in requirements.preferences().as_slice() {
        not_enforced.push(format!("{preference} (a preference)"));
    }
    WorkflowTags {
        // The same tags: the requirement's distinct literal tags the comma form carries.
        text: requirements.to_comma_string(),
        enforced: not_enforced.is_empty(),
        tags,
        not_enforced,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Expression, Preferences};

    fn of(text: &str) -> WorkflowTags {
        workflow_tags(&text.parse().unwrap())
    }

    #[test]
    fn plain_lists_are_enforced_as_written() {
        let tags = of("production, gpu-a100, production");
        assert_eq!(tags.text, "production,gpu-a100");
        assert_eq!(tags.tags, ["production", "gpu-a100"]);
        assert!(tags.enforced && tags.not_enforced.is_empty());
        let any = of("");
        assert_eq!((any.text.as_str(), any.enforced), ("", true));
        let list = Requirements::from_tags(["a|b", "gpu-*"]).unwrap();
        assert_eq!(
            workflow_tags(&list).text,
            "a|b,gpu-*",
            "list elements are literal"
        );
    }

    #[test]
    fn every_part_the_scheduler_ignores_is_named() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("flux | sdxl", "", &["flux | sdxl (an OR)"]),
            ("!development", "", &["!development (a NOT)"]),
            ("type:plus", "", &["type:plus (a runner type)"]),
            ("gpu-*, flux", "flux", &["gpu-* (a glob)"]),
            ("gpu & !(a | b)", "gpu", &["!(a | b) (a NOT)"]),
            ("\"a,b\" & c", "c", &["\"a,b\" (a tag with a comma)"]),
            (
                "flux & (a | b) & type:pro",
                "flux",
                &["a | b (an OR)", "type:pro (a runner type)"],
            ),
        ];
        for &(input, text, not) in cases {
            let tags = of(input);
            assert_eq!(tags.text, text, "{input:?}");
            assert_eq!(tags.not_enforced, not, "{input:?}");
            assert!(!tags.enforced, "{input:?}");
        }
    }

    /// `text` comes from [`Requirements::to_comma_string`], `tags` from the clauses:
    /// they stay one list, repeats, commas and spaces included.
    #[test]
    fn text_is_the_tag_list_joined() {
        let requirements = [
            "gpu, flux, gpu".parse().unwrap(),
            "gpu & flux & gpu & (a | b) & !c".parse().unwrap(),
            "\"a,b\" & \" x\" & gpu & gpu-*".parse().unwrap(),
            Requirements::from_tags([" flux", "gpu", "flux ", "gpu"]).unwrap(),
            Requirements::any(),
        ];
        for requirement in &requirements {
            let tags = workflow_tags(requirement);
            assert_eq!(tags.text, tags.tags.join(","), "{requirement}");
        }
    }

    #[test]
    fn spaces_around_a_tag_and_preferences_are_not_enforced() {
        let spaced = Requirements::from_tags([" flux", "gpu"]).unwrap();
        let tags = workflow_tags(&spaced);
        assert_eq!(tags.text, "gpu");
        assert_eq!(tags.not_enforced, ["\" flux\" (spaces around a tag)"]);
        let preferring = Requirements::from_expression(Expression::parse("gpu").unwrap())
            .with_preferences(Preferences::new().prefer("gpu-h100", 3.0).unwrap());
        let tags = workflow_tags(&preferring);
        assert_eq!(tags.text, "gpu");
        assert_eq!(tags.not_enforced, ["prefer gpu-h100 ×3 (a preference)"]);
        assert!(!tags.enforced);
    }
}
