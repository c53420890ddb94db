//! What every paged, searchable list shares: a search text, a page's
//! size, "older than", and the same filters written back as a URL's query
//! string. `order_query` and `admin::UserQuery` are built from these.

use crate::error::AppError;

/// The longest search text: a name or an email is shorter.
pub const MAX_SEARCH: usize = 100;

/// A search text: trimmed, blank as none, lower-cased; a 422 on `q` when
/// longer than [`MAX_SEARCH`] characters or holding a control character.
pub fn search_text(raw: Option<&str>) -> Result<Option<String>, AppError> {
    let text = crate::text::optional(raw.map(str::to_owned), "q", MAX_SEARCH)?;
    if text
        .as_deref()
        .is_some_and(|t| t.chars().any(char::is_control))
    {
        return Err(AppError::invalid(
            "q",
            "must not contain control characters",
        ));
    }
    Ok(text.map(|t| t.to_lowercase()))
}

/// A page's size: `max` when not asked, else 1 to `max`.
pub fn page_size(raw: Option<i64>, max: i64) -> Result<i64, AppError> {
    match raw {
        None => Ok(max),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(AppError::invalid(
            "limit",
            format!("must be from 1 to {max}"),
        )),
    }
}

/// "Older than this id": the next page.
pub fn before(raw: Option<i64>) -> Result<Option<i64>, AppError> {
    match raw {
        None => Ok(None),
        Some(n) if n > 0 => Ok(Some(n)),
        Some(_) => Err(AppError::invalid("before", "must be an id above 0")),
    }
}

/// A query string built a parameter at a time, blank values left out.
#[derive(Default)]
pub struct QueryString(Vec<String>);

impl QueryString {
    /// `name=value`, unless `value` is absent or blank.
    pub fn text(mut self, name: &str, value: Option<&str>) -> Self {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            self.0.push(format!("{name}={}", percent_encoded(v)));
        }
        self
    }

    /// `name=value` when there is one.
    pub fn value(self, name: &str, value: Option<impl ToString>) -> Self {
        let text = value.map(|v| v.to_string());
        self.text(name, text.as_deref())
    }

    /// `?a=1&b=2`, or `""` when nothing was set.
    pub fn finish(self) -> String {
        if self.0.is_empty() {
            String::new()
        } else {
            format!("?{}", self.0.join("&"))
        }
    }
}

/// `text` safe as a query value: every byte but unreserved ones escaped.
fn percent_encoded(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_string_keeps_what_is_set_and_escapes_it() {
        assert_eq!(QueryString::default().text("q", Some("  ")).finish(), "");
        let s = QueryString::default()
            .text("q", Some(" Café & co #1 "))
            .value("before", Some(40))
            .value("limit", None::<i64>)
            .finish();
        assert_eq!(s, "?q=Caf%C3%A9%20%26%20co%20%231&before=40");
    }

    #[test]
    fn sizes_and_pages_are_bounded_and_name_their_parameter() {
        assert_eq!(page_size(None, 50).unwrap(), 50);
        assert_eq!(page_size(Some(7), 50).unwrap(), 7);
        for bad in [0, 51, -1] {
            let e = page_size(Some(bad), 50).unwrap_err();
            assert_eq!(e.body().error.field.as_deref(), Some("limit"));
        }
        assert_eq!(before(Some(3)).unwrap(), Some(3));
        let e = before(Some(0)).unwrap_err();
        assert_eq!(e.body().error.field.as_deref(), Some("before"));
        assert_eq!(
            search_text(Some(" TaSca ")).unwrap().as_deref(),
            Some("tasca")
        );
        assert_eq!(search_text(Some("   ")).unwrap(), None);
        let e = search_text(Some("a\0b")).unwrap_err();
        assert_eq!(e.body().error.field.as_deref(), Some("q"));
        let long = "x".repeat(MAX_SEARCH + 1);
        let e = search_text(Some(&long)).unwrap_err();
        assert_eq!(e.body().error.field.as_deref(), Some("q"));
    }
}
