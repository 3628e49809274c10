import { engineAddressOf } from "./engineAddress";

/** The SDK's own reading (internal to @pulumi/pulumi, so not declared): the reference. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseArgs } = require("@pulumi/pulumi/provider/internals") as {
  parseArgs: (args: string[]) => { engineAddress: string } | undefined;
};

describe("engineAddressOf", () => {
  it.each([
    [["127.0.0.1:41234"], "127.0.0.1:41234"],
    [["--logtostderr", "-v=9", "127.0.0.1:41234"], "127.0.0.1:41234"],
    [["-v=9", "127.0.0.1:41234"], "127.0.0.1:41234"],
    [["--tracing", "127.0.0.1:9411", "127.0.0.1:41234"], "127.0.0.1:41234"],
    [["--logtostderr", "-v=3", "--tracing", "file:/tmp/trace", "[::1]:41234"], "[::1]:41234"],
    [["127.0.0.1:41234", "extra"], "127.0.0.1:41234"],
    [["--logtostderr", "--tracing", "x"], undefined],
    [[], undefined],
  ])("reads %j as the SDK's provider server does: %s", (args, address) => {
    expect([engineAddressOf(args), parseArgs(args)?.engineAddress]).toStrictEqual([
      address,
      address,
    ]);
  });
});
