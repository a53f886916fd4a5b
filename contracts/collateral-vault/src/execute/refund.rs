//! Claiming seized collateral whose ICS-20 delivery was refunded (issue 8, 6(e);
//! `ibc/callback.rs` credits it). The delivery's receiver lives on another chain; it claims
//! here by signing with the same key (same bech32 payload), as Cosmos chains with the same
//! coin type share keys.

use cosmwasm_std::{DepsMut, MessageInfo, Response};
use isthmus_protocol::asset::AssetInfo;

use crate::error::{ContractError, ContractResult};
use crate::payout;
use crate::state::{SEIZE_REFUNDS, SEIZE_REFUNDS_HELD};

fn same_key(a: &str, b: &str) -> bool {
    match (bech32::decode(a), bech32::decode(b)) {
        (Ok((_, x)), Ok((_, y))) => x == y,
        _ => false,
    }
}

pub fn claim_seize_refund(
    deps: DepsMut,
    info: MessageInfo,
    receiver: String,
    asset: AssetInfo,
    recipient: Option<String>,
) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    if !same_key(info.sender.as_str(), &receiver) {
        return Err(ContractError::NotTheReceiver { receiver });
    }
    let recipient = match recipient {
        Some(r) => deps.api.addr_validate(&r)?,
        None => info.sender.clone(),
    };
    let asset_key = asset.key();
    let amount = SEIZE_REFUNDS.may_load(deps.storage, (&receiver, &asset_key))?.unwrap_or_default();
    if amount.is_zero() {
        return Err(ContractError::NoSeizeRefund { receiver, asset: asset.to_string() });
    }
    SEIZE_REFUNDS.remove(deps.storage, (&receiver, &asset_key));
    let held = SEIZE_REFUNDS_HELD.may_load(deps.storage, &asset_key)?.unwrap_or_default().checked_sub(amount)?;
    SEIZE_REFUNDS_HELD.save(deps.storage, &asset_key, &held)?;
    Ok(Response::new()
        .add_message(payout::transfer(&asset, recipient.as_str(), amount)?)
        .add_attribute("action", "claim_seize_refund")
        .add_attribute("receiver", receiver)
        .add_attribute("recipient", recipient)
        .add_attribute("asset", asset.to_string())
        .add_attribute("amount", amount))
}
