// The end-to-end tests' Go program: one BucketEncryption of the ossencryption provider plugin per
// entry of the stack config "resources", through the Go SDK generated from the plugin's schema.
package main

import (
	"github.com/pulumi-oss-bucket-encryption/sdk/go/ossencryption"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// resourceSpec is one resource to declare.
type resourceSpec struct {
	Name              string  `json:"name"`
	Bucket            string  `json:"bucket"`
	SseAlgorithm      string  `json:"sseAlgorithm"`
	KmsMasterKeyID    *string `json:"kmsMasterKeyId"`
	KmsDataEncryption *string `json:"kmsDataEncryption"`
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		var specs []resourceSpec
		config.RequireObject(ctx, "resources", &specs)
		algorithms := pulumi.StringMap{}
		for _, spec := range specs {
			args := &ossencryption.BucketEncryptionArgs{
				Bucket:       pulumi.String(spec.Bucket),
				SseAlgorithm: ossencryption.SseAlgorithm(spec.SseAlgorithm),
			}
			if spec.KmsMasterKeyID != nil {
				args.KmsMasterKeyId = pulumi.StringPtr(*spec.KmsMasterKeyID)
			}
			if spec.KmsDataEncryption != nil {
				args.KmsDataEncryption = ossencryption.KmsDataEncryption(*spec.KmsDataEncryption)
			}
			resource, err := ossencryption.NewBucketEncryption(ctx, spec.Name, args)
			if err != nil {
				return err
			}
			algorithms[spec.Name] = resource.SseAlgorithm
		}
		ctx.Export("algorithms", algorithms)
		return nil
	})
}
