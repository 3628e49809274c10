/**
 * pulumi-oss-bucket-encryption: Alibaba Cloud OSS bucket default encryption as a Pulumi resource.
 *
 * This entry is the dynamic provider's, for TypeScript and JavaScript programs: the resource, its
 * arguments, the types of its outputs, and the provider class behind it. The provider plugin's
 * resource and provider classes are at `pulumi-oss-bucket-encryption/plugin`.
 *
 * Left out on purpose: the core, the OSS adapter and the lifecycle they share (their behaviour is
 * the resource's, documented in the README), the errors raised inside the provider process (a
 * program sees them as failed operations), and hooks only tests use.
 *
 * @packageDocumentation
 */
export { BucketEncryption } from "./dynamic/bucketEncryption";
export { BucketEncryptionProvider } from "./dynamic/provider";
export {
  type BucketEncryptionArgs,
  type BucketEncryptionProperties,
  type EncryptionRule,
  KmsDataEncryption,
  OnDelete,
  OnExisting,
  type OssLocation,
  SignatureVersion,
  SseAlgorithm,
} from "./resourceTypes";
