const { spawn } = require("child_process");
const OSS = require("ali-oss");
const { DEFAULT_CREDENTIAL } = require("./emulator/dist/index.js");
const { BucketEncryptionProvider } = require("./dist/provider/dynamic/provider.js");
(async () => {
  const emu = spawn(process.execPath, ["emulator/dist/cli.js", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const endpoint = await new Promise((r) => { let out = ""; emu.stdout.on("data", (d) => { out += d; const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out); if (m) r(m[0]); }); });
  const mk = (opts = {}) => new OSS({ accessKeyId: DEFAULT_CREDENTIAL.accessKeyId, accessKeySecret: DEFAULT_CREDENTIAL.accessKeySecret, endpoint, region: "oss-cn-hangzhou", authorizationV4: true, secure: false, timeout: 10000, ...opts });
  const c = mk();
  await c.putBucket("bench-b"); await c.putBucketEncryption("bench-b", { SSEAlgorithm: "AES256" });
  const provider = new BucketEncryptionProvider({ env: { ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_CREDENTIAL.accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_CREDENTIAL.accessKeySecret } });
  const inputs = (await provider.check({}, { bucket: "bench-b", sseAlgorithm: "AES256", region: "cn-hangzhou", endpoint })).inputs;
  const c1 = mk({ authorizationV4: false });
  const N = 2000;
  for (const [name, fn] of [
    ["raw v4 xml", () => c.request({ method: "GET", bucket: "bench-b", subres: "encryption", successStatuses: [200], xmlResponse: true, timeout: 10000 })],
    ["raw v4 noxml", () => c.request({ method: "GET", bucket: "bench-b", subres: "encryption", successStatuses: [200], timeout: 10000 })],
    ["raw v1 noxml", () => c1.request({ method: "GET", bucket: "bench-b", subres: "encryption", successStatuses: [200], timeout: 10000 })],
    ["provider.read", () => provider.read("bench-b", inputs)],
  ]) {
    for (let i = 0; i < 200; i++) await fn();
    const cpu0 = process.cpuUsage(); const t = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await fn();
    const cpu = process.cpuUsage(cpu0);
    console.log(name.padEnd(16), "wall", (Number(process.hrtime.bigint() - t) / 1e6 / N).toFixed(3), "client cpu", ((cpu.user + cpu.system) / 1000 / N).toFixed(3));
  }
  emu.kill();
})();
