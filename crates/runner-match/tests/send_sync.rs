//! The long-lived public types can be shared across threads: a server holds one index
//! or pager behind an `Arc` and reads it from many workers. Losing `Send` or `Sync`
//! (say, through a `Cell` field) is a breaking change, caught here at compile time.

use runner_match::{Pager, RunnerIndex, TagIndex, TagIndexBuilder, WorkflowPager};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn shared_types_are_send_and_sync() {
    assert_send_sync::<Pager>();
    assert_send_sync::<WorkflowPager>();
    assert_send_sync::<RunnerIndex>();
    assert_send_sync::<TagIndex>();
    assert_send_sync::<TagIndexBuilder>();
}
