/**
 * A typed promise client for the provider protocol, over the generated gRPC client: the engine's
 * side of the calls, for tests that drive a plugin server directly.
 */
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as pluginproto from "@pulumi/pulumi/proto/plugin_pb";
import type * as provproto from "@pulumi/pulumi/proto/provider_pb";

/** The callback a unary call of the generated client ends with. */
type Done<Response> = (error: grpc.ServiceError | null, response: Response) => void;

/** Runs one unary call as a promise. */
function call<Response>(start: (done: Done<Response>) => unknown): Promise<Response> {
  return new Promise((resolve, reject) => {
    start((error, response) => {
      if (error === null) {
        resolve(response);
      } else {
        reject(error);
      }
    });
  });
}

/** The provider calls tests make, each returning the response or rejecting with the gRPC error. */
export interface ProviderClient {
  readonly checkConfig: (request: provproto.CheckRequest) => Promise<provproto.CheckResponse>;
  readonly configure: (request: provproto.ConfigureRequest) => Promise<provproto.ConfigureResponse>;
  readonly check: (request: provproto.CheckRequest) => Promise<provproto.CheckResponse>;
  readonly diff: (request: provproto.DiffRequest) => Promise<provproto.DiffResponse>;
  readonly create: (request: provproto.CreateRequest) => Promise<provproto.CreateResponse>;
  readonly read: (request: provproto.ReadRequest) => Promise<provproto.ReadResponse>;
  readonly update: (request: provproto.UpdateRequest) => Promise<provproto.UpdateResponse>;
  readonly delete: (request: provproto.DeleteRequest) => Promise<emptyproto.Empty>;
  readonly attach: (request: pluginproto.PluginAttach) => Promise<emptyproto.Empty>;
  readonly invoke: (request: provproto.InvokeRequest) => Promise<provproto.InvokeResponse>;
  readonly call: (request: provproto.CallRequest) => Promise<provproto.CallResponse>;
  readonly getSchema: (request: provproto.GetSchemaRequest) => Promise<provproto.GetSchemaResponse>;
  readonly getPluginInfo: () => Promise<pluginproto.PluginInfo>;
  /** Closes the connection. */
  readonly close: () => void;
}

/**
 * Connects to a plugin serving on `127.0.0.1:port`; `options` are the gRPC channel's (the engine
 * sends messages of up to 400 MiB).
 */
export function providerClient(port: number, options: grpc.ChannelOptions = {}): ProviderClient {
  const client = new provrpc.ResourceProviderClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
    { "grpc.max_send_message_length": 400 * 1024 * 1024, ...options },
  );
  return {
    checkConfig: (request) => call((done) => client.checkConfig(request, done)),
    configure: (request) => call((done) => client.configure(request, done)),
    check: (request) => call((done) => client.check(request, done)),
    diff: (request) => call((done) => client.diff(request, done)),
    create: (request) => call((done) => client.create(request, done)),
    read: (request) => call((done) => client.read(request, done)),
    update: (request) => call((done) => client.update(request, done)),
    delete: (request) => call((done) => client.delete(request, done)),
    attach: (request) => call((done) => client.attach(request, done)),
    invoke: (request) => call((done) => client.invoke(request, done)),
    call: (request) => call((done) => client.call(request, done)),
    getSchema: (request) => call((done) => client.getSchema(request, done)),
    getPluginInfo: () => call((done) => client.getPluginInfo(new emptyproto.Empty(), done)),
    close: () => {
      client.close();
    },
  };
}
