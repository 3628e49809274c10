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
 */
import * as grpc from "@grpc/grpc-js";
import * as anyproto from "google-protobuf/google/protobuf/any_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import type { Properties } from "./secrets";

/** Messages to the user about one resource, through the engine's log. */
export interface ResourceLog {
  info(message: string): Promise<void>;
  warn(message: string): Promise<void>;
}

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
  readonly urn: string;
  /** The resource's name in the program. */
  readonly name: string;
  readonly log: ResourceLog;
}

/** What a plugin's resources do, in plain values (secrets still wrapped, see `secrets.ts`). */
export interface ProviderHandlers {
  /** The plugin's version, semver without `v`. */
  readonly version: string;
  /** The package schema, as JSON text. */
  schema(): string;
  /** Validates the provider's config (stack config or an explicit provider's inputs). */
  checkConfig(olds: Properties, news: Properties): CheckResult;
  /**
   * Takes the provider's validated config.
   *
   * @throws Error naming what is wrong, to fail the deployment.
   */
  configure(config: Properties): void;
  check(request: ResourceRequest & { olds: Properties; news: Properties }): CheckResult;
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

function isPartial(error: unknown): error is PartialResourceError {
  return error instanceof Error && typeof (error as { id?: unknown }).id === "string";
}

/** The resource name of a URN (`urn:pulumi:stack::project::type::name`). */
function nameOf(urn: string): string {
  return urn.split("::").at(-1) ?? urn;
}

function toStruct(values: Properties): structproto.Struct {
  return structproto.Struct.fromJavaScript(values as Record<string, structproto.JavaScriptValue>);
}

function fromStruct(struct: structproto.Struct | undefined): Properties {
  return struct === undefined ? {} : struct.toJavaScript();
}

/** The gRPC status of a failed call; a partial create carries its resource in the details. */
function statusOf(error: unknown): Partial<grpc.StatusObject> {
  const message = error instanceof Error ? error.message : String(error);
  if (!isPartial(error)) {
    return { code: grpc.status.UNKNOWN, details: message };
  }
  const detail = new provproto.ErrorResourceInitFailed();
  detail.setId(error.id);
  detail.setProperties(toStruct(error.properties));
  detail.setReasonsList([...error.reasons]);
  const packed = new anyproto.Any();
  packed.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
  const status = new statusproto.Status();
  status.setCode(grpc.status.UNKNOWN);
  status.setMessage(message);
  status.addDetails(packed);
  const metadata = new grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  return { code: grpc.status.UNKNOWN, details: message, metadata };
}

/** Serves one unary call: the handler's answer, or its error as a gRPC status. */
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
      );
  };
}

/** The answer to a call of the protocol that this plugin, of one custom resource, does not serve. */
function notServed(name: string): Partial<grpc.StatusObject> {
  return {
    code: grpc.status.UNIMPLEMENTED,
    details: `The ossencryption provider does not serve ${name}: it has one custom resource, BucketEncryption.`,
  };
}

function unimplemented(name: string): grpc.handleUnaryCall<unknown, never> {
  return (_call, callback) => {
    callback(notServed(name));
  };
}

function checkResponse(result: CheckResult): provproto.CheckResponse {
  const response = new provproto.CheckResponse();
  response.setInputs(toStruct(result.inputs));
  response.setFailuresList(
    result.failures.map((failure) => {
      const message = new provproto.CheckFailure();
      message.setProperty(failure.property);
      message.setReason(failure.reason);
      return message;
    }),
  );
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

/** Logs through the engine, tied to a resource; logs nowhere when no engine was given. */
function engineLog(engine: engrpc.EngineClient | undefined, urn: string): ResourceLog {
  const send = (severity: engproto.LogSeverity, message: string) =>
    new Promise<void>((resolve) => {
      if (engine === undefined) {
        resolve();
        return;
      }
      const request = new engproto.LogRequest();
      request.setSeverity(severity);
      request.setMessage(message);
      request.setUrn(urn);
      engine.log(request, () => {
        resolve();
      });
    });
  return {
    info: (message) => send(engproto.LogSeverity.INFO, message),
    warn: (message) => send(engproto.LogSeverity.WARNING, message),
  };
}

/** The protocol's methods over the handlers. */
function service(
  handlers: ProviderHandlers,
  engine: engrpc.EngineClient | undefined,
): provrpc.IResourceProviderServer {
  const resource = (urn: string, name: string): ResourceRequest => ({
    urn,
    name: name === "" ? nameOf(urn) : name,
    log: engineLog(engine, urn),
  });
  return {
    getPluginInfo: unary(() => {
      const info = new plugproto.PluginInfo();
      info.setVersion(handlers.version);
      return info;
    }),
    getSchema: unary(() => {
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
      // Config changes move no resource: each records where its bucket is.
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
      handlers.configure(fromStruct(request.getArgs()));
      const response = new provproto.ConfigureResponse();
      response.setAcceptsecrets(true);
      response.setSupportspreview(false);
      return response;
    }),
    check: unary((request: provproto.CheckRequest) =>
      checkResponse(
        handlers.check({
          ...resource(request.getUrn(), request.getName()),
          olds: fromStruct(request.getOlds()),
          news: fromStruct(request.getNews()),
        }),
      ),
    ),
    diff: unary((request: provproto.DiffRequest) =>
      diffResponse(
        handlers.diff({
          ...resource(request.getUrn(), request.getName()),
          id: request.getId(),
          olds: fromStruct(request.getOlds()),
          news: fromStruct(request.getNews()),
        }),
      ),
    ),
    create: unary(async (request: provproto.CreateRequest) => {
      const created = await handlers.create({
        ...resource(request.getUrn(), request.getName()),
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
        ...resource(request.getUrn(), request.getName()),
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
        ...resource(request.getUrn(), request.getName()),
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
        ...resource(request.getUrn(), request.getName()),
        id: request.getId(),
        properties: fromStruct(request.getProperties()),
      });
      return new emptyproto.Empty();
    }),
    cancel: unary(() => new emptyproto.Empty()),
    attach: unary(() => new emptyproto.Empty()),
    handshake: unimplemented("Handshake"),
    parameterize: unimplemented("Parameterize"),
    invoke: unimplemented("Invoke"),
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
 * standard output for the engine. `engineAddress` is the engine's log endpoint, the first
 * argument the engine starts a plugin with.
 */
export async function serveProvider(
  handlers: ProviderHandlers,
  engineAddress: string | undefined,
): Promise<{ port: number; server: grpc.Server }> {
  const engine =
    engineAddress === undefined || engineAddress === ""
      ? undefined
      : new engrpc.EngineClient(engineAddress, grpc.credentials.createInsecure());
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(provrpc.ResourceProviderService, service(handlers, engine));
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => {
      if (error === null) {
        resolve(bound);
      } else {
        reject(error);
      }
    });
  });
  return { port, server };
}
