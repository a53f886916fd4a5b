// Price sources for the feeder. A source answers a `Snapshot`: the prices and vols it knows
// now. Two implementations here (a JSON file, a JSON HTTP endpoint, both the same format); a
// real one (Pyth Hermes, an exchange's ticker, a vol surface) implements `PriceSource` and
// maps its own data to a Snapshot. See docs/bots.md, "Plugging a price source".

import { readFile } from 'node:fs/promises';
import type { PriceSourceConfig } from './config';
import { isDecimal } from './decimal';

/** A spot price in quote per whole unit, a decimal string (up to 18 places). `publish_time`
 * (unix seconds) is when the source observed it; without it the feeder stamps the point with
 * the chain's latest block time. */
export interface SourcePrice {
  symbol: string;
  price: string;
  publish_time?: number;
}

/** An implied vol for an underlying and expiry (unix seconds), a decimal string in (0, 10]. */
export interface SourceVol {
  underlying: string;
  expiry: number;
  vol: string;
  publish_time?: number;
}

export interface Snapshot {
  prices: SourcePrice[];
  vols: SourceVol[];
}

export interface PriceSource {
  /** For logs: where the points come from. */
  readonly name: string;
  /** The points the source has now. Throws `SourceError` on bad input: the feeder then pushes
   * nothing that round. */
  read(): Promise<Snapshot>;
}

export class SourceError extends Error {}

function fail(origin: string, where: string, what: string, got: unknown): never {
  throw new SourceError(`${origin}: ${where}: ${what}, got ${JSON.stringify(got)}`);
}

function checkTime(origin: string, where: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) fail(origin, where, 'expected unix seconds (a positive integer)', v);
  if (v > 1e11) fail(origin, where, 'expected unix seconds, not milliseconds', v);
  return v;
}

/** Validate the JSON format of the file and HTTP sources:
 *   {"prices": [{"symbol": "ATOM", "price": "10.5", "publish_time": 1760000000}],
 *    "vols":   [{"underlying": "ATOM", "expiry": 1762588800, "vol": "0.6"}]}
 * Prices and vols are decimal strings (never JSON numbers: no float rounding); both lists are
 * optional; a symbol (or underlying and expiry) appears at most once. */
export function parseSnapshot(raw: unknown, origin: string): Snapshot {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(origin, 'top level', 'expected an object with "prices" and/or "vols"', raw);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'prices' && k !== 'vols') fail(origin, k, 'unknown field (expected "prices", "vols")', k);
  const prices: SourcePrice[] = [];
  const vols: SourceVol[] = [];
  const seen = new Set<string>();
  const list = (k: string): unknown[] => {
    const v = o[k];
    if (v === undefined) return [];
    if (!Array.isArray(v)) fail(origin, k, 'expected a list', v);
    return v;
  };
  list('prices').forEach((p, i) => {
    const w = `prices[${i}]`;
    if (!p || typeof p !== 'object') fail(origin, w, 'expected an object', p);
    const e = p as Record<string, unknown>;
    if (typeof e.symbol !== 'string' || !e.symbol) fail(origin, `${w}.symbol`, 'expected a non-empty string', e.symbol);
    if (!isDecimal(e.price)) fail(origin, `${w}.price`, 'expected a decimal string like "10.5"', e.price);
    if (/^0(\.0*)?$/.test(e.price)) fail(origin, `${w}.price`, 'must be > 0', e.price);
    if (seen.has(`p:${e.symbol}`)) fail(origin, `${w}.symbol`, 'appears twice', e.symbol);
    seen.add(`p:${e.symbol}`);
    const t = checkTime(origin, `${w}.publish_time`, e.publish_time);
    prices.push({ symbol: e.symbol, price: e.price, ...(t !== undefined ? { publish_time: t } : {}) });
  });
  list('vols').forEach((v, i) => {
    const w = `vols[${i}]`;
    if (!v || typeof v !== 'object') fail(origin, w, 'expected an object', v);
    const e = v as Record<string, unknown>;
    if (typeof e.underlying !== 'string' || !e.underlying) fail(origin, `${w}.underlying`, 'expected a non-empty string', e.underlying);
    if (typeof e.expiry !== 'number' || !Number.isSafeInteger(e.expiry) || e.expiry <= 0) fail(origin, `${w}.expiry`, 'expected unix seconds (a positive integer)', e.expiry);
    if (!isDecimal(e.vol)) fail(origin, `${w}.vol`, 'expected a decimal string like "0.6"', e.vol);
    const [whole] = e.vol.split('.');
    if (/^0(\.0*)?$/.test(e.vol) || Number(whole) > 10 || (Number(whole) === 10 && !/^10(\.0*)?$/.test(e.vol))) fail(origin, `${w}.vol`, 'must be in (0, 10]', e.vol);
    const key = `v:${e.underlying}:${e.expiry}`;
    if (seen.has(key)) fail(origin, w, 'underlying and expiry appear twice', `${e.underlying}@${e.expiry}`);
    seen.add(key);
    const t = checkTime(origin, `${w}.publish_time`, e.publish_time);
    vols.push({ underlying: e.underlying, expiry: e.expiry, vol: e.vol, ...(t !== undefined ? { publish_time: t } : {}) });
  });
  return { prices, vols };
}

function parseJson(text: string, origin: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SourceError(`${origin}: not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A JSON file, re-read every round (edit or replace it to move prices). */
export class FileSource implements PriceSource {
  readonly name: string;
  constructor(private readonly path: string) {
    this.name = `file:${path}`;
  }
  async read(): Promise<Snapshot> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      throw new SourceError(`${this.name}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
    }
    return parseSnapshot(parseJson(text, this.name), this.name);
  }
}

/** The URL as logged: without credentials or a query string (an API key must not reach logs). */
export function redacted(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

/** A JSON endpoint answering GET with the same format (a local price service, a test server). */
export class HttpSource implements PriceSource {
  readonly name: string;
  constructor(private readonly url: string, private readonly timeoutMs = 5000) {
    this.name = `http:${redacted(url)}`;
  }
  async read(): Promise<Snapshot> {
    let res: Response;
    try {
      res = await fetch(this.url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'application/json' } });
    } catch (e) {
      throw new SourceError(`${this.name}: request failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!res.ok) throw new SourceError(`${this.name}: HTTP ${res.status}`);
    return parseSnapshot(parseJson(await res.text(), this.name), this.name);
  }
}

export function sourceFromConfig(c: PriceSourceConfig): PriceSource {
  return c.kind === 'file' ? new FileSource(c.path) : new HttpSource(c.url, c.timeout_ms);
}
