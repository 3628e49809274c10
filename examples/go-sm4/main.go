// SM4 (SSE-OSS) from a Go program: OSS encrypts new objects with SM4, under keys it manages
// itself, through the ossencryption plugin's Go SDK.
package main

import (
	"github.com/pulumi-oss-bucket-encryption/sdk/go/ossencryption"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		encryption, err := ossencryption.NewBucketEncryption(ctx, "encryption", &ossencryption.BucketEncryptionArgs{
			Bucket:       pulumi.String(config.Require(ctx, "bucket")),
			SseAlgorithm: ossencryption.SseAlgorithmSM4,
		})
		if err != nil {
			return err
		}
		ctx.Export("bucket", encryption.Bucket)
		ctx.Export("sseAlgorithm", encryption.SseAlgorithm)
		return nil
	})
}
