/** A loopback HTTP server for the client's tests: answers with a handler, records what it was sent. */
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Tracer from "effect/Tracer"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

export interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
}

/** A loopback server answering with `handler`, recording requests; closed with the scope. */
export const server = (handler: (request: Http.IncomingMessage, response: Http.ServerResponse, body: string) => void) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly seen: Array<Seen>; readonly closed: Array<string>; readonly server: Http.Server }>(
      (resume) => {
        const seen: Array<Seen> = []
        const closed: Array<string> = []
        const s = Http.createServer((request, response) => {
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () => {
            const body = Buffer.concat(chunks).toString()
            seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body })
            response.on("close", () => {
              if (!response.writableFinished) closed.push(request.url ?? "")
            })
            handler(request, response, body)
          })
        })
        s.listen(0, "127.0.0.1", () => {
          const { port } = s.address() as AddressInfo
          resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, seen, closed, server: s }))
        })
      }
    ),
    ({ server: s }) =>
      Effect.async<void>((resume) => {
        s.closeAllConnections()
        s.close(() => resume(Effect.void))
      })
  )

/** A tracer that records the names of the spans it makes (and makes them as Effect's own tracer does). */
export const recordingTracer = (): { readonly names: Array<string>; readonly tracer: Tracer.Tracer } => {
  const native = Context.get(DefaultServices.liveServices, Tracer.Tracer)
  const names: Array<string> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      names.push(name)
      return native.span(name, parent, context, links, startTime, kind, options)
    },
    context: native.context
  })
  return { names, tracer }
}
