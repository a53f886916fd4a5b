//! Entry points: dispatch only.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    Binary, Deps, DepsMut, Env, IbcBasicResponse, IbcChannelCloseMsg, IbcChannelConnectMsg, IbcChannelOpenMsg,
    IbcChannelOpenResponse, IbcPacketAckMsg, IbcPacketReceiveMsg, IbcPacketTimeoutMsg, IbcReceiveResponse, MessageInfo,
    Never, Response, StdResult,
};
use isthmus_protocol::engine::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg};

use isthmus_store::CachedStorage;

use crate::error::ContractResult;
use crate::execute::{
    admin, cash, feeds, liquidate, liquidity, owners, refresh_pool_risk, reservations, series, set_source_cap, settle,
    sources, trade,
};
use crate::ibc;
use crate::state::market::{Quote, QUOTE, RISK};
use crate::state::{Config, CONFIG};

pub const CONTRACT_NAME: &str = "crates.io:isthmus-options-engine";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The oldest engine whose state this code reads: 0.2.0 replaced JSON values with the compact
/// encoding (docs/storage.md); 0.3.0 keys the pool's positions by underlying and keeps its risk
/// at snapshots (docs/pool-risk.md), which an engine of 0.2.x does not have; 0.4.0 adds the
/// claims on the pool to the account and pool values (docs/solvency.md, rule 8); 0.5.0 keeps
/// the accounts' debts (the receivable) in the pool's row and shortens the keys every trade
/// writes (docs/storage.md, "Keys").
pub const OLDEST_READABLE_VERSION: &str = "0.5.0";

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(deps: DepsMut, _env: Env, info: MessageInfo, msg: InstantiateMsg) -> ContractResult<Response> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let owner = match msg.owner {
        Some(o) => deps.api.addr_validate(&o)?,
        None => info.sender,
    };
    let role = |r: Option<String>| -> StdResult<_> {
        match r {
            Some(a) => deps.api.addr_validate(&a),
            None => Ok(owner.clone()),
        }
    };
    let config = Config {
        risk_manager: role(msg.risk_manager)?,
        guardian: role(msg.guardian)?,
        controller: msg.controller.map(|c| deps.api.addr_validate(&c)).transpose()?,
        owner: owner.clone(),
        max_staleness_seconds: msg.max_staleness_seconds,
        paused: false,
        capped_sources: 0,
    };
    CONFIG.save(deps.storage, &config)?;
    if msg.quote_denom.is_empty() || msg.quote_decimals > 18 {
        return Err(crate::market_data::invalid("quote", "denom required, decimals at most 18"));
    }
    series::validate_risk(&msg.risk)?;
    QUOTE.save(deps.storage, &Quote { denom: msg.quote_denom, decimals: msg.quote_decimals })?;
    RISK.save(deps.storage, &msg.risk)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("contract", CONTRACT_NAME)
        .add_attribute("owner", owner))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(deps: DepsMut, env: Env, info: MessageInfo, msg: ExecuteMsg) -> ContractResult<Response> {
    // One read per key per call (docs/storage.md): a trade reads the same market state many times.
    let mut storage = CachedStorage::new(deps.storage);
    let deps = DepsMut { storage: &mut storage, api: deps.api, querier: deps.querier };
    match msg {
        ExecuteMsg::RegisterSource { source_id, connection_id, counterparty_port } => {
            sources::register_source(deps, info, source_id, connection_id, counterparty_port)
        }
        ExecuteMsg::SetCollateralAsset { source_id, asset, symbol, decimals, enabled } => {
            sources::set_collateral_asset(
                deps,
                info,
                sources::AssetListing { source_id, asset, symbol, decimals, enabled },
            )
        }
        ExecuteMsg::SetSourceCap { source_id, max_share, max_value } => {
            set_source_cap::set_source_cap(deps, info, source_id, max_share, max_value)
        }
        ExecuteMsg::ReserveCollateral { reservation_id, account, source_id, owner, asset, amount } => {
            reservations::reserve(
                deps,
                env,
                info,
                reservations::ReserveRequest { reservation_id, account, source_id, owner, asset, amount },
            )
        }
        ExecuteMsg::ConsumeReservation { reservation_id, seq, available } => {
            reservations::settle(deps, env, info, reservation_id, Some((seq, available)))
        }
        ExecuteMsg::ReleaseReservation { reservation_id } => {
            reservations::settle(deps, env, info, reservation_id, None)
        }
        ExecuteMsg::ExpireReservation { reservation_id } => reservations::expire(deps, env, info, reservation_id),
        ExecuteMsg::UpdateConfig { owner, risk_manager, guardian, controller, max_staleness_seconds } => {
            admin::update_config(
                deps,
                info,
                admin::ConfigUpdate { owner, risk_manager, guardian, controller, max_staleness_seconds },
            )
        }
        ExecuteMsg::SetPaused { paused } => admin::set_paused(deps, info, paused),
        ExecuteMsg::SetFeeder { address, price, vol } => feeds::set_feeder(deps, info, address, price, vol),
        ExecuteMsg::ConfigureSymbol(params) => feeds::configure_symbol(deps, info, params),
        ExecuteMsg::SetCollateralRisk { source_id, asset, vol, underlying } => {
            series::set_collateral_risk(deps, info, source_id, asset, vol, underlying)
        }
        ExecuteMsg::PushPrices { prices } => feeds::push_prices(deps, env, info, prices),
        ExecuteMsg::SetPriceSource { symbol, source, max_pull_age_seconds } => {
            feeds::set_price_source(deps, info, symbol, source, max_pull_age_seconds)
        }
        ExecuteMsg::PullPrices { symbols } => feeds::pull_prices(deps, env, info, symbols),
        ExecuteMsg::PushVols { vols } => feeds::push_vols(deps, env, info, vols),
        ExecuteMsg::SetSettlementPrice { underlying, expiry, price } => {
            feeds::set_settlement_price(deps, env, info, underlying, expiry, price)
        }
        ExecuteMsg::ListSeries(params) => series::list_series(deps, env, info, params),
        ExecuteMsg::SetRiskParams(params) => series::set_risk_params(deps, info, params),
        ExecuteMsg::DepositCash {} => cash::deposit_cash(deps, info),
        ExecuteMsg::WithdrawCash { amount } => cash::withdraw_cash(deps, env, info, amount),
        ExecuteMsg::PoolDeposit {} => liquidity::pool_deposit(deps, env, info),
        ExecuteMsg::PoolWithdraw { shares } => liquidity::pool_withdraw(deps, env, info, shares),
        ExecuteMsg::CompletePoolRequest { request_id } => liquidity::complete_pool_request(deps, env, info, request_id),
        ExecuteMsg::CancelPoolRequest { request_id } => liquidity::cancel_pool_request(deps, info, request_id),
        ExecuteMsg::Trade { legs, max_cost } => trade::trade(deps, env, info, legs, max_cost),
        ExecuteMsg::SettleAccount { account } => settle::settle_account_msg(deps, env, account),
        ExecuteMsg::SettleSeries { series_id, limit } => settle::settle_series(deps, env, series_id, limit),
        ExecuteMsg::RefreshPoolRisk { underlying, limit } => {
            refresh_pool_risk::refresh_pool_risk(deps, env, info, underlying, limit)
        }
        ExecuteMsg::AuthorizeOwner { source_id, owner } => owners::authorize(deps, info, source_id, owner),
        ExecuteMsg::RevokeOwner { source_id, owner } => owners::revoke(deps, env, info, source_id, owner),
        ExecuteMsg::Liquidate { account } => liquidate::liquidate(deps, env, info, account),
        ExecuteMsg::RepayDebt { account } => liquidate::repay_debt(deps, env, info, account),
        ExecuteMsg::AbsorbDebt { account } => liquidate::absorb_debt(deps, env, info, account),
    }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    let storage = CachedStorage::reads(deps.storage);
    crate::query::query(Deps { storage: &storage, api: deps.api, querier: deps.querier }, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> ContractResult<Response> {
    Ok(isthmus_protocol::version::migrate(deps.storage, CONTRACT_NAME, CONTRACT_VERSION, OLDEST_READABLE_VERSION)??)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_open(deps: DepsMut, env: Env, msg: IbcChannelOpenMsg) -> ContractResult<IbcChannelOpenResponse> {
    ibc::handshake::channel_open(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_connect(deps: DepsMut, env: Env, msg: IbcChannelConnectMsg) -> ContractResult<IbcBasicResponse> {
    ibc::handshake::channel_connect(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_channel_close(deps: DepsMut, env: Env, msg: IbcChannelCloseMsg) -> ContractResult<IbcBasicResponse> {
    ibc::handshake::channel_close(deps, env, msg)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_receive(deps: DepsMut, env: Env, msg: IbcPacketReceiveMsg) -> Result<IbcReceiveResponse, Never> {
    let mut storage = CachedStorage::new(deps.storage);
    let deps = DepsMut { storage: &mut storage, api: deps.api, querier: deps.querier };
    Ok(ibc::receive::packet_receive(deps, env, msg))
}

/// The engine sends no packets, so there is nothing to settle; never fail regardless.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_ack(_deps: DepsMut, _env: Env, msg: IbcPacketAckMsg) -> Result<IbcBasicResponse, Never> {
    Ok(IbcBasicResponse::new()
        .add_attribute("action", "unexpected_ack")
        .add_attribute("sequence", msg.original_packet.sequence.to_string()))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn ibc_packet_timeout(_deps: DepsMut, _env: Env, msg: IbcPacketTimeoutMsg) -> Result<IbcBasicResponse, Never> {
    Ok(IbcBasicResponse::new()
        .add_attribute("action", "unexpected_timeout")
        .add_attribute("sequence", msg.packet.sequence.to_string()))
}
