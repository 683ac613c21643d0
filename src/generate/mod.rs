//! Model → text for things an admin publishes: DNS records in the layouts
//! their tools take, and provider presets for policies.

pub mod dns;
pub mod hosting;
pub mod providers;
