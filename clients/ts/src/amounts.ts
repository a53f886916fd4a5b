// Amounts on the wire are decimal strings of integers in base units (`Uint128`, `Int128`):
// JavaScript numbers lose precision above 2^53, so the SDK does its arithmetic in bigint and
// hands strings back. Ids, quantities and unix seconds (u64/i64 in Rust) are JSON numbers; every
// value the contracts emit for them stays far below 2^53 (docs/integrating.md).

/** Parse an integer amount (`Uint128`/`Int128` string); throws on anything else. */
export function toBigInt(amount: string): bigint {
  if (!/^-?\d+$/.test(amount)) {
    throw new Error(`not an integer amount: ${JSON.stringify(amount)}`);
  }
  return BigInt(amount);
}

/** `ceil(a * numerator / denominator)` for a non-negative `a` and positive `denominator`. */
export function mulCeil(a: bigint, numerator: bigint, denominator: bigint): bigint {
  if (a < 0n || numerator < 0n || denominator <= 0n) {
    throw new Error('mulCeil takes non-negative values and a positive denominator');
  }
  return (a * numerator + denominator - 1n) / denominator;
}
