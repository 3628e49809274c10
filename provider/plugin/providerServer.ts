/**
 * A Pulumi resource provider plugin's gRPC server, served directly over the stubs that
 * `@pulumi/pulumi/proto` generates from Pulumi's protocol: it translates each call between
 * protobuf and plain values, reports errors as the engine expects them, logs through the engine,
 * and answers the calls a plugin of plain custom resources does not serve with UNIMPLEMENTED.
 *
 * Why not `@pulumi/pulumi/provider`'s `main`: its server (3.276.0) ignores the Configure request
 * and answers CheckConfig with UNIMPLEMENTED, so provider config would never reach the provider
 * nor be validated at preview. Serving the protocol here keeps both, with nothing patched at run
 * time, and loads only the gRPC stubs instead of the whole Pulumi SDK (a faster start-up).
 *
 * That server (`provider/server.js`) is the reference for everything else, call by call; where
 * this one differs, the method says why. In short: it refuses resource types it does not serve
 * (the SDK leaves that to each provider), reports invalid properties as the SDK's
 * `InputPropertiesError`, bounds error messages (they travel in an HTTP/2 header) and accepts
 * messages of a few MiB instead of 400 MiB (a resource's messages are a few KB).
 */
import * as grpc from "@grpc/grpc-js";
import * as anyproto from "google-protobuf/google/protobuf/any_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import * as errorproto from "@pulumi/pulumi/proto/errors_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { nameOfUrn } from "../core/deploymentBuckets";
import type { ResourceLog } from "../resourceLog";
import type { Properties } from "./secrets";

/** One invalid input: the property (empty to print no value) and why. */
export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

/** The outcome of checking inputs: the inputs to keep, and every failure. */
export interface CheckResult {
  readonly inputs: Properties;
  readonly failures: readonly CheckFailure[];
}

/** How one property changed, for `preview --diff`. */
export type PropertyChange = "add" | "delete" | "update";

/** The outcome of a diff: which properties changed, how, and which of them replace. */
export interface DiffResult {
  readonly changes: Readonly<Record<string, PropertyChange>>;
  readonly replaces: readonly string[];
  readonly deleteBeforeReplace: boolean;
}

/** Who a resource call is about. */
export interface ResourceRequest {
  /** The resource's type token, one of `ProviderHandlers.resourceTypes`. */
  readonly type: string;
  readonly urn: string;
  /** The resource's name in the program. */
  readonly name: string;
  readonly log: ResourceLog;
}

/** The outcome of a function: its outputs, or the failures of its arguments. */
export interface InvokeResult {
  readonly outputs: Properties;
  readonly failures: readonly CheckFailure[];
}

/** What a plugin's resources do, in plain values (secrets still wrapped, see `secrets.ts`). */
export interface ProviderHandlers {
  /** The plugin's version, semver without `v`. */
  readonly version: string;
  /** The resource types served; a call about any other is refused. */
  readonly resourceTypes: readonly string[];
  /** The functions served; an invoke of any other is refused. */
  readonly functions: readonly string[];
  /**
   * The engine at `address` runs this process's deployment: given at start (the engine's address
   * among the arguments) and by the protocol's Attach (`PULUMI_DEBUG_PROVIDERS`).
   */
  attach(address: string): void;
  /** The package schema, as JSON text. */
  schema(): string;
  /** Validates the provider's config (stack config or an explicit provider's inputs). */
  checkConfig(olds: Properties, news: Properties): CheckResult;
  /**
   * Takes the provider's config, validated as `checkConfig` validates it (the engine may call
   * Configure without CheckConfig).
   *
   * @throws Error naming what is wrong, to fail the deployment.
   */
  configure(config: Properties): void;
  check(request: ResourceRequest & { olds: Properties; news: Properties }): Promise<CheckResult>;
  diff(request: ResourceRequest & { id: string; olds: Properties; news: Properties }): DiffResult;
  create(request: ResourceRequest & { properties: Properties }): Promise<{
    readonly id: string;
    readonly properties: Properties;
  }>;
  /** Reads a resource, or an existing one to import (no `properties`); undefined when gone. */
  read(request: ResourceRequest & { id: string; properties?: Properties }): Promise<
    | {
        readonly id: string;
        readonly properties: Properties;
        readonly inputs: Properties;
      }
    | undefined
  >;
  update(
    request: ResourceRequest & { id: string; olds: Properties; news: Properties },
  ): Promise<Properties>;
  delete(request: ResourceRequest & { id: string; properties: Properties }): Promise<void>;
  /** Runs the function `token`, one of `functions`, with `args`. */
  invoke(request: { token: string; args: Properties }): Promise<InvokeResult>;
}

/**
 * An error of a create that may have taken effect: the engine records the resource as partially
 * created, with these properties.
 */
export interface PartialResourceError extends Error {
  readonly id: string;
  readonly properties: Properties;
  readonly reasons: readonly string[];
}

/** An error about properties that are not valid inputs: each names its property and why. */
export interface InputFailuresError extends Error {
  readonly failures: readonly CheckFailure[];
}

function isPartial(error: unknown): error is PartialResourceError {
  return error instanceof Error && typeof (error as { id?: unknown }).id === "string";
}

function isInputFailures(error: unknown): error is InputFailuresError {
  return error instanceof Error && Array.isArray((error as { failures?: unknown }).failures);
}

/** A call refused before it reaches a handler, with its gRPC status code. */
class RefusedCall extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

/** The resource's own type in a URN: the last of its parent types and type (`a$b$type`). */
function typeOf(urn: string): string {
  return urn.split("::")[2]?.split("$").at(-1) ?? "";
}

/**
 * The most UTF-8 bytes of error text sent: gRPC carries a failed call's message, and its
 * details, in HTTP/2 headers, and headers too large reset the stream instead of answering.
 */
const MAX_ERROR_BYTES = 4096;

/** The most UTF-8 bytes of one property's name or reason in an error's details. */
const MAX_DETAIL_BYTES = 512;

/**
 * Shortens text to at most `maxBytes` UTF-8 bytes, saying it was cut; it cuts between code
 * points, never inside one (a lone surrogate cannot be put in a header).
 */
function bounded(text: string, maxBytes = MAX_ERROR_BYTES): string {
  const wellFormed = text.toWellFormed();
  if (Buffer.byteLength(wellFormed) <= maxBytes) {
    return wellFormed;
  }
  let kept = "";
  let bytes = Buffer.byteLength("…");
  for (const codePoint of wellFormed) {
    bytes += Buffer.byteLength(codePoint);
    if (bytes > maxBytes) {
      break;
    }
    kept += codePoint;
  }
  return `${kept}…`;
}

/** The largest request accepted: resources here are a few KB; a bigger one is refused unread. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

function toStruct(values: Properties): structproto.Struct {
  return structproto.Struct.fromJavaScript(values as Record<string, structproto.JavaScriptValue>);
}

function fromStruct(struct: structproto.Struct | undefined): Properties {
  return struct === undefined ? {} : struct.toJavaScript();
}

/** A status with one detail, as the engine reads details (`grpc-status-details-bin`). */
function withDetail(
  code: grpc.status,
  message: string,
  detail: { serializeBinary(): Uint8Array },
  typeName: string,
): Partial<grpc.StatusObject> {
  const packed = new anyproto.Any();
  packed.pack(detail.serializeBinary(), typeName);
  const status = new statusproto.Status();
  status.setCode(code);
  status.setMessage(message);
  status.addDetails(packed);
  const metadata = new grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  return { code, details: message, metadata };
}

/**
 * The gRPC status of a failed call: a partial create carries its resource in the details, and
 * invalid properties their failures (as the SDK's `buildInvalidPropertiesError`).
 */
function statusOf(error: unknown): Partial<grpc.StatusObject> {
  const message = bounded(error instanceof Error ? error.message : String(error));
  if (error instanceof RefusedCall) {
    return { code: error.code, details: message };
  }
  if (isInputFailures(error)) {
    const detail = new errorproto.InputPropertiesError();
    let bytes = 0;
    for (const failure of error.failures) {
      const property = new errorproto.InputPropertiesError.PropertyError();
      property.setPropertyPath(bounded(failure.property, MAX_DETAIL_BYTES));
      property.setReason(bounded(failure.reason, MAX_DETAIL_BYTES));
      bytes += property.serializeBinary().length;
      if (bytes > MAX_ERROR_BYTES) {
        // The message names them all, shortened; the details stop where the header would grow.
        break;
      }
      detail.addErrors(property);
    }
    return withDetail(
      grpc.status.INVALID_ARGUMENT,
      message,
      detail,
      "pulumirpc.InputPropertiesError",
    );
  }
  if (!isPartial(error)) {
    return { code: grpc.status.UNKNOWN, details: message };
  }
  const detail = new provproto.ErrorResourceInitFailed();
  detail.setId(error.id);
  detail.setProperties(toStruct(error.properties));
  detail.setReasonsList(error.reasons.map((reason) => bounded(reason, MAX_DETAIL_BYTES)));
  return withDetail(grpc.status.UNKNOWN, message, detail, "pulumirpc.ErrorResourceInitFailed");
}

/**
 * Serves one unary call: the handler's answer, or its error as a gRPC status. Every call is
 * answered: the SDK's server instead answers in-flight calls from process-wide handlers of
 * uncaught errors, which this server has no need of, as nothing it runs escapes this chain.
 */
function unary<Request, Response>(
  handle: (request: Request) => Response | Promise<Response>,
): grpc.handleUnaryCall<Request, Response> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => handle(call.request))
      .then(
        (response) => {
          callback(null, response);
        },
        (error: unknown) => {
          callback(statusOf(error));
        },
      )
      .catch(() => {
        // The status itself could not be sent (grpc-js refused it): answer plainly instead.
        callback({
          code: grpc.status.INTERNAL,
          details: "The provider could not report its error.",
        });
      });
  };
}

/** The answer to a call of the protocol that this plugin, of one custom resource, does not serve. */
function notServed(name: string): Partial<grpc.StatusObject> {
  return {
    code: grpc.status.UNIMPLEMENTED,
    details: `The ossencryption provider does not serve ${name}: it has one custom resource, BucketEncryption, and one function, getBucketEncryptionAudit.`,
  };
}

function unimplemented(name: string): grpc.handleUnaryCall<unknown, never> {
  return (_call, callback) => {
    callback(notServed(name));
  };
}

/** Failures as the protocol carries them, in a check's or a function's response. */
function failureMessages(failures: readonly CheckFailure[]): provproto.CheckFailure[] {
  return failures.map((failure) => {
    const message = new provproto.CheckFailure();
    message.setProperty(failure.property);
    message.setReason(failure.reason);
    return message;
  });
}

function checkResponse(result: CheckResult): provproto.CheckResponse {
  const response = new provproto.CheckResponse();
  response.setInputs(toStruct(result.inputs));
  response.setFailuresList(failureMessages(result.failures));
  return response;
}

const CHANGE_KINDS: Readonly<
  Record<PropertyChange, readonly [provproto.PropertyDiff.Kind, provproto.PropertyDiff.Kind]>
> = {
  add: [provproto.PropertyDiff.Kind.ADD, provproto.PropertyDiff.Kind.ADD_REPLACE],
  delete: [provproto.PropertyDiff.Kind.DELETE, provproto.PropertyDiff.Kind.DELETE_REPLACE],
  update: [provproto.PropertyDiff.Kind.UPDATE, provproto.PropertyDiff.Kind.UPDATE_REPLACE],
};

/** A detailed diff, so that `replaceOnChanges`, `ignoreChanges` and `preview --diff` work. */
function diffResponse(result: DiffResult): provproto.DiffResponse {
  const response = new provproto.DiffResponse();
  const changed = Object.keys(result.changes);
  response.setChanges(
    changed.length === 0
      ? provproto.DiffResponse.DiffChanges.DIFF_NONE
      : provproto.DiffResponse.DiffChanges.DIFF_SOME,
  );
  response.setDiffsList(changed);
  response.setReplacesList([...result.replaces]);
  response.setDeletebeforereplace(result.deleteBeforeReplace);
  response.setHasdetaileddiff(true);
  const detailed = response.getDetaileddiffMap();
  for (const [property, change] of Object.entries(result.changes)) {
    const diff = new provproto.PropertyDiff();
    diff.setKind(CHANGE_KINDS[change][result.replaces.includes(property) ? 1 : 0]);
    diff.setInputdiff(true);
    detailed.set(property, diff);
  }
  return response;
}

/** The engine this process reports to: its log client, replaced when the engine attaches. */
class EngineConnection {
  private client: engrpc.EngineClient | undefined;

  /** Connects to the engine at `address` (closing any earlier connection). */
  connect(address: string): void {
    this.client?.close();
    this.client = new engrpc.EngineClient(address, grpc.credentials.createInsecure());
  }

  /** Logs through the engine, tied to a resource; logs nowhere before an engine is known. */
  log(urn: string): ResourceLog {
    const send = (severity: engproto.LogSeverity, message: string) =>
      new Promise<void>((resolve) => {
        if (this.client === undefined) {
          resolve();
          return;
        }
        const request = new engproto.LogRequest();
        request.setSeverity(severity);
        request.setMessage(message);
        request.setUrn(urn);
        this.client.log(request, () => {
          resolve();
        });
      });
    return {
      info: (message) => send(engproto.LogSeverity.INFO, message),
      warn: (message) => send(engproto.LogSeverity.WARNING, message),
    };
  }

  close(): void {
    this.client?.close();
  }
}

/** What a resource request carries to name its resource. */
interface ResourceRequestMessage {
  getUrn(): string;
  getName(): string;
  getType(): string;
}

/** The protocol's methods over the handlers. */
function service(
  handlers: ProviderHandlers,
  engine: EngineConnection,
): provrpc.IResourceProviderServer {
  /**
   * Who a resource call is about, refusing a type this provider does not serve. The SDK's server
   * passes any type to its provider; refusing here keeps a request meant for another provider
   * (or forged) from acting on a bucket as if it were a BucketEncryption.
   */
  const resource = (request: ResourceRequestMessage): ResourceRequest => {
    const urn = request.getUrn();
    const type = typeOf(urn);
    if (!handlers.resourceTypes.includes(type)) {
      throw new RefusedCall(
        grpc.status.INVALID_ARGUMENT,
        `The ossencryption provider has no resource type ${JSON.stringify(bounded(type, 200))}; it serves ${handlers.resourceTypes.join(", ")}.`,
      );
    }
    if (request.getType() !== "" && request.getType() !== type) {
      throw new RefusedCall(
        grpc.status.INVALID_ARGUMENT,
        `The request's type ${JSON.stringify(bounded(request.getType(), 200))} is not its URN's, ${type}.`,
      );
    }
    return {
      urn,
      type,
      name: request.getName() === "" ? nameOfUrn(urn) : request.getName(),
      log: engine.log(urn),
    };
  };
  return {
    getPluginInfo: unary(() => {
      const info = new plugproto.PluginInfo();
      info.setVersion(handlers.version);
      return info;
    }),
    getSchema: unary((request: provproto.GetSchemaRequest) => {
      // As the SDK: only schema version 0 exists.
      if (request.getVersion() !== 0) {
        throw new RefusedCall(
          grpc.status.INVALID_ARGUMENT,
          `unsupported schema version ${request.getVersion()}`,
        );
      }
      const response = new provproto.GetSchemaResponse();
      response.setSchema(handlers.schema());
      return response;
    }),
    checkConfig: unary((request: provproto.CheckRequest) =>
      checkResponse(
        handlers.checkConfig(fromStruct(request.getOlds()), fromStruct(request.getNews())),
      ),
    ),
    diffConfig: unary((request: provproto.DiffRequest) => {
      // Config changes move no resource: each records where its bucket is. (The SDK answers
      // UNIMPLEMENTED, which makes the engine compare the config itself.)
      const olds = JSON.stringify(fromStruct(request.getOlds()));
      const news = JSON.stringify(fromStruct(request.getNews()));
      const response = new provproto.DiffResponse();
      response.setChanges(
        olds === news
          ? provproto.DiffResponse.DiffChanges.DIFF_NONE
          : provproto.DiffResponse.DiffChanges.DIFF_SOME,
      );
      return response;
    }),
    configure: unary((request: provproto.ConfigureRequest) => {
      // The SDK ignores the request and accepts resources and outputs too; this provider takes
      // its config here, and its inputs hold neither resources nor outputs.
      handlers.configure(fromStruct(request.getArgs()));
      const response = new provproto.ConfigureResponse();
      response.setAcceptsecrets(true);
      response.setSupportspreview(false);
      return response;
    }),
    check: unary(async (request: provproto.CheckRequest) =>
      checkResponse(
        await handlers.check({
          ...resource(request),
          olds: fromStruct(request.getOlds()),
          news: fromStruct(request.getNews()),
        }),
      ),
    ),
    diff: unary((request: provproto.DiffRequest) =>
      diffResponse(
        handlers.diff({
          ...resource(request),
          id: request.getId(),
          olds: fromStruct(request.getOlds()),
          news: fromStruct(request.getNews()),
        }),
      ),
    ),
    create: unary(async (request: provproto.CreateRequest) => {
      const created = await handlers.create({
        ...resource(request),
        properties: fromStruct(request.getProperties()),
      });
      const response = new provproto.CreateResponse();
      response.setId(created.id);
      response.setProperties(toStruct(created.properties));
      return response;
    }),
    read: unary(async (request: provproto.ReadRequest) => {
      const properties = fromStruct(request.getProperties());
      const read = await handlers.read({
        ...resource(request),
        id: request.getId(),
        ...(Object.keys(properties).length === 0 ? {} : { properties }),
      });
      const response = new provproto.ReadResponse();
      if (read !== undefined) {
        response.setId(read.id);
        response.setProperties(toStruct(read.properties));
        response.setInputs(toStruct(read.inputs));
      }
      return response;
    }),
    update: unary(async (request: provproto.UpdateRequest) => {
      const properties = await handlers.update({
        ...resource(request),
        id: request.getId(),
        olds: fromStruct(request.getOlds()),
        news: fromStruct(request.getNews()),
      });
      const response = new provproto.UpdateResponse();
      response.setProperties(toStruct(properties));
      return response;
    }),
    delete: unary(async (request: provproto.DeleteRequest) => {
      await handlers.delete({
        ...resource(request),
        id: request.getId(),
        properties: fromStruct(request.getProperties()),
      });
      return new emptyproto.Empty();
    }),
    // As the SDK's server for a provider without `cancel`: nothing runs that could be stopped
    // sooner than its own timeouts.
    cancel: unary(() => new emptyproto.Empty()),
    // As the SDK: the engine that attaches (PULUMI_DEBUG_PROVIDERS) is the one to report to.
    attach: unary((request: plugproto.PluginAttach) => {
      engine.connect(request.getAddress());
      handlers.attach(request.getAddress());
      return new emptyproto.Empty();
    }),
    handshake: unimplemented("Handshake"),
    parameterize: unimplemented("Parameterize"),
    invoke: unary(async (request: provproto.InvokeRequest) => {
      const token = request.getTok();
      // As the SDK, an unknown function fails the call; its message also names those served.
      if (!handlers.functions.includes(token)) {
        throw new RefusedCall(
          grpc.status.INVALID_ARGUMENT,
          `unknown function ${JSON.stringify(bounded(token, 200))}; the ossencryption provider serves ${handlers.functions.join(", ")}.`,
        );
      }
      const result = await handlers.invoke({ token, args: fromStruct(request.getArgs()) });
      const response = new provproto.InvokeResponse();
      response.setReturn(toStruct(result.outputs));
      response.setFailuresList(failureMessages(result.failures));
      return response;
    }),
    call: unimplemented("Call"),
    construct: unimplemented("Construct"),
    getMapping: unimplemented("GetMapping"),
    getMappings: unimplemented("GetMappings"),
    list: (call) => {
      call.emit("error", notServed("List"));
    },
  };
}

/**
 * Serves `handlers` on a free port of 127.0.0.1 and returns the port, which a plugin prints on
 * standard output for the engine. `engineAddress` is the engine's address among the plugin's
 * arguments (see `engineAddressOf`), or undefined until the engine attaches.
 */
export async function serveProvider(
  handlers: ProviderHandlers,
  engineAddress: string | undefined,
): Promise<{ port: number; server: grpc.Server }> {
  const engine = new EngineConnection();
  if (engineAddress !== undefined) {
    engine.connect(engineAddress);
    handlers.attach(engineAddress);
  }
  const server = new grpc.Server({
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    // As the SDK: a call may wait for the event loop longer than gRPC's default 30 s.
    "grpc.server_max_unrequested_time_in_server": 30 * 60,
  });
  server.addService(provrpc.ResourceProviderService, service(handlers, engine));
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => {
      if (error === null) {
        resolve(bound);
      } else {
        engine.close();
        reject(error);
      }
    });
  });
  return { port, server };
}
