//! ICS-004 acknowledgements: `{"result":"<base64>"}` or `{"error":"..."}`.
//!
//! Success is decided by the variant, never by payload bytes; an acknowledgement that
//! does not parse counts as an error, so a corrupted ack always rolls back.

use cosmwasm_std::{from_json, to_json_binary, Binary, StdAck};
use serde::{de::DeserializeOwned, Serialize};

/// A success acknowledgement carrying `result` as JSON.
pub fn ack_success<T: Serialize>(result: &T) -> StdAck {
    match to_json_binary(result) {
        Ok(bin) => StdAck::success(bin),
        // Serializing our own plain structs cannot fail; if it ever did, an error ack is the
        // safe answer because it rolls the sender back.
        Err(err) => StdAck::error(format!("cannot encode acknowledgement: {err}")),
    }
}

/// An error acknowledgement with a human-readable reason.
pub fn ack_error(reason: impl Into<String>) -> StdAck {
    StdAck::error(reason.into())
}

/// What the sender of a packet learned from its acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AckOutcome<T> {
    /// The counterparty accepted the packet; `T` is its result payload, if it parsed.
    Success(Option<T>),
    /// The counterparty refused the packet, or the ack was unreadable.
    Error(String),
}

/// Decode an acknowledgement. Anything that is not a well-formed `StdAck::Success` is an
/// error. A success whose payload does not parse as `T` is still a success (the receiver
/// committed its state change) with `None` as payload.
pub fn parse_ack<T: DeserializeOwned>(ack: &Binary) -> AckOutcome<T> {
    match from_json::<StdAck>(ack) {
        Ok(StdAck::Success(data)) => AckOutcome::Success(from_json(&data).ok()),
        Ok(StdAck::Error(reason)) => AckOutcome::Error(reason),
        Err(err) => AckOutcome::Error(format!("unreadable acknowledgement: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::SeizeAckResult;
    use cosmwasm_std::Uint128;

    #[test]
    fn success_round_trips_with_payload() {
        let payload = SeizeAckResult { seq: 7, available: Uint128::new(40) };
        let ack = ack_success(&payload).to_binary();
        assert_eq!(parse_ack::<SeizeAckResult>(&ack), AckOutcome::Success(Some(payload)));
    }

    #[test]
    fn error_variant_is_error_even_with_success_looking_text() {
        let ack = ack_error("{\"result\":\"e30=\"}").to_binary();
        assert!(matches!(parse_ack::<SeizeAckResult>(&ack), AckOutcome::Error(_)));
    }

    #[test]
    fn garbage_counts_as_error() {
        let ack = Binary::from(b"\x01not json".to_vec());
        assert!(matches!(parse_ack::<SeizeAckResult>(&ack), AckOutcome::Error(r) if r.contains("unreadable")));
        let ack = Binary::from(br#"{"result":"e30=","error":"x"}"#.to_vec());
        assert!(matches!(parse_ack::<SeizeAckResult>(&ack), AckOutcome::Error(_)));
    }

    #[test]
    fn success_with_foreign_payload_is_success_without_payload() {
        let ack = StdAck::success(b"[1,2]").to_binary();
        assert_eq!(parse_ack::<SeizeAckResult>(&ack), AckOutcome::Success(None));
    }
}
