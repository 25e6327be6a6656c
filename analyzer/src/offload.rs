//! Offloading wrappers of the workspace: functions that hand a closure parameter to an
//! offloading API (`fn asyncify<F: FnOnce()>(f: F) { spawn_blocking(f) }`, sqlx's
//! `rt::spawn_blocking`, tokio's own `asyncify`). Closures passed to them run on another
//! thread, exactly as if passed to `spawn_blocking` directly.

use std::collections::HashSet;

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::hir::*;
use crate::index::CrateIndex;
use crate::semantics::Semantics;

/// Wrappers of wrappers are found too, up to this many levels.
const MAX_ROUNDS: usize = 4;

/// Finds the workspace's offloading wrappers and records them in the index.
pub fn find_offload_wrappers(files: &[(usize, &FileHir, &str)], index: &mut CrateIndex, catalog: &Catalog) {
    for _ in 0..MAX_ROUNDS {
        let found: HashSet<String> = files
            .par_iter()
            .with_max_len(1)
            .flat_map_iter(|(_, hir, _)| {
                let sem = Semantics::new(catalog, index, hir);
                hir.functions
                    .iter()
                    .filter(|f| hands_param_to_offloader(&sem, f))
                    .map(|f| f.path.clone())
                    .collect::<Vec<_>>()
            })
            .collect();
        if found.len() == index.offload_wrapper_count() {
            break;
        }
        index.set_offload_wrappers(found);
    }
}

fn hands_param_to_offloader(sem: &Semantics<'_>, function: &Function) -> bool {
    let Some(body) = &function.body else { return false };
    if function.params.is_empty() {
        return false;
    }
    body.exprs.iter().enumerate().any(|(index, expr)| {
        let args = match &expr.kind {
            ExprKind::Call { args, .. } | ExprKind::MethodCall { args, .. } => args,
            _ => return false,
        };
        let passes_param = args
            .iter()
            .any(|arg| matches!(body.kind(*arg), ExprKind::Local(l) if function.params.contains(l)));
        passes_param && sem.is_offload_call(body, ExprId(index as u32))
    })
}
