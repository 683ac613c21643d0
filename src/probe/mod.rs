//! The network probes: what a sending MTA does on the wire, and nothing
//! else. DNS ([`dns`]), the HTTPS policy fetch ([`https`]), the SMTP
//! STARTTLS probe ([`smtp`]) and the trust configuration both TLS clients
//! share ([`tls`]). Every probe is bounded by a timeout and a size cap and
//! returns what it saw as data — failures included — for the rules of
//! [`crate::check`] to judge. `check` and `init` both use them.
//!
//! What a run shares across domains lives here too: [`limit`] caps the
//! connections open to one IP address (`--per-address`), and [`once`] runs
//! a piece of work once per run for every domain that needs it (the MX
//! hosts' addresses in [`dns`], the SMTP probes in `check`'s engine).

pub mod dns;
pub mod dnssec;
pub mod https;
pub mod limit;
pub mod once;
pub mod smtp;
pub mod tls;

use std::net::{IpAddr, SocketAddr};

/// One `--connect-to` rule: reach `host:port` at `addr:addr_port` instead,
/// keeping `host` as the TLS name (curl's convention).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTo {
    pub host: String,
    pub port: u16,
    pub addr: IpAddr,
    pub addr_port: u16,
}

impl ConnectTo {
    /// `HOST:PORT:ADDR:PORT`, ADDR an IP address (IPv6 in brackets).
    pub fn parse(s: &str) -> Result<ConnectTo, String> {
        let bad = || {
            format!(
                "'{}' is not HOST:PORT:ADDR:PORT, such as mta-sts.contoso.com:443:127.0.0.1:8443",
                crate::text::escape(s)
            )
        };
        let (host, rest) = s.split_once(':').ok_or_else(bad)?;
        let (port, rest) = rest.split_once(':').ok_or_else(bad)?;
        let (addr, addr_port) = rest.rsplit_once(':').ok_or_else(bad)?;
        let addr = addr
            .strip_prefix('[')
            .and_then(|a| a.strip_suffix(']'))
            .unwrap_or(addr);
        let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
        if host.is_empty() {
            return Err(bad());
        }
        Ok(ConnectTo {
            host,
            port: port.parse().map_err(|_| bad())?,
            addr: addr.parse().map_err(|_| bad())?,
            addr_port: addr_port.parse().map_err(|_| bad())?,
        })
    }

    /// The target of the first rule for `host:port` in `rules`, if any.
    pub fn find(rules: &[ConnectTo], host: &str, port: u16) -> Option<SocketAddr> {
        rules
            .iter()
            .find(|c| c.host == host && c.port == port)
            .map(|c| SocketAddr::new(c.addr, c.addr_port))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_to_forms() {
        let c = ConnectTo::parse("mta-sts.Example.com.:443:127.0.0.1:8443").unwrap();
        assert_eq!(
            (c.host.as_str(), c.port, c.addr_port),
            ("mta-sts.example.com", 443, 8443)
        );
        assert_eq!(
            ConnectTo::find(&[c], "mta-sts.example.com", 443),
            Some("127.0.0.1:8443".parse().unwrap())
        );
        let c = ConnectTo::parse("mx.example.com:25:[::1]:2525").unwrap();
        assert_eq!(c.addr, "::1".parse::<IpAddr>().unwrap());
        assert_eq!(ConnectTo::find(&[c], "mx.example.com", 587), None);
        assert!(ConnectTo::parse("mx.example.com:25:mx2.example.com:25").is_err());
        assert!(ConnectTo::parse("mx.example.com:25").is_err());
        assert!(ConnectTo::parse(":25:127.0.0.1:25").is_err());
    }
}
