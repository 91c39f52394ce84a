package io.imagebatch.e2e.node;

import java.net.URI;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** The test's view of s3proxy: what the runner pods read and wrote. */
final class ObjectStore implements AutoCloseable {
  private final S3Client s3;

  ObjectStore(URI endpoint, String accessKey, String secretKey) {
    this.s3 =
        S3Client.builder()
            .endpointOverride(endpoint)
            .forcePathStyle(true)
            // Plain PUT bodies, as the runner sends them: s3proxy breaks aws-chunked ones off
            // (docs/runner.md, "S3-compatible stores").
            .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .region(Region.US_EAST_1)
            .httpClient(UrlConnectionHttpClient.create())
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
            .build();
  }

  void createBucket(String bucket) {
    s3.createBucket(b -> b.bucket(bucket));
  }

  void put(String bucket, String key, byte[] bytes) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
  }

  byte[] get(String bucket, String key) {
    return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  String text(String bucket, String key) {
    return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
  }

  HeadObjectResponse head(String bucket, String key) {
    return s3.headObject(b -> b.bucket(bucket).key(key));
  }

  /** Key to size, for every object under {@code prefix}. */
  SortedMap<String, Long> list(String bucket, String prefix) {
    SortedMap<String, Long> objects = new TreeMap<>();
    s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))
        .contents()
        .forEach(o -> objects.put(o.key(), o.size()));
    return objects;
  }

  List<String> keys(String bucket, String prefix) {
    return List.copyOf(list(bucket, prefix).keySet());
  }

  @Override
  public void close() {
    s3.close();
  }
}
