/**
 * ali-oss clients for the local OSS endpoint (tests, the demo, the benchmark), typed for the
 * calls ali-oss's type definitions leave out.
 */
import OSS from "ali-oss";
import { DEFAULT_CREDENTIAL, type EmulatorCredential } from "local-oss-endpoint";

/** ali-oss methods that @types/ali-oss does not declare. */
interface UndeclaredCalls {
  setSLDEnabled(enable: boolean): void;
  putBucketEncryption(
    bucket: string,
    rule: { SSEAlgorithm: string; KMSMasterKeyID?: string },
  ): Promise<{ status: number }>;
  getBucketEncryption(
    bucket: string,
  ): Promise<{ status: number; encryption: Record<string, string | undefined> }>;
  deleteBucketEncryption(bucket: string): Promise<{ status: number }>;
  putBucketVersioning(bucket: string, status: "Enabled" | "Suspended"): Promise<{ status: number }>;
  getBucketVersioning(bucket: string): Promise<{ status: number; versionStatus?: string }>;
}

/** An ali-oss client with the bucket-encryption and bucket-versioning calls typed. */
export type EncryptionClient = OSS & UndeclaredCalls;

/** How to build a client. */
export interface ClientOptions {
  readonly credential?: EmulatorCredential;
  /** Send this STS token (defaults to the credential's own). */
  readonly stsToken?: string;
  readonly v4?: boolean;
  readonly sldEnable?: boolean;
  readonly bucket?: string;
  readonly timeoutMs?: number;
}

/** An ali-oss client for `endpoint`, signing with the emulator's default key pair by default. */
export function aliOssClient(endpoint: string, options: ClientOptions = {}): EncryptionClient {
  const credential = options.credential ?? DEFAULT_CREDENTIAL;
  const stsToken = options.stsToken ?? credential.securityToken;
  const client = new OSS({
    accessKeyId: credential.accessKeyId,
    accessKeySecret: credential.accessKeySecret,
    ...(stsToken === undefined
      ? {}
      : { stsToken, refreshSTSTokenInterval: Number.MAX_SAFE_INTEGER }),
    endpoint,
    region: "oss-cn-hangzhou",
    authorizationV4: options.v4 ?? true,
    ...(options.bucket === undefined ? {} : { bucket: options.bucket }),
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });
  const typed = client as EncryptionClient;
  if (options.sldEnable === true) {
    typed.setSLDEnabled(true);
  }
  return typed;
}
