/**
 * N BucketEncryption resources of the ossencryption plugin on the buckets bench-0 ...
 * bench-(N-1), all with the rule `sseAlgorithm`, against the endpoint in config: the dynamic
 * program's resources, served by the plugin.
 */
import * as pulumi from "@pulumi/pulumi";
import { BucketEncryption, type SseAlgorithm } from "pulumi-oss-bucket-encryption/plugin";

const config = new pulumi.Config();
const count = config.requireNumber("count");
const sseAlgorithm = config.require<SseAlgorithm>("sseAlgorithm");
const endpoint = config.require("endpoint");

for (let index = 0; index < count; index++) {
  new BucketEncryption(`bench-${index}`, { bucket: `bench-${index}`, sseAlgorithm, endpoint });
}
