//! `promote` and `retire`: the two policy changes of RFC 8461 §8 that every
//! deployment goes through, done in the order senders need.

use crate::Clock;
use crate::cli::{PromoteArgs, RetireArgs};
use crate::printer::project as printer;
use crate::project::Project;
use crate::{Outcome, Result};

pub fn promote(args: &PromoteArgs, clock: &Clock) -> Result<Outcome> {
    let mut project = Project::load(&args.dir, clock)?;
    let promotion = project.promote(&args.dir, args.max_age, clock)?;
    project.write(&args.dir, true)?;
    super::print_stdout(&printer::promotion(&promotion))?;
    Ok(Outcome::Success)
}

pub fn retire(args: &RetireArgs, clock: &Clock) -> Result<Outcome> {
    let mut project = Project::load(&args.dir, clock)?;
    let retirement = project.retire(clock);
    project.write(&args.dir, true)?;
    super::print_stdout(&printer::retirement(&retirement))?;
    Ok(Outcome::Success)
}
