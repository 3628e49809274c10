/**
 * pulumi-oss-bucket-encryption: Alibaba Cloud OSS bucket default encryption as a Pulumi resource.
 *
 * @packageDocumentation
 */
export { BucketEncryption, type BucketEncryptionArgs } from "./dynamic/bucketEncryption";
export {
  BucketEncryptionProvider,
  type BucketEncryptionProviderOptions,
  type ConfirmationPolicy,
  PartialCreateError,
  TIMING_CONFIG_KEYS,
} from "./dynamic/provider";
export type { EncryptionRule, KmsDataEncryption, SseAlgorithm } from "./core/encryptionRule";
export type {
  BucketEncryptionInputs,
  BucketEncryptionOutputs,
  OnDelete,
  OnExisting,
  SignatureVersion,
} from "./core/inputs";
export type {
  BucketEncryptionState,
  EncryptionStore,
  EncryptionStoreFactory,
} from "./oss/encryptionStore";
export { ConnectionSettingsError, type OssConnection, Credentials } from "./oss/connection";
export { OssRequestError } from "./oss/errors";
