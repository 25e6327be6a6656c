//! GitHub Actions workflow commands: one `::warning`/`::error` annotation per finding.

use crate::diagnostic::Severity;
use crate::engine::Analysis;

pub fn render_github(analysis: &Analysis) -> String {
    let mut out = String::new();
    for d in &analysis.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let file = &analysis.files[d.file].source.display;
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(file),
            d.span.start.line.max(1),
            d.span.start.column + 1,
            d.span.end.line.max(1),
            d.span.end.column + 1,
            escape_property(d.rule),
            escape_data(&message),
        ));
    }
    out
}

/// The escaping GitHub's runner expects in a command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// The escaping GitHub's runner expects in a command's properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
