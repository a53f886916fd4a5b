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
    check_engine(deps.as_ref(), &engine)?;
    ENGINE.save(deps.storage, &engine)?;
    Ok(Response::new()
        .add_attribute("action", "instantiate")
        .add_attribute("contract", CONTRACT_NAME)
        .add_attribute("engine", engine))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, mut env: Env, msg: QueryMsg) -> StdResult<Binary> {
    let engine = ENGINE.load(deps.storage)?;
    if let QueryMsg::Lens {} = msg {
        return to_json_binary(&LensResponse { engine });
    }
    // The views read the storage of one engine version: refuse to read another's (an engine
    // migrated since this lens was built needs the lens of its version).
    check_engine(deps, &engine)?;
    let storage = EngineStorage::new(deps.querier, engine.clone());
    // Each read of the engine is a query: a view reads each key once (docs/storage.md).
    let cached = isthmus_store::CachedStorage::reads(&storage);
    let engine_deps = Deps { storage: &cached, api: deps.api, querier: deps.querier };
    // The views run as the engine would: its address, not the lens's.
    env.contract.address = engine;
    options_engine::query::views(engine_deps, env, msg)
}

/// The contract at `engine` is the options engine whose state this lens's code reads: its cw2
/// name and version are the engine's this lens was built with (one raw read).
fn check_engine(deps: Deps, engine: &cosmwasm_std::Addr) -> StdResult<()> {
    use options_engine::contract::{CONTRACT_NAME as ENGINE_NAME, CONTRACT_VERSION as ENGINE_VERSION};
    let raw = deps.querier.query_wasm_raw(engine, b"contract_info".to_vec())?;
    let version: Option<cw2::ContractVersion> = raw.and_then(|bytes| cosmwasm_std::from_json(bytes).ok());
    match version {
        Some(v) if v.contract == ENGINE_NAME && v.version == ENGINE_VERSION => Ok(()),
        Some(v) => Err(StdError::generic_err(format!(
            "not the engine this lens reads: {} {} (this lens reads {ENGINE_NAME} {ENGINE_VERSION})",
            v.contract, v.version
        ))),
        None => Err(StdError::generic_err(format!("not an options engine: {engine} has no cw2 version"))),
    }
}

/// The lens keeps no state but the engine's address: any newer lens code reads it.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn migrate(deps: DepsMut, _env: Env, _msg: MigrateMsg) -> StdResult<Response> {
    isthmus_protocol::version::migrate(deps.storage, CONTRACT_NAME, CONTRACT_VERSION, "0.0.0")?
        .map_err(|refused| StdError::generic_err(refused.to_string()))
}
