/**
 * Kubernetes resource quantities (`500m`, `2`, `1Gi`, `512M`, `1e3`), parsed and printed as
 * k8s.io/apimachinery v0.35 pkg/api/resource/quantity.go does. Isomorphic: used by the sandbox
 * scheduler and quota, the server and the web app alike.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

/** A quantity Kubernetes would reject; the message is Kubernetes' own. */
export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

/** How a quantity is printed: CPU and counts in decimal SI, memory in binary SI. */
export type QuantityKind = 'cpu' | 'memory' | 'count';

const formatWrong = (): QuantityError =>
  new QuantityError(
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
  );

/** Kubernetes' actual (more lenient) scanner: `.`, `-` and `e3` are zero, for instance. */
const quantityPattern = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/;

const decimalSuffixes: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binarySuffixes: Readonly<Record<string, number>> = {
  Ki: 10,
  Mi: 20,
  Gi: 30,
  Ti: 40,
  Pi: 50,
  Ei: 60,
};

/** Exact value: `sign × digits × 10^scale × 2^power`, then rounded up to nanos as Kubernetes does. */
interface Exact {
  readonly negative: boolean;
  readonly digits: bigint;
  readonly scale: number;
  readonly power: number;
  readonly binary: boolean;
}

function parseExact(input: string | number): Exact {
  const text = typeof input === 'number' ? String(input) : input.trim();
  if (text.length === 0) throw formatWrong();
  const match = quantityPattern.exec(text);
  if (!match) throw formatWrong();
  const [, sign = '', whole = '', fraction = '', suffix = ''] = match;
  let scale = -fraction.length;
  let power = 0;
  let binary = false;
  if (Object.hasOwn(decimalSuffixes, suffix)) {
    scale += decimalSuffixes[suffix] ?? 0;
  } else if (Object.hasOwn(binarySuffixes, suffix)) {
    power = binarySuffixes[suffix] ?? 0;
    binary = true;
  } else if (
    suffix.length > 1 &&
    (suffix[0] === 'e' || suffix[0] === 'E') &&
    /^[+-]?\d+$/.test(suffix.slice(1))
  ) {
    scale += Number(suffix.slice(1));
  } else {
    throw new QuantityError("unable to parse quantity's suffix");
  }
  return { negative: sign === '-', digits: BigInt(`0${whole}${fraction}`), scale, power, binary };
}

const maxBinary = 2n ** 63n - 1n;

/** The magnitude in nano units, rounded up (away from zero) like Kubernetes' parser. */
function toNanos(exact: Exact): bigint {
  if (exact.digits === 0n) return 0n;
  const shift = exact.scale + 9;
  let nanos: bigint;
  if (shift >= 0) {
    nanos = exact.digits * 10n ** BigInt(Math.min(shift, 4000)) * 2n ** BigInt(exact.power);
  } else if (-shift > String(exact.digits).length + 20) {
    nanos = 1n; // far below one nano: rounds up to 1n
  } else {
    const numerator = exact.digits * 2n ** BigInt(exact.power);
    const divisor = 10n ** BigInt(-shift);
    nanos = (numerator + divisor - 1n) / divisor;
  }
  if (exact.binary && nanos > maxBinary * 1_000_000_000n) nanos = maxBinary * 1_000_000_000n;
  return exact.negative ? -nanos : nanos;
}

const nano = 1_000_000_000n;

function nanosToNumber(nanos: bigint): number {
  return nanos % nano === 0n ? Number(nanos / nano) : Number(nanos) / 1e9;
}

/**
 * A quantity in base units as a float: cores for CPU (`500m` → 0.5), bytes for memory
 * (`1Gi` → 1073741824, `512M` → 512000000), plain counts otherwise (`1e3` → 1000). Accepts the
 * JSON forms Kubernetes accepts: strings (surrounding spaces ignored, as when decoding JSON) and
 * numbers. Sub-nano fractions round up to 1n. Throws QuantityError with Kubernetes' message.
 */
export function parseQuantity(text: string | number): number {
  return nanosToNumber(toNanos(parseExact(text)));
}

/**
 * Milli-units as an integer, rounded up (Kubernetes' `MilliValue()`), for exact CPU
 * arithmetic: `500m` → 500, `2` → 2000, `0.1m` → 1. Throws QuantityError.
 */
export function toMillis(text: string | number): number {
  const nanos = toNanos(parseExact(text));
  const millis = nanos / 1_000_000n + (nanos % 1_000_000n > 0n ? 1n : 0n);
  return Number(millis);
}

function decimalSi(nanos: bigint): string {
  if (nanos === 0n) return '0';
  const sign = nanos < 0n ? '-' : '';
  let amount = nanos < 0n ? -nanos : nanos;
  let exponent = -9;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exponent++;
  }
  const extra = ((exponent % 3) + 3) % 3;
  amount *= 10n ** BigInt(extra);
  exponent -= extra;
  if (exponent > 18) {
    amount *= 10n ** BigInt(exponent - 18);
    exponent = 18;
  }
  const suffix = Object.keys(decimalSuffixes).find((key) => decimalSuffixes[key] === exponent);
  return `${sign}${amount}${suffix ?? ''}`;
}

function binarySi(nanos: bigint): string {
  const magnitude = nanos < 0n ? -nanos : nanos;
  if (magnitude < 1024n * nano || magnitude % nano !== 0n) return decimalSi(nanos);
  let amount = magnitude / nano;
  let steps = 0;
  while (amount % 1024n === 0n && steps < 6) {
    amount /= 1024n;
    steps++;
  }
  const suffix = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][steps] ?? '';
  return `${nanos < 0n ? '-' : ''}${amount}${suffix}`;
}

/**
 * The canonical string Kubernetes prints for a value in base units: memory as binary SI
 * (`4Gi`, `1536Mi`; below 1024 or fractional in decimal SI), CPU and counts as decimal SI
 * (`500m`, `2`, `1500m`, `110`; note `1000` prints as `1k`, as in Kubernetes). The value is
 * first rounded to the nearest nano unit to shed float noise (`0.1 + 0.2` → `300m`).
 * Throws QuantityError for NaN and infinities.
 */
export function formatQuantity(value: number, kind: QuantityKind): string {
  if (!Number.isFinite(value)) throw new QuantityError(`cannot format ${value} as a quantity`);
  const nanos = Number.isInteger(value) ? BigInt(value) * nano : BigInt(Math.round(value * 1e9));
  return kind === 'memory' ? binarySi(nanos) : decimalSi(nanos);
}
