use cosmwasm_std::{to_json_binary, Binary, Deps, Order, StdResult};
use cw_storage_plus::Bound;
use isthmus_protocol::controller::{
    ConfigResponse, EngineCall, FailedEngineCallResponse, FailedEngineCallsResponse, FundsResponse, QueryMsg,
    RefundResponse, SeizeResponse, SeizesResponse, SourceResponse, SourcesResponse,
};

use crate::state::{page_limit, seizes, SeizeRecord, CONFIG, FAILED_CALLS, FUNDS, REFUNDS, SOURCES};

fn seize_response(seize_id: u64, s: SeizeRecord) -> SeizeResponse {
    SeizeResponse {
        seize_id,
        keeper: s.keeper,
        account: s.account,
        source_id: s.source_id,
        owner: s.owner,
        asset: s.asset,
        amount: s.amount,
        repay: s.repay,
        recipient: s.recipient,
        status: s.status,
        created_at: s.created_at.seconds(),
    }
}

pub fn query(deps: Deps, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Config {} => {
            let c = CONFIG.load(deps.storage)?;
            to_json_binary(&ConfigResponse {
                owner: c.owner,
                engine: c.engine,
                quote_denom: c.quote_denom,
                seize_timeout_seconds: c.seize_timeout_seconds,
                max_in_flight_per_account: c.max_in_flight_per_account,
                max_in_flight_per_source: c.max_in_flight_per_source,
            })
        }
        QueryMsg::Sources { start_after, limit } => {
            let sources = SOURCES
                .page(deps.storage, start_after.as_deref(), page_limit(limit))?
                .into_iter()
                .map(|(source_id, s)| SourceResponse {
                    source_id,
                    connection_id: s.connection_id,
                    counterparty_port: s.counterparty_port,
                    channel_id: s.channel_id,
                    in_flight: s.state.in_flight,
                })
                .collect();
            to_json_binary(&SourcesResponse { sources })
        }
        QueryMsg::SeizeRecord { seize_id } => {
            to_json_binary(&seize_response(seize_id, seizes().load(deps.storage, seize_id)?))
        }
        QueryMsg::Seizes { account, start_after, limit } => {
            let start = start_after.map(Bound::exclusive);
            let limit = page_limit(limit);
            let items: Vec<(u64, SeizeRecord)> = match account {
                Some(account) => seizes()
                    .idx
                    .account
                    .prefix(account)
                    .range(deps.storage, start, None, Order::Ascending)
                    .take(limit)
                    .collect::<StdResult<_>>()?,
                None => {
                    seizes().range(deps.storage, start, None, Order::Ascending).take(limit).collect::<StdResult<_>>()?
                }
            };
            to_json_binary(&SeizesResponse { seizes: items.into_iter().map(|(id, s)| seize_response(id, s)).collect() })
        }
        QueryMsg::Funds {} => {
            let f = FUNDS.may_load(deps.storage)?.unwrap_or_default();
            to_json_binary(&FundsResponse { escrow: f.escrow, insurance: f.insurance, refunds: f.refunds })
        }
        QueryMsg::FailedEngineCalls { start_after, limit } => {
            let start = start_after.as_ref().map(|(id, call)| Bound::exclusive((*id, call.as_str())));
            let calls = FAILED_CALLS
                .range(deps.storage, start, None, Order::Ascending)
                .take(page_limit(limit))
                .map(|item| {
                    let ((seize_id, name), f) = item?;
                    let call = [EngineCall::RepayDebt, EngineCall::ConsumeReservation, EngineCall::ReleaseReservation]
                        .into_iter()
                        .find(|c| c.as_str() == name)
                        .ok_or_else(|| cosmwasm_std::StdError::generic_err(format!("unknown call {name}")))?;
                    Ok(FailedEngineCallResponse {
                        seize_id,
                        call,
                        funds: f.funds,
                        error: f.error,
                        failed_at: f.failed_at.seconds(),
                    })
                })
                .collect::<StdResult<Vec<_>>>()?;
            to_json_binary(&FailedEngineCallsResponse { calls })
        }
        QueryMsg::Refund { keeper } => {
            let addr = deps.api.addr_validate(&keeper)?;
            let amount = REFUNDS.may_load(deps.storage, &addr)?.unwrap_or_default();
            to_json_binary(&RefundResponse { keeper, amount })
        }
    }
}
