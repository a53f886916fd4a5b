//! Deposits of native coins and cw20 tokens (docs/protocol.md §2): anyone may deposit for an
//! owner-account pair; the owner's first deposit binds the account.

use cosmwasm_std::{from_json, Addr, DepsMut, Env, MessageInfo, Response, Uint128};
use cw20::Cw20ReceiveMsg;
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::vault::Cw20HookMsg;

use crate::book::{self, Change};
use crate::error::{ContractError, ContractResult};
use crate::replication;
use crate::state::{engine_channel, load_asset, ASSETS, BINDINGS, CONFIG};

pub fn deposit_native(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    account: String,
    owner: Option<String>,
) -> ContractResult<Response> {
    let coin = cw_utils::one_coin(&info)?;
    let owner = match owner {
        Some(o) => deps.api.addr_validate(&o)?,
        None => info.sender.clone(),
    };
    deposit(deps, env, &info.sender, owner, account, AssetInfo::Native(coin.denom), coin.amount)
}

pub fn receive_cw20(deps: DepsMut, env: Env, info: MessageInfo, msg: Cw20ReceiveMsg) -> ContractResult<Response> {
    // The sender of the hook is the token contract; only accepted tokens may call it.
    let asset = AssetInfo::Cw20(info.sender.to_string());
    if !ASSETS.has(deps.storage, &asset.key()) {
        return Err(ContractError::UnacceptedCw20 { sender: info.sender.to_string() });
    }
    let Cw20HookMsg::Deposit { account, owner } = from_json(&msg.msg)?;
    let depositor = deps.api.addr_validate(&msg.sender)?;
    let owner = match owner {
        Some(o) => deps.api.addr_validate(&o)?,
        None => depositor.clone(),
    };
    deposit(deps, env, &depositor, owner, account, asset, msg.amount)
}

fn deposit(
    deps: DepsMut,
    env: Env,
    depositor: &Addr,
    owner: Addr,
    account: String,
    asset: AssetInfo,
    amount: Uint128,
) -> ContractResult<Response> {
    if CONFIG.load(deps.storage)?.paused {
        return Err(ContractError::Paused);
    }
    if amount.is_zero() {
        return Err(ContractError::ZeroAmount);
    }
    let state = load_asset(deps.storage, &asset)?;
    if !state.settings.enabled {
        return Err(ContractError::AssetDisabled { asset: asset.to_string() });
    }
    let held_after = state.total.checked_add(amount)?;
    if held_after > state.settings.deposit_cap {
        return Err(ContractError::DepositCapExceeded {
            asset: asset.to_string(),
            amount,
            held: state.total,
            cap: state.settings.deposit_cap,
        });
    }
    // Collateral the engine cannot learn about would sit idle: refuse instead.
    let channel = engine_channel(deps.storage)?;
    // Anyone may deposit for an owner-account pair, but only the owner chooses the account:
    // a third party can add to an existing binding, never create or change one (otherwise it
    // could squat an owner's binding with dust it controls).
    if *depositor != owner {
        match BINDINGS.may_load(deps.storage, &owner)? {
            Some(b) if b.account == account => {}
            _ => return Err(ContractError::BindingByOwnerOnly { owner: owner.to_string() }),
        }
    }

    let position = book::apply(deps.storage, &owner, &asset, Some(&account), Change::Deposit(amount))?;
    let packet = replication::send(deps.storage, &env, &channel, &replication::update_packet(&position))?;

    Ok(Response::new()
        .add_message(packet)
        .add_attribute("action", "deposit")
        .add_attribute("depositor", depositor)
        .add_attribute("owner", owner)
        .add_attribute("account", position.account)
        .add_attribute("asset", asset.to_string())
        .add_attribute("amount", amount)
        .add_attribute("available", position.available)
        .add_attribute("seq", position.seq.to_string()))
}
