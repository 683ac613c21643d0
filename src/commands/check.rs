use crate::cli::CheckArgs;
use crate::{Error, Outcome, Result};

pub fn run(_args: &CheckArgs) -> Result<Outcome> {
    Err(Error::Runtime("check is not available yet".into()))
}
