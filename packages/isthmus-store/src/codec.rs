//! The binary encoding of stored values (docs/storage.md, "Encoding").
//!
//! - unsigned integers (`u32`, `u64`, `u128`, `Uint128`, …): LEB128 varints, seven bits per
//!   byte, low bits first; a decoder refuses an encoding longer than the type allows or with
//!   bits above its width, so every value has exactly one encoding it accepts;
//! - signed integers: zigzag (`0, -1, 1, -2, …` → `0, 1, 2, 3, …`), then a varint;
//! - `Decimal` / `SignedDecimal`: their atomics (18 decimal places) as an integer;
//! - `Timestamp`: nanoseconds as a `u64`;
//! - `bool`, `u8`: one byte (a `bool` other than 0 or 1 is refused);
//! - `String`, `Addr`: a varint length, then UTF-8 bytes (validated);
//! - `()` (the value of a set's entries): one zero byte (storage refuses empty values);
//! - `Option<T>`: 0, or 1 then `T`; `Vec<T>`: a varint count, then the items;
//! - structs: their fields in order, nothing else ([`codec_struct!`]); enums: a tag byte,
//!   then the variant's fields.
//!
//! Nothing is self-describing: a stored type's layout is part of the contract's storage
//! format, and changing it is a storage migration (docs/storage.md, "Changing a layout").

use cosmwasm_std::{Addr, Decimal, Int128, SignedDecimal, StdError, StdResult, Timestamp, Uint128, Uint64};

/// A value that can be stored: written with [`Codec::encode`], read back by [`Codec::decode`].
pub trait Codec: Sized {
    fn encode(&self, out: &mut Vec<u8>);
    fn decode(input: &mut Reader<'_>) -> StdResult<Self>;
}

/// The bytes of a stored value not read yet.
pub struct Reader<'a> {
    rest: &'a [u8],
}

fn corrupt(what: &str) -> StdError {
    StdError::generic_err(format!("corrupt stored value: {what}"))
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    pub fn byte(&mut self) -> StdResult<u8> {
        let (&first, rest) = self.rest.split_first().ok_or_else(|| corrupt("unexpected end"))?;
        self.rest = rest;
        Ok(first)
    }

    pub fn take(&mut self, len: usize) -> StdResult<&'a [u8]> {
        if len > self.rest.len() {
            return Err(corrupt("unexpected end"));
        }
        let (taken, rest) = self.rest.split_at(len);
        self.rest = rest;
        Ok(taken)
    }

    /// An unsigned LEB128 varint of at most `bits` bits.
    fn varint(&mut self, bits: u32) -> StdResult<u128> {
        let mut value: u128 = 0;
        let mut shift: u32 = 0;
        loop {
            let byte = self.byte()?;
            let payload = u128::from(byte & 0x7f);
            // The last byte a `bits`-wide value may use carries `bits - shift` bits.
            if shift >= bits || (bits - shift < 7 && payload >> (bits - shift) != 0) {
                return Err(corrupt("integer out of range"));
            }
            value |= payload << shift;
            if byte & 0x80 == 0 {
                // A continuation that added only zero bits would give a second encoding.
                if byte == 0 && shift > 0 {
                    return Err(corrupt("non-canonical integer"));
                }
                return Ok(value);
            }
            shift += 7;
        }
    }
}

fn put_varint(mut value: u128, out: &mut Vec<u8>) {
    loop {
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

fn zigzag(value: i128) -> u128 {
    ((value << 1) ^ (value >> 127)) as u128
}

fn unzigzag(value: u128) -> i128 {
    ((value >> 1) as i128) ^ -((value & 1) as i128)
}

/// The encoding of `value`.
pub fn encode<V: Codec>(value: &V) -> Vec<u8> {
    let mut out = Vec::with_capacity(32);
    value.encode(&mut out);
    out
}

/// The value encoded in `bytes`, all of them (trailing bytes are refused).
pub fn decode<V: Codec>(bytes: &[u8]) -> StdResult<V> {
    let mut input = Reader::new(bytes);
    let value = V::decode(&mut input)?;
    if !input.is_empty() {
        return Err(corrupt("trailing bytes"));
    }
    Ok(value)
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                put_varint(u128::from(*self), out)
            }
            fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
                // In range by construction: `varint` refuses bits above the width.
                Ok(input.varint(<$t>::BITS)? as $t)
            }
        }
    )*};
}
unsigned!(u16, u32, u64, u128);

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            fn encode(&self, out: &mut Vec<u8>) {
                put_varint(zigzag(i128::from(*self)), out)
            }
            fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
                // A zigzag value of `BITS` bits decodes to a value of the type.
                Ok(unzigzag(input.varint(<$t>::BITS)?) as $t)
            }
        }
    )*};
}
signed!(i32, i64, i128);

impl Codec for u8 {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(*self)
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        input.byte()
    }
}

impl Codec for bool {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self))
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        match input.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(corrupt("bool out of range")),
        }
    }
}

/// The value of a set's entries: one zero byte, since storage refuses empty values.
impl Codec for () {
    fn encode(&self, out: &mut Vec<u8>) {
        out.push(0)
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        match input.byte()? {
            0 => Ok(()),
            _ => Err(corrupt("unit out of range")),
        }
    }
}

impl Codec for Uint128 {
    fn encode(&self, out: &mut Vec<u8>) {
        self.u128().encode(out)
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        u128::decode(input).map(Uint128::new)
    }
}

impl Codec for Uint64 {
    fn encode(&self, out: &mut Vec<u8>) {
        self.u64().encode(out)
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        u64::decode(input).map(Uint64::new)
    }
}

impl Codec for Int128 {
    fn encode(&self, out: &mut Vec<u8>) {
        self.i128().encode(out)
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        i128::decode(input).map(Int128::new)
    }
}

impl Codec for Decimal {
    fn encode(&self, out: &mut Vec<u8>) {
        self.atomics().encode(out)
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        Uint128::decode(input).map(Decimal::new)
    }
}

impl Codec for SignedDecimal {
    fn encode(&self, out: &mut Vec<u8>) {
        self.atomics().encode(out)
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        Int128::decode(input).map(SignedDecimal::new)
    }
}

impl Codec for Timestamp {
    fn encode(&self, out: &mut Vec<u8>) {
        self.nanos().encode(out)
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        u64::decode(input).map(Timestamp::from_nanos)
    }
}

impl Codec for String {
    fn encode(&self, out: &mut Vec<u8>) {
        put_varint(self.len() as u128, out);
        out.extend_from_slice(self.as_bytes());
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        let len = input.varint(u32::BITS)? as usize;
        let bytes = input.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| corrupt("string not UTF-8"))
    }
}

/// Addresses are stored as validated by the contract that saved them.
impl Codec for Addr {
    fn encode(&self, out: &mut Vec<u8>) {
        self.as_str().to_owned().encode(out)
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        String::decode(input).map(Addr::unchecked)
    }
}

impl<T: Codec> Codec for Option<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(value) => {
                out.push(1);
                value.encode(out)
            }
        }
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        match input.byte()? {
            0 => Ok(None),
            1 => T::decode(input).map(Some),
            _ => Err(corrupt("option tag out of range")),
        }
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn encode(&self, out: &mut Vec<u8>) {
        put_varint(self.len() as u128, out);
        for item in self {
            item.encode(out)
        }
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        let len = input.varint(u32::BITS)? as usize;
        // Every item takes at least one byte, except zero-sized ones, which are never stored
        // in lists: a count above the bytes left is corrupt, and cannot make us allocate.
        if len > input.rest.len() {
            return Err(corrupt("list longer than its bytes"));
        }
        (0..len).map(|_| T::decode(input)).collect()
    }
}

impl<A: Codec, B: Codec> Codec for (A, B) {
    fn encode(&self, out: &mut Vec<u8>) {
        self.0.encode(out);
        self.1.encode(out);
    }
    fn decode(input: &mut Reader<'_>) -> StdResult<Self> {
        Ok((A::decode(input)?, B::decode(input)?))
    }
}

/// Implements [`Codec`] for a struct: its fields in the order listed, which must name every
/// field (the struct literal does not compile otherwise). The order is the storage layout.
///
/// ```
/// use isthmus_store::{codec_struct, decode, encode};
/// #[derive(Debug, PartialEq)]
/// struct Point { x: u64, label: String }
/// codec_struct!(Point { x, label });
/// let p = Point { x: 300, label: "a".into() };
/// assert_eq!(encode(&p), vec![0xac, 0x02, 1, b'a']);
/// assert_eq!(decode::<Point>(&encode(&p)).unwrap(), p);
/// ```
#[macro_export]
macro_rules! codec_struct {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl $crate::Codec for $ty {
            fn encode(&self, out: &mut ::std::vec::Vec<u8>) {
                $( $crate::Codec::encode(&self.$field, out); )*
            }
            fn decode(input: &mut $crate::Reader<'_>) -> $crate::StdResult<Self> {
                Ok($ty { $( $field: $crate::Codec::decode(input)?, )* })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn round_trip<V: Codec + PartialEq + std::fmt::Debug>(value: V) {
        let bytes = encode(&value);
        assert_eq!(decode::<V>(&bytes).unwrap(), value, "bytes {bytes:?}");
    }

    #[test]
    fn varints_are_short_and_exact() {
        assert_eq!(encode(&0u64), vec![0]);
        assert_eq!(encode(&127u64), vec![127]);
        assert_eq!(encode(&128u64), vec![0x80, 1]);
        assert_eq!(encode(&u64::MAX).len(), 10);
        assert_eq!(encode(&u128::MAX).len(), 19);
        assert_eq!(encode(&-1i64), vec![1]);
        assert_eq!(encode(&1i64), vec![2]);
        // One USDC (6 decimals) of quote base units takes 3 bytes instead of JSON's 9.
        assert_eq!(encode(&Uint128::new(1_000_000)).len(), 3);
        round_trip(i128::MIN);
        round_trip(i128::MAX);
        round_trip(i64::MIN);
        round_trip(u128::MAX);
    }

    #[test]
    fn refuses_what_it_never_writes() {
        // A u32 wider than 32 bits, a non-canonical zero continuation, a truncated varint.
        assert!(decode::<u32>(&[0xff, 0xff, 0xff, 0xff, 0x1f]).is_err());
        assert!(decode::<u32>(&[0xff, 0xff, 0xff, 0xff, 0x0f]).is_ok());
        assert!(decode::<u64>(&[0x80, 0x00]).is_err());
        assert!(decode::<u64>(&[0x80]).is_err());
        assert!(decode::<u64>(&[0xff; 11]).is_err());
        assert!(decode::<bool>(&[2]).is_err());
        assert!(decode::<Option<u8>>(&[2, 0]).is_err());
        assert!(decode::<String>(&[2, 0xff, 0xfe]).is_err());
        assert!(decode::<String>(&[5, b'a']).is_err());
        assert!(decode::<Vec<u64>>(&[0xff, 0xff, 0x03]).is_err());
        assert!(decode::<u64>(&[1, 2]).is_err(), "trailing bytes");
    }

    proptest! {
        #[test]
        fn every_value_round_trips(
            a in any::<u64>(), b in any::<i64>(), c in any::<u128>(), d in any::<i128>(),
            s in ".{0,40}", v in proptest::collection::vec(any::<(u64, i64)>(), 0..20),
            o in proptest::option::of(any::<u32>()), flag in any::<bool>(),
        ) {
            round_trip(a);
            round_trip(b);
            round_trip(c);
            round_trip(d);
            round_trip(Uint128::new(c));
            round_trip(Int128::new(d));
            round_trip(Decimal::new(Uint128::new(c)));
            round_trip(SignedDecimal::new(Int128::new(d)));
            round_trip(Timestamp::from_nanos(a));
            round_trip(s.clone());
            round_trip(Addr::unchecked(s));
            round_trip(v);
            round_trip(o);
            round_trip(flag);
        }

        /// Decoding never panics, whatever the bytes; what decodes re-encodes to the same bytes
        /// (one encoding per value).
        #[test]
        fn decoding_is_total_and_canonical(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Ok(v) = decode::<Vec<(u64, i64)>>(&bytes) {
                prop_assert_eq!(encode(&v), bytes.clone());
            }
            if let Ok(v) = decode::<(Option<String>, u128)>(&bytes) {
                prop_assert_eq!(encode(&v), bytes.clone());
            }
        }
    }
}
