//! The Slinky / Connect `x/oracle` module's `GetPrice` gRPC query, as its protobuf travels.
//!
//! From skip-mev/connect `proto/slinky/oracle/v1/query.proto` and `genesis.proto` (package
//! `slinky.oracle.v1`), `proto/connect/oracle/v2/query.proto` and `genesis.proto` (package
//! `connect.oracle.v2`), and `proto/connect/types/v2/currency_pair.proto`:
//!
//! ```text
//! // v1: GetPriceRequest { slinky.types.v1.CurrencyPair currency_pair = 1; }
//! //     CurrencyPair    { string Base = 1; string Quote = 2; }
//! // v2: GetPriceRequest { string currency_pair = 1; }   // "BASE/QUOTE"
//! // both:
//! GetPriceResponse { QuotePrice price = 1 (nullable); uint64 nonce = 2; uint64 decimals = 3; uint64 id = 4; }
//! QuotePrice { string price = 1 (cosmos.Int); google.protobuf.Timestamp block_timestamp = 2; uint64 block_height = 3; }
//! google.protobuf.Timestamp { int64 seconds = 1; int32 nanos = 2; }
//! ```
//!
//! The value is `price / 10^decimals`, as of the block at `block_timestamp`.

/// gRPC path of Slinky v1's query.
pub const SLINKY_V1_GET_PRICE: &str = "/slinky.oracle.v1.Query/GetPrice";
/// gRPC path of Connect v2's query.
pub const CONNECT_V2_GET_PRICE: &str = "/connect.oracle.v2.Query/GetPrice";

/// `slinky.types.v1.CurrencyPair`.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct CurrencyPairV1 {
    #[prost(string, tag = "1")]
    pub base: String,
    #[prost(string, tag = "2")]
    pub quote: String,
}

/// `slinky.oracle.v1.GetPriceRequest`.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct GetPriceRequestV1 {
    #[prost(message, optional, tag = "1")]
    pub currency_pair: Option<CurrencyPairV1>,
}

/// `connect.oracle.v2.GetPriceRequest`.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct GetPriceRequestV2 {
    #[prost(string, tag = "1")]
    pub currency_pair: String,
}

/// `google.protobuf.Timestamp`.
#[derive(Clone, Copy, PartialEq, Eq, prost::Message)]
pub struct ProtoTimestamp {
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

/// `QuotePrice` (the same in v1 and v2).
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct QuotePrice {
    /// A `cosmos.Int` as decimal digits (possibly signed).
    #[prost(string, tag = "1")]
    pub price: String,
    #[prost(message, optional, tag = "2")]
    pub block_timestamp: Option<ProtoTimestamp>,
    #[prost(uint64, tag = "3")]
    pub block_height: u64,
}

/// `GetPriceResponse` (the same in v1 and v2).
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct GetPriceResponse {
    /// Absent when no price was ever reported for the pair.
    #[prost(message, optional, tag = "1")]
    pub price: Option<QuotePrice>,
    #[prost(uint64, tag = "2")]
    pub nonce: u64,
    #[prost(uint64, tag = "3")]
    pub decimals: u64,
    #[prost(uint64, tag = "4")]
    pub id: u64,
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;

    /// Field numbers and wire types, byte by byte.
    #[test]
    fn encodes_the_proto_wire() {
        let v2 = GetPriceRequestV2 { currency_pair: "ATOM/USD".into() }.encode_to_vec();
        assert_eq!(v2, b"\x0a\x08ATOM/USD");
        let v1 = GetPriceRequestV1 { currency_pair: Some(CurrencyPairV1 { base: "ATOM".into(), quote: "USD".into() }) }
            .encode_to_vec();
        assert_eq!(v1, b"\x0a\x0b\x0a\x04ATOM\x12\x03USD");
        let response = GetPriceResponse {
            price: Some(QuotePrice {
                price: "1234".into(),
                block_timestamp: Some(ProtoTimestamp { seconds: 5, nanos: 6 }),
                block_height: 7,
            }),
            nonce: 8,
            decimals: 9,
            id: 10,
        };
        let bytes = response.encode_to_vec();
        assert_eq!(bytes, b"\x0a\x0e\x0a\x041234\x12\x04\x08\x05\x10\x06\x18\x07\x10\x08\x18\x09\x20\x0a");
        assert_eq!(GetPriceResponse::decode(bytes.as_slice()).unwrap(), response);
    }
}
