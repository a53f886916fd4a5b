//! Messages of the liquidation controller (target chain).
//!
//! This issue gives the controller its identity, roles and channel handshake; the
//! liquidation flows (DESIGN §7) extend these messages.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::Addr;

#[cw_serde]
pub struct InstantiateMsg {
    /// Defaults to the instantiator.
    pub owner: Option<String>,
    /// The options engine whose reservations the controller drives.
    pub engine: String,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Allow (or re-bind) a vault under a stable source id (owner).
    RegisterSource { source_id: String, connection_id: String, counterparty_port: String },
    /// Change owner or engine (owner).
    UpdateConfig { owner: Option<String>, engine: Option<String> },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(SourcesResponse)]
    Sources { start_after: Option<String>, limit: Option<u32> },
}

#[cw_serde]
pub struct ConfigResponse {
    pub owner: Addr,
    pub engine: Addr,
}

#[cw_serde]
pub struct SourceResponse {
    pub source_id: String,
    pub connection_id: String,
    pub counterparty_port: String,
    /// Open seize channel to this source's vault, if any.
    pub channel_id: Option<String>,
}

#[cw_serde]
pub struct SourcesResponse {
    pub sources: Vec<SourceResponse>,
}
