//! ICS-20 for the bench: each chain's transfer module on port `transfer`, modelled on ibc-go v11
//! (`modules/apps/transfer`).
//!
//! * Sending: a `MsgTransfer` sent as `CosmosMsg::Any` (the [`TransferModule`] `Stargate`
//!   handler) is checked as ibc-go checks it, needs an open transfer channel with that id
//!   (none: `counterparty not found`, as v11 then tries the id as an IBC v2 client), escrows the
//!   coins in the channel's escrow account ([`escrow_address`]) and sends the
//!   `FungibleTokenPacketData` as a packet on the channel, which the bench's relayer carries
//!   like any other.
//! * Receiving (cw-multi-test routes port `transfer` to the bank module, whose IBC hooks call
//!   [`on_recv`] and the others): the voucher `ibc/<SHA-256 of "transfer/<channel>/<denom>">`
//!   is minted to the transfer module account and sent to the receiver; a refusal (bad
//!   receiver, a bank that refuses it) changes nothing and writes ibc-go's redacted error
//!   acknowledgement.
//! * Back on the sender: a success ack leaves the coins in escrow; an error ack or a timeout
//!   refunds the sender from the escrow; then the sender's IBC source callback runs if the memo
//!   asks for one (`{"src_callback":{...}}`; cw-multi-test runs it for acks, [`on_timeout`]
//!   for timeouts).
//!
//! Not modelled (a transaction that needs them fails loudly): a voucher travelling back to its
//! origin (unescrow) or onwards (burn), and `IbcMsg::Transfer` (cw-multi-test's own transfer,
//! with another escrow and denom scheme; Isthmus sends `MsgTransfer`).

use anyhow::{anyhow, bail};
use cosmwasm_std::{
    from_json, Addr, AnyMsg, Api, BankMsg, Binary, BlockInfo, CanonicalAddr, Coin, CustomMsg, CustomQuery, Event,
    Ibc3ChannelOpenResponse, IbcChannel, IbcChannelCloseMsg, IbcChannelConnectMsg, IbcChannelOpenMsg,
    IbcChannelOpenResponse, IbcOrder, IbcPacket, IbcPacketAckMsg, IbcPacketReceiveMsg, IbcPacketTimeoutMsg,
    IbcSourceCallbackMsg, IbcTimeout, IbcTimeoutBlock, IbcTimeoutCallbackMsg, StdAck, Storage, Timestamp, Uint128,
};
use cw_multi_test::ibc::memo::callback::parse_ics20_memo_callback;
use cw_multi_test::ibc::types::{AppIbcBasicResponse, AppIbcReceiveResponse, IbcResponse};
use cw_multi_test::ibc::IbcPacketRelayingMsg;
use cw_multi_test::{error::AnyResult, AppResponse, BankSudo, CosmosRouter, Stargate, SudoMsg};
use ibc_proto::ibc::applications::transfer::v1::{MsgTransfer, MsgTransferResponse};
use prost::Message;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::abci::AbciError;
use crate::grpc::GrpcRoutes;

pub const MSG_TRANSFER_TYPE_URL: &str = "/ibc.applications.transfer.v1.MsgTransfer";
/// The transfer module's port on every chain.
pub const PORT: &str = "transfer";
/// The only ICS-20 version ibc-go v11 opens channels with.
pub const VERSION: &str = "ics20-1";
/// ibc-go's event of a `MsgTransfer` (`types.EventTypeTransfer`).
pub const IBC_TRANSFER_EVENT: &str = "ibc_transfer";
/// ibc-go's event of a received, acknowledged packet (`types.EventTypePacket`).
pub const PACKET_EVENT: &str = "fungible_token_packet";
/// ibc-go's event of a timed-out transfer (`types.EventTypeTimeout`).
pub const TIMEOUT_EVENT: &str = "timeout";
/// ibc-go's limits (`types.MaximumReceiverLength`, `types.MaximumMemoLength`).
pub const MAX_RECEIVER_LENGTH: usize = 2048;
pub const MAX_MEMO_LENGTH: usize = 32768;

/// `FungibleTokenPacketData` (ICS-20 v1) as ibc-go serializes it: Go's `json.Marshal` of the
/// struct, fields in declaration order, `memo` left out when empty.
#[derive(Serialize, Deserialize, Debug, Clone, Default, PartialEq, Eq)]
pub struct FungibleTokenPacketData {
    /// The denom's full path on the sending chain (a native denom: just the denom).
    pub denom: String,
    pub amount: String,
    pub sender: String,
    pub receiver: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub memo: String,
}

impl FungibleTokenPacketData {
    /// The packet's bytes.
    pub fn to_bytes(&self) -> AnyResult<Binary> {
        Ok(Binary::from(serde_json::to_vec(self)?))
    }
}

/// The `Stargate` handler of a bench chain: `MsgTransfer`, and the gRPC queries a test
/// routes (`grpc.rs`).
pub struct TransferModule {
    pub grpc: GrpcRoutes,
}

impl Stargate for TransferModule {
    fn query_grpc(
        &self,
        _api: &dyn Api,
        _storage: &dyn Storage,
        _querier: &dyn cosmwasm_std::Querier,
        _block: &BlockInfo,
        request: cosmwasm_std::GrpcQuery,
    ) -> AnyResult<Binary> {
        self.grpc.query(&request.path, request.data.as_slice())
    }

    fn execute_any<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        msg: AnyMsg,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        if msg.type_url != MSG_TRANSFER_TYPE_URL {
            bail!("unsupported Any message {}", msg.type_url);
        }
        let transfer = MsgTransfer::decode(msg.value.as_slice())?;
        send_transfer(api, storage, router, block, &sender, transfer)
    }
}

/// `MsgTransfer` as ibc-go v11's msg server runs it: `ValidateBasic`, the channel lookup, the
/// escrow, `SendPacket`.
fn send_transfer<ExecC, QueryC>(
    api: &dyn Api,
    storage: &mut dyn Storage,
    router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
    block: &BlockInfo,
    signer: &Addr,
    msg: MsgTransfer,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    validate_identifier("source port", &msg.source_port, 2, 128)?;
    validate_identifier("source channel", &msg.source_channel, 8, 64)?;
    let token = msg.token.clone().ok_or_else(|| AbciError::invalid_coins("0"))?;
    let amount: Uint128 = token.amount.parse().map_err(|_| AbciError::invalid_coins(&token.amount))?;
    if amount.is_zero() || token.denom.trim().is_empty() {
        return Err(AbciError::invalid_coins(format!("{}{}", token.amount, token.denom)).into());
    }
    if msg.sender.trim().is_empty() {
        return Err(AbciError::invalid_address("missing sender address").into());
    }
    if msg.receiver.trim().is_empty() {
        return Err(AbciError::invalid_address("missing recipient address").into());
    }
    if msg.receiver.len() > MAX_RECEIVER_LENGTH {
        return Err(AbciError::invalid_address(format!(
            "recipient address must not exceed {MAX_RECEIVER_LENGTH} bytes"
        ))
        .into());
    }
    if msg.memo.len() > MAX_MEMO_LENGTH {
        return Err(AbciError::invalid_memo(format!("memo must not exceed {MAX_MEMO_LENGTH} bytes")).into());
    }
    // wasmd: a contract may only send messages it signs.
    if msg.sender != signer.as_str() {
        return Err(
            AbciError::unauthorized(format!("MsgTransfer sender {} is not the signer {signer}", msg.sender)).into()
        );
    }
    if token.denom.starts_with("ibc/") {
        bail!("the bench's ICS-20 does not model sending a voucher ({}) onwards or back", token.denom);
    }
    // ibc-go v11: no v1 channel with this id -> the id is tried as an IBC v2 client.
    let channel = load_channel(storage, &msg.source_port, &msg.source_channel)?
        .ok_or_else(|| AbciError::counterparty_not_found(&msg.source_channel))?;
    if !channel.open {
        return Err(AbciError::channel_not_open("STATE_CLOSED").into());
    }
    let timeout = packet_timeout(&msg)?;

    let escrow = escrow_address(api, PORT, &msg.source_channel)?;
    let coin = Coin::new(amount, token.denom.clone());
    let mut response = router.execute(
        api,
        storage,
        block,
        signer.clone(),
        BankMsg::Send { to_address: escrow.to_string(), amount: vec![coin] }.into(),
    )?;
    let data = FungibleTokenPacketData {
        denom: token.denom.clone(),
        amount: amount.to_string(),
        sender: msg.sender.clone(),
        receiver: msg.receiver.clone(),
        memo: msg.memo.clone(),
    };
    let sent = router.sudo(
        api,
        storage,
        block,
        SudoMsg::Ibc(IbcPacketRelayingMsg::Send {
            port_id: PORT.to_string(),
            channel_id: msg.source_channel.clone(),
            data: data.to_bytes()?,
            timeout,
        }),
    )?;
    let sequence: u64 = sent
        .events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == "packet_sequence")
        .ok_or_else(|| anyhow!("send_packet without a sequence"))?
        .value
        .parse()?;
    response.events.extend(sent.events);
    response.events.push(
        Event::new(IBC_TRANSFER_EVENT)
            .add_attribute("sender", &data.sender)
            .add_attribute("receiver", &data.receiver)
            .add_attribute("denom", &data.denom)
            .add_attribute("amount", &data.amount)
            .add_attribute("memo", &data.memo),
    );
    response.data = Some(MsgTransferResponse { sequence }.encode_to_vec().into());
    Ok(response)
}

/// ibc-go's `defaultIdentifierValidator`.
fn validate_identifier(what: &str, id: &str, min: usize, max: usize) -> Result<(), AbciError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "._+-#[]<>".contains(c);
    let reason = if id.trim().is_empty() {
        "identifier cannot be blank".to_string()
    } else if id.contains('/') {
        format!("identifier {id} cannot contain separator '/'")
    } else if id.len() < min || id.len() > max {
        format!("identifier {id} has invalid length: {}, must be between {min}-{max} characters", id.len())
    } else if !id.chars().all(allowed) {
        format!(
            "identifier {id} must contain only alphanumeric or the following characters: '.', '_', '+', '-', '#', \
             '[', ']', '<', '>'"
        )
    } else {
        return Ok(());
    };
    Err(AbciError::invalid_identifier(what, id, &reason))
}

/// The packet's timeout from `MsgTransfer`'s height and timestamp (nanoseconds); both zero is
/// refused by `SendPacket`.
fn packet_timeout(msg: &MsgTransfer) -> Result<IbcTimeout, AbciError> {
    let block = msg
        .timeout_height
        .as_ref()
        .filter(|h| h.revision_height > 0)
        .map(|h| IbcTimeoutBlock { revision: h.revision_number, height: h.revision_height });
    let timestamp = (msg.timeout_timestamp > 0).then(|| Timestamp::from_nanos(msg.timeout_timestamp));
    match (block, timestamp) {
        (Some(b), Some(t)) => Ok(IbcTimeout::with_both(b, t)),
        (Some(b), None) => Ok(IbcTimeout::with_block(b)),
        (None, Some(t)) => Ok(IbcTimeout::with_timestamp(t)),
        (None, None) => Err(AbciError::invalid_packet(
            "constructed packet failed basic validation: packet timeout height and packet timeout timestamp \
             cannot both be 0",
        )),
    }
}

/// The escrow account of a channel end (ibc-go's `types.GetEscrowAddress`: the first 20 bytes
/// of SHA-256(`ics20-1` 0x00 `<port>/<channel>`)), in the chain's prefix.
pub fn escrow_address(api: &dyn Api, port: &str, channel: &str) -> AnyResult<Addr> {
    let mut preimage = VERSION.as_bytes().to_vec();
    preimage.push(0);
    preimage.extend_from_slice(format!("{port}/{channel}").as_bytes());
    humanize_hash(api, &preimage)
}

/// A module account's address (the SDK's `authtypes.NewModuleAddress`: SHA-256 of the name,
/// 20 bytes).
pub fn module_address(api: &dyn Api, name: &str) -> AnyResult<Addr> {
    humanize_hash(api, name.as_bytes())
}

fn humanize_hash(api: &dyn Api, preimage: &[u8]) -> AnyResult<Addr> {
    let hash = Sha256::digest(preimage);
    Ok(api.addr_humanize(&CanonicalAddr::from(&hash[..20]))?)
}

/// The voucher denom a chain mints for `denom_path` arriving on its channel end
/// `dest_channel`: ibc-go's `Denom.IBCDenom()`, `ibc/` + upper-case hex SHA-256 of
/// `transfer/<dest_channel>/<denom_path>`.
pub fn voucher_denom(dest_channel: &str, denom_path: &str) -> String {
    format!("ibc/{}", upper_hex(&Sha256::digest(voucher_path(dest_channel, denom_path).as_bytes())))
}

/// The full path of a voucher: `transfer/<dest_channel>/<denom_path>`.
pub fn voucher_path(dest_channel: &str, denom_path: &str) -> String {
    format!("{PORT}/{dest_channel}/{denom_path}")
}

fn upper_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

// ---- the transfer module's records (in the chain's storage, so a failed handshake leaves none) ----

const CHANNEL_KEY: &[u8] = b"bench-ics20/channel/";
const DENOM_KEY: &[u8] = b"bench-ics20/denom/";

/// A transfer channel end the chain's transfer module opened.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct TransferChannel {
    pub counterparty_port: String,
    pub counterparty_channel: String,
    pub open: bool,
}

fn channel_key(port: &str, channel: &str) -> Vec<u8> {
    [CHANNEL_KEY, port.as_bytes(), b"/", channel.as_bytes()].concat()
}

/// The transfer channel end `(port, channel)` of the chain whose storage is `storage`.
pub fn load_channel(storage: &dyn Storage, port: &str, channel: &str) -> AnyResult<Option<TransferChannel>> {
    Ok(storage.get(&channel_key(port, channel)).map(|v| serde_json::from_slice(&v)).transpose()?)
}

fn save_channel(storage: &mut dyn Storage, channel: &IbcChannel, open: bool) -> AnyResult<()> {
    let record = TransferChannel {
        counterparty_port: channel.counterparty_endpoint.port_id.clone(),
        counterparty_channel: channel.counterparty_endpoint.channel_id.clone(),
        open,
    };
    storage.set(&channel_key(&channel.endpoint.port_id, &channel.endpoint.channel_id), &serde_json::to_vec(&record)?);
    Ok(())
}

/// The full path (`transfer/channel-0/uatom`) of voucher `ibc_denom` minted on this chain.
pub fn denom_path(storage: &dyn Storage, ibc_denom: &str) -> Option<String> {
    let hash = ibc_denom.strip_prefix("ibc/")?;
    storage.get(&[DENOM_KEY, hash.as_bytes()].concat()).and_then(|v| String::from_utf8(v).ok())
}

// ---- the IBC module (called from the bank's IBC hooks: cw-multi-test routes `transfer` there) ----

/// `OnChanOpenInit` / `OnChanOpenTry`: UNORDERED, version `ics20-1`, on port `transfer`.
pub fn on_channel_open(request: IbcChannelOpenMsg) -> AnyResult<IbcChannelOpenResponse> {
    let channel = request.channel();
    if channel.endpoint.port_id != PORT {
        bail!(AbciError::new("port", 3, format!("invalid port: {}, expected {PORT}", channel.endpoint.port_id)));
    }
    if channel.order != IbcOrder::Unordered {
        bail!(AbciError::new(
            "channel",
            6,
            format!("expected UNORDERED channel, got {:?}: invalid channel ordering", channel.order)
        ));
    }
    let version = match &request {
        IbcChannelOpenMsg::OpenInit { channel } => &channel.version,
        IbcChannelOpenMsg::OpenTry { counterparty_version, .. } => counterparty_version,
    };
    if !version.is_empty() && version != VERSION {
        bail!(AbciError::new("transfer", 4, format!("invalid version {version}: invalid ICS20 version")));
    }
    Ok(Some(Ibc3ChannelOpenResponse { version: VERSION.to_string() }))
}

/// `OnChanOpenAck` / `OnChanOpenConfirm`: the channel end is OPEN.
pub fn on_channel_connect(storage: &mut dyn Storage, request: IbcChannelConnectMsg) -> AnyResult<AppIbcBasicResponse> {
    save_channel(storage, request.channel(), true)?;
    Ok(AppIbcBasicResponse::default())
}

/// `OnChanCloseInit` is refused (ibc-go: "user cannot close channel"); `OnChanCloseConfirm`
/// closes the end, after which `MsgTransfer` on it fails.
pub fn on_channel_close(storage: &mut dyn Storage, request: IbcChannelCloseMsg) -> AnyResult<AppIbcBasicResponse> {
    match request {
        IbcChannelCloseMsg::CloseInit { .. } => bail!(AbciError::invalid_request("user cannot close channel")),
        IbcChannelCloseMsg::CloseConfirm { channel } => save_channel(storage, &channel, false)?,
    }
    Ok(AppIbcBasicResponse::default())
}

/// `OnRecvPacket`: mint the voucher and send it to the receiver, or refuse with an error
/// acknowledgement and no state change. `denied` is the chain bank's denylist (the error its
/// send to a listed receiver fails with), checked before any write since a refused receive must
/// leave no trace.
pub fn on_recv<ExecC, QueryC>(
    api: &dyn Api,
    storage: &mut dyn Storage,
    router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
    block: &BlockInfo,
    request: IbcPacketReceiveMsg,
    denied: impl Fn(&str) -> Option<AbciError>,
) -> AnyResult<AppIbcReceiveResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let packet = &request.packet;
    let data = from_json::<FungibleTokenPacketData>(&packet.data)
        .map_err(|e| AbciError::invalid_type(format!("cannot unmarshal ICS-20 transfer packet data: {e}")));
    let checked = data.clone().and_then(|data| check_receive(api, &data, &denied).map(|c| (data, c)));
    let (data, (receiver, amount)) = match checked {
        Ok(checked) => checked,
        Err(refusal) => {
            let data = data.unwrap_or_default();
            return Ok(AppIbcReceiveResponse {
                events: vec![packet_event(&data)
                    .add_attribute("success", "false")
                    .add_attribute("error", refusal.log.clone())],
                acknowledgement: Some(StdAck::error(refusal.error_ack_text()).to_binary()),
            });
        }
    };
    if data.denom.starts_with(&format!("{}/{}/", packet.src.port_id, packet.src.channel_id)) {
        bail!("the bench's ICS-20 does not model a voucher ({}) returning to its origin chain", data.denom);
    }

    // All checks passed (no write above): mint to the module account, send to the receiver.
    let path = voucher_path(&packet.dest.channel_id, &data.denom);
    let voucher = voucher_denom(&packet.dest.channel_id, &data.denom);
    let hash = voucher.trim_start_matches("ibc/").to_string();
    storage.set(&[DENOM_KEY, hash.as_bytes()].concat(), path.as_bytes());
    let module = module_address(api, PORT)?;
    let coins = vec![Coin::new(amount, voucher.clone())];
    router.sudo(
        api,
        storage,
        block,
        SudoMsg::Bank(BankSudo::Mint { to_address: module.to_string(), amount: coins.clone() }),
    )?;
    let sent = router.execute(
        api,
        storage,
        block,
        module,
        BankMsg::Send { to_address: receiver.to_string(), amount: coins }.into(),
    )?;
    let mut events = vec![Event::new("denomination").add_attribute("denom_hash", hash).add_attribute("denom", path)];
    events.extend(sent.events);
    events.push(packet_event(&data).add_attribute("success", "true"));
    Ok(AppIbcReceiveResponse { events, acknowledgement: Some(StdAck::success([1u8]).to_binary()) })
}

/// The receive's checks: ibc-go's `ValidateBasic` of the packet data, the receiver's address,
/// the bank's refusal. The receiver and amount, or the refusal.
fn check_receive(
    api: &dyn Api,
    data: &FungibleTokenPacketData,
    denied: &impl Fn(&str) -> Option<AbciError>,
) -> Result<(Addr, Uint128), AbciError> {
    let amount = validate_packet_data(data)
        .map_err(|e| AbciError { log: format!("{}: error validating ICS-20 transfer packet data", e.log), ..e })?;
    let receiver = api
        .addr_validate(&data.receiver)
        .map_err(|_| AbciError::invalid_address(format!("failed to decode receiver address: {}", data.receiver)))?;
    if let Some(refusal) = denied(receiver.as_str()) {
        return Err(AbciError {
            log: format!("failed to send coins to receiver {}: {}", data.receiver, refusal.log),
            ..refusal
        });
    }
    Ok((receiver, amount))
}

/// `FungibleTokenPacketData.ValidateBasic`.
fn validate_packet_data(data: &FungibleTokenPacketData) -> Result<Uint128, AbciError> {
    let amount: Uint128 = data
        .amount
        .parse()
        .map_err(|_| AbciError::invalid_amount(format!("unable to parse transfer amount ({})", data.amount)))?;
    if amount.is_zero() {
        return Err(AbciError::invalid_amount("amount must be strictly positive: got 0"));
    }
    if data.sender.trim().is_empty() {
        return Err(AbciError::invalid_address("sender address cannot be blank"));
    }
    if data.receiver.trim().is_empty() {
        return Err(AbciError::invalid_address("receiver address cannot be blank"));
    }
    if data.denom.trim().is_empty() {
        return Err(AbciError::new(
            "transfer",
            3,
            "base denomination cannot be blank: invalid denomination for cross-chain transfer",
        ));
    }
    Ok(amount)
}

fn packet_event(data: &FungibleTokenPacketData) -> Event {
    Event::new(PACKET_EVENT)
        .add_attribute("sender", &data.sender)
        .add_attribute("receiver", &data.receiver)
        .add_attribute("denom", &data.denom)
        .add_attribute("amount", &data.amount)
        .add_attribute("memo", &data.memo)
}

/// `OnAcknowledgementPacket`: a success leaves the escrow; an error refunds the sender. (The
/// sender's source callback, if asked for, is then run by cw-multi-test's IBC module.)
pub fn on_ack<ExecC, QueryC>(
    api: &dyn Api,
    storage: &mut dyn Storage,
    router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
    block: &BlockInfo,
    request: IbcPacketAckMsg,
) -> AnyResult<AppIbcBasicResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let packet = &request.original_packet;
    let data: FungibleTokenPacketData = from_json(&packet.data)?;
    let ack: StdAck = from_json(&request.acknowledgement.data).map_err(|e| {
        AbciError::new(
            "ibc",
            4,
            format!("cannot unmarshal ICS-20 transfer packet acknowledgement: {e}: unknown request"),
        )
    })?;
    let mut events = vec![packet_event(&data)
        .add_attribute("acknowledgement", String::from_utf8_lossy(request.acknowledgement.data.as_slice()))];
    match ack {
        StdAck::Success(result) => {
            events.push(Event::new(PACKET_EVENT).add_attribute("success", String::from_utf8_lossy(result.as_slice())))
        }
        StdAck::Error(error) => {
            events.extend(refund(api, storage, router, block, packet, &data)?);
            events.push(Event::new(PACKET_EVENT).add_attribute("error", error));
        }
    }
    Ok(AppIbcBasicResponse { events })
}

/// `OnTimeoutPacket`: refund the sender, then run its source callback if the memo asks for one
/// (ibc-go's callbacks middleware does; cw-multi-test's IBC module does so only for acks).
pub fn on_timeout<ExecC, QueryC>(
    api: &dyn Api,
    storage: &mut dyn Storage,
    router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
    block: &BlockInfo,
    request: IbcPacketTimeoutMsg,
) -> AnyResult<AppIbcBasicResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let packet = request.packet.clone();
    let data: FungibleTokenPacketData = from_json(&packet.data)?;
    let mut events = refund(api, storage, router, block, &packet, &data)?;
    events.push(
        Event::new(TIMEOUT_EVENT)
            .add_attribute("refund_receiver", &data.sender)
            .add_attribute("refund_tokens", format!(r#"{{"denom":"{}","amount":"{}"}}"#, data.denom, data.amount))
            .add_attribute("memo", &data.memo),
    );
    if parse_ics20_memo_callback(&packet.data).is_ok() {
        let callback = IbcSourceCallbackMsg::Timeout(IbcTimeoutCallbackMsg::new(packet, request.relayer));
        // As for acks: a failing callback does not fail the timeout (ibc-go logs it).
        if let Ok(IbcResponse::Basic(r)) = router.ibc_source_callback(api, storage, block, callback) {
            events.extend(r.events);
        }
    }
    Ok(AppIbcBasicResponse { events })
}

/// ibc-go's `refundPacketTokens` for a native denom: from the channel's escrow back to the sender.
fn refund<ExecC, QueryC>(
    api: &dyn Api,
    storage: &mut dyn Storage,
    router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
    block: &BlockInfo,
    packet: &IbcPacket,
    data: &FungibleTokenPacketData,
) -> AnyResult<Vec<Event>>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let escrow = escrow_address(api, &packet.src.port_id, &packet.src.channel_id)?;
    let amount: Uint128 = data.amount.parse()?;
    let sender = api.addr_validate(&data.sender)?;
    let response = router.execute(
        api,
        storage,
        block,
        escrow,
        BankMsg::Send { to_address: sender.to_string(), amount: vec![Coin::new(amount, data.denom.clone())] }.into(),
    )?;
    Ok(response.events)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ATOM over Osmosis's `channel-0`, a voucher denom every Cosmos wallet knows.
    #[test]
    fn the_voucher_denom_is_ibc_gos() {
        assert_eq!(
            voucher_denom("channel-0", "uatom"),
            "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2"
        );
    }

    #[test]
    fn packet_data_is_serialized_as_ibc_go_does() {
        let mut data = FungibleTokenPacketData {
            denom: "uatom".into(),
            amount: "5".into(),
            sender: "a".into(),
            receiver: "b".into(),
            memo: String::new(),
        };
        assert_eq!(
            data.to_bytes().unwrap().as_slice(),
            br#"{"denom":"uatom","amount":"5","sender":"a","receiver":"b"}"#
        );
        data.memo = "m".into();
        assert_eq!(
            data.to_bytes().unwrap().as_slice(),
            br#"{"denom":"uatom","amount":"5","sender":"a","receiver":"b","memo":"m"}"#
        );
    }

    #[test]
    fn identifiers_are_checked_as_ibc_go_does() {
        assert!(validate_identifier("source channel", "channel-999", 8, 64).is_ok());
        assert!(validate_identifier("source channel", "not-a-channel", 8, 64).is_ok());
        let err = validate_identifier("source channel", "chan", 8, 64).unwrap_err();
        assert_eq!((err.codespace, err.code), ("host", 2));
        assert!(validate_identifier("source channel", "channel/1", 8, 64).is_err());
    }
}
