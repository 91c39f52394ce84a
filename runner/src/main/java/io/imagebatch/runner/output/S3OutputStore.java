package io.imagebatch.runner.output;

import io.imagebatch.api.v1alpha1.Format;
import io.imagebatch.runner.s3.S3Clients;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Variants in a bucket. PutObject is atomic, so readers never see part of an object; the
 * fingerprint travels as user metadata ({@code x-amz-meta-imagebatch-fingerprint}).
 */
public final class S3OutputStore implements OutputStore {
  private static final String FINGERPRINT = "imagebatch-fingerprint";

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final String cacheControl;

  public S3OutputStore(S3Client s3, String bucket, String prefix, String cacheControl) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix == null ? "" : prefix;
    this.cacheControl = cacheControl;
  }

  @Override
  public Optional<String> fingerprint(String path) {
    return head(path).map(h -> h.metadata().get(FINGERPRINT));
  }

  @Override
  public boolean exists(String path) {
    return head(path).isPresent();
  }

  @Override
  public void write(String path, byte[] data, Format format, String fingerprint) {
    put(path, data, format.mediaType(), cacheControl, Map.of(FINGERPRINT, fingerprint));
  }

  @Override
  public void writeText(String path, String text) {
    put(
        path,
        text.getBytes(StandardCharsets.UTF_8),
        path.endsWith(".json") ? "application/json" : "application/x-ndjson",
        "no-cache",
        Map.of());
  }

  @Override
  public void writeFile(String path, java.nio.file.Path local, String contentType) {
    String key = S3Clients.join(prefix, path);
    try {
      s3.putObject(
          b -> b.bucket(bucket).key(key).contentType(contentType).cacheControl("no-cache"),
          RequestBody.fromFile(local));
    } catch (SdkClientException | S3Exception e) {
      throw unreachable("write", key, e);
    }
  }

  @Override
  public Optional<String> readText(String path) {
    String key = S3Clients.join(prefix, path);
    try {
      return Optional.of(
          s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkClientException | S3Exception e) {
      throw unreachable("read", key, e);
    }
  }

  @Override
  public String locate(String path) {
    return "s3://" + bucket + "/" + S3Clients.join(prefix, path);
  }

  private Optional<HeadObjectResponse> head(String path) {
    String key = S3Clients.join(prefix, path);
    try {
      return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw unreachable("check", key, e);
    } catch (SdkClientException e) {
      throw unreachable("check", key, e);
    }
  }

  private void put(
      String path, byte[] data, String contentType, String cache, Map<String, String> metadata) {
    String key = S3Clients.join(prefix, path);
    try {
      s3.putObject(
          b ->
              b.bucket(bucket)
                  .key(key)
                  .contentType(contentType)
                  .cacheControl(cache)
                  .metadata(metadata),
          RequestBody.fromBytes(data));
    } catch (SdkClientException | S3Exception e) {
      throw unreachable("write", key, e);
    }
  }

  private StorageException unreachable(String verb, String key, Exception e) {
    return new StorageException(
        "cannot " + verb + " s3://" + bucket + "/" + key + " after retries: " + e.getMessage(), e);
  }
}
