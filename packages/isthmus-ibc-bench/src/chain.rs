use cosmwasm_std::{testing::MockStorage, Empty};
use cosmwasm_std::{BlockInfo, Timestamp};
use cw_multi_test::{
    App, AppBuilder, DistributionKeeper, FailingModule, GovFailingModule, MockApiBech32, StakeKeeper, WasmKeeper,
};

use crate::bank::{Denylist, DenylistBank};
use crate::grpc::GrpcRoutes;
use crate::ics20::TransferModule;
use cw_multi_test::ibc::IbcSimpleModule;

/// One simulated chain: bech32 addresses, IBC, and an ICS-20 transfer module (`ics20.rs`).
pub type Chain = App<
    DenylistBank,
    MockApiBech32,
    MockStorage,
    FailingModule<Empty, Empty, Empty>,
    WasmKeeper<Empty, Empty>,
    StakeKeeper,
    DistributionKeeper,
    IbcSimpleModule,
    GovFailingModule,
    TransferModule,
>;

/// One chain of the bench: the target chain, or the `i`-th source chain (0-based, in the
/// order the bench was built with).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// Where collateral lives (vaults).
    Source(usize),
    /// Where the engine and controller live.
    Target,
}

impl Side {
    /// The first source chain: the only one of a single-source bench.
    pub const FIRST_SOURCE: Side = Side::Source(0);

    /// The index of a source chain, `None` for the target.
    pub fn source_index(self) -> Option<usize> {
        match self {
            Side::Source(i) => Some(i),
            Side::Target => None,
        }
    }
}

/// What distinguishes a chain.
#[derive(Debug, Clone)]
pub struct ChainSpec {
    pub chain_id: String,
    pub bech32_prefix: &'static str,
    pub block_time_seconds: u64,
    pub genesis_time: Timestamp,
    /// Handlers of the chain's gRPC queries (shared with the built chain).
    pub grpc: GrpcRoutes,
}

impl ChainSpec {
    pub fn new(chain_id: &str, bech32_prefix: &'static str, block_time_seconds: u64) -> Self {
        ChainSpec {
            chain_id: chain_id.to_string(),
            bech32_prefix,
            block_time_seconds,
            genesis_time: Timestamp::from_seconds(1_767_225_600), // 2026-01-01T00:00:00Z
            grpc: GrpcRoutes::default(),
        }
    }

    pub fn build(&self) -> Chain {
        self.build_with_denylist(Denylist::default())
    }

    /// The chain, whose bank refuses sends to or from the addresses in `denylist`.
    pub fn build_with_denylist(&self, denylist: Denylist) -> Chain {
        AppBuilder::new()
            .with_api(MockApiBech32::new(self.bech32_prefix))
            .with_bank(DenylistBank::new(denylist))
            .with_stargate(TransferModule { grpc: self.grpc.clone() })
            .with_block(BlockInfo { height: 1, time: self.genesis_time, chain_id: self.chain_id.clone() })
            .build(|_, _, _| {})
    }
}
