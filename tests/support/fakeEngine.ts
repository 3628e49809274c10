/**
 * The engine's side of the Engine service, for tests that need a plugin to log somewhere: it
 * keeps every log message it receives, with its severity.
 */
import * as grpc from "@grpc/grpc-js";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";

/** A running fake engine. */
export interface FakeEngine {
  /** Its address, `127.0.0.1:port`, as the engine gives it to a plugin. */
  readonly address: string;
  /** The messages logged to it, each as `<severity>: <message>`. */
  readonly messages: string[];
  readonly close: () => void;
}

const SEVERITIES: Readonly<Record<number, string>> = {
  [engproto.LogSeverity.DEBUG]: "debug",
  [engproto.LogSeverity.INFO]: "info",
  [engproto.LogSeverity.WARNING]: "warning",
  [engproto.LogSeverity.ERROR]: "error",
};

/** Starts a fake engine on a free port of 127.0.0.1. */
export async function startFakeEngine(): Promise<FakeEngine> {
  const messages: string[] = [];
  const unimplemented = (_call: unknown, callback: grpc.sendUnaryData<never>) => {
    callback({ code: grpc.status.UNIMPLEMENTED });
  };
  const server = new grpc.Server();
  server.addService(engrpc.EngineService, {
    log: (call, callback) => {
      messages.push(
        `${SEVERITIES[call.request.getSeverity()] ?? "?"}: ${call.request.getMessage()}`,
      );
      callback(null, new emptyproto.Empty());
    },
    getRootResource: unimplemented,
    setRootResource: unimplemented,
    startDebugging: unimplemented,
    requirePulumiVersion: unimplemented,
  } satisfies engrpc.IEngineServer);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => {
      if (error === null) {
        resolve(bound);
      } else {
        reject(error);
      }
    });
  });
  return {
    address: `127.0.0.1:${port}`,
    messages,
    close: () => {
      server.forceShutdown();
    },
  };
}
