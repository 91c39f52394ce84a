package io.imagebatch.operator.batch;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.operator.status.ImageBatchStatusAggregator;
import java.util.Locale;

/**
 * An API request of a reconciliation failed (creating a Job refused by a ResourceQuota or an
 * admission webhook, say): the batch's status says so, keeping its phase and counts. What only a
 * user can fix (forbidden, invalid, over quota) is Stalled; what may clear by itself (a timeout,
 * the API server restarting) is Reconciling, while JOSDK retries.
 */
final class ApiFailure {
  static final String QUOTA_EXCEEDED = "QuotaExceeded";
  static final String FORBIDDEN = "Forbidden";
  static final String REJECTED = "Rejected";
  static final String API_UNAVAILABLE = "ApiUnavailable";

  private ApiFailure() {}

  static ImageBatchStatus status(
      ImageBatchStatus previous, long generation, String now, Exception failure) {
    ImageBatchStatusAggregator status =
        ImageBatchStatusAggregator.keeping(previous, generation, now);
    String message = message(failure);
    if (failure instanceof KubernetesClientException e
        && (e.getCode() == 403 || e.getCode() == 422 || e.getCode() == 400)) {
      String reason =
          message.toLowerCase(Locale.ROOT).contains("exceeded quota")
              ? QUOTA_EXCEEDED
              : e.getCode() == 403 ? FORBIDDEN : REJECTED;
      status.blocked(reason, "the API server refused a request: " + message);
    } else {
      status.waiting(API_UNAVAILABLE, "an API request failed, retrying: " + message);
    }
    return status.build();
  }

  private static String message(Exception failure) {
    String text =
        failure instanceof KubernetesClientException e && e.getStatus() != null
            ? e.getStatus().getMessage()
            : failure.getMessage();
    if (text == null) {
      // A timeout or a broken connection: the cause names it.
      text = String.valueOf(failure.getCause() != null ? failure.getCause() : failure);
    }
    String flat = String.valueOf(text).strip().replaceAll("\\s+", " ");
    return flat.length() <= 400 ? flat : flat.substring(0, 397) + "...";
  }
}
