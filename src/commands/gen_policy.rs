use crate::cli::GenPolicyArgs;
use crate::config::policy::GenPolicyConfig;
use crate::fsutil::{Flag, write_atomic};
use crate::model::Provider;
use crate::{Outcome, Result};

pub fn run(args: &GenPolicyArgs) -> Result<Outcome> {
    if args.list_providers {
        let text = if args.json {
            crate::printer::providers::json(&Provider::ALL)
        } else {
            crate::printer::providers::human(&Provider::ALL)
        };
        super::print_stdout(&text)?;
        return Ok(Outcome::Success);
    }
    let GenPolicyConfig { policy, output } = GenPolicyConfig::from_args(args)?;
    for advice in policy.advice(None) {
        super::eprint_line(&format!("warning: {advice}"));
    }
    let text = policy.render();
    match &output {
        None => super::print_stdout(&text)?,
        Some(to) => {
            let path = &to.path;
            let what = write_atomic(path, text.as_bytes(), to.force, Flag::OUTPUT)?.verb();
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
