// The end-to-end tests' Go program: one BucketEncryption of the ossencryption provider plugin per
// entry of the stack config "resources", through the Go SDK generated from the plugin's schema;
// and, when the stack config "auditBucket" names a bucket, the audit of its objects by the
// plugin's function getBucketEncryptionAudit, exported.
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
		if auditBucket := config.Get(ctx, "auditBucket"); auditBucket != "" {
			audit := ossencryption.GetBucketEncryptionAuditOutput(ctx, ossencryption.GetBucketEncryptionAuditOutputArgs{
				Bucket:     pulumi.String(auditBucket),
				MaxObjects: pulumi.Int(100),
			})
			// The whole result is secret (it names key ids); the counts are exported in plain text.
			ctx.Export("scanned", pulumi.Unsecret(audit.Scanned()))
			ctx.Export("nonConforming", pulumi.Unsecret(audit.NonConforming()))
			ctx.Export("objects", audit.Objects())
		}
		return nil
	})
}
