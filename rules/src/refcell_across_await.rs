//! `refcell_across_await`: a `RefCell` borrow alive at an `.await`.

use async_lint_analyzer::catalog::GuardKind;
use async_lint_analyzer::guards::HeldGuard;
use async_lint_analyzer::{Finding, Level, Rule, RuleContext, RuleDocs, RuleMeta};

use crate::util::{guard_finding, guards_across_awaits};

pub struct RefcellAcrossAwait;

static META: RuleMeta = RuleMeta {
    id: "refcell_across_await",
    default_level: Level::Warn,
    summary: "A `RefCell` borrow alive at an `.await` panics when another task borrows the same cell.",
    equivalent_lints: &["clippy::await_holding_refcell_ref"],
    docs: RuleDocs {
        what_it_does: "\
Reports a `std::cell::Ref` or `RefMut` (from `RefCell::borrow`, `borrow_mut`, `try_borrow`,
`try_borrow_mut`) that is alive at an `.await` in the same async body. Lifetimes follow the
same drop rules as `lock_across_await`: bindings to the end of their block unless moved,
temporaries to the end of their statement (of their block when a `let` borrows them:
`let items = &*cell.borrow();`), scrutinee temporaries through the arms or body. A struct of
the crate with such a borrow in a field (`Editor<'a> { text: RefMut<'a, Text> }`) is followed
as the borrow is.",
        why_is_this_bad: "\
`RefCell` checks borrows at run time. While the future is suspended, the borrow stays active;
any other task on the same thread (a `LocalSet`, a single-threaded runtime, a UI event loop)
that borrows the same cell mutably panics with `BorrowMutError`, and a mutable borrow held
across the await makes every other access panic.",
        example: "\
async fn bump(counter: &std::cell::RefCell<u64>) {
    let mut value = counter.borrow_mut();
    *value += 1;
    report().await;
}",
        use_instead: "\
async fn bump(counter: &std::cell::RefCell<u64>) {
    *counter.borrow_mut() += 1; // the borrow ends with the statement
    report().await;
}",
        known_limits: "\
`borrow()` and `borrow_mut()` are matched only on receivers whose type is known to be a
`RefCell` (declared types, `Rc<RefCell<..>>`, statics, constructors): the method names are
shared with the `Borrow` traits. Borrows reached through `thread_local!`'s `with` closure are
not followed.",
    },
};

impl Rule for RefcellAcrossAwait {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let async_mutex = cx.file.runtime.async_mutex();
        out.extend(
            guards_across_awaits(cx, &[GuardKind::RefCell]).iter().map(|borrow| report(borrow, async_mutex)),
        );
    }
}

fn report(borrow: &HeldGuard, async_mutex: &str) -> Finding {
    let message = match &borrow.holds {
        Some(held) => {
            format!(
                "a `{}` holding a `{held}` borrow of a `RefCell` is held across an `.await`",
                borrow.type_name
            )
        }
        None => format!("a `{}` borrow of a `RefCell` is held across an `.await`", borrow.type_name),
    };
    guard_finding(borrow, message, "borrow", "the cell is still borrowed at this await")
        .note("any other borrow of the cell while this future is suspended panics with a `BorrowError`")
        .help(format!(
            "end the borrow before the `.await` (a block or `drop`), clone the value out, or keep state shared \
             across awaits in a `{async_mutex}`"
        ))
}
