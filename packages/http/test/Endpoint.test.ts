import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { Endpoint } from "../src/index.js"

describe("Endpoint.isLoopbackUrl", () => {
  it("accepts localhost, 127.x.x.x and [::1]", () => {
    for (const url of ["http://localhost:8085", "http://127.0.0.1:8085/", "http://127.10.20.30", "http://[::1]:9000/v1/"]) {
      assert.isTrue(Endpoint.isLoopbackUrl(url), url)
    }
  })

  it("refuses other hosts and strings that are not URLs", () => {
    for (
      const url of [
        "https://dataproc.googleapis.com/",
        "http://10.0.0.1:8080",
        "http://127.0.0.1.example.com/",
        "http://localhost.example.com/",
        "not a url",
        ""
      ]
    ) {
      assert.isFalse(Endpoint.isLoopbackUrl(url), url)
    }
  })

  it("agrees with validateBaseUrl on plain http", () => {
    for (const url of ["http://localhost:1", "http://127.0.0.1:2", "http://[::1]:3", "http://10.0.0.1:4", "http://example.com"]) {
      assert.strictEqual(Either.isRight(Endpoint.validateBaseUrl(url)), Endpoint.isLoopbackUrl(url), url)
    }
  })
})

describe("Endpoint.baseUrl", () => {
  it("builds locational and regional hosts from the location", () => {
    assert.deepStrictEqual(
      Endpoint.baseUrl(Endpoint.locational({ service: "aiplatform" }), Option.some("us-central1")),
      Either.right("https://us-central1-aiplatform.googleapis.com/")
    )
    assert.deepStrictEqual(
      Endpoint.baseUrl(Endpoint.regional({ service: "spanner" }), Option.some("europe-west3")),
      Either.right("https://spanner.europe-west3.rep.googleapis.com/")
    )
  })

  it("sends global to the global host: there is no global-{service} host", () => {
    assert.deepStrictEqual(
      Endpoint.baseUrl(Endpoint.locational({ service: "aiplatform" }), Option.some("global")),
      Either.right("https://aiplatform.googleapis.com/")
    )
    assert.deepStrictEqual(
      Endpoint.baseUrl(Endpoint.regional({ universeDomain: "example-universe.net" }), Option.some("global")),
      Either.right("https://dataproc.example-universe.net/")
    )
  })

  it("sends a name without a location to the global host when asked to", () => {
    assert.deepStrictEqual(
      Endpoint.baseUrl(Endpoint.locational({ service: "aiplatform", withoutLocation: "global" }), Option.none()),
      Either.right("https://aiplatform.googleapis.com/")
    )
    assert.deepStrictEqual(
      Endpoint.baseUrl(Endpoint.regional({ service: "spanner", withoutLocation: "global" }), Option.none()),
      Either.right("https://spanner.googleapis.com/")
    )
    assert.isTrue(Either.isLeft(Endpoint.baseUrl(Endpoint.locational({ withoutLocation: "fail" }), Option.none())))
  })

  it("refuses a missing or malformed location", () => {
    assert.isTrue(Either.isLeft(Endpoint.baseUrl(Endpoint.locational(), Option.none())))
    assert.isTrue(Either.isLeft(Endpoint.baseUrl(Endpoint.locational(), Option.some("US_CENTRAL1"))))
    assert.isTrue(Either.isLeft(Endpoint.baseUrl(Endpoint.regional(), Option.some("a.b"))))
  })
})
