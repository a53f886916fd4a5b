// Fixed-point helpers for the contracts' `Decimal` strings (18 places), in bigint.

export const DECIMAL_PLACES = 18;
const ONE = 10n ** 18n;
const DECIMAL_RE = /^(0|[1-9][0-9]*)(\.[0-9]{1,18})?$/;

export function isDecimal(s: unknown): s is string {
  return typeof s === 'string' && DECIMAL_RE.test(s);
}

/** `Decimal` string -> atomics (value x 10^18). Throws on anything that is not one. */
export function decimalAtomics(s: string): bigint {
  if (!isDecimal(s)) throw new Error(`not a decimal string: ${JSON.stringify(s)}`);
  const [whole, frac = ''] = s.split('.');
  return BigInt(whole) * ONE + BigInt(frac.padEnd(DECIMAL_PLACES, '0'));
}

/** Canonical form of a decimal string ("10.50" -> "10.5", "10.0" -> "10"). */
export function normalizeDecimal(s: string): string {
  const a = decimalAtomics(s);
  const whole = a / ONE;
  const frac = (a % ONE).toString().padStart(DECIMAL_PLACES, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

export function sameDecimal(a: string, b: string): boolean {
  return decimalAtomics(a) === decimalAtomics(b);
}
