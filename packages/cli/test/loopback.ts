/**
 * A loopback HTTP server whose answers a test writes itself (hostile text, pages, no answer at all), recording
 * every request it was sent. Closed, with every connection, when the scope closes.
 */
import * as Effect from "effect/Effect"
import * as Http from "node:http"

/** A request as the server saw it. */
export interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: Http.IncomingHttpHeaders
  /** The body as text ("" when there was none). */
  readonly body: string
}

/** What a handler does with a request: answer it, or leave it hanging. */
export type Answer =
  | { readonly status: number; readonly body: string; readonly contentType?: string }
  | "hang"

export interface Loopback {
  readonly url: string
  readonly seen: ReadonlyArray<Seen>
}

/** A JSON answer. */
export const json = (status: number, body: unknown): Answer => ({ status, body: JSON.stringify(body) })

/** Starts a server on 127.0.0.1 answering each request with `handler`. */
export const loopback = (handler: (request: Seen) => Answer) =>
  Effect.acquireRelease(
    Effect.async<{ readonly loopback: Loopback; readonly server: Http.Server }>((resume) => {
      const seen: Array<Seen> = []
      const server = Http.createServer((request, response) => {
        let body = ""
        request.setEncoding("utf8")
        request.on("data", (chunk: string) => {
          body += chunk
        })
        request.on("end", () => {
          const entry = { method: request.method ?? "", url: request.url ?? "", headers: request.headers, body }
          seen.push(entry)
          const answer = handler(entry)
          if (answer === "hang") return
          response.writeHead(answer.status, { "content-type": answer.contentType ?? "application/json; charset=utf-8" })
          response.end(answer.body)
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({ loopback: { url: `http://127.0.0.1:${port}`, seen }, server }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ loopback }) => loopback))
