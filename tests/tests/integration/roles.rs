//! Roles, cw2 versions and migration.

use collateral_vault::error::{ContractError as VaultError, Role as VaultRole};
use cosmwasm_std::Uint128;
use cw_multi_test::Executor;
use isthmus_protocol::asset::AssetInfo;
use isthmus_protocol::{engine, vault};
use isthmus_tests::{assert_error, Suite, SuiteBuilder};
use liquidation_controller::error::{ContractError as ControllerError, Role as ControllerRole};
use options_engine::error::{ContractError as EngineError, Role as EngineRole};

#[test]
fn admin_actions_are_refused_to_others() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let mallory = suite.user("mallory");
    let err = suite
        .vault_execute(
            &mallory,
            &vault::ExecuteMsg::SetAsset(vault::AssetSettings {
                asset: AssetInfo::native("uevil"),
                deposit_cap: Uint128::MAX,
                enabled: true,
            }),
        )
        .unwrap_err();
    assert_error(&err, VaultError::unauthorized("set_asset", VaultRole::Admin));
    let err = suite.vault_execute(&mallory, &vault::ExecuteMsg::SetPaused { paused: true }).unwrap_err();
    assert_error(&err, VaultError::unauthorized("set_paused", VaultRole::GuardianOrAdmin));
    let err = suite.vault_execute(&mallory, &vault::ExecuteMsg::SetPaused { paused: false }).unwrap_err();
    assert_error(&err, VaultError::unauthorized("set_paused", VaultRole::Admin));

    let tm = suite.chains.addr(isthmus_ibc_bench::Side::Target, "mallory");
    let err = suite
        .engine_execute(
            &tm,
            &engine::ExecuteMsg::RegisterSource {
                source_id: "evil".into(),
                connection_id: "connection-0".into(),
                counterparty_port: "wasm.evil".into(),
            },
        )
        .unwrap_err();
    assert_error(&err, EngineError::unauthorized("register_source", EngineRole::Owner));
    let err = suite.engine_execute(&tm, &engine::ExecuteMsg::ReleaseReservation { reservation_id: 1 }).unwrap_err();
    assert_error(&err, EngineError::unauthorized("release_reservation", EngineRole::Controller));
    let err = suite
        .engine_execute(
            &tm,
            &engine::ExecuteMsg::SetCollateralAsset {
                source_id: "cosmoshub".into(),
                asset: Suite::atom(),
                symbol: "ATOM".into(),
                decimals: 6,
                enabled: true,
            },
        )
        .unwrap_err();
    assert_error(&err, EngineError::unauthorized("set_collateral_asset", EngineRole::RiskManager));
}

#[test]
fn controller_configuration_is_the_owners() {
    let mut suite = SuiteBuilder::new().with_controller().build().unwrap();
    let register = isthmus_protocol::controller::ExecuteMsg::RegisterSource {
        source_id: "evil".into(),
        connection_id: "connection-0".into(),
        counterparty_port: "wasm.evil".into(),
    };
    let err = suite.controller_as("mallory", &register, &[]).unwrap_err();
    assert_error(&err, ControllerError::Unauthorized { action: "register_source".into(), role: ControllerRole::Owner });
    let update = isthmus_protocol::controller::ExecuteMsg::UpdateConfig {
        owner: Some(suite.target_user("mallory").to_string()),
        seize_timeout_seconds: None,
        max_in_flight_per_account: None,
        max_in_flight_per_source: None,
    };
    let err = suite.controller_as("mallory", &update, &[]).unwrap_err();
    assert_error(&err, ControllerError::Unauthorized { action: "update_config".into(), role: ControllerRole::Owner });
}

#[test]
fn guardian_pauses_and_only_admin_unpauses_but_approved_withdrawals_still_pay() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", 100).unwrap();
    suite.resolve_all_and_check().unwrap();
    suite.withdraw("alice", Suite::atom(), 40).unwrap();
    let admin = suite.source_admin.clone();
    suite.vault_execute(&admin, &vault::ExecuteMsg::SetPaused { paused: true }).unwrap();
    // New risk is refused...
    let err = suite.deposit_atom("alice", 1).unwrap_err();
    assert!(err.root_cause().to_string().contains("paused"));
    let err = suite.withdraw("alice", Suite::atom(), 1).unwrap_err();
    assert!(err.root_cause().to_string().contains("paused"));
    // ...but the approved withdrawal in flight is paid.
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 60);
    assert_eq!(suite.native_balance(isthmus_ibc_bench::Side::FIRST_SOURCE, &suite.vault, "uatom").unwrap(), 60);
    suite.vault_execute(&admin, &vault::ExecuteMsg::SetPaused { paused: false }).unwrap();
    suite.deposit_atom("alice", 1).unwrap();
    suite.resolve_all_and_check().unwrap();
}

#[test]
fn contracts_store_cw2_versions_and_refuse_foreign_migrations() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    let raw =
        suite.chains.sources[0].chain.wrap().query_wasm_raw(&suite.vault, b"contract_info".to_vec()).unwrap().unwrap();
    let info: cw2::ContractVersion = cosmwasm_std::from_json(raw).unwrap();
    assert_eq!(info.contract, "crates.io:isthmus-collateral-vault");
    assert_eq!(info.version, collateral_vault::contract::CONTRACT_VERSION);

    // Migrating the vault to its own code (same version) is allowed...
    let code_id = suite.chains.sources[0].chain.contract_data(&suite.vault).unwrap().code_id;
    let admin = suite.source_admin.clone();
    let vault_addr = suite.vault.clone();
    suite.chains.sources[0]
        .chain
        .migrate_contract(admin.clone(), vault_addr.clone(), &vault::MigrateMsg {}, code_id)
        .unwrap();
    // ...migrating a foreign contract (a cw20 token) onto the vault code is refused.
    let cw20_code = suite.chains.sources[0].chain.contract_data(&suite.cw20).unwrap().code_id;
    let token = suite.chains.sources[0]
        .chain
        .instantiate_contract(
            cw20_code,
            admin.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Other".into(),
                symbol: "OTH".into(),
                decimals: 6,
                initial_balances: vec![],
                mint: None,
                marketing: None,
            },
            &[],
            "other",
            Some(admin.to_string()),
        )
        .unwrap();
    let err = suite.chains.sources[0].chain.migrate_contract(admin, token, &vault::MigrateMsg {}, code_id).unwrap_err();
    assert!(err.root_cause().to_string().contains("cannot migrate from crates.io:cw20-base"), "{err:#}");
}

#[test]
fn the_admin_sweeps_a_surplus_above_the_books_and_nothing_else() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    suite.deposit_atom("alice", 1_000).unwrap();
    suite.resolve_all_and_check().unwrap();
    let admin = suite.source_admin.clone();
    let treasury = suite.user("treasury");
    let sweep = vault::ExecuteMsg::SweepSurplus { asset: Suite::atom(), recipient: treasury.to_string() };
    // Nothing above the books yet.
    let err = suite.vault_execute(&admin, &sweep).unwrap_err();
    assert!(err.root_cause().to_string().contains("greater than zero"), "{err}");
    // An ICS-20 refund (simulated: coins arrive with no record) breaks invariant 1...
    suite.chains.sources[0]
        .chain
        .sudo(cw_multi_test::SudoMsg::Bank(cw_multi_test::BankSudo::Mint {
            to_address: suite.vault.to_string(),
            amount: vec![cosmwasm_std::coin(250, "uatom")],
        }))
        .unwrap();
    assert!(suite.check_vault_conservation().is_err());
    // ...only the admin can sweep it, and only the surplus leaves.
    let mallory = suite.user("mallory");
    assert!(suite.vault_execute(&mallory, &sweep).is_err());
    suite.vault_execute(&admin, &sweep).unwrap();
    suite.resolve_all_and_check().unwrap();
    assert_eq!(suite.native_balance(isthmus_ibc_bench::Side::FIRST_SOURCE, &treasury, "uatom").unwrap(), 250);
    assert_eq!(suite.vault_position("alice", &Suite::atom()).unwrap().available.u128(), 1_000);
}
