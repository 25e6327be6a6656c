//! async-lint's analysis engine: discovery, parsing, the semantic model (name resolution,
//! HIR, types, async contexts, workspace index), the rule interface, diagnostics and
//! rendering. It never prints or exits: the binary does.

pub mod baseline;
pub mod callgraph;
pub mod catalog;
pub mod config;
pub mod context;
pub mod diagnostic;
pub mod discovery;
pub mod engine;
pub mod fast_hash;
pub mod fingerprint;
pub mod fix;
pub mod futures;
pub mod guards;
pub mod hir;
pub mod index;
mod lex;
pub mod lower;
mod macro_items;
mod macro_rules;
pub mod offload;
pub mod parse;
pub mod prescan;
pub mod render;
pub mod resolve;
pub mod rule;
pub mod selection;
pub mod semantics;
pub mod source;
pub mod suppress;
mod syntax_span;
pub mod tasks;
pub mod ty;

pub use diagnostic::{Diagnostic, Finding, Label, Level, Severity};
pub use engine::{analyze, in_workers, Analysis, EngineOptions, LevelConfig};
pub use rule::{Rule, RuleContext, RuleDocs, RuleMeta};
