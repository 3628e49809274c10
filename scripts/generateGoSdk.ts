/**
 * `npm run generate:go-sdk`: regenerates the committed Go SDK (`sdk/go/`) from the plugin's
 * schema. Run it after changing the schema or the package version; a test checks that the
 * committed SDK equals a fresh generation.
 */
import { ensureSdkgen, GO_SDK_DIR, generateGoSdk } from "../tooling/goSdk";

async function main(): Promise<void> {
  await ensureSdkgen();
  await generateGoSdk(GO_SDK_DIR, console.log);
  console.log(`Generated the Go SDK into ${GO_SDK_DIR}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
