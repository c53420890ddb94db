//! Counted nouns, so no screen says "1 drivers".

use crate::Role;

/// The word for `n` of something: `one` for exactly one, else `many`
/// (for labels set apart from their number).
pub fn noun<'a>(n: i64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// "1 driver", "2 drivers", "0 drivers".
pub fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", noun(n, one, many))
}

/// "Ana", "Ana and Rui", "Ana, Rui and Eva".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl Role {
    /// `n` people of this role: "1 customer", "3 restaurant staff".
    pub fn count(self, n: i64) -> String {
        match self {
            Role::Customer => count(n, "customer", "customers"),
            Role::Restaurant => count(n, "restaurant staff", "restaurant staff"),
            Role::Driver => count(n, "driver", "drivers"),
            Role::Admin => count(n, "admin", "admins"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_listed_as_a_sentence_says_them() {
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(and_list(&names(&[])), "");
        assert_eq!(and_list(&names(&["Ana"])), "Ana");
        assert_eq!(and_list(&names(&["Ana", "Rui"])), "Ana and Rui");
        assert_eq!(and_list(&names(&["Ana", "Rui", "Eva"])), "Ana, Rui and Eva");
    }

    #[test]
    fn one_is_singular_and_every_other_number_plural() {
        assert_eq!(count(1, "driver", "drivers"), "1 driver");
        assert_eq!(count(0, "driver", "drivers"), "0 drivers");
        assert_eq!(count(2, "person", "people"), "2 people");
        assert_eq!(noun(1, "Open dispute", "Open disputes"), "Open dispute");
        assert_eq!(noun(3, "Open dispute", "Open disputes"), "Open disputes");
        assert_eq!(Role::Customer.count(1), "1 customer");
        assert_eq!(Role::Admin.count(5), "5 admins");
    }
}
