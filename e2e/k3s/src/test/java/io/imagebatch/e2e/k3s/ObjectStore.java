package io.imagebatch.e2e.k3s;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The test's side of MinIO, through the AWS SDK: buckets, uploads and listings. */
final class ObjectStore implements AutoCloseable {

  private final S3Client s3;

  ObjectStore(S3Endpoint endpoint) {
    this.s3 =
        S3Client.builder()
            .endpointOverride(endpoint.fromHost())
            .forcePathStyle(true)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(endpoint.accessKey(), endpoint.secretKey())))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build();
  }

  /** Creates the bucket, retrying while the node port starts forwarding to the ready pod. */
  void createBucket(String bucket) {
    await("bucket " + bucket + " created")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(() -> createOnce(bucket));
  }

  private void createOnce(String bucket) {
    try {
      s3.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException e) {
      // An earlier attempt created it and only its response was lost.
    }
  }

  void upload(String bucket, SourceImage image, String prefix) {
    Path file = image.file();
    s3.putObject(b -> b.bucket(bucket).key(prefix + image.key()), file);
  }

  Set<String> keys(String bucket, String prefix) {
    return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
        .map(S3Object::key)
        .collect(Collectors.toSet());
  }

  @Override
  public void close() {
    s3.close();
  }
}
