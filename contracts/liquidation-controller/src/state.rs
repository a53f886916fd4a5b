use cosmwasm_schema::cw_serde;
use cosmwasm_std::Addr;
use cw_storage_plus::{Item, Map};

#[cw_serde]
pub struct Config {
    pub owner: Addr,
    pub engine: Addr,
}

pub const CONFIG: Item<Config> = Item::new("config");

/// A vault the controller may open a seize channel to.
#[cw_serde]
pub struct Source {
    pub connection_id: String,
    pub counterparty_port: String,
    pub channel_id: Option<String>,
}

pub const SOURCES: Map<&str, Source> = Map::new("sources");
pub const SOURCE_BY_COUNTERPARTY: Map<(&str, &str), String> = Map::new("source_by_cp");
pub const CHANNEL_SOURCES: Map<&str, String> = Map::new("channel_sources");
