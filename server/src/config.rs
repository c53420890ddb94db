//! One validated configuration. A bad value stops startup with one line
//! naming the variable, never a panic.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

use mealstream_core::store::Backend;

use crate::cli::{DbArgs, ServeArgs};

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: String,
    pub redis_url: Option<String>,
    pub redis_prefix: String,
    pub demo: bool,
    pub site_root: PathBuf,
    /// Cookies carry `Secure` when the public URL is https.
    pub secure_cookies: bool,
    pub tile_url: String,
    /// Origins besides the site's own that may call the API with the
    /// user's cookie and open sockets (CORS and the Socket.IO handshake).
    pub allowed_origins: Vec<String>,
    /// The site's public origin (from `MEALSTREAM_PUBLIC_URL`), when it is
    /// served behind a proxy: always allowed.
    pub public_origin: Option<String>,
    pub trusted_proxies: mealstream_core::service::client_addr::TrustedProxies,
    /// How often each node re-checks the rights of its sockets (60 s).
    pub rights_recheck: std::time::Duration,
    pub limits: mealstream_core::service::ctx::LimitSettings,
    /// What the event log keeps, and how often it is pruned.
    pub retention: mealstream_core::service::retention::Retention,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid {var} {value:?}: {expected}")]
pub struct ConfigError {
    var: &'static str,
    value: String,
    expected: &'static str,
}

impl Config {
    pub fn from_args(args: &ServeArgs) -> Result<Config, ConfigError> {
        let addr = parse_addr(&args.addr)?;
        let database_url = database_url(&args.db)?;
        let redis_url = match args.redis_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) if url.starts_with("redis://") || url.starts_with("rediss://") => {
                Some(url.to_owned())
            }
            Some(url) => {
                return Err(ConfigError {
                    var: "REDIS_URL",
                    value: mealstream_core::store::db::redact_url(url),
                    expected: "expected redis://HOST:PORT",
                })
            }
        };
        let secure_cookies = match args.public_url.as_deref() {
            None => false,
            Some(url) if url.starts_with("https://") => true,
            Some(url) if url.starts_with("http://") => false,
            Some(url) => {
                return Err(ConfigError {
                    var: "MEALSTREAM_PUBLIC_URL",
                    value: url.to_owned(),
                    expected: "expected an http:// or https:// URL",
                })
            }
        };
        // Demo data (with its admin, password `mealstream`) by default only
        // in the embedded mode on a loopback address: a server anyone can
        // reach gets it only when asked for with --demo.
        let embedded = Backend::from_url(&database_url) == Some(Backend::Sqlite);
        let demo = !args.no_demo && (args.demo || (embedded && addr.ip().is_loopback()));
        let tile_url = args.tile_url.trim().to_owned();
        let placeholders = ["{z}", "{x}", "{y}"].iter().all(|p| tile_url.contains(p));
        let absolute = ["https://", "http://", "/"]
            .iter()
            .any(|p| tile_url.starts_with(p));
        if !absolute || !placeholders {
            return Err(ConfigError {
                var: "MEALSTREAM_TILE_URL",
                value: tile_url,
                expected: "expected a URL template with {z}, {x} and {y}",
            });
        }
        let allowed_origins = parse_origins(args.allowed_origins.as_deref().unwrap_or(""))?;
        let public_origin = args.public_url.as_deref().and_then(|url| {
            let (scheme, rest) = url.split_once("://")?;
            let host = rest.split('/').next().filter(|h| !h.is_empty())?;
            Some(format!("{scheme}://{host}"))
        });
        let trusted_proxies = mealstream_core::service::client_addr::TrustedProxies::parse(
            args.trusted_proxies.as_deref().unwrap_or(""),
        )
        .map_err(|entry| ConfigError {
            var: "MEALSTREAM_TRUSTED_PROXIES",
            value: entry,
            expected: "expected addresses or CIDR blocks, e.g. 10.0.0.1,10.1.0.0/16",
        })?;
        Ok(Config {
            rights_recheck: std::time::Duration::from_secs(60),
            retention: mealstream_core::service::retention::Retention::default(),
            limits: mealstream_core::service::ctx::LimitSettings {
                orders_per_minute: args.orders_per_minute,
            },
            trusted_proxies,
            allowed_origins,
            public_origin,
            addr,
            database_url,
            redis_url,
            redis_prefix: args.redis_prefix.trim().to_owned(),
            demo,
            site_root: args.site_root.clone(),
            secure_cookies,
            tile_url,
        })
    }
}

/// `https://app.example.com,http://localhost:5173`: scheme, host and
/// optional port, nothing else.
fn parse_origins(list: &str) -> Result<Vec<String>, ConfigError> {
    list.split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|origin| {
            let valid = origin.split_once("://").is_some_and(|(scheme, host)| {
                matches!(scheme, "http" | "https")
                    && !host.is_empty()
                    && !host.contains(['/', '?', '#', '*'])
            });
            if valid {
                Ok(origin.to_owned())
            } else {
                Err(ConfigError {
                    var: "MEALSTREAM_ALLOWED_ORIGINS",
                    value: origin.to_owned(),
                    expected: "expected comma-separated origins like https://app.example.com",
                })
            }
        })
        .collect()
}

pub fn database_url(args: &DbArgs) -> Result<String, ConfigError> {
    let url = args.database_url.trim();
    match Backend::from_url(url) {
        Some(_) => Ok(url.to_owned()),
        None => Err(ConfigError {
            var: "DATABASE_URL",
            value: url.to_owned(),
            expected: "expected sqlite://PATH or postgres://USER@HOST:PORT/DB",
        }),
    }
}

fn parse_addr(raw: &str) -> Result<SocketAddr, ConfigError> {
    let err = || ConfigError {
        var: "MEALSTREAM_ADDR",
        value: raw.to_owned(),
        expected: "expected host:port, e.g. 127.0.0.1:3000",
    };
    if let Ok(addr) = raw.parse() {
        return Ok(addr);
    }
    raw.to_socket_addrs()
        .map_err(|_| err())?
        .next()
        .ok_or_else(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<Config, ConfigError> {
        let mut argv = vec!["mealstream"];
        argv.extend_from_slice(args);
        Config::from_args(&crate::cli::Cli::parse_from(argv).serve)
    }

    #[test]
    fn allowed_origins_are_scheme_and_host_only() {
        let ok = parse(&[
            "--allowed-origins",
            "https://a.example, http://localhost:5173",
        ])
        .unwrap();
        assert_eq!(
            ok.allowed_origins,
            ["https://a.example", "http://localhost:5173"]
        );
        for bad in [
            "a.example",
            "https://a.example/path",
            "ftp://a.example",
            "*",
        ] {
            let e = parse(&["--allowed-origins", bad]).unwrap_err().to_string();
            assert!(e.contains("MEALSTREAM_ALLOWED_ORIGINS"), "{e}");
        }
    }

    #[test]
    fn a_bad_address_names_the_variable() {
        let e = parse(&["--addr", "nowhere"]).unwrap_err().to_string();
        assert!(e.starts_with("invalid MEALSTREAM_ADDR \"nowhere\""), "{e}");
    }

    #[test]
    fn a_bad_database_url_names_the_variable() {
        let e = parse(&["--database-url", "mysql://x"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("DATABASE_URL"), "{e}");
    }

    #[test]
    fn a_bad_redis_url_names_the_variable() {
        let e = parse(&["--redis-url", "localhost:6379"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("REDIS_URL"), "{e}");
    }

    #[test]
    fn demo_data_is_never_seeded_by_default_on_a_reachable_address() {
        assert!(
            !parse(&["--database-url", "sqlite://x.db", "--addr", "0.0.0.0:3000"])
                .unwrap()
                .demo
        );
        assert!(
            parse(&[
                "--database-url",
                "sqlite://x.db",
                "--addr",
                "0.0.0.0:3000",
                "--demo"
            ])
            .unwrap()
            .demo
        );
    }

    #[test]
    fn demo_data_defaults_on_for_sqlite_and_off_for_postgres() {
        assert!(parse(&["--database-url", "sqlite://x.db"]).unwrap().demo);
        assert!(
            !parse(&["--database-url", "sqlite://x.db", "--no-demo"])
                .unwrap()
                .demo
        );
        assert!(
            !parse(&["--database-url", "postgres://u@h/db"])
                .unwrap()
                .demo
        );
        assert!(
            parse(&["--database-url", "postgres://u@h/db", "--demo"])
                .unwrap()
                .demo
        );
    }

    #[test]
    fn a_tile_url_without_placeholders_names_the_variable() {
        let e = parse(&["--tile-url", "https://tiles.example/map.png"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("MEALSTREAM_TILE_URL"), "{e}");
        assert!(parse(&["--tile-url", "https://t.example/{z}/{x}/{y}.png"]).is_ok());
    }

    #[test]
    fn https_public_url_makes_cookies_secure() {
        assert!(
            parse(&["--public-url", "https://eat.example"])
                .unwrap()
                .secure_cookies
        );
        assert!(!parse(&[]).unwrap().secure_cookies);
    }
}
