//! gRPC queries of a bench chain's modules (`QueryRequest::Grpc`), answered by handlers a
//! test registers per path: a stand-in for a chain module the bench does not model (the
//! `x/oracle` of Slinky / Connect, for one). An unregistered path fails as wasmd fails a path
//! outside its accept list.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use anyhow::{anyhow, bail};
use cosmwasm_std::Binary;
use cw_multi_test::error::AnyResult;

/// One path's handler: the request's protobuf bytes in, the response's protobuf bytes out.
pub type GrpcHandler = Arc<dyn Fn(&[u8]) -> AnyResult<Binary> + Send + Sync>;

/// The handlers of a chain, shared between its [`crate::ChainSpec`] (where tests register
/// them) and its `Stargate` module (which calls them).
#[derive(Clone, Default)]
pub struct GrpcRoutes(Arc<RwLock<BTreeMap<String, GrpcHandler>>>);

impl std::fmt::Debug for GrpcRoutes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let paths: Vec<String> = self.0.read().map(|m| m.keys().cloned().collect()).unwrap_or_default();
        f.debug_tuple("GrpcRoutes").field(&paths).finish()
    }
}

impl GrpcRoutes {
    /// Answer gRPC queries on `path` with `handler` (replacing any earlier one).
    pub fn route(&self, path: &str, handler: GrpcHandler) {
        if let Ok(mut routes) = self.0.write() {
            routes.insert(path.to_string(), handler);
        }
    }

    pub fn query(&self, path: &str, data: &[u8]) -> AnyResult<Binary> {
        let handler = self.0.read().map_err(|_| anyhow!("gRPC routes poisoned"))?.get(path).cloned();
        match handler {
            Some(handler) => handler(data),
            None => bail!("path is not allowed on this chain: {path}"),
        }
    }
}
