//! An account's consent to count a source-chain owner's collateral (see `AUTHORIZED_OWNERS`).

use cosmwasm_std::{DepsMut, Env, Int128, MessageInfo, Response, Uint128};

use crate::account_margin::account_margin;
use crate::error::{ContractError, ContractResult};
use crate::market_data::Freshness;
use crate::state::{authorize_owner, load_source, AUTHORIZED_COUNT, AUTHORIZED_OWNERS};

pub fn authorize(deps: DepsMut, info: MessageInfo, source_id: String, owner: String) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    load_source(deps.storage, &source_id)?;
    if owner.is_empty() || owner.len() > 128 {
        return Err(crate::market_data::invalid("owner", "1 to 128 characters"));
    }
    let account = info.sender.to_string();
    authorize_owner(deps.storage, &account, &source_id, &owner)?;
    Ok(Response::new()
        .add_attribute("action", "authorize_owner")
        .add_attribute("account", account)
        .add_attribute("source_id", source_id)
        .add_attribute("owner", owner))
}

pub fn revoke(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    source_id: String,
    owner: String,
) -> ContractResult<Response> {
    cw_utils::nonpayable(&info)?;
    let account = info.sender.to_string();
    if !AUTHORIZED_OWNERS.has(deps.storage, (&account, &source_id, &owner)) {
        return Err(crate::market_data::invalid("owner", "not authorized"));
    }
    AUTHORIZED_OWNERS.remove(deps.storage, (&account, &source_id, &owner));
    let count = AUTHORIZED_COUNT.may_load(deps.storage, &account)?.unwrap_or(0);
    AUTHORIZED_COUNT.save(deps.storage, &account, &count.saturating_sub(1))?;
    // Less collateral is new risk: the account must still meet its initial margin.
    let state = crate::settlement::settled_view(deps.storage, env.block.time.seconds(), &account)?;
    let margin = account_margin(deps.storage, env.block.time.seconds(), &account, &state, Freshness::Strict)?;
    if !margin.meets_initial_margin() {
        return Err(ContractError::InitialMarginNotMet {
            account,
            equity: Int128::new(margin.equity_initial.get()),
            required: Uint128::new(margin.initial_margin.positive_u128()),
        });
    }
    Ok(Response::new()
        .add_attribute("action", "revoke_owner")
        .add_attribute("account", account)
        .add_attribute("source_id", source_id)
        .add_attribute("owner", owner))
}
