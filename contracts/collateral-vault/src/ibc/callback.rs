//! IBC source callbacks of the vault's ICS-20 seize deliveries (issue 8, 6(e)).
//!
//! A seize delivered by ICS-20 leaves the vault at once; if the far chain then refuses the
//! transfer (error ack) or it times out, the transfer module refunds the coins to the vault.
//! Without a callback the vault never learned of it: the keeper had paid and the coins sat
//! above the books. The vault now asks for a source callback in the transfer's memo
//! (`{"src_callback":{"address":<vault>},"isthmus_seize":<marker>,...}`), and on a refund
//! credits the seized amount to the delivery's receiver as a claimable refund
//! (`ClaimSeizeRefund`, signed on this chain with the receiver's key). The marker names the
//! seize receipt, so each seize is refunded at most once and for no more than was seized.
//! wasmd calls a source callback only for packets the contract itself sent, and the vault sends
//! ICS-20 transfers only for seize deliveries, with memos it builds.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{from_json, Addr, DepsMut, Env, IbcBasicResponse, IbcPacket, IbcSourceCallbackMsg, Uint128};
use isthmus_protocol::ack::{parse_ack, AckOutcome};
use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::error::{ContractError, ContractResult};
use crate::state::{SEIZE_RECEIPTS, SEIZE_REFUNDS, SEIZE_REFUNDS_HELD};

/// Which seize an ICS-20 delivery carries; travels in the transfer's memo.
#[cw_serde]
pub struct SeizeMarker {
    pub connection_id: String,
    pub controller_port: String,
    pub seize_id: u64,
}

/// The keys of a keeper's memo that the vault sets itself.
#[derive(Deserialize)]
struct ReservedKeys {
    src_callback: Option<IgnoredAny>,
    isthmus_seize: Option<IgnoredAny>,
}

/// The memo of a seize delivery: the keeper's memo (empty, or a JSON object without the keys
/// the vault sets) with a source callback to the vault and the seize marker in front.
pub fn delivery_memo(keeper_memo: &str, vault: &Addr, marker: &SeizeMarker) -> ContractResult<String> {
    let ours = format!(
        r#""src_callback":{{"address":"{vault}"}},"isthmus_seize":{}"#,
        String::from_utf8(cosmwasm_std::to_json_vec(marker)?).map_err(|e| invalid(&e.to_string()))?
    );
    let keeper_memo = keeper_memo.trim();
    if keeper_memo.is_empty() {
        return Ok(format!("{{{ours}}}"));
    }
    let reserved: ReservedKeys =
        from_json(keeper_memo.as_bytes()).map_err(|_| invalid("the memo must be empty or a JSON object"))?;
    if reserved.src_callback.is_some() || reserved.isthmus_seize.is_some() {
        return Err(invalid("the memo must not set src_callback or isthmus_seize"));
    }
    // A JSON object that parsed: `{` then its members, or `}` for an empty object.
    let rest = keeper_memo[1..].trim_start();
    Ok(if rest.starts_with('}') { format!("{{{ours}}}") } else { format!("{{{ours},{rest}") })
}

fn invalid(reason: &str) -> ContractError {
    ContractError::InvalidRecipient { reason: reason.to_string() }
}

/// ICS-20 packet data (`FungibleTokenPacketData`).
#[derive(Deserialize)]
struct TransferData {
    amount: Uint128,
    receiver: String,
    sender: String,
    #[serde(default)]
    memo: String,
}

#[derive(Deserialize)]
struct DeliveryMemo {
    isthmus_seize: Option<SeizeMarker>,
}

/// The source callback entry point's work. Never fails: an error becomes an event (a failing
/// source callback would only be logged by the chain anyway).
pub fn source_callback(deps: DepsMut, env: Env, msg: IbcSourceCallbackMsg) -> IbcBasicResponse {
    let result = match msg {
        IbcSourceCallbackMsg::Acknowledgement(ack) => match parse_ack::<IgnoredAnyAck>(&ack.acknowledgement.data) {
            AckOutcome::Success(_) => {
                Ok(IbcBasicResponse::new().add_attribute("action", "seize_delivery_acknowledged"))
            }
            AckOutcome::Error(reason) => refunded(deps, &env, &ack.original_packet, &reason),
        },
        IbcSourceCallbackMsg::Timeout(timeout) => refunded(deps, &env, &timeout.packet, "timeout"),
    };
    result.unwrap_or_else(|err| {
        IbcBasicResponse::new().add_attribute("action", "source_callback_error").add_attribute("error", err.to_string())
    })
}

/// Any ack payload (ICS-20's success payload is not ours).
#[derive(Deserialize)]
struct IgnoredAnyAck(#[allow(dead_code)] IgnoredAny);

fn refunded(deps: DepsMut, env: &Env, packet: &IbcPacket, reason: &str) -> ContractResult<IbcBasicResponse> {
    let data: TransferData = from_json(&packet.data)?;
    if data.sender != env.contract.address.as_str() {
        return Ok(IbcBasicResponse::new().add_attribute("action", "ics20_refund_not_ours"));
    }
    let marker = from_json::<DeliveryMemo>(data.memo.as_bytes()).ok().and_then(|m| m.isthmus_seize);
    let Some(marker) = marker else {
        // Not a seize delivery: the coins stay above the books (admin `SweepSurplus`).
        return Ok(IbcBasicResponse::new().add_attribute("action", "ics20_refund_unmatched"));
    };
    let key = (marker.connection_id.as_str(), marker.controller_port.as_str(), marker.seize_id);
    let Some(mut receipt) = SEIZE_RECEIPTS.may_load(deps.storage, key)? else {
        return Ok(IbcBasicResponse::new().add_attribute("action", "ics20_refund_unmatched"));
    };
    if receipt.refunded || data.amount != receipt.amount {
        return Ok(IbcBasicResponse::new()
            .add_attribute("action", "ics20_refund_ignored")
            .add_attribute("seize_id", marker.seize_id.to_string()));
    }
    // Every sum before the first write: this handler reports an error as an event and the
    // chain keeps what it wrote, so a refund must be marked and credited together or not at all.
    let asset_key = receipt.asset.key();
    let claimable = SEIZE_REFUNDS
        .may_load(deps.storage, (&data.receiver, &asset_key))?
        .unwrap_or_default()
        .checked_add(receipt.amount)?;
    let held =
        SEIZE_REFUNDS_HELD.may_load(deps.storage, &asset_key)?.unwrap_or_default().checked_add(receipt.amount)?;
    receipt.refunded = true;
    SEIZE_RECEIPTS.save(deps.storage, key, &receipt)?;
    SEIZE_REFUNDS.save(deps.storage, (&data.receiver, &asset_key), &claimable)?;
    SEIZE_REFUNDS_HELD.save(deps.storage, &asset_key, &held)?;
    Ok(IbcBasicResponse::new()
        .add_attribute("action", "seize_delivery_refunded")
        .add_attribute("seize_id", marker.seize_id.to_string())
        .add_attribute("controller_port", marker.controller_port)
        .add_attribute("receiver", data.receiver)
        .add_attribute("asset", receipt.asset.to_string())
        .add_attribute("amount", receipt.amount)
        .add_attribute("claimable", claimable)
        .add_attribute("reason", reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker() -> SeizeMarker {
        SeizeMarker { connection_id: "connection-0".into(), controller_port: "wasm.c".into(), seize_id: 7 }
    }

    #[test]
    fn the_delivery_memo_adds_the_callback_and_keeps_the_keepers_keys() {
        let vault = Addr::unchecked("vault");
        let ours = r#""src_callback":{"address":"vault"},"isthmus_seize":{"connection_id":"connection-0","controller_port":"wasm.c","seize_id":7}"#;
        assert_eq!(delivery_memo("", &vault, &marker()).unwrap(), format!("{{{ours}}}"));
        assert_eq!(delivery_memo(" {} ", &vault, &marker()).unwrap(), format!("{{{ours}}}"));
        assert_eq!(
            delivery_memo(r#"{"forward":{"receiver":"x"}}"#, &vault, &marker()).unwrap(),
            format!(r#"{{{ours},"forward":{{"receiver":"x"}}}}"#)
        );
        for bad in ["hello", r#"{"src_callback":{"address":"thief"}}"#, r#"{"isthmus_seize":1}"#, "[1]"] {
            assert!(
                matches!(delivery_memo(bad, &vault, &marker()), Err(ContractError::InvalidRecipient { .. })),
                "{bad}"
            );
        }
    }
}
