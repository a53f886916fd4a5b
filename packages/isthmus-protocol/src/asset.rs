use std::fmt;

use cosmwasm_schema::cw_serde;

/// An asset held by a vault on its source chain.
///
/// On the wire it is `{"native":"uatom"}` or `{"cw20":"<contract>"}`; in storage it is
/// keyed by [`AssetInfo::key`], which is unambiguous because denoms cannot contain `:`
/// before their first character and the prefixes differ.
#[cw_serde]
#[derive(Eq, PartialOrd, Ord, Hash)]
pub enum AssetInfo {
    /// A bank denom on the source chain.
    Native(String),
    /// A cw20 token contract address on the source chain.
    Cw20(String),
}

impl AssetInfo {
    /// Storage key: `native:<denom>` or `cw20:<address>`.
    pub fn key(&self) -> String {
        self.to_string()
    }

    pub fn native(denom: impl Into<String>) -> Self {
        AssetInfo::Native(denom.into())
    }

    pub fn cw20(addr: impl Into<String>) -> Self {
        AssetInfo::Cw20(addr.into())
    }
}

impl fmt::Display for AssetInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssetInfo::Native(denom) => write!(f, "native:{denom}"),
            AssetInfo::Cw20(addr) => write!(f, "cw20:{addr}"),
        }
    }
}
