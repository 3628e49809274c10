/**
 * `npm run generate`: regenerates everything made from the one definition of the resource
 * (`provider/core/definition.ts`) that is committed: the TypeScript types programs see
 * (`provider/resourceTypes.ts`), the README's reference tables, and the Go SDK (`sdk/go/`). Run it
 * after changing the definition or the package version; a test checks that each equals a fresh
 * generation.
 *
 * `npm run generate -- --check` writes nothing: it names the TypeScript types or README tables
 * that differ from a fresh generation, and fails if any does (the Go SDK is compared by a test).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  formatted,
  RESOURCE_TYPES_FILE,
  resourceTypesSource,
  withReadmeSections,
} from "../tooling/definitionOutputs";
import { ensureSdkgen, GO_SDK_DIR, generateGoSdk } from "../tooling/goSdk";
import { REPOSITORY } from "../tooling/localStack";

/** Each committed file made from the definition, by path relative to the repository, fresh. */
async function freshFiles(): Promise<Record<string, string>> {
  const readme = readFileSync(join(REPOSITORY, "README.md"), "utf8");
  return {
    [RESOURCE_TYPES_FILE]: await formatted(resourceTypesSource(), RESOURCE_TYPES_FILE),
    "README.md": await formatted(withReadmeSections(readme), "README.md"),
  };
}

async function main(): Promise<void> {
  const fresh = await freshFiles();
  if (process.argv.includes("--check")) {
    const stale = Object.entries(fresh)
      .filter(([path, text]) => readFileSync(join(REPOSITORY, path), "utf8") !== text)
      .map(([path]) => path);
    if (stale.length > 0) {
      throw new Error(
        `Not what the definition makes now: ${stale.join(", ")}; run npm run generate.`,
      );
    }
    console.log(`Up to date: ${Object.keys(fresh).join(", ")}`);
    return;
  }
  for (const [path, text] of Object.entries(fresh)) {
    writeFileSync(join(REPOSITORY, path), text);
    console.log(`Generated ${path}`);
  }
  await ensureSdkgen();
  await generateGoSdk(GO_SDK_DIR, console.log);
  console.log(`Generated the Go SDK into ${GO_SDK_DIR}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
