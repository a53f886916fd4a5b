//! Compact storage for the Isthmus contracts (docs/storage.md).
//!
//! cw-storage-plus stores every value as JSON: field names, quoted decimal strings and a
//! generated deserializer per type. Each stored byte costs 30 SDK gas to write and 3 to read,
//! and the deserializers are the largest part of a contract's code. This crate keeps
//! cw-storage-plus's *keys* (the same namespaces and key encoding, so raw-key tooling still
//! works) and replaces the *values* with a small binary encoding:
//!
//! - [`Codec`]: how a value is written and read back (varints, length-prefixed strings,
//!   fields in declaration order, see [`codec_struct!`]);
//! - [`Table`] (a map) and [`Cell`] (a single value): the cw-storage-plus `Map`/`Item` API
//!   (`load`, `may_load`, `save`, `update`, `remove`, `has`, `prefix`, `range`, `keys`) over
//!   [`Codec`] values;
//! - [`CachedStorage`]: one read per key per call.

mod cache;
mod codec;
mod table;

pub use cache::CachedStorage;
pub use codec::{decode, encode, Codec, Reader};
/// Re-exported for [`codec_struct!`].
pub use cosmwasm_std::StdResult;
pub use table::{Cell, Table, TablePrefix};
