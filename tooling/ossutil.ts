/**
 * ossutil, Alibaba Cloud's OSS command-line client, as a real OSS client this project did not
 * write: the emulator's tests drive it. Built once from the Go module proxy and cached outside the
 * repository. `go install …@v1.7.19` is refused by the proxy reachable here, but `go mod download`
 * of that exact version is not, so the module is downloaded and built in a copy of its folder
 * (the module cache is read-only).
 */
import { chmodSync, cpSync, existsSync } from "node:fs";
import { join } from "node:path";
import { ensureGoBuiltTool, run, toolCache } from "./commands";

/** The ossutil release the tests drive: the 1.x line, built on the OSS Go SDK v1. */
export const OSSUTIL_VERSION = "1.7.19";

const MODULE = "github.com/aliyun/ossutil";

/** Where the built ossutil is cached. */
export function ossutilPath(): string {
  return join(toolCache(`ossutil-v${OSSUTIL_VERSION}`), "ossutil");
}

/** Provides ossutil: the cached build, else a build from the Go module proxy. Returns its path. */
export function ensureOssutil(log: (line: string) => void = console.log): Promise<string> {
  return ensureGoBuiltTool(
    {
      name: `ossutil v${OSSUTIL_VERSION}`,
      target: ossutilPath(),
      building: "from the Go module proxy (first run only; ~1 minute)",
      build: async (output, scratch) => {
        const info = JSON.parse(
          await run(
            "go",
            ["mod", "download", "-json", `${MODULE}@v${OSSUTIL_VERSION}`],
            scratch,
            log,
          ),
        ) as { Dir: string };
        const source = join(scratch, "source");
        cpSync(info.Dir, source, { recursive: true });
        chmodSync(source, 0o755);
        for (const file of ["go.mod", "go.sum"]) {
          chmodSync(join(source, file), 0o644);
        }
        await run("go", ["build", "-trimpath", "-o", output, "."], source, log, {
          GOFLAGS: "-mod=mod",
        });
      },
    },
    log,
  );
}

/**
 * ossutil for tests: the cached build, never built here (the test command runs the provisioning
 * first).
 *
 * @throws Error saying how to get it, so that a test that needs it fails loudly.
 */
export function requireOssutil(): string {
  const path = ossutilPath();
  if (!existsSync(path)) {
    throw new Error(
      `No ossutil found: run \`node dist/scripts/provisionTools.js\` (npm test does) to build v${OSSUTIL_VERSION} into ${path}.`,
    );
  }
  return path;
}
