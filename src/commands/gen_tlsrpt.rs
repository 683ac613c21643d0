use crate::cli::GenTlsRptArgs;
use crate::generate::dns::TxtRecord;
use crate::model::TlsRptRecord;
use crate::{Outcome, Result};

pub fn run(args: &GenTlsRptArgs) -> Result<Outcome> {
    let mut rua = Vec::new();
    for uri in &args.rua {
        if !rua.contains(uri) {
            rua.push(uri.clone());
        }
    }
    let record = TxtRecord {
        prefix: "_smtp._tls",
        domain: args.domain.as_ref(),
        value: TlsRptRecord {
            rua,
            extensions: Vec::new(),
        }
        .to_string(),
        ttl: args.ttl,
    };
    super::print_stdout(&record.render(args.format)?)?;
    Ok(Outcome::Success)
}
