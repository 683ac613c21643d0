use std::fmt;

/// How bad a finding in a parsed file or record is.
///
/// An error means senders discard the policy or record; a warning means it
/// works but is fragile or probably not what the admin meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    /// The word `lint` shows and writes in its JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding of a parser, tied to the line it is about.
///
/// `line` is 1-based; 0 means the finding is about the whole input (a missing
/// key, say) rather than any one line. `issue` is the rule that was broken,
/// kept as data so each renderer can word it its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic<I> {
    pub line: usize,
    pub severity: Severity,
    pub issue: I,
}

impl<I> Diagnostic<I> {
    pub fn error(line: usize, issue: I) -> Self {
        Diagnostic {
            line,
            severity: Severity::Error,
            issue,
        }
    }

    pub fn warning(line: usize, issue: I) -> Self {
        Diagnostic {
            line,
            severity: Severity::Warning,
            issue,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
