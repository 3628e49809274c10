// The default server-side encryption rule of Alibaba Cloud OSS buckets.
package ossencryption
