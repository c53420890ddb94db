//! Free text a person may leave out: a checkout note, a reason.

use crate::error::AppError;

/// `raw` trimmed; `None` when absent or blank; refused (naming `field`)
/// when longer than `max` characters or holding a NUL.
pub fn optional(raw: Option<String>, field: &str, max: usize) -> Result<Option<String>, AppError> {
    let text = raw.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    if text.as_ref().is_some_and(|t| t.chars().count() > max) {
        return Err(AppError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    // PostgreSQL cannot store it; no one types it.
    if text.as_ref().is_some_and(|t| t.contains('\0')) {
        return Err(AppError::invalid(
            field,
            "must not contain the NUL character",
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::optional;

    #[test]
    fn blank_is_none_and_long_is_refused_by_characters() {
        assert_eq!(optional(None, "note", 3).unwrap(), None);
        assert_eq!(optional(Some("  ".into()), "note", 3).unwrap(), None);
        assert_eq!(
            optional(Some(" héé ".into()), "note", 3)
                .unwrap()
                .as_deref(),
            Some("héé")
        );
        assert!(optional(Some("abcd".into()), "note", 3).is_err());
        assert!(optional(Some("a\0".into()), "note", 3).is_err());
    }
}
