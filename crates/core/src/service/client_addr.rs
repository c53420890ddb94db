//! Who is asking: the TCP peer, or behind a configured proxy, the address
//! the proxy saw (`X-Forwarded-For`). A header from anyone else is ignored,
//! so a client cannot pick the address its limits are counted under.

use std::net::IpAddr;

/// The proxies allowed to say who the client is
/// (`MEALSTREAM_TRUSTED_PROXIES`: addresses or CIDR blocks).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// `10.0.0.1, 10.1.0.0/16, ::1`; an error names the entry that is wrong.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (addr, bits) = entry.split_once('/').unwrap_or((entry, ""));
            let addr: IpAddr = addr.parse().map_err(|_| entry.to_owned())?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = if bits.is_empty() {
                max
            } else {
                bits.parse::<u8>()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| entry.to_owned())?
            };
            nets.push((addr, bits));
        }
        Ok(Self(nets))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|(net, bits)| in_block(ip, *net, *bits))
    }

    /// [`client`](Self::client), with `X-Forwarded-For` read from `headers`.
    pub fn client_of(&self, peer: IpAddr, headers: &http::HeaderMap) -> IpAddr {
        let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        self.client(peer, forwarded)
    }

    /// The client's address: `peer`, unless `peer` is a trusted proxy; then
    /// the right-most address in `forwarded_for` that is not one.
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let Some(header) = forwarded_for else {
            return peer;
        };
        let mut client = peer;
        for hop in header.rsplit(',').map(str::trim) {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !self.trusts(ip) {
                        break;
                    }
                }
                // Garbage from beyond the proxies: stop at what is known.
                Err(_) => break,
            }
        }
        client
    }
}

fn in_block(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::TrustedProxies;

    #[test]
    fn a_forwarded_address_counts_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, ::1").unwrap();
        let lb = "10.0.0.5".parse().unwrap();
        let stranger = "203.0.113.9".parse().unwrap();
        let said = Some("198.51.100.7, 10.0.0.9");
        assert_eq!(
            proxies.client(lb, said),
            "198.51.100.7".parse::<std::net::IpAddr>().unwrap()
        );
        assert_eq!(
            proxies.client(stranger, said),
            stranger,
            "anyone else's header is ignored"
        );
        assert_eq!(proxies.client(lb, None), lb);
        assert_eq!(proxies.client(lb, Some("nonsense")), lb);
        assert_eq!(TrustedProxies::default().client(lb, said), lb);
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("not-an-ip").is_err());
    }
}
