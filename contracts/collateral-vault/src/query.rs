use cosmwasm_std::{to_json_binary, Binary, Deps, Env, Order, StdResult};
use cw_storage_plus::Bound;
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::vault::{
    AssetResponse, AssetsResponse, BindingResponse, ChannelResponse, ChannelsResponse, ConfigResponse,
    PendingWithdrawalResponse, PendingWithdrawalsResponse, PositionResponse, PositionsResponse, QueryMsg,
    SeizeRefundResponse, WithdrawalResponse, WithdrawalStatus,
};

use crate::state::{
    load_position, page_limit, position_key, PendingWithdrawal, Position, ASSETS, BINDINGS, CHANNELS, CONFIG,
    CONTROLLER_CHANNEL, ENGINE_CHANNEL, LAST_HEARTBEAT, POSITIONS, POSITIONS_BY_ACCOUNT, SEIZE_REFUNDS, WITHDRAWALS,
    WITHDRAWALS_BY_OWNER, WITHDRAWAL_RECORDS,
};

pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Config {} => to_json_binary(&config(deps)?),
        QueryMsg::Assets { start_after, limit } => to_json_binary(&assets(deps, start_after, limit)?),
        QueryMsg::Position { owner, asset } => to_json_binary(&position(deps, owner, asset)?),
        QueryMsg::PositionsByOwner { owner, start_after, limit } => {
            to_json_binary(&positions_by_owner(deps, owner, start_after, limit)?)
        }
        QueryMsg::PositionsByAccount { account, start_after, limit } => {
            to_json_binary(&positions_by_account(deps, account, start_after, limit)?)
        }
        QueryMsg::Binding { owner } => to_json_binary(&binding(deps, owner)?),
        QueryMsg::PendingWithdrawals { owner, start_after, limit } => {
            to_json_binary(&pending_withdrawals(deps, owner, start_after, limit)?)
        }
        QueryMsg::Channels { start_after, limit } => to_json_binary(&channels(deps, start_after, limit)?),
        QueryMsg::SeizeRefund { receiver, asset } => {
            let amount = SEIZE_REFUNDS.may_load(deps.storage, (&receiver, &asset.key()))?.unwrap_or_default();
            to_json_binary(&SeizeRefundResponse { receiver, asset, amount })
        }
        QueryMsg::Withdrawal { request_id } => to_json_binary(&withdrawal(deps, request_id)?),
    }
}

fn config(deps: Deps) -> StdResult<ConfigResponse> {
    let c = CONFIG.load(deps.storage)?;
    Ok(ConfigResponse {
        admin: c.admin,
        guardian: c.guardian,
        engine: c.engine,
        controller: c.controller,
        packet_timeout_seconds: c.packet_timeout_seconds,
        heartbeat_interval_seconds: c.heartbeat_interval_seconds,
        paused: c.paused,
        engine_channel: ENGINE_CHANNEL.may_load(deps.storage)?,
        controller_channel: CONTROLLER_CHANNEL.may_load(deps.storage)?,
        last_heartbeat: LAST_HEARTBEAT.may_load(deps.storage)?.map(|t| t.seconds()),
    })
}

fn assets(deps: Deps, start_after: Option<AssetInfo>, limit: Option<u32>) -> StdResult<AssetsResponse> {
    let start = start_after.map(|a| a.key());
    let assets = ASSETS
        .range(deps.storage, start.as_deref().map(Bound::exclusive), None, Order::Ascending)
        .take(page_limit(limit))
        .map(|item| item.map(|(_, s)| AssetResponse { settings: s.settings, total: s.total }))
        .collect::<StdResult<_>>()?;
    Ok(AssetsResponse { assets })
}

fn to_response(p: Position) -> PositionResponse {
    PositionResponse {
        owner: p.owner.to_string(),
        account: Some(p.account),
        asset: p.asset,
        available: p.available,
        pending: p.pending,
        seq: p.seq,
    }
}

fn position(deps: Deps, owner: String, asset: AssetInfo) -> StdResult<PositionResponse> {
    let owner = deps.api.addr_validate(&owner)?;
    Ok(match load_position(deps.storage, &position_key(&owner, &asset))? {
        Some(p) => to_response(p),
        None => PositionResponse {
            owner: owner.to_string(),
            account: None,
            asset,
            available: Default::default(),
            pending: Default::default(),
            seq: 0,
        },
    })
}

fn positions_by_owner(
    deps: Deps,
    owner: String,
    start_after: Option<AssetInfo>,
    limit: Option<u32>,
) -> StdResult<PositionsResponse> {
    let owner = deps.api.addr_validate(&owner)?;
    let start_key = start_after.map(|a| a.key());
    let start = start_key.as_deref().map(Bound::exclusive);
    let positions = POSITIONS
        .prefix(&owner)
        .range(deps.storage, start, None, Order::Ascending)
        .take(page_limit(limit))
        .map(|item| item.map(|(_, p)| to_response(p)))
        .collect::<StdResult<_>>()?;
    Ok(PositionsResponse { positions })
}

fn positions_by_account(
    deps: Deps,
    account: String,
    start_after: Option<(String, AssetInfo)>,
    limit: Option<u32>,
) -> StdResult<PositionsResponse> {
    let start_key = match start_after {
        Some((owner, asset)) => Some((deps.api.addr_validate(&owner)?, asset.key())),
        None => None,
    };
    let start = start_key.as_ref().map(|(owner, asset)| Bound::exclusive((owner, asset.as_str())));
    // The index gives each position's key; the position itself is read from the book.
    let positions = POSITIONS_BY_ACCOUNT
        .prefix(account.as_str())
        .keys(deps.storage, start, None, Order::Ascending)
        .take(page_limit(limit))
        .map(|key| {
            let (owner, asset) = key?;
            POSITIONS.load(deps.storage, (&owner, asset.as_str())).map(to_response)
        })
        .collect::<StdResult<_>>()?;
    Ok(PositionsResponse { positions })
}

fn binding(deps: Deps, owner: String) -> StdResult<BindingResponse> {
    let owner = deps.api.addr_validate(&owner)?;
    let binding = BINDINGS.may_load(deps.storage, &owner)?;
    Ok(BindingResponse {
        owner: owner.to_string(),
        account: binding.as_ref().map(|b| b.account.clone()),
        open_positions: binding.map(|b| b.open_positions).unwrap_or(0),
    })
}

fn to_withdrawal(w: PendingWithdrawal) -> PendingWithdrawalResponse {
    PendingWithdrawalResponse {
        request_id: w.request_id,
        owner: w.owner.to_string(),
        asset: w.asset,
        amount: w.amount,
        channel_id: w.channel_id,
        requested_at: w.requested_at.seconds(),
    }
}

fn pending_withdrawals(
    deps: Deps,
    owner: Option<String>,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> StdResult<PendingWithdrawalsResponse> {
    let start = start_after.map(Bound::exclusive);
    let limit = page_limit(limit);
    let withdrawals = match owner {
        Some(owner) => {
            let owner = deps.api.addr_validate(&owner)?;
            WITHDRAWALS_BY_OWNER
                .prefix(&owner)
                .keys(deps.storage, start, None, Order::Ascending)
                .take(limit)
                .map(|request_id| WITHDRAWALS.load(deps.storage, request_id?).map(to_withdrawal))
                .collect::<StdResult<_>>()?
        }
        None => WITHDRAWALS
            .range(deps.storage, start, None, Order::Ascending)
            .take(limit)
            .map(|item| item.map(|(_, w)| to_withdrawal(w)))
            .collect::<StdResult<_>>()?,
    };
    Ok(PendingWithdrawalsResponse { withdrawals })
}

/// A pending request is read from the pending book; a decided one from its record.
fn withdrawal(deps: Deps, request_id: u64) -> StdResult<WithdrawalResponse> {
    if let Some(w) = WITHDRAWALS.may_load(deps.storage, request_id)? {
        return Ok(WithdrawalResponse {
            request_id,
            owner: w.owner.to_string(),
            asset: w.asset,
            amount: w.amount,
            requested_at: w.requested_at.seconds(),
            status: WithdrawalStatus::Pending {},
            decided_at: None,
        });
    }
    let Some(r) = WITHDRAWAL_RECORDS.may_load(deps.storage, request_id)? else {
        return Err(cosmwasm_std::StdError::generic_err(format!("unknown withdrawal request {request_id}")));
    };
    Ok(WithdrawalResponse {
        request_id,
        owner: r.owner.to_string(),
        asset: r.asset,
        amount: r.amount,
        requested_at: r.requested_at.seconds(),
        status: r.status,
        decided_at: Some(r.decided_at.seconds()),
    })
}

fn channels(deps: Deps, start_after: Option<String>, limit: Option<u32>) -> StdResult<ChannelsResponse> {
    let channels = CHANNELS
        .range(deps.storage, start_after.as_deref().map(Bound::exclusive), None, Order::Ascending)
        .take(page_limit(limit))
        .map(|item| {
            item.map(|(channel_id, c)| ChannelResponse {
                channel_id,
                role: c.role,
                connection_id: c.connection_id,
                counterparty_port: c.counterparty_port,
                open: c.open,
            })
        })
        .collect::<StdResult<_>>()?;
    Ok(ChannelsResponse { channels })
}
