//! async-lint's rules: one file per rule (metadata, docs, check), and the registry.

use async_lint_analyzer::rule::{Rule, RuleMeta, SYNTAX_ERROR};

mod blocking_call;
mod cancel_unsafe_select;
mod detached_task_error;
mod dropped_task;
mod lock_across_await;
mod nested_runtime;
mod refcell_across_await;
mod select_timer_reset;
mod transitive_blocking_call;
mod unawaited_future;
mod unstoppable_task;
mod util;

/// Every rule, in the order they are listed.
pub fn all() -> Vec<&'static dyn Rule> {
    vec![
        &blocking_call::BlockingCall,
        &nested_runtime::NestedRuntime,
        &lock_across_await::LockAcrossAwait,
        &refcell_across_await::RefcellAcrossAwait,
        &unawaited_future::UnawaitedFuture,
        &dropped_task::DroppedTask,
        &detached_task_error::DetachedTaskError,
        &transitive_blocking_call::TransitiveBlockingCall,
        &cancel_unsafe_select::CancelUnsafeSelect,
        &select_timer_reset::SelectTimerReset,
        &unstoppable_task::UnstoppableTask,
    ]
}

/// Metadata of every rule the tool reports, including the engine's `syntax_error`.
pub fn all_metas() -> Vec<&'static RuleMeta> {
    let mut metas: Vec<&'static RuleMeta> = all().iter().map(|r| r.meta()).collect();
    metas.push(&SYNTAX_ERROR);
    metas
}

/// Looks a rule's metadata up by id.
pub fn meta(id: &str) -> Option<&'static RuleMeta> {
    all_metas().into_iter().find(|m| m.id == id)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_snake_case_and_documented() {
        let mut seen = HashSet::new();
        for meta in super::all_metas() {
            assert!(seen.insert(meta.id), "duplicate rule id {}", meta.id);
            assert!(meta.id.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{}", meta.id);
            assert!(!meta.summary.is_empty() && meta.summary.ends_with('.'), "{}", meta.id);
            for section in [
                meta.docs.what_it_does,
                meta.docs.why_is_this_bad,
                meta.docs.example,
                meta.docs.use_instead,
                meta.docs.known_limits,
            ] {
                assert!(!section.trim().is_empty(), "{} has an empty docs section", meta.id);
            }
        }
    }
}
