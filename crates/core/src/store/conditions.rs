//! The `WHERE` of a list built to measure: each condition with its values
//! as numbered placeholders, for the filters a client may or may not send.

use super::write::Arg;

/// Conditions joined by `AND`, each value bound to the next `$n`.
pub(crate) struct Conditions {
    sql: String,
    args: Vec<Arg>,
    /// Placeholders the query fixes itself, before these.
    fixed: usize,
}

impl Conditions {
    /// Conditions for a query that binds `$1` to `$fixed` itself.
    pub fn after(fixed: usize) -> Conditions {
        Conditions {
            sql: String::new(),
            args: Vec::new(),
            fixed,
        }
    }

    /// The next placeholder, bound to `value`.
    pub fn bind(&mut self, value: impl Into<Arg>) -> String {
        self.args.push(value.into());
        format!("${}", self.fixed + self.args.len())
    }

    /// `AND condition`.
    pub fn and(&mut self, condition: &str) {
        self.sql.push_str(" AND ");
        self.sql.push_str(condition);
    }

    /// Any of `columns` holds `text` (already lower-cased), in any case;
    /// `%` and `_` in it match themselves.
    pub fn contains(&mut self, columns: &[&str], text: &str) {
        let p = self.bind(format!("%{}%", like_escaped(text)));
        let any: Vec<String> = columns
            .iter()
            .map(|c| format!("LOWER({c}) LIKE {p} ESCAPE '\\'"))
            .collect();
        self.and(&format!("({})", any.join(" OR ")));
    }

    /// The `AND …` text and the values, in placeholder order.
    pub fn finish(self) -> (String, Vec<Arg>) {
        (self.sql, self.args)
    }
}

/// `text` matched literally by `LIKE … ESCAPE '\'`.
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_fixed_ones_and_wildcards_are_escaped() {
        let mut c = Conditions::after(2);
        let p = c.bind(7_i64);
        c.and(&format!("o.id < {p}"));
        c.contains(&["c.name", "r.name"], "50%_off\\");
        let (sql, args) = c.finish();
        assert_eq!(
            sql,
            " AND o.id < $3 AND (LOWER(c.name) LIKE $4 ESCAPE '\\' OR LOWER(r.name) LIKE $4 ESCAPE '\\')"
        );
        assert!(matches!(&args[1], Arg::Text(t) if t == "%50\\%\\_off\\\\%"));
    }
}
