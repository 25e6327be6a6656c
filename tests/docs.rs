//! `docs/rules/<rule>.md` are generated from the rules' metadata; this test fails when they
//! drift. Regenerate with `BLESS=1 cargo test --test docs`.

mod support;

use support::*;

#[test]
fn rule_pages_match_rule_metadata() {
    let mut failures = String::new();
    let dir = repo_root().join("docs/rules");
    let metas = async_lint_rules::all_metas();
    for meta in &metas {
        if let Err(diff) = check_or_bless(&dir.join(format!("{}.md", meta.id)), &meta.render_markdown()) {
            failures += &diff;
        }
    }
    if let Err(diff) = check_or_bless(&dir.join("README.md"), &index_page(&metas)) {
        failures += &diff;
    }
    let reference = async_lint_analyzer::config::render_reference();
    if let Err(diff) = check_or_bless(&repo_root().join("docs/configuration.md"), &reference) {
        failures += &diff;
    }
    let documented: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "README.md")
        .collect();
    for page in documented {
        let id = page.trim_end_matches(".md");
        if !metas.iter().any(|m| m.id == id) {
            failures += &format!("docs/rules/{page} documents no rule\n");
        }
    }
    assert!(failures.is_empty(), "\n{failures}");
}

fn index_page(metas: &[&async_lint_analyzer::RuleMeta]) -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated from the rules' metadata (`BLESS=1 cargo test --test docs`).\n\n\
         | rule | default level | summary |\n|---|---|---|\n",
    );
    for meta in metas {
        out += &format!(
            "| [`{id}`]({id}.md) | `{}` | {} |\n",
            meta.default_level.as_str(),
            meta.summary,
            id = meta.id
        );
    }
    out
}
