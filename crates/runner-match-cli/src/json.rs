//! `--json` output: exactly the JS package's result objects, written by the very
//! writer the package uses ([`runner_match::json_write`]) from the very structs it
//! writes ([`runner_match::report`]), so the CLI and the package cannot drift apart.
//! The CLI only indents the text for people, as serde_json's pretty printer did.

use runner_match::json_write::{JsonWriter, ToJson};
use runner_match::report::{
    wanted_tags, ApiRunnersJson, DiagnoseJson, ExplanationJson, PoolReport, RunnerMatch,
};
use runner_match::{Diagnosis, Explanation, Match, Requirements, Runner};
use runner_match_client::{Diagnosed, Error};

/// `findRunners`' result: `RunnerMatch[]`.
pub(crate) fn matches(requirements: &Requirements, matches: &[Match<'_>]) -> String {
    let wanted = wanted_tags(requirements, matches);
    let found: Vec<RunnerMatch> = matches
        .iter()
        .map(|found| RunnerMatch::new(found, &wanted))
        .collect();
    found.to_json()
}

/// `explain`'s result: `ExplanationReport` (written from the explanation itself, one
/// runner at a time, with no report copy of the whole fleet).
pub(crate) fn explanation(explanation: &Explanation<'_>) -> String {
    ExplanationJson(explanation).to_json()
}

/// `client.diagnose()`'s result: `DiagnoseReport`.
pub(crate) fn diagnosis(diagnosed: &Diagnosed, diagnosis: &Diagnosis<'_>) -> String {
    let pool = diagnosed.pool();
    let pool = PoolReport::new(pool.runners().len(), pool.statuses());
    DiagnoseJson::new(diagnosis, diagnosed.listing(), pool).to_json()
}

/// `listRunners`' result: `ApiRunner[]`, the API's own snake_case objects (self-hosted
/// ones without `headers`, their `endpoint` without credentials).
pub(crate) fn runners(runners: &[Runner]) -> String {
    ApiRunnersJson(runners).to_json()
}

/// An error as the JS package exposes it: `{ code, message, status? }`, plus `hint`,
/// in `{"error": …}` (keys in alphabetical order, as the CLI always wrote them).
pub(crate) fn error(error: &Error, hint: Option<&str>) -> String {
    struct Fields<'a>(&'a Error, Option<&'a str>);
    impl ToJson for Fields<'_> {
        fn write_json(&self, json: &mut JsonWriter) {
            let Fields(error, hint) = self;
            json.object(|json| {
                json.field("code", error.code().as_str());
                json.field_if_some("hint", hint);
                json.field("message", error.message());
                json.field_if_some("status", &error.status());
            });
        }
    }
    let mut json = JsonWriter::new();
    json.object(|json| json.field("error", &Fields(error, hint)));
    json.finish()
}

/// A compact JSON text indented as serde_json's pretty printer does: two spaces a
/// level, `"key": value`, `[]` and `{}` when empty.
pub(crate) fn pretty(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    let bytes = compact.as_bytes();
    let (mut depth, mut in_string, mut escaped) = (0, false, false);
    for (at, c) in compact.char_indices() {
        if in_string {
            in_string = escaped || c != '"';
            escaped = !escaped && c == '\\';
            out.push(c);
            continue;
        }
        match c {
            '{' | '[' => {
                out.push(c);
                if !matches!(bytes.get(at + 1), Some(b'}' | b']')) {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                if !matches!(bytes[at - 1], b'{' | b'[') {
                    depth -= 1;
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => {
                in_string = c == '"';
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_like_serde_json() {
        // Keys in alphabetical order, as serde_json's `Value` keeps them.
        let texts = [
            r#"{"a":[],"b":{},"c":[1,{"d":"x:{[\"],\\"}],"e":{"f":null,"g":-0.5}}"#,
            r#"[{"id":"r1","score":1.0,"tags":["a,b","c"]}]"#,
            "[]",
            r#""\"{""#,
            "12",
        ];
        for text in texts {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(pretty(text), serde_json::to_string_pretty(&value).unwrap());
        }
    }

    #[test]
    fn errors_keep_their_shape() {
        let failure = Error::invalid_input("bad \"tags\"");
        assert_eq!(
            error(&failure, Some("fix it")),
            r#"{"error":{"code":"invalid_input","hint":"fix it","message":"bad \"tags\""}}"#
        );
        assert_eq!(
            error(&failure, None),
            r#"{"error":{"code":"invalid_input","message":"bad \"tags\""}}"#
        );
    }
}
