//! Messages that move assets out of the vault.

use cosmwasm_std::{AnyMsg, BankMsg, Coin, CosmosMsg, Env, Uint128};
use ibc_proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use ibc_proto::ibc::applications::transfer::v1::MsgTransfer;
use isthmus_protocol::asset::AssetInfo;
use prost::Message;

use crate::error::{ContractError, ContractResult};

pub const MSG_TRANSFER_TYPE_URL: &str = "/ibc.applications.transfer.v1.MsgTransfer";

/// Send `amount` of `asset` to `recipient` on this chain.
pub fn transfer(asset: &AssetInfo, recipient: &str, amount: Uint128) -> ContractResult<CosmosMsg> {
    Ok(match asset {
        AssetInfo::Native(denom) => {
            BankMsg::Send { to_address: recipient.to_string(), amount: vec![Coin::new(amount, denom)] }.into()
        }
        // cw20's own typed handle builds the token's message (the token was validated when listed).
        AssetInfo::Cw20(token) => cw20::Cw20Contract(cosmwasm_std::Addr::unchecked(token))
            .call(cw20::Cw20ExecuteMsg::Transfer { recipient: recipient.to_string(), amount })?,
    })
}

/// An ICS-20 `MsgTransfer` of a native asset from the vault, sent as `CosmosMsg::Any`.
pub struct Ics20Transfer<'a> {
    pub channel: &'a str,
    pub receiver: &'a str,
    pub memo: &'a str,
    pub timeout_seconds: u64,
}

pub fn ics20_transfer(
    env: &Env,
    asset: &AssetInfo,
    amount: Uint128,
    transfer: &Ics20Transfer<'_>,
) -> ContractResult<CosmosMsg> {
    let AssetInfo::Native(denom) = asset else {
        return Err(ContractError::InvalidRecipient {
            reason: "only native assets can leave through ICS-20".to_string(),
        });
    };
    let msg = MsgTransfer {
        source_port: "transfer".to_string(),
        source_channel: transfer.channel.to_string(),
        token: Some(ProtoCoin { denom: denom.clone(), amount: amount.to_string() }),
        sender: env.contract.address.to_string(),
        receiver: transfer.receiver.to_string(),
        timeout_height: None,
        timeout_timestamp: env.block.time.plus_seconds(transfer.timeout_seconds).nanos(),
        memo: transfer.memo.to_string(),
    };
    Ok(CosmosMsg::Any(AnyMsg { type_url: MSG_TRANSFER_TYPE_URL.to_string(), value: msg.encode_to_vec().into() }))
}
