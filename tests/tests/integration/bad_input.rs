//! Bad input gets a clear error and changes nothing.

use cosmwasm_std::{coin, coins, to_json_binary, IbcEndpoint, IbcPacket, IbcTimeout, Uint128};
use cw_multi_test::Executor;
use isthmus_ibc_bench::Side;
use isthmus_protocol::ack::{parse_ack, AckOutcome};
use isthmus_protocol::packet::{CollateralPacket, Received, MAX_NAME_BYTES};
use isthmus_protocol::vault;
use isthmus_tests::suite::{ATOM, INITIAL_NATIVE};
use isthmus_tests::{Suite, SuiteBuilder};

fn root(err: anyhow::Error) -> String {
    err.root_cause().to_string()
}

fn assert_unchanged(suite: &Suite) {
    suite.check_invariants().unwrap();
    assert!(suite.chains.in_flight().is_empty(), "no packet may be sent");
    assert_eq!(suite.native_balance(Side::FIRST_SOURCE, &suite.user("alice"), ATOM).unwrap(), INITIAL_NATIVE);
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().seq, 0);
}

#[test]
fn zero_amounts_are_refused() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let (alice, account) = (suite.user("alice"), suite.account("alice"));
    let err = suite.deposit_native(&alice, &account, None, coin(0, ATOM)).unwrap_err();
    assert!(!root(err).is_empty());
    let err = suite.withdraw("alice", Suite::atom(), 0).unwrap_err();
    assert!(root(err).contains("greater than zero"));
    let err = suite.deposit_cw20("alice", 0).unwrap_err();
    assert!(!root(err).is_empty());
    assert_unchanged(&suite);
}

#[test]
fn unknown_assets_are_refused() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let (alice, account) = (suite.user("alice"), suite.account("alice"));
    let err = suite.deposit_native(&alice, &account, None, coin(10, "uother")).unwrap_err();
    assert!(root(err).contains("native:uother is not accepted"));
    let err = suite.withdraw("alice", cw_asset("uother"), 1).unwrap_err();
    assert!(root(err).contains("not accepted"));
    assert_unchanged(&suite);
}

fn cw_asset(denom: &str) -> isthmus_protocol::asset::AssetInfo {
    isthmus_protocol::asset::AssetInfo::native(denom)
}

#[test]
fn over_cap_deposits_are_refused() {
    let mut suite = SuiteBuilder::new().with_atom_cap(1_000).build().unwrap();
    suite.deposit_atom("bob", 900).unwrap();
    suite.resolve_all_and_check().unwrap();
    let err = suite.deposit_atom("alice", 101).unwrap_err();
    assert!(root(err).contains("would exceed the cap"));
    assert_unchanged(&suite);
    suite.deposit_atom("alice", 100).unwrap();
    suite.resolve_all_and_check().unwrap();
}

#[test]
fn extra_funds_are_refused() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let (alice, vault_addr, account) = (suite.user("alice"), suite.vault.clone(), suite.account("alice"));
    let err = suite
        .chains
        .execute(
            Side::FIRST_SOURCE,
            &alice,
            &vault_addr,
            &vault::ExecuteMsg::Deposit { account, owner: None },
            &[coin(10, ATOM), coin(10, "uother")],
        )
        .unwrap_err();
    assert!(root(err).contains("Sent more than one denomination"));
    suite.deposit_atom("alice", 10).unwrap();
    suite.resolve_all_and_check().unwrap();
    let err = suite
        .chains
        .execute(
            Side::FIRST_SOURCE,
            &alice,
            &vault_addr,
            &vault::ExecuteMsg::Withdraw { asset: Suite::atom(), amount: Uint128::new(1) },
            &coins(5, ATOM),
        )
        .unwrap_err();
    assert!(root(err).contains("accept funds"));
    suite.check_invariants().unwrap();
}

#[test]
fn cw20_from_a_token_not_allowed_is_refused() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let code = suite.chains.sources[0].chain.store_code(isthmus_tests::contracts::cw20_token());
    let alice = suite.user("alice");
    let rogue = suite.chains.sources[0]
        .chain
        .instantiate_contract(
            code,
            alice.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Rogue".into(),
                symbol: "RGE".into(),
                decimals: 6,
                initial_balances: vec![cw20::Cw20Coin { address: alice.to_string(), amount: Uint128::new(1_000) }],
                mint: None,
                marketing: None,
            },
            &[],
            "rogue",
            None,
        )
        .unwrap();
    let account = suite.account("alice");
    let err = suite.send_cw20(&rogue, &alice, &account, 100).unwrap_err();
    assert!(root(err).contains("must come from an accepted token"));
    assert_unchanged(&suite);
}

#[test]
fn withdrawals_by_non_owners_or_beyond_available_are_refused() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", 100).unwrap();
    suite.resolve_all_and_check().unwrap();
    // Bob has no position: he cannot touch alice's.
    let err = suite.withdraw("bob", Suite::atom(), 50).unwrap_err();
    assert!(root(err).contains("no position"));
    let err = suite.withdraw("alice", Suite::atom(), 101).unwrap_err();
    assert!(root(err).contains("insufficient available collateral"));
    suite.check_invariants().unwrap();
    assert!(suite.chains.in_flight().is_empty());
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 100);
}

#[test]
fn empty_account_is_refused() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let alice = suite.user("alice");
    let err = suite.deposit_native(&alice, "", None, coin(5, ATOM)).unwrap_err();
    assert!(root(err).contains("account must not be empty"));
    assert_unchanged(&suite);
}

/// An account name longer than a packet may carry is refused by the vault (collateral bound
/// to it could never be counted or withdrawn), with the exact error, and changes nothing.
#[test]
fn an_account_name_too_long_for_a_packet_is_refused() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let alice = suite.user("alice");
    let long = "a".repeat(MAX_NAME_BYTES + 1);
    let err = suite.deposit_native(&alice, &long, None, coin(5, ATOM)).unwrap_err();
    isthmus_tests::assert_error(&err, collateral_vault::ContractError::AccountTooLong { max: MAX_NAME_BYTES });
    assert_unchanged(&suite);
}

/// A packet naming an account of 70,000 bytes (more than a storage key's two-byte length
/// prefix can hold) is answered with an error ack, not an aborted transaction, and the
/// channel keeps working.
#[test]
fn a_packet_with_an_oversized_name_gets_an_error_ack() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", 100).unwrap();
    suite.resolve_all_and_check().unwrap();
    let before = suite.engine_position("alice", &Suite::atom()).unwrap();
    for (sequence, field, owner, account) in [
        (30_000, "account", suite.user("zed").to_string(), "a".repeat(70_000)),
        (30_001, "owner", "o".repeat(MAX_NAME_BYTES + 1), suite.account("zed")),
    ] {
        let update = to_json_binary(&CollateralPacket::CollateralUpdate {
            owner,
            account,
            asset: Suite::atom(),
            available: Uint128::new(1),
            seq: 1,
        })
        .unwrap();
        let ack = forge_to_engine(&mut suite, update, sequence);
        let AckOutcome::Error(reason) = parse_ack::<Received>(&ack) else { panic!("{field}: must be refused") };
        assert!(reason.contains(field) && reason.contains("256"), "{reason}");
    }
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap(), before);
}

fn forge_to_engine(suite: &mut Suite, data: cosmwasm_std::Binary, sequence: u64) -> cosmwasm_std::Binary {
    let packet = IbcPacket::new(
        data,
        IbcEndpoint { port_id: suite.vault_port(), channel_id: suite.collateral_channel().0.clone() },
        IbcEndpoint { port_id: suite.engine_port(), channel_id: suite.collateral_channel().1.clone() },
        sequence,
        IbcTimeout::with_timestamp(suite.chains.time(Side::Target).plus_seconds(60)),
    );
    suite.chains.forge_receive(Side::Target, packet).unwrap()
}

#[test]
fn malformed_packet_json_gets_an_error_ack_and_changes_nothing_at_the_engine() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", 100).unwrap();
    suite.resolve_all_and_check().unwrap();
    let before = suite.engine_position("alice", &Suite::atom()).unwrap();
    for (i, data) in [
        b"not json".to_vec(),
        br#"{"collateral_update":{"owner":"x"}}"#.to_vec(),
        br#"{"unknown_packet":{}}"#.to_vec(),
        br#"{"collateral_update":{"owner":"o","account":"a","asset":{"native":"uatom"},"available":"-5","seq":9}}"#
            .to_vec(),
    ]
    .into_iter()
    .enumerate()
    {
        let ack = forge_to_engine(&mut suite, data.into(), 10_000 + i as u64);
        assert!(matches!(parse_ack::<Received>(&ack), AckOutcome::Error(_)), "packet {i} must be refused");
    }
    assert_eq!(suite.engine_position("alice", &Suite::atom()).unwrap(), before);
    // A well-formed update on the same channel is applied (the channel still works).
    let update = to_json_binary(&CollateralPacket::CollateralUpdate {
        owner: suite.user("zed").to_string(),
        account: suite.account("zed"),
        asset: Suite::atom(),
        available: Uint128::new(1),
        seq: 1,
    })
    .unwrap();
    let ack = forge_to_engine(&mut suite, update, 20_000);
    assert!(matches!(parse_ack::<Received>(&ack), AckOutcome::Success(_)));
}
