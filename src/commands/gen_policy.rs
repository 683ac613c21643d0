use crate::cli::{GenPolicyArgs, PolicyArgs};
use crate::error::Error;
use crate::fsutil::{Written, write_atomic};
use crate::model::{Mode, Policy};
use crate::{Outcome, Result};

/// Builds the policy the arguments describe; nothing is written until it is
/// known to be valid.
pub fn build(args: &PolicyArgs) -> Result<Policy> {
    let mut mx = Vec::new();
    let candidates = args
        .provider
        .iter()
        .flat_map(|p| p.patterns())
        .chain(args.mx.iter().cloned());
    for pattern in candidates {
        if !mx.contains(&pattern) {
            mx.push(pattern);
        }
    }
    if args.mode != Mode::None && mx.is_empty() {
        return Err(Error::NoMx { mode: args.mode });
    }
    Ok(Policy {
        mode: args.mode,
        mx,
        max_age: args.max_age.unwrap_or_else(|| args.mode.default_max_age()),
        extensions: Vec::new(),
    })
}

pub fn run(args: &GenPolicyArgs) -> Result<Outcome> {
    let policy = build(&args.policy)?;
    for advice in policy.advice(None) {
        super::eprint_line(&format!("warning: {advice}"));
    }
    let text = policy.render();
    match &args.output {
        None => super::print_stdout(&text)?,
        Some(path) => {
            let what = match write_atomic(path, text.as_bytes(), args.force)? {
                Written::Created => "wrote",
                Written::Replaced => "replaced",
                Written::Unchanged => "unchanged",
            };
            super::eprint_line(&format!(
                "{what} {} (mode {}, {} mx, max_age {}); serve it at https://mta-sts.<domain>/.well-known/mta-sts.txt as text/plain",
                path.display(),
                policy.mode,
                policy.mx.len(),
                policy.max_age
            ));
        }
    }
    Ok(Outcome::Success)
}
