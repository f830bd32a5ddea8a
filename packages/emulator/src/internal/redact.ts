import * as Redacted from "effect/Redacted"

/** Headers whose values are secrets: recorded as `<redacted>` (the authorization scheme is kept). */
const secretHeaders: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-api-key",
  "x-goog-api-key"
])

/** What a request log keeps of a request's headers: the headers, secrets redacted, and the bearer token. */
export interface RecordedHeaders {
  readonly headers: Readonly<Record<string, string>>
  readonly bearer: Redacted.Redacted<string> | undefined
}

const scheme = /^(\S+)\s+(.*)$/s

const redactValue = (name: string, value: string): string => {
  if (name === "authorization" || name === "proxy-authorization") {
    const match = scheme.exec(value)
    if (match !== null) return `${match[1]} <redacted>`
  }
  return "<redacted>"
}

/**
 * Copies headers (names lowercased) for a request log: secret values become `<redacted>` (`Bearer <redacted>`
 * for a bearer token), and the bearer token itself is kept as a `Redacted`, which prints as `<redacted>`.
 */
export const recordHeaders = (input: Readonly<Record<string, string>>): RecordedHeaders => {
  const headers: Record<string, string> = {}
  let bearer: Redacted.Redacted<string> | undefined
  for (const [key, value] of Object.entries(input)) {
    const name = key.toLowerCase()
    if (!secretHeaders.has(name)) {
      headers[name] = value
      continue
    }
    headers[name] = redactValue(name, value)
    if (name === "authorization") {
      const match = scheme.exec(value)
      if (match !== null && match[1]?.toLowerCase() === "bearer" && match[2] !== undefined) {
        bearer = Redacted.make(match[2].trim())
      }
    }
  }
  return { headers, bearer }
}

/** Whether a recorded request carried `Authorization: Bearer <token>`. */
export const hasBearer = (
  request: { readonly bearer?: Redacted.Redacted<string> | undefined } | undefined,
  token: string | Redacted.Redacted<string>
): boolean =>
  request?.bearer !== undefined &&
  Redacted.value(request.bearer) === (Redacted.isRedacted(token) ? Redacted.value(token) : token)
