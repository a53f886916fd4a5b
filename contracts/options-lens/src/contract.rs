//! Entry points: instantiate with the engine's address, answer views, migrate.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdError, StdResult};
use isthmus_protocol::lens::{InstantiateMsg, LensResponse, MigrateMsg, QueryMsg};

use crate::engine_storage::EngineStorage;
use crate::state::ENGINE;

pub const CONTRACT_NAME: &str = "crates.io:isthmus-options-lens";
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(deps: DepsMut, _env: Env, _info: MessageInfo, msg: InstantiateMsg) -> StdResult<Response> {
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    let engine = deps.api.addr_validate(&msg.engine)?;
    // An engine answers its config: refuse to point the lens at anything else.
    let _: isthmus_protocol::engine::ConfigResponse = deps
        .querier
        .query_wasm_smart(&engine, &isthmus_protocol::engine::QueryMsg::Config {})
        .map_err(|e| StdError::generic_err(format!("not an options engine: {e}")))?;
    ENGINE.save(deps.storage, &engine)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("contract", CONTRACT_NAME)
        .add_attribute("engine", engine))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    let engine = ENGINE.load(deps.storage)?;
    if let QueryMsg::Lens {} = msg {
        return to_json_binary(&LensResponse { engine });
    }
    let storage = EngineStorage::new(deps.querier, engine);
    let engine_deps = Deps { storage: &storage, api: deps.api, querier: deps.querier };
    options_engine::query::views(engine_deps, env, msg)
}

/// The lens keeps no state but the engine's address: any newer lens code reads it.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> StdResult<Response> {
    isthmus_protocol::version::migrate(deps.storage, CONTRACT_NAME, CONTRACT_VERSION, "0.0.0")?
        .map_err(|refused| StdError::generic_err(refused.to_string()))
}
