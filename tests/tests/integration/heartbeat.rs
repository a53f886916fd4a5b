//! Heartbeats keep a source fresh at the engine; anyone may send one, rate-limited.

use isthmus_ibc_bench::Side;
use isthmus_protocol::{engine, vault};
use isthmus_tests::suite::SOURCE_ID;
use isthmus_tests::SuiteBuilder;

fn source(suite: &isthmus_tests::Suite) -> engine::SourceResponse {
    suite
        .chains
        .target
        .wrap()
        .query_wasm_smart(&suite.lens, &isthmus_protocol::lens::QueryMsg::Source { source_id: SOURCE_ID.to_string() })
        .unwrap()
}

#[test]
fn heartbeat_refreshes_staleness_and_is_rate_limited() {
    let mut suite = SuiteBuilder::new().build().unwrap();
    assert_eq!(source(&suite).last_heard, None);
    assert!(!source(&suite).backs_new_risk, "never heard: backs nothing");
    let carol = suite.user("carol");
    suite.vault_execute(&carol, &vault::ExecuteMsg::Heartbeat {}).unwrap();
    let err = suite.vault_execute(&carol, &vault::ExecuteMsg::Heartbeat {}).unwrap_err();
    assert!(err.root_cause().to_string().contains("heartbeat too early"), "{err}");
    suite.relay_all().unwrap();
    let s = source(&suite);
    assert_eq!(s.staleness_seconds, Some(0));
    assert!(s.backs_new_risk);

    // Time passes on both chains; past max staleness (3600 s) the source backs no new risk.
    suite.chains.advance_all(3_601);
    let s = source(&suite);
    assert_eq!(s.staleness_seconds, Some(3_601));
    assert!(!s.backs_new_risk);
    suite.vault_execute(&carol, &vault::ExecuteMsg::Heartbeat {}).unwrap();
    // Held in flight: still stale.
    assert!(!source(&suite).backs_new_risk);
    suite.relay_all().unwrap();
    assert!(source(&suite).backs_new_risk);
    assert_eq!(suite.chains.time(Side::Target).seconds(), source(&suite).last_heard.unwrap());
}
