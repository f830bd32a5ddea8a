/** The proto3 JSON text forms Proto's schemas and the generated fast decoders both read. */

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range proto3 allows.
export const minSeconds = -62135596800
export const maxSeconds = 253402300799

const timestampPattern =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil): arithmetic only,
// since building a Date per timestamp costs more than the rest of the parse.
export const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

export const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28)
    : month === 4 || month === 6 || month === 9 || month === 11
    ? 30
    : 31

/** The seconds and nanoseconds of an RFC 3339 timestamp within proto3's range, or why it is not one. */
export const parseTimestamp = (text: string): { readonly seconds: number; readonly nanos: number } | string => {
  const m = timestampPattern.exec(text)
  if (m === null) return "expected an RFC 3339 timestamp such as 2024-05-01T10:00:00Z"
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m
  const year = Number(y), month = Number(mo), day = Number(d)
  const hour = Number(h), minute = Number(mi), second = Number(s)
  if (
    month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 ||
    second > 59
  ) {
    return "the date or time of day is out of range"
  }
  let seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
  if (sign !== undefined) {
    const offsetHours = Number(oh), offsetMinutes = Number(om)
    if (offsetHours > 23 || offsetMinutes > 59) return "the UTC offset is out of range"
    const offset = (offsetHours * 60 + offsetMinutes) * 60
    seconds += sign === "+" ? -offset : offset
  }
  if (seconds < minSeconds || seconds > maxSeconds) return "the timestamp is outside 0001-01-01 to 9999-12-31"
  const nanos = frac === undefined ? 0 : Number(frac.padEnd(9, "0"))
  return { seconds, nanos }
}

const durationPattern = /^(-)?(\d{1,12})(?:\.(\d{1,9}))?s$/

// proto3 bounds a Duration at 10,000 years: 315,576,000,000 seconds.
export const maxDurationNanos = 315_576_000_000n * 1_000_000_000n + 999_999_999n

/** The nanoseconds of a non-negative proto3 duration, or why the text is not one. */
export const parseDurationNanos = (text: string): bigint | string => {
  const m = durationPattern.exec(text)
  if (m === null) return `expected a duration such as "1.5s", got ${JSON.stringify(text)}`
  const [, minus, whole, frac] = m
  const nanos = BigInt(whole!) * 1_000_000_000n + BigInt((frac ?? "").padEnd(9, "0"))
  if (minus !== undefined && nanos !== 0n) return `expected a non-negative duration, got ${text}`
  if (nanos > maxDurationNanos) return `expected at most 315576000000s, got ${text}`
  return nanos
}

export const decimalInteger = /^-?(0|[1-9][0-9]*)$/

export const int64Min = -(2n ** 63n)
export const int64Max = 2n ** 63n - 1n
export const uint64Max = 2n ** 64n - 1n

/**
 * A 64-bit integer from a decimal string or a JSON number, range checked, or why it is not one. A number
 * is read exactly as written when it is an integer (`1e20` is 100000000000000000000), so the range check
 * sees the value the sender meant, not a rounded one.
 */
export const parseInt64 = (input: string | number, name: string, min: bigint, max: bigint): bigint | string => {
  const text = typeof input === "number" ? (Number.isInteger(input) ? BigInt(input).toString() : "") : input
  if (!decimalInteger.test(text)) return `expected an ${name}, got ${JSON.stringify(input)}`
  const n = BigInt(text)
  return n < min || n > max ? `expected an ${name} between ${min} and ${max}, got ${text}` : n
}
