//! The frames a benchmark connection reads and writes: Socket.IO events
//! and acks (`42…`, `43…`) for Mealstream and the Node peer, bare JSON
//! for the floor.

use serde_json::Value;

use super::Framing;

/// `42["name",data]` or `42<ackid>[...]` -> (name, data, recovery offset).
/// With Socket.IO connection-state recovery (the Node peer) a broadcast
/// carries its offset as a third element.
pub fn parse_event(text: &str) -> Option<(String, Value, Option<String>)> {
    let body = text.strip_prefix("42")?;
    let body = body.trim_start_matches(|c: char| c.is_ascii_digit());
    let items: Vec<Value> = serde_json::from_str(body).ok()?;
    let mut items = items.into_iter();
    let Some(Value::String(name)) = items.next() else {
        return None;
    };
    let data = items.next().unwrap_or(Value::Null);
    let offset = match items.next() {
        Some(Value::String(o)) => Some(o),
        _ => None,
    };
    Some((name, data, offset))
}

/// `43<id>[data]` -> (id, data).
pub fn parse_ack(text: &str) -> Option<(u64, Value)> {
    let body = text.strip_prefix("43")?;
    let digits = body.find(|c: char| !c.is_ascii_digit())?;
    let id = body[..digits].parse().ok()?;
    let mut items: Vec<Value> = serde_json::from_str(&body[digits..]).ok()?;
    Some((
        id,
        if items.is_empty() {
            Value::Null
        } else {
            items.swap_remove(0)
        },
    ))
}

pub(super) fn encode(framing: Framing, event: &str, data: &Value, ack_id: Option<u64>) -> String {
    match framing {
        Framing::SocketIo => {
            let array = serde_json::json!([event, data]);
            match ack_id {
                Some(id) => format!("42{id}{array}"),
                None => format!("42{array}"),
            }
        }
        Framing::Raw => serde_json::json!({ "e": event, "d": data }).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_events_with_and_without_ack_ids() {
        let (name, data, offset) =
            parse_event(r#"42["order:status_changed",{"orderId":7}]"#).unwrap();
        assert_eq!(name, "order:status_changed");
        assert_eq!((data["orderId"].as_i64(), offset), (Some(7), None));
        let (name, data, offset) = parse_event(r#"4212["hello",{"a":1},"offset-1"]"#).unwrap();
        assert_eq!((name.as_str(), data["a"].as_i64()), ("hello", Some(1)));
        assert_eq!(offset.as_deref(), Some("offset-1"));
        assert!(parse_event("40{}").is_none());
        assert!(parse_event("42[1,2]").is_none());
        assert!(parse_event("42not json").is_none());
    }

    #[test]
    fn reads_acks() {
        assert_eq!(
            parse_ack(r#"435[{"ok":true}]"#),
            Some((5, json!({"ok": true})))
        );
        assert_eq!(parse_ack("43[]"), None);
    }

    #[test]
    fn encodes_both_framings() {
        let d = json!({"x": 1});
        assert_eq!(
            encode(Framing::SocketIo, "e", &d, None),
            r#"42["e",{"x":1}]"#
        );
        assert_eq!(
            encode(Framing::SocketIo, "e", &d, Some(3)),
            r#"423["e",{"x":1}]"#
        );
        assert_eq!(
            encode(Framing::Raw, "e", &d, None),
            r#"{"d":{"x":1},"e":"e"}"#
        );
    }
}
