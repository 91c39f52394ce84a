package io.imagebatch.runner.source;

import io.imagebatch.runner.config.Glob;
import io.imagebatch.runner.output.StorageException;
import io.imagebatch.runner.pipeline.FailureReason;
import io.imagebatch.runner.pipeline.ImageFailure;
import io.imagebatch.runner.pipeline.SourceFile;
import io.imagebatch.runner.s3.S3Clients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Consumer;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects under a bucket prefix: listed page by page (never the whole listing in memory), and
 * fetched into temporary files with the byte limit enforced while streaming.
 */
public final class S3Source implements SourceLister, SourceFetcher {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final Glob.Filter filter;
  private final Path tempDir;

  public S3Source(S3Client s3, String bucket, String prefix, Glob.Filter filter, Path tempDir) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix == null ? "" : prefix;
    this.filter = filter;
    this.tempDir = tempDir;
  }

  @Override
  public void forEach(Consumer<SourceRef> consumer) {
    try {
      ListObjectsV2Request request =
          ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build();
      for (S3Object object : s3.listObjectsV2Paginator(request).contents()) {
        String key = object.key().substring(prefix.length());
        if (!key.isEmpty() && !key.endsWith("/") && filter.accepts(key)) {
          consumer.accept(new SourceRef(key, object.size(), object.key()));
        }
      }
    } catch (SdkClientException | S3Exception e) {
      throw new StorageException(
          "cannot list s3://" + bucket + "/" + prefix + ": " + e.getMessage(), e);
    }
  }

  @Override
  public SourceFile fetch(SourceRef ref, long maxBytes) throws ImageFailure {
    if (ref.size() > maxBytes) {
      throw new ImageFailure(
          FailureReason.InputTooManyBytes, ref.size() + " bytes > maxInputBytes " + maxBytes);
    }
    Path file = null;
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(b -> b.bucket(bucket).key(ref.location()))) {
      Long length = in.response().contentLength();
      if (length != null && length > maxBytes) {
        throw new ImageFailure(
            FailureReason.InputTooManyBytes, length + " bytes > maxInputBytes " + maxBytes);
      }
      file = Files.createTempFile(tempDir, "source-", ".bin");
      MessageDigest digest = Digests.sha256();
      long size = copy(in, file, digest, maxBytes);
      return new SourceFile(ref.key(), file, size, HexFormat.of().formatHex(digest.digest()));
    } catch (NoSuchKeyException e) {
      deleteQuietly(file);
      throw new ImageFailure(
          FailureReason.ReadFailed, "s3://" + bucket + "/" + ref.location() + " no longer exists");
    } catch (ImageFailure e) {
      deleteQuietly(file);
      throw e;
    } catch (SdkClientException | S3Exception e) {
      deleteQuietly(file);
      throw new StorageException(
          "cannot read s3://" + bucket + "/" + ref.location() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      deleteQuietly(file);
      throw new ImageFailure(
          FailureReason.ReadFailed, "cannot download " + ref.location() + ": " + e, e);
    }
  }

  @Override
  public void release(SourceFile file) {
    deleteQuietly(file.file());
  }

  /** Copies while hashing; stops with InputTooManyBytes the moment the limit is passed. */
  static long copy(InputStream in, Path file, MessageDigest digest, long maxBytes)
      throws IOException, ImageFailure {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        total += n;
        if (total > maxBytes) {
          throw new ImageFailure(
              FailureReason.InputTooManyBytes, "more than maxInputBytes " + maxBytes + " bytes");
        }
        digest.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    return total;
  }

  static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a leftover temp file in the pod's emptyDir goes with the pod
      }
    }
  }

  public static String describe(String bucket, String prefix) {
    return "s3://" + bucket + "/" + S3Clients.join(prefix, "");
  }
}
