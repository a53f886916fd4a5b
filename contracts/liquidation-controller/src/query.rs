use cosmwasm_std::{to_json_binary, Binary, Deps, Order, StdResult};
use cw_storage_plus::Bound;
use isthmus_protocol::controller::{ConfigResponse, QueryMsg, SourceResponse, SourcesResponse};

use crate::state::{CONFIG, SOURCES};

const DEFAULT_LIMIT: u32 = 10;
const MAX_LIMIT: u32 = 30;

pub fn query(deps: Deps, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Config {} => {
            let c = CONFIG.load(deps.storage)?;
            to_json_binary(&ConfigResponse { owner: c.owner, engine: c.engine })
        }
        QueryMsg::Sources { start_after, limit } => {
            let limit = limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize;
            let sources = SOURCES
                .range(deps.storage, start_after.as_deref().map(Bound::exclusive), None, Order::Ascending)
                .take(limit)
                .map(|item| {
                    item.map(|(source_id, s)| SourceResponse {
                        source_id,
                        connection_id: s.connection_id,
                        counterparty_port: s.counterparty_port,
                        channel_id: s.channel_id,
                    })
                })
                .collect::<StdResult<_>>()?;
            to_json_binary(&SourcesResponse { sources })
        }
    }
}
