//! Errors that carry the ABCI codespace and code the real module would fail with.
//!
//! On wasmd a failed sub-message reaches the contract's `reply` redacted to
//! `codespace: <module>, code: <n>` (see `wasmd.rs`), and ibc-go's error acknowledgements keep
//! only the code. The bench's own modules (the bank, ICS-20) fail with an [`AbciError`] so that
//! the bench can redact as wasmd does; its text is the module's log followed by a tag,
//! `… [codespace: clientv2, code: 35]`, which [`find_tag`] reads back out of an error chain.

use std::fmt;

/// A module error with the codespace and code of its ibc-go or Cosmos SDK counterpart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbciError {
    pub codespace: &'static str,
    pub code: u32,
    /// The full error text, as the real module logs it.
    pub log: String,
}

impl AbciError {
    pub fn new(codespace: &'static str, code: u32, log: impl Into<String>) -> Self {
        AbciError { codespace, code, log: log.into() }
    }

    /// ibc-go's `ErrCounterpartyNotFound` (`clientv2`, 35): what `MsgTransfer` fails with when
    /// no channel has the source channel's id (v11 then tries the id as an IBC v2 client).
    pub fn counterparty_not_found(channel: &str) -> Self {
        Self::new("clientv2", 35, format!("counterparty not found for client: {channel}: counterparty not found"))
    }

    /// ibc-go's `ErrInvalidChannelState` (`channel`, 5).
    pub fn channel_not_open(state: &str) -> Self {
        Self::new("channel", 5, format!("channel is not OPEN (got {state}): invalid channel state"))
    }

    /// The host module's `ErrInvalidID` (`host`, 2).
    pub fn invalid_identifier(what: &str, id: &str, reason: &str) -> Self {
        Self::new("host", 2, format!("invalid {what} ID {id}: {reason}: invalid identifier"))
    }

    /// ibc-go core's `ErrInvalidAddress` (`ibc`, 5).
    pub fn invalid_address(log: impl fmt::Display) -> Self {
        Self::new("ibc", 5, format!("{log}: invalid address"))
    }

    /// ibc-go core's `ErrInvalidCoins` (`ibc`, 6).
    pub fn invalid_coins(log: impl fmt::Display) -> Self {
        Self::new("ibc", 6, format!("{log}: invalid coins"))
    }

    /// ibc-go core's `ErrUnauthorized` (`ibc`, 2).
    pub fn ibc_unauthorized(log: impl fmt::Display) -> Self {
        Self::new("ibc", 2, format!("{log}: unauthorized"))
    }

    /// The transfer module's `ErrInvalidAmount` (`transfer`, 5).
    pub fn invalid_amount(log: impl fmt::Display) -> Self {
        Self::new("transfer", 5, format!("{log}: invalid token amount"))
    }

    /// The transfer module's `ErrInvalidMemo` (`transfer`, 11).
    pub fn invalid_memo(log: impl fmt::Display) -> Self {
        Self::new("transfer", 11, format!("{log}: invalid memo"))
    }

    /// ibc-go core's `ErrInvalidType` (`ibc`, 12).
    pub fn invalid_type(log: impl fmt::Display) -> Self {
        Self::new("ibc", 12, format!("{log}: invalid type"))
    }

    /// ibc-go core's `ErrInvalidRequest` (`ibc`, 8).
    pub fn invalid_request(log: impl fmt::Display) -> Self {
        Self::new("ibc", 8, format!("{log}: invalid request"))
    }

    /// The channel module's `ErrInvalidPacket` (`channel`, 13).
    pub fn invalid_packet(log: impl fmt::Display) -> Self {
        Self::new("channel", 13, format!("{log}: invalid packet"))
    }

    /// The SDK's `ErrInsufficientFunds` (`sdk`, 5): a bank send beyond the balance.
    pub fn insufficient_funds(log: impl fmt::Display) -> Self {
        Self::new("sdk", 5, format!("{log}: insufficient funds"))
    }

    /// The SDK's `ErrUnauthorized` (`sdk`, 4): a bank send the bank refuses for the address.
    pub fn unauthorized(log: impl fmt::Display) -> Self {
        Self::new("sdk", 4, format!("{log}: unauthorized"))
    }

    /// What wasmd puts in a `reply`'s `SubMsgResult::Err` for this error.
    pub fn redacted(&self) -> String {
        redacted(self.codespace, self.code)
    }

    /// What ibc-go writes as the error acknowledgement of a packet this error refused
    /// (`channeltypes.NewErrorAcknowledgement`: the code only, the reason is in the events).
    pub fn error_ack_text(&self) -> String {
        format!("ABCI code: {}: error handling packet: see events for details", self.code)
    }
}

impl fmt::Display for AbciError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [codespace: {}, code: {}]", self.log, self.codespace, self.code)
    }
}

impl std::error::Error for AbciError {}

/// wasmd's redaction of a sub-message error (`redactError` in `x/wasm/keeper/msg_dispatcher.go`).
pub fn redacted(codespace: &str, code: u32) -> String {
    format!("codespace: {codespace}, code: {code}")
}

/// The first (outermost) `[codespace: …, code: …]` tag in an error's text, if any.
pub fn find_tag(text: &str) -> Option<(String, u32)> {
    const OPEN: &str = "[codespace: ";
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len()..];
        if let Some(tag) = parse_tag_body(after) {
            return Some(tag);
        }
        rest = after;
    }
    None
}

/// `clientv2, code: 35]…` -> ("clientv2", 35).
fn parse_tag_body(after: &str) -> Option<(String, u32)> {
    let (codespace, rest) = after.split_once(", code: ")?;
    let (code, _) = rest.split_once(']')?;
    let valid_codespace = !codespace.is_empty() && codespace.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_codespace {
        return None;
    }
    Some((codespace.to_string(), code.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_is_read_back_from_an_error_chain() {
        let err = anyhow::Error::new(AbciError::counterparty_not_found("channel-999")).context("dispatch");
        let text = format!("{err:?}");
        assert_eq!(find_tag(&text), Some(("clientv2".to_string(), 35)));
        assert_eq!(AbciError::counterparty_not_found("channel-9").redacted(), "codespace: clientv2, code: 35");
        assert_eq!(find_tag("codespace: clientv2, code: 35"), None, "a redacted text is not a tag");
        assert_eq!(find_tag("[codespace: a b, code: 1] then [codespace: sdk, code: 5]"), Some(("sdk".into(), 5)));
    }

    #[test]
    fn an_error_ack_keeps_only_the_code() {
        assert_eq!(
            AbciError::invalid_address("failed to decode receiver address: osmo1x").error_ack_text(),
            "ABCI code: 5: error handling packet: see events for details"
        );
    }
}
