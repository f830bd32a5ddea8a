/** A loopback HTTP server for the poller's socket tests: answers with a handler, records what it was sent. */
import * as Effect from "effect/Effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

export interface Seen {
  readonly method: string
  readonly url: string
  /** The request body as text ("" when there was none). */
  readonly body: string
}

/** A server on 127.0.0.1 answering with `handler` (which may never answer), closed with the scope. */
export const server = (handler: (request: Http.IncomingMessage, response: Http.ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly seen: Array<Seen>; readonly server: Http.Server }>((resume) => {
      const seen: Array<Seen> = []
      const s = Http.createServer((request, response) => {
        let body = ""
        request.setEncoding("utf8")
        request.on("data", (chunk: string) => {
          body += chunk
        })
        request.on("end", () => {
          seen.push({ method: request.method ?? "", url: request.url ?? "", body })
          handler(request, response)
        })
      })
      s.listen(0, "127.0.0.1", () => {
        const { port } = s.address() as AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, seen, server: s }))
      })
    }),
    ({ server: s }) =>
      Effect.async<void>((resume) => {
        s.closeAllConnections()
        s.close(() => resume(Effect.void))
      })
  )

export const json = (response: Http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { "content-type": "application/json", ...headers })
  response.end(JSON.stringify(body))
}

/** Polls `check` on the live clock until it holds (at most `attempts` times, 10 ms apart). */
export const until = (check: () => boolean, attempts = 1000): Effect.Effect<void> =>
  check() || attempts <= 0
    ? Effect.void
    : Effect.zipRight(Effect.sleep("10 millis"), Effect.suspend(() => until(check, attempts - 1)))
