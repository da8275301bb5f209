//! The reader against serde_json, on the wire's shapes and on malformed text.

use super::*;
use crate::{RunnerPage, WorkflowPage};
use serde::de;
use std::fmt;

/// serde_json's message without its position suffix.
fn serde_json_error<T: de::DeserializeOwned + fmt::Debug>(text: &str) -> String {
    let message = serde_json::from_str::<T>(text).unwrap_err().to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

const PAGE: &str = include_str!("../../tests/fixtures/managed-runners-example.json");

#[test]
fn reads_what_serde_json_reads() {
    let self_hosted = r#"{"runners":[{"id":"s\u00e91","user_id":"u","name":"\ud83d\ude80 \"home\"\n","status":"active",
        "endpoint":"https://x","tags":["a\/b",""],"headers":{"A":"1","A":"2"},"created_at":"2024-01-10T08:00:00Z",
        "updated_at":"2024-01-10T08:00:00Z","extra":[1,-2,3.5e-1,{"x":null},true,false]}],"total":18446744073709551615}"#;
    for text in [
        PAGE,
        self_hosted,
        " {\"runners\" : [ ] , \"total\" : 0 } \n",
    ] {
        let ours: RunnerPage = from_str(text).unwrap();
        assert_eq!(ours, serde_json::from_str::<RunnerPage>(text).unwrap());
        assert_eq!(decode::<RunnerPage>(text).unwrap(), ours);
    }
    let page: RunnerPage = from_str(self_hosted).unwrap();
    assert_eq!(page.runners[0].name, "\u{1F680} \"home\"\n");
    let workflows = r#"{"workflows":[{"id":"w1","name":"n","status":"queued","tags":["a"],
        "created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}],"total":1}"#;
    let ours: WorkflowPage = from_str(workflows).unwrap();
    assert_eq!(
        ours,
        serde_json::from_str::<WorkflowPage>(workflows).unwrap()
    );
    assert_eq!(decode::<WorkflowPage>(workflows).unwrap(), ours);
}

#[test]
fn type_errors_read_as_serde_jsons() {
    for text in [
        r#"{"runners":[],"total":"36"}"#,
        r#"{"runners":[],"total":-1}"#,
        r#"{"runners":[],"total":1.5}"#,
        r#"{"runners":[],"total":1e3}"#,
        r#"{"runners":[],"total":null}"#,
        r#"{"runners":null,"total":0}"#,
        r#"{"runners":{"0":{}},"total":1}"#,
        r#"{"runners":["cfc_r1"],"total":1}"#,
        r#"{"runners":[[[]]],"total":1}"#,
        r#"{"runners":[]}"#,
        r#"[[], 0]"#,
        r#"{"runners":[{"id":"r","name":"n","status":"active","tags":[null],"created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}],"total":1}"#,
        r#"{"runners":[{"id":"r","name":"n","status":"active","tags":[],"created_at":"soon","updated_at":"2024-01-10T08:00:00Z"}],"total":1}"#,
        r#"{"runners":[{"id":"r","name":"n","status":"active","tags":[],"endpoint":"x","headers":"Bearer x","created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}],"total":1}"#,
        r#"{"runners":[{"name":"n","status":"active","tags":[],"created_at":"2024-01-10T08:00:00Z","updated_at":"2024-01-10T08:00:00Z"}],"total":1}"#,
    ] {
        let ours = from_str::<RunnerPage>(text).unwrap_err().to_string();
        assert_eq!(ours, serde_json_error::<RunnerPage>(text), "{text}");
        let decoded = decode::<RunnerPage>(text).unwrap_err();
        assert_eq!(decoded.to_string(), ours, "{text}");
        assert!(!decoded.is_syntax(), "{text}");
    }
}

#[test]
fn malformed_text_is_an_error() {
    let deep = format!("{}{}", "[".repeat(5_000), "]".repeat(5_000));
    for text in [
        "",
        "{",
        r#"{"runners":[{"id":"r1""#,
        r#"{"runners":[],"total":0}x"#,
        r#"{"runners":[],"total":0,}"#,
        r#"{"runners":[,],"total":0}"#,
        r#"{"runners":[] "total":0}"#,
        r#"{runners:[],"total":0}"#,
        r#"{"runners":[],"total":01}"#,
        r#"{"runners":[],"total":-}"#,
        r#"{"runners":[],"total":1.}"#,
        r#"{"runners":[],"total":nul}"#,
        "{\"runners\":[\"a\u{1}\"],\"total\":0}",
        r#"{"runners":["\ud800"],"total":0}"#,
        r#"{"runners":["\udc00\ud800"],"total":0}"#,
        r#"{"runners":["\x"],"total":0}"#,
        r#"{"runners":["\u12"],"total":0}"#,
        &deep,
    ] {
        assert!(from_str::<RunnerPage>(text).is_err(), "{text:.80}");
        // Malformed, except a list where the page object belongs.
        let err = decode::<RunnerPage>(text).unwrap_err();
        assert!(err.is_syntax() || text.starts_with('['), "{text:.80}");
        assert!(
            serde_json::from_str::<RunnerPage>(text).is_err(),
            "{text:.80}"
        );
    }
    assert!(from_str::<RunnerPage>(r#"{"runners":[{"id":"r1""#)
        .unwrap_err()
        .to_string()
        .starts_with("EOF while parsing"));
    // Nesting is limited where values are read, not in fields that are ignored.
    let deep = format!(
        r#"{{"runners":{}{},"total":0}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    assert!(from_str::<RunnerPage>(&deep).is_err());
    assert!(decode::<RunnerPage>(&deep).is_err());
    let ignored = format!(
        r#"{{"runners":[],"total":0,"x":{}{{"a":[1,{{}}]}}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(from_str::<RunnerPage>(&ignored).unwrap().total, 0);
    assert_eq!(decode::<RunnerPage>(&ignored).unwrap().total, 0);
    for bad in [
        r#"[1 2]"#,
        r#"{"a" 1}"#,
        r#"{"a":1,}"#,
        r#"{1:2}"#,
        r#"[1,]"#,
        "[[]",
    ] {
        let text = format!(r#"{{"runners":[],"total":0,"x":{bad}}}"#);
        assert!(from_str::<RunnerPage>(&text).is_err(), "{bad}");
        assert!(
            decode::<RunnerPage>(&text).unwrap_err().is_syntax(),
            "{bad}"
        );
        assert!(serde_json::from_str::<RunnerPage>(&text).is_err(), "{bad}");
    }
}

#[test]
fn errors_say_where() {
    let err = decode::<RunnerPage>("{\"runners\":[],\n  \"total\":true}").unwrap_err();
    assert_eq!((err.line(), err.column()), (2, 14));
    let err = decode::<RunnerPage>("{\"runners\":[] x").unwrap_err();
    assert_eq!((err.is_syntax(), err.line(), err.column()), (true, 1, 14));
}

#[test]
fn numbers_in_messages_read_as_serde_shows_an_f64() {
    for (text, shown) in [
        ("1.5", "1.5"),
        ("1e3", "1000.0"),
        ("1E+3", "1000.0"),
        ("-0", "-0.0"),
        ("-0.0", "-0.0"),
        ("0.00125", "0.00125"),
        ("12.5e-1", "1.25"),
        ("120e-1", "12.0"),
        ("18446744073709551616", "18446744073709552000.0"),
        ("0.99999999999999999999", "1.0"),
        ("1e400", "inf"),
        ("-1e400", "-inf"),
        ("1e-400", "0.0"),
        ("1e-99999999999999999999", "0.0"),
    ] {
        assert_eq!(lex::decimal(text), shown, "{text}");
        let value: f64 = text.parse().unwrap();
        let serde_shows = format!("{value}");
        let serde_shows = match serde_shows.contains('.') || !value.is_finite() {
            true => serde_shows,
            false => format!("{serde_shows}.0"),
        };
        assert_eq!(shown, serde_shows, "{text}");
    }
}
