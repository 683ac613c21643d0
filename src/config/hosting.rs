//! How a hosting artifact serves the policy (shared by `gen-hosting` and
//! `init --host`), and what `gen-hosting` renders and where it goes.

use crate::cli::{GenHostingArgs, HostingArgs};
use crate::config::policy::{PolicyConfig, WriteTo};
use crate::error::Result;
use crate::generate::hosting::{Options, Target};
use crate::model::{Domain, Policy};

/// The server-configuration knobs of `--cert`, `--key`, `--webroot`,
/// `--listen` and `--classic`; unset ones keep the production defaults
/// that [`crate::generate::hosting::render`] fills in.
pub fn options(args: &HostingArgs) -> Options {
    Options {
        cert: args.cert.clone(),
        key: args.key.clone(),
        webroot: args.webroot.clone(),
        listen: args.listen.clone(),
        classic: args.classic,
    }
}

/// `gen-hosting`: one target, for one domain, serving one valid policy.
#[derive(Debug, Clone)]
pub struct GenHostingConfig {
    pub target: Target,
    pub domain: Domain,
    /// Read from `--policy-file` (and validated), or built from the policy
    /// flags.
    pub policy: Policy,
    pub options: Options,
    /// The directory to write the files under; printed when `None`.
    pub out: Option<WriteTo>,
}

impl GenHostingConfig {
    /// Reads `--policy-file` when given: a policy that does not parse is
    /// refused here, before anything is rendered.
    pub fn from_args(args: &GenHostingArgs) -> Result<GenHostingConfig> {
        let policy = match &args.policy_file {
            Some(path) => crate::project::read_policy(path)?,
            None => PolicyConfig::from_args(&args.policy)?.into_policy(),
        };
        Ok(GenHostingConfig {
            target: args.target,
            domain: args.domain.clone(),
            policy,
            options: options(&args.hosting),
            out: args.out.clone().map(|path| WriteTo {
                path,
                force: args.force,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_knob_is_carried_over() {
        let o = options(&HostingArgs {
            classic: true,
            cert: Some("/c.pem".into()),
            key: Some("/k.pem".into()),
            webroot: Some("/srv".into()),
            listen: Some("8443".into()),
        });
        assert!(o.classic);
        assert_eq!(o.cert.as_deref(), Some("/c.pem"));
        assert_eq!(o.key.as_deref(), Some("/k.pem"));
        assert_eq!(o.webroot.as_deref(), Some("/srv"));
        assert_eq!(o.listen.as_deref(), Some("8443"));
    }
}
