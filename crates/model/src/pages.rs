//! Who may open which page: the one table the server's page guard and the
//! sign-in's way back ("next") both read.

use crate::Role;

/// Who may open a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone (the landing page, assets, sign-in and sign-up forms).
    Anyone,
    /// Visitors and customers: restaurants and their menus. Other roles
    /// are sent to their own home.
    Browse,
    /// One role only.
    Role(Role),
}

pub fn access(path: &str) -> Access {
    let mut parts = path.trim_start_matches('/').split('/');
    match parts.next().unwrap_or_default() {
        "restaurants" => Access::Browse,
        "orders" => Access::Role(Role::Customer),
        "board" => Access::Role(Role::Restaurant),
        "driver" => Access::Role(Role::Driver),
        "admin" => Access::Role(Role::Admin),
        _ => Access::Anyone,
    }
}

/// Whether `role` may open `path`.
pub fn may_open(role: Role, path: &str) -> bool {
    match access(path) {
        Access::Anyone => true,
        Access::Browse => role == Role::Customer,
        Access::Role(r) => r == role,
    }
}

/// Where a user lands after signing in: `next` when it is a page of this
/// site they may open (never another site, never a sign-in form), else
/// their home.
pub fn after_sign_in(role: Role, next: Option<&str>) -> String {
    let local = |p: &&str| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.contains(['\\', '\r', '\n'])
            && p.len() <= 300
    };
    match next.filter(local) {
        Some(path) if !matches!(path, "/" | "/login" | "/register") && may_open(role, path) => {
            path.to_owned()
        }
        _ => role.home().to_owned(),
    }
}

/// The sign-in page, coming back to `path` afterwards.
pub fn sign_in_then(path: &str) -> String {
    format!("/login?next={}", encode_next(path))
}

/// `path` as the value of a `next` query parameter.
pub fn encode_next(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => encoded.push_str("%25"),
            '&' => encoded.push_str("%26"),
            '#' => encoded.push_str("%23"),
            '?' => encoded.push_str("%3F"),
            '+' => encoded.push_str("%2B"),
            ' ' => encoded.push_str("%20"),
            c => encoded.push(c),
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_has_its_audience() {
        assert_eq!(access("/restaurants"), Access::Browse);
        assert_eq!(access("/restaurants/3"), Access::Browse);
        assert_eq!(access("/orders/12"), Access::Role(Role::Customer));
        assert_eq!(access("/board/menu"), Access::Role(Role::Restaurant));
        assert_eq!(access("/admin/orders/3"), Access::Role(Role::Admin));
        assert_eq!(access("/driver"), Access::Role(Role::Driver));
        assert_eq!(access("/"), Access::Anyone);
        assert_eq!(access("/pkg/mealstream.js"), Access::Anyone);
    }

    #[test]
    fn the_way_back_after_sign_in_stays_on_this_site_and_within_the_role() {
        let c = Role::Customer;
        assert_eq!(after_sign_in(c, Some("/restaurants/2")), "/restaurants/2");
        assert_eq!(after_sign_in(c, Some("/orders/9")), "/orders/9");
        assert_eq!(after_sign_in(c, None), "/restaurants");
        for foreign in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "/login",
            "/",
        ] {
            assert_eq!(after_sign_in(c, Some(foreign)), "/restaurants", "{foreign}");
        }
        assert_eq!(after_sign_in(Role::Driver, Some("/admin")), "/driver");
        assert_eq!(
            after_sign_in(Role::Driver, Some("/restaurants/1")),
            "/driver"
        );
        assert_eq!(
            after_sign_in(Role::Admin, Some("/admin/disputes/4")),
            "/admin/disputes/4"
        );
    }

    #[test]
    fn the_sign_in_link_carries_the_path_back() {
        assert_eq!(sign_in_then("/orders/3"), "/login?next=/orders/3");
        assert_eq!(sign_in_then("/a?b&c#d"), "/login?next=/a%3Fb%26c%23d");
    }
}
