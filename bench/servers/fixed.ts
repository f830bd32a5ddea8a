/**
 * A minimal loopback server, run as its own process (child_process.fork) so that its CPU is not the
 * client's: it answers `GET /v1/{name}` with the fixed typical operation under that name, keep-alive.
 * IPC: sends `{ port }` when listening; answers `"cpu"` with its `process.cpuUsage()`; exits on `"exit"`.
 */
import * as Http from "node:http"
import { bodyParts } from "../fixture.js"

const head = Buffer.from(bodyParts.head)
const tail = Buffer.from(bodyParts.tail)

const server = Http.createServer((request, response) => {
  const url = request.url ?? "/"
  const end = url.indexOf("?")
  const name = Buffer.from(decodeURIComponent(url.slice(4, end < 0 ? url.length : end)))
  response.writeHead(200, {
    "content-type": "application/json; charset=UTF-8",
    "content-length": head.length + name.length + tail.length
  })
  response.write(head)
  response.write(name)
  response.end(tail)
})
server.keepAliveTimeout = 60_000

server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  process.send?.({ port: typeof address === "object" && address !== null ? address.port : 0 })
})

process.on("message", (message) => {
  if (message === "cpu") process.send?.({ cpu: process.cpuUsage() })
  if (message === "exit") {
    server.closeAllConnections()
    server.close(() => process.exit(0))
  }
})
process.on("disconnect", () => process.exit(0))
