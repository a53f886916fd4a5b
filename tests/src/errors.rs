//! Exact contract errors out of a failed transaction, so that tests assert the variant (with
//! its data) instead of a substring of its text.

/// The error of type `E` that a contract returned inside the failed transaction `err`,
/// wherever the bench's context layers put it. `None` if no layer is an `E`.
pub fn contract_error<E>(err: &anyhow::Error) -> Option<&E>
where
    E: std::error::Error + Send + Sync + 'static,
{
    // The bench boxes entry-point errors that are only `Display` as anyhow messages, which
    // `anyhow::Error::downcast_ref` sees through (context layers included); errors that are
    // `std::error::Error` values further down the chain are found by walking it.
    err.downcast_ref::<E>().or_else(|| err.chain().find_map(|layer| layer.downcast_ref::<E>()))
}

/// Assert that `result` failed with exactly the contract error `expected` (variant and data);
/// panics (failing the test) with the whole error chain otherwise.
pub fn assert_contract_error<T, E>(result: anyhow::Result<T>, expected: E)
where
    T: std::fmt::Debug,
    E: std::error::Error + PartialEq + Send + Sync + 'static,
{
    crate::assert_error(&result.expect_err("the transaction must fail"), expected);
}
