package io.imagebatch.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record S3Location(
    @JsonPropertyDescription("Bucket name.") @Required String bucket,
    @JsonPropertyDescription("Key prefix; the source root (sources) or output root (outputs).")
        @Default("''")
        String prefix,
    @JsonPropertyDescription(
            "Endpoint URL of an S3-compatible store, e.g."
                + " http://minio.storage:9000. Absent means AWS. Custom endpoints use path-style"
                + " addressing.")
        String endpoint,
    @JsonPropertyDescription("Region; us-east-1 when absent.") String region,
    @JsonPropertyDescription(
            "Secret in this namespace with keys AWS_ACCESS_KEY_ID and"
                + " AWS_SECRET_ACCESS_KEY (and optionally AWS_SESSION_TOKEN). The operator never"
                + " reads it: it reaches the runner pods as secretKeyRef environment variables.")
        String credentialsSecret) {}
