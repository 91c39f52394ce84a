package io.imagebatch.runner.s3;

import io.imagebatch.api.v1alpha1.S3Location;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * S3 clients for a source or an output. Credentials come from the environment the operator fills
 * from the batch's Secrets: {@code SOURCE_AWS_ACCESS_KEY_ID} / {@code OUTPUT_AWS_ACCESS_KEY_ID}
 * (and secret key, session token), else the SDK's default chain ({@code AWS_ACCESS_KEY_ID}, ...).
 * Custom endpoints (MinIO, s3proxy, Ceph) use path-style addressing and plain request bodies.
 */
public final class S3Clients {
  /** Retries with exponential backoff and jitter on 5xx, throttling and timeouts. */
  public static final int MAX_ATTEMPTS = 6;

  private S3Clients() {}

  public enum Role {
    SOURCE,
    OUTPUT
  }

  public static S3Client create(S3Location location, Role role, Map<String, String> env) {
    var builder =
        S3Client.builder()
            .region(Region.of(location.region() == null ? "us-east-1" : location.region()))
            .credentialsProvider(credentials(role, env))
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(60)))
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .retryStrategy(RetryMode.STANDARD)
                    .retryStrategy(b -> b.maxAttempts(MAX_ATTEMPTS))
                    .apiCallAttemptTimeout(Duration.ofMinutes(2))
                    .build());
    if (location.endpoint() != null && !location.endpoint().isBlank()) {
      // S3-compatible stores: path-style, and a PutObject body sent plain (Content-Length, its
      // SHA-256 signed) instead of the SDK's default aws-chunked body with a checksum trailer.
      // s3proxy 4.1 breaks the connection under about 4 in 10 aws-chunked PUTs while the SDK is
      // still writing ("Error writing request body to server"), also without the trailer; a
      // plain body is the oldest form of PutObject, which every S3-compatible store reads.
      // Measured in docs/runner.md ("S3-compatible stores"). AWS keeps the SDK's defaults.
      builder
          .endpointOverride(URI.create(location.endpoint()))
          .serviceConfiguration(
              S3Configuration.builder()
                  .pathStyleAccessEnabled(true)
                  .chunkedEncodingEnabled(false)
                  .build())
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(Role role, Map<String, String> env) {
    String prefix = role.name() + "_";
    String key = env.get(prefix + "AWS_ACCESS_KEY_ID");
    String secret = env.get(prefix + "AWS_SECRET_ACCESS_KEY");
    if (key == null || secret == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    String token = env.get(prefix + "AWS_SESSION_TOKEN");
    return StaticCredentialsProvider.create(
        token == null || token.isBlank()
            ? AwsBasicCredentials.create(key, secret)
            : AwsSessionCredentials.create(key, secret, token));
  }

  /** "prefix/" joined with "key", whatever slashes either has. */
  public static String join(String prefix, String key) {
    if (prefix == null || prefix.isEmpty()) {
      return key;
    }
    return prefix.endsWith("/") ? prefix + key : prefix + "/" + key;
  }
}
