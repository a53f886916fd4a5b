//! Payouts run as sub-messages whose failure is caught, so a broken token or a refused
//! ICS-20 transfer never aborts an IBC handler. wasmd keeps the parent's writes when a
//! `reply_on_error` sub-message fails, so the undo below is done by hand.

use cosmwasm_std::{from_json, DepsMut, Env, Reply, Response};
use isthmus_protocol::ack::ack_error;
use isthmus_protocol::asset::AssetInfo;
use serde::{Deserialize, Serialize};

use crate::book::{self, Change};
use crate::error::{ContractError, ContractResult};
use crate::replication;
use crate::state::WITHDRAWAL_RECORDS;
use isthmus_protocol::vault::WithdrawalStatus;

/// Seize delivery failed: restore the position and turn the packet's ack into an error.
pub const REPLY_SEIZE_DELIVERY: u64 = 1;
/// An approved withdrawal could not be paid: restore the position and tell the engine.
pub const REPLY_WITHDRAW_PAYOUT: u64 = 2;

/// What to put back if a payout fails; travels as the sub-message payload.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct PayoutUndo {
    pub owner: String,
    pub asset: AssetInfo,
    pub amount: cosmwasm_std::Uint128,
    pub reason: String,
    /// The withdrawal whose payout this is (its record then says the payout failed).
    #[serde(default)]
    pub withdrawal: Option<u64>,
}

pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> ContractResult<Response> {
    if msg.id != REPLY_SEIZE_DELIVERY && msg.id != REPLY_WITHDRAW_PAYOUT {
        return Err(ContractError::UnknownReply { id: msg.id });
    }
    let error = match &msg.result {
        cosmwasm_std::SubMsgResult::Err(e) => e.clone(),
        // Registered reply_on_error only: success never reaches here.
        cosmwasm_std::SubMsgResult::Ok(_) => return Ok(Response::new()),
    };
    let undo: PayoutUndo = from_json(&msg.payload)?;
    let owner = deps.api.addr_validate(&undo.owner)?;
    let position = book::apply(deps.storage, &owner, &undo.asset, None, Change::PayoutFailed(undo.amount))?;
    let response = Response::new()
        .add_attribute("owner", &undo.owner)
        .add_attribute("asset", undo.asset.to_string())
        .add_attribute("amount", undo.amount)
        .add_attribute("available", position.available)
        .add_attribute("seq", position.seq.to_string())
        .add_attribute("error", &error);
    match msg.id {
        REPLY_SEIZE_DELIVERY => Ok(response
            .add_attribute("action", "seize_delivery_failed")
            // The data of this reply replaces the receive's acknowledgement.
            .set_data(ack_error(format!("{}: delivery failed: {error}", undo.reason)).to_binary())),
        REPLY_WITHDRAW_PAYOUT => {
            // Best effort: the record is for the wallet; failing here would fail the ack's
            // transaction and leave the restored position unsaved.
            if let Some(request_id) = undo.withdrawal {
                if let Ok(Some(mut record)) = WITHDRAWAL_RECORDS.may_load(deps.storage, request_id) {
                    record.status = WithdrawalStatus::PayoutFailed { error: error.clone() };
                    let _ = WITHDRAWAL_RECORDS.save(deps.storage, request_id, &record);
                }
            }
            let mut response = response.add_attribute("action", "withdraw_payout_failed");
            if let Some(update) = replication::update_msg(deps.storage, &env, &position)? {
                response = response.add_message(update);
            }
            Ok(response)
        }
        id => Err(ContractError::UnknownReply { id }),
    }
}
