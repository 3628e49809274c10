/**
 * The provider plugin from a Go program (pulumi-language-go of sdk/v3 v3.61.0) through the Go SDK
 * generated from the plugin's schema, with the plugin installed from the plugin archive
 * (`pulumi plugin install --file`, no node_modules): see tests/support/pluginProgramSuite.ts.
 */
import { describePluginProgram } from "../support/pluginProgramSuite";

jest.setTimeout(600_000);

describePluginProgram({
  language: "Go",
  program: "tests/e2e/plugin-go-program",
  declare: (test, rule) =>
    test.stack.setConfig("resources", { value: JSON.stringify([{ name: "logs", ...rule }]) }),
  importGeneratesCode: false,
  pluginRoute: "archive",
});
