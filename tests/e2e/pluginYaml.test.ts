/**
 * The provider plugin from a YAML program (pulumi-language-yaml v1.25.0), with the plugin found in
 * node_modules/.bin (the npm route): see tests/support/pluginProgramSuite.ts.
 */
import { describePluginProgram } from "../support/pluginProgramSuite";

jest.setTimeout(240_000);

describePluginProgram({
  language: "YAML",
  program: "tests/e2e/plugin-yaml-program",
  declare: (test, rule) =>
    test.stack.setAllConfig({
      bucket: { value: rule.bucket },
      sseAlgorithm: { value: rule.sseAlgorithm },
      kmsMasterKeyId: { value: rule.kmsMasterKeyId ?? "" },
    }),
  importGeneratesCode: true,
  pluginRoute: "npm",
});
