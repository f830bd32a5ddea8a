import type * as Status from "@longrunning/schema/Status"
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"

// The ways a request can go wrong: the action of a fault rule of the store. Public as
// `OperationStore.Fault` and `Emulator.Fault`.

export type Fault = Data.TaggedEnum<{
  Latency: { readonly delay: Duration.Duration }
  SlowHeaders: { readonly delay: Duration.Duration }
  SlowBody: { readonly delay: Duration.Duration; readonly chunks: number }
  Answer: { readonly status: Status.Status }
  ConnectionReset: {}
  ResetMidBody: {}
  ProxyHtml: {}
  EmptyBody: {}
  TruncatedJson: {}
  OversizedBody: { readonly bytes: number }
  NullBody: {}
  ArrayBody: {}
  WrongName: {}
  ErrorAndResponse: {}
  FailOperation: { readonly error: Status.Status; readonly after: Duration.Duration }
}>

export const Fault = Data.taggedEnum<Fault>()

/** Faults that act on the connection or on time: the store answers as usual and the double applies them. */
export type Transport = Extract<
  Fault,
  { readonly _tag: "Latency" | "SlowHeaders" | "SlowBody" | "ConnectionReset" | "ResetMidBody" }
>

const transportTags: ReadonlySet<string> = new Set(["Latency", "SlowHeaders", "SlowBody", "ConnectionReset", "ResetMidBody"])

export const isTransport = (fault: Fault): fault is Transport => transportTags.has(fault._tag)
