//! ICS-20 transfers for the bench: a `MsgTransfer` sent as `CosmosMsg::Any` moves the coins
//! from the sender to an escrow account of the chain (as the transfer module escrows them),
//! so balance checks stay exact. The far side is not credited: the bench has no ICS-20
//! counterparty module, and Isthmus only needs the source-side effect.

use anyhow::{anyhow, bail};
use cosmwasm_std::{Addr, AnyMsg, Api, BankMsg, BlockInfo, Coin, CustomMsg, CustomQuery, Storage, Uint128};
use cw_multi_test::{error::AnyResult, AppResponse, CosmosRouter, Stargate};
use ibc_proto::ibc::applications::transfer::v1::MsgTransfer;
use prost::Message;
use serde::de::DeserializeOwned;

pub const MSG_TRANSFER_TYPE_URL: &str = "/ibc.applications.transfer.v1.MsgTransfer";
/// Account name (turned into an address of the chain's prefix) that holds escrowed coins.
pub const ESCROW_ACCOUNT: &str = "ics20-escrow";
/// The event a `MsgTransfer` emits on the bench; the relayer records each one.
pub const IBC_TRANSFER_EVENT: &str = "ibc_transfer";

pub struct Ics20Escrow;

impl Stargate for Ics20Escrow {
    fn execute_any<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        msg: AnyMsg,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        if msg.type_url != MSG_TRANSFER_TYPE_URL {
            bail!("unsupported Any message {}", msg.type_url);
        }
        let transfer = MsgTransfer::decode(msg.value.as_slice())?;
        if transfer.sender != sender.as_str() {
            bail!("MsgTransfer sender {} is not the signer {}", transfer.sender, sender);
        }
        if !transfer.source_channel.starts_with("channel-") || transfer.receiver.is_empty() {
            bail!("invalid ICS-20 channel or receiver");
        }
        let token = transfer.token.ok_or_else(|| anyhow!("MsgTransfer without token"))?;
        let amount: Uint128 = token.amount.parse()?;
        let escrow = escrow_address(api)?;
        let mut response = router.execute(
            api,
            storage,
            block,
            sender,
            BankMsg::Send { to_address: escrow.to_string(), amount: vec![Coin::new(amount, token.denom.clone())] }
                .into(),
        )?;
        response.events.push(
            cosmwasm_std::Event::new(IBC_TRANSFER_EVENT)
                .add_attribute("channel", transfer.source_channel)
                .add_attribute("sender", transfer.sender)
                .add_attribute("receiver", transfer.receiver)
                .add_attribute("denom", token.denom)
                .add_attribute("amount", amount.to_string())
                .add_attribute("memo", transfer.memo),
        );
        Ok(response)
    }
}

/// The escrow account of a chain whose API is `api`.
pub fn escrow_address(api: &dyn Api) -> AnyResult<Addr> {
    let canonical =
        cosmwasm_std::CanonicalAddr::from(cosmwasm_std::Binary::from(padded_body(ESCROW_ACCOUNT.as_bytes())));
    Ok(api.addr_humanize(&canonical)?)
}

/// A deterministic 32-byte address body made from the account name.
fn padded_body(name: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 32];
    for (i, b) in name.iter().enumerate() {
        out[i % 32] ^= *b;
    }
    out
}
