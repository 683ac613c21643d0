//! Model → text for things an admin publishes: DNS records in the layouts
//! their tools take, and hosting artifacts that serve the policy.

pub mod dns;
pub mod hosting;
pub mod tlsa;
