use cosmwasm_std::{OverflowError, StdError, Uint128};
use isthmus_protocol::handshake::HandshakeError;
use thiserror::Error;

pub type ContractResult<T> = Result<T, ContractError>;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    /// An integer step on amounts or quantities overflowed: the input is too large for the
    /// engine's integer money, not malformed.
    #[error("integer overflow in {what}")]
    ArithmeticOverflow { what: String },

    #[error(transparent)]
    Handshake(#[from] HandshakeError),

    #[error(transparent)]
    Registry(#[from] isthmus_source_registry::RegistryError),

    #[error(transparent)]
    Conversion(#[from] cosmwasm_std::ConversionOverflowError),

    #[error("unauthorized: {action} needs the {role} role")]
    Unauthorized { action: String, role: Role },

    #[error("{address} is not a valid address on this chain")]
    InvalidAddress { address: String },

    #[error("the engine is paused for new risk")]
    Paused,

    #[error("amount must be greater than zero")]
    ZeroAmount,

    #[error("channel {channel_id} is not an open collateral channel")]
    UnknownChannel { channel_id: String },

    #[error("no replicated position for owner {owner}, asset {asset} on source {source_id}")]
    UnknownPosition { source_id: String, owner: String, asset: String },

    #[error("position belongs to account {actual}, not {expected}")]
    AccountMismatch { expected: String, actual: String },

    #[error("account {account} does not count the collateral of owner {owner} on source {source_id}")]
    OwnerNotCounted { account: String, source_id: String, owner: String },

    #[error("insufficient usable collateral: requested {requested}, usable {usable}")]
    InsufficientUsable { requested: Uint128, usable: Uint128 },

    #[error("withdrawal would leave {available_after} available but {reserved} is reserved for seizes")]
    ReservedCollateral { available_after: Uint128, reserved: Uint128 },

    #[error("account {account} would not meet its initial margin: equity {equity}, required {required}")]
    InitialMarginNotMet { account: String, equity: cosmwasm_std::Int128, required: Uint128 },

    #[error("reservation {reservation_id} already exists")]
    DuplicateReservation { reservation_id: u64 },

    #[error("unknown reservation {reservation_id}")]
    UnknownReservation { reservation_id: u64 },

    #[error(transparent)]
    Pricing(#[from] isthmus_pricing::PricingError),

    #[error(transparent)]
    Payment(#[from] cw_utils::PaymentError),

    #[error("{symbol} has no oracle configuration")]
    UnknownSymbol { symbol: String },

    #[error("no price for {symbol}")]
    NoPrice { symbol: String },

    #[error("price of {symbol} is {age}s old, more than the {max}s allowed")]
    StalePrice { symbol: String, age: u64, max: u64 },

    #[error("no implied volatility for {underlying} expiring {expiry}")]
    NoVol { underlying: String, expiry: u64 },

    #[error("implied volatility of {underlying} expiring {expiry} is {age}s old, more than the {max}s allowed")]
    StaleVol { underlying: String, expiry: u64, age: u64, max: u64 },

    #[error("published at {publish_time}, not newer than the stored {stored}")]
    OutdatedPublish { publish_time: u64, stored: u64 },

    #[error("published at {publish_time}, in the future (now {now})")]
    FuturePublish { publish_time: u64, now: u64 },

    #[error("{symbol} is priced by its oracle (PullPrices), not by feeders")]
    OracleSourced { symbol: String },

    #[error("{symbol} is priced by feeders, it has no oracle to pull")]
    NotOracleSourced { symbol: String },

    #[error("the oracle of {symbol} did not answer: {reason}")]
    OracleUnavailable { symbol: String, reason: String },

    #[error("the oracle price of {symbol} is refused: {reason}")]
    OraclePriceRefused { symbol: String, reason: String },

    #[error("the confidence interval of {symbol} is {conf_bps} bps of its price, more than the {max_bps} bps allowed")]
    ConfidenceTooWide { symbol: String, conf_bps: u128, max_bps: u32 },

    #[error("invalid {field}: {reason}")]
    InvalidInput { field: String, reason: String },

    #[error("unknown series {series_id}")]
    UnknownSeries { series_id: u64 },

    #[error("series {series_id} expired at {expiry}")]
    SeriesExpired { series_id: u64, expiry: u64 },

    #[error("too many live series (max {max})")]
    TooManySeries { max: u32 },

    #[error("too many underlyings with listed series (max {max})")]
    TooManyUnderlyings { max: u32 },

    #[error("the pool's risk on {underlying} must be refreshed before new risk ({reason}): run RefreshPoolRisk")]
    PoolRiskStale { underlying: String, reason: String },

    #[error("a trade has 1 to {max} legs, got {got}")]
    LegCount { max: usize, got: usize },

    #[error("leg quantity must be non-zero and at most {max} contracts in size")]
    LegQuantity { max: u64 },

    #[error("series {series_id} appears in more than one leg")]
    DuplicateLeg { series_id: u64 },

    #[error("open interest cap of series {series_id} exceeded: {requested} > {cap}")]
    OpenInterestCap { series_id: u64, requested: cosmwasm_std::Uint128, cap: cosmwasm_std::Uint128 },

    #[error("closing these legs would leave the account further from safety: equity - MM {before} -> {after}")]
    ClosingIncreasesRisk { before: cosmwasm_std::Int128, after: cosmwasm_std::Int128 },

    #[error("an account counts collateral of at most {max} owners")]
    TooManyOwners { max: u32 },

    #[error("an account holds at most {max} series")]
    TooManyPositions { max: usize },

    #[error("total cost {cost} exceeds the limit {limit}")]
    LimitExceeded { cost: cosmwasm_std::Int128, limit: cosmwasm_std::Int128 },

    #[error("insufficient cash: requested {requested}, cash {cash}")]
    InsufficientCash { requested: Uint128, cash: cosmwasm_std::Int128 },

    #[error("the pool would not meet its margin: NAV {nav}, required {required}")]
    PoolMarginNotMet { nav: cosmwasm_std::Int128, required: Uint128 },

    #[error("the pool's net delta on {underlying} would be {delta} units, beyond the limit of {limit}")]
    PoolExposureLimit { underlying: String, delta: String, limit: String },

    /// The pool pays LPs and traders only out of its free cash: liquid cash less what it owes
    /// as claims (docs/solvency.md, rules 2 and 8).
    #[error(
        "the pool's free cash {free} cannot pay {requested}: the rest of its cash is debt owed to it or owed to claims"
    )]
    PoolIlliquid { requested: Uint128, free: cosmwasm_std::Int128 },

    #[error(transparent)]
    MultiplyRatio(#[from] cosmwasm_std::CheckedMultiplyRatioError),

    #[error("unknown pool request {request_id}")]
    UnknownPoolRequest { request_id: u64 },

    #[error("pool request {request_id} completes from {ready_at}")]
    NoticeNotOver { request_id: u64, ready_at: u64 },

    #[error("pool has no value to issue shares against")]
    PoolInsolvent,

    #[error("insufficient pool shares: requested {requested}, held {held}")]
    InsufficientShares { requested: Uint128, held: Uint128 },

    #[error("settlement price of {underlying} {expiry} is already set")]
    AlreadySettled { underlying: String, expiry: u64 },

    #[error("fallback settlement is allowed from {allowed_from}")]
    FallbackTooEarly { allowed_from: u64 },

    #[error("account {account} is not liquidatable: equity {equity} >= maintenance margin {maintenance}")]
    NotLiquidatable { account: String, equity: cosmwasm_std::Int128, maintenance: Uint128 },

    #[error("account {account} has no positions to close; its debt is recovered from collateral")]
    NothingToLiquidate { account: String },

    #[error("account {account} has no debt")]
    NoDebt { account: String },

    #[error("account {account} still has positions, usable collateral or seizes in flight")]
    DebtStillCovered { account: String },

    #[error("repayment {repay} exceeds the debt {debt}")]
    RepayExceedsDebt { repay: Uint128, debt: Uint128 },

    #[error("a repayment of {repay} buys less than one base unit of collateral")]
    RepayTooSmall { repay: Uint128 },

    #[error("the collateral to seize ({amount}) exceeds what is usable ({usable}); repay less")]
    SeizeExceedsUsable { amount: Uint128, usable: Uint128 },

    #[error("reservation {reservation_id} belongs to the current controller, which settles it")]
    ReservationOfCurrentController { reservation_id: u64 },

    #[error("reservation {reservation_id} can be expired from {expires_at} (unix seconds)")]
    ReservationNotExpired { reservation_id: u64, expires_at: u64 },

    #[error("source {source_id} has replicated positions: a new vault needs a new source id")]
    SourceHasReplicatedPositions { source_id: String },

    #[error("the engine registers at most {max} sources")]
    TooManySources { max: u32 },

    #[error("source {source_id} lists at most {max} collateral assets")]
    TooManyCollateralAssets { source_id: String, max: u32 },

    #[error("max_share must be in (0, 1], got {max_share}")]
    InvalidMaxShare { max_share: cosmwasm_std::Decimal },

    #[error("margin: {0}")]
    Margin(String),

    #[error(transparent)]
    Migration(#[from] isthmus_protocol::version::MigrationRefused),
}

impl ContractError {
    /// A user-supplied account address, checked (an unchecked one could strand funds).
    pub fn validate_address(api: &dyn cosmwasm_std::Api, address: &str) -> ContractResult<String> {
        api.addr_validate(address)
            .map(|a| a.to_string())
            .map_err(|_| ContractError::InvalidAddress { address: address.to_string() })
    }

    pub fn overflow(what: &str) -> Self {
        ContractError::ArithmeticOverflow { what: what.to_string() }
    }

    pub fn unauthorized(action: &str, role: Role) -> Self {
        ContractError::Unauthorized { action: action.to_string(), role }
    }
}

/// Who may take an action the engine refuses to a sender (docs/protocol.md §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Owner,
    RiskManager,
    /// The guardian may pause; only the owner may unpause.
    GuardianOrOwner,
    PriceFeeder,
    VolFeeder,
    Controller,
    /// The LP who made a pool request.
    RequestingLp,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Owner => "owner",
            Role::RiskManager => "risk manager",
            Role::GuardianOrOwner => "guardian or owner",
            Role::PriceFeeder => "price feeder",
            Role::VolFeeder => "vol feeder",
            Role::Controller => "controller",
            Role::RequestingLp => "requesting LP",
        })
    }
}
