//! Chat inside an order: messages, who read how far, and the checks on
//! what may be sent (the server's rules; the browser shows the same ones).

use serde::{Deserialize, Serialize};

use super::{MessageId, OrderId, Party, Role, UserId};

/// Longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2000;
/// Chat stays open this long after an order ends.
pub const OPEN_AFTER_END_MS: i64 = 24 * 60 * 60 * 1000;

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    pub id: MessageId,
    pub order_id: OrderId,
    pub sender: Party,
    pub sender_role: Role,
    pub body: String,
    /// The sender's id for this message: a resend with it is the same message.
    pub client_id: String,
    pub at: String,
}

/// How far one participant has read an order's chat.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatRead {
    pub order_id: OrderId,
    pub user_id: UserId,
    /// The reader's name: "Seen by …" in a chat of three.
    #[serde(default)]
    pub name: String,
    pub up_to_message_id: MessageId,
    pub at: String,
}

/// An order's chat as it opens: the messages (oldest first) and read marks.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatHistory {
    pub order_id: OrderId,
    pub messages: Vec<ChatMessage>,
    pub reads: Vec<ChatRead>,
    /// Whether new messages may be sent (the order is active or ended
    /// less than 24 hours ago, and the reader takes part in it).
    pub open: bool,
}

/// A message as a client sends it (`chat:send`, `POST .../messages`).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendMessage {
    pub body: String,
    /// Any string of 1 to 64 letters, digits, `-` or `_`, unique per
    /// message of this sender; omitted over REST, one is made up.
    #[serde(default)]
    pub client_id: Option<String>,
}

/// The checked text of a message: trimmed, 1 to 2,000 characters, no NUL.
pub fn message_body(raw: &str) -> Result<String, &'static str> {
    let body = raw.trim();
    if body.is_empty() {
        return Err("a message cannot be empty");
    }
    if body.chars().count() > MAX_MESSAGE_CHARS {
        return Err("a message is at most 2,000 characters");
    }
    if body.contains('\0') {
        return Err("a message must not contain the NUL character");
    }
    Ok(body.to_owned())
}

pub fn client_id(raw: &str) -> Result<String, &'static str> {
    let ok = (1..=64).contains(&raw.len())
        && raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err("must be 1 to 64 letters, digits, '-' or '_'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_trimmed_and_bounded() {
        assert_eq!(message_body("  hi  ").unwrap(), "hi");
        assert!(message_body("   ").is_err());
        assert!(
            message_body(&"é".repeat(2000)).is_ok(),
            "characters, not bytes"
        );
        assert!(message_body(&"a".repeat(2001)).is_err());
        assert!(message_body("a\0b").is_err());
    }

    #[test]
    fn client_ids_are_short_and_plain() {
        assert!(client_id("c-1_a").is_ok());
        assert!(client_id("").is_err());
        assert!(client_id(&"a".repeat(65)).is_err());
        assert!(client_id("a b").is_err());
    }
}
