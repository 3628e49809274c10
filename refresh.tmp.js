const { createLocalStack, emulatorConfig, startEmulatorWithBuckets } = require("./dist/tooling/localStack.js");
const { ensurePulumiCli } = require("./dist/tooling/pulumiCli.js");
(async () => {
  const cli = await ensurePulumiCli(() => {});
  const N = 200;
  const oss = await startEmulatorWithBuckets(Array.from({ length: N }, (_, i) => `bench-${i}`));
  const stacks = {};
  for (const [name, program] of [["dynamic", "bench/programs/bucket-encryption"], ["floor", "bench/programs/engine-floor"]]) {
    const local = await createLocalStack({ cli, program, stackName: "bench", transpileOnly: true, config: { count: { value: String(N) }, sseAlgorithm: { value: "AES256" }, ...emulatorConfig(oss) }, env: process.env.PROF ? { NODE_OPTIONS: "" } : {} });
    await local.stack.up({ parallel: 16 });
    stacks[name] = local;
  }
  const res = { dynamic: [], floor: [] };
  for (let r = 0; r < Number(process.env.RUNS ?? 5); r++) {
    for (const name of r % 2 ? ["floor", "dynamic"] : ["dynamic", "floor"]) {
      const t = Date.now();
      await stacks[name].stack.refresh({ parallel: 16 });
      res[name].push(Date.now() - t);
    }
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(JSON.stringify(res), "median ratio", (med(res.dynamic) / med(res.floor)).toFixed(3));
  if (process.env.PROF) {
    process.env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${process.env.PROF}`;
    await stacks.dynamic.stack.refresh({ parallel: 16, envVars: {} });
  }
  for (const s of Object.values(stacks)) { await s.stack.destroy({ parallel: 16 }); s.dispose(); }
  await oss.close();
})();
