/**
 * `oss-encryption-audit` against the local OSS endpoint, as the demo, the benchmark and the tests
 * run it: the built command, the environment it reads its credentials and region from, and the
 * connection the package's own adapters make to the endpoint.
 */
import { join } from "node:path";
import { DEFAULT_CREDENTIAL, type EmulatorCredential } from "local-oss-endpoint";
import { Credentials, type OssConnection } from "../provider/oss/connection";
import { REPOSITORY } from "./localStack";

/** The region the local endpoint serves unless told otherwise. */
const LOCAL_REGION = "cn-hangzhou";

/** The built command, run with `node`. */
export const AUDIT_COMMAND = join(REPOSITORY, "dist/provider/audit/main.js");

/** The only environment the command is given: PATH, the key pair (and token) and the region. */
export function localAuditEnv(
  credential: EmulatorCredential = DEFAULT_CREDENTIAL,
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    ALIBABA_CLOUD_ACCESS_KEY_ID: credential.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: credential.accessKeySecret,
    ...(credential.securityToken === undefined
      ? {}
      : { ALIBABA_CLOUD_SECURITY_TOKEN: credential.securityToken }),
    ALIBABA_CLOUD_REGION: LOCAL_REGION,
  };
}

/** The connection the package's adapters make to the local endpoint at `endpoint`. */
export function localConnection(endpoint: string, source: string): OssConnection {
  return {
    endpoint,
    region: LOCAL_REGION,
    signatureVersion: "v4",
    credentials: new Credentials(
      DEFAULT_CREDENTIAL.accessKeyId,
      DEFAULT_CREDENTIAL.accessKeySecret,
      undefined,
      source,
    ),
  };
}
