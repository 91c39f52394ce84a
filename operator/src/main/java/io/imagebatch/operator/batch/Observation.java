package io.imagebatch.operator.batch;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.operator.precondition.PodsCannotRun;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one reconciliation of a batch sees, read from the informers' caches (and, for the urlsFrom
 * ConfigMap, one GET): the input of {@link BatchDecider}, which sees nothing else.
 *
 * @param jobs the batch's Jobs, of every run
 * @param pods the batch's runner pods, of every run
 * @param specConfigMap the ConfigMap holding the batch's spec for the runner, once created
 * @param presentClaims the PersistentVolumeClaims the batch names that exist
 * @param urlsConfigMap the ConfigMap source.http.urlsFrom names, when it exists
 * @param imageRunner the ImageRunner spec.runner names, when it exists
 * @param failedCreate the message of the latest FailedCreate event of a Job of the batch that is
 *     missing pods
 * @param admissions what Kueue has for the batch's queued Jobs that may need it, by Job name: each
 *     Job still suspended (waiting for admission, or paused), and every unfinished one while the
 *     batch is paused
 */
public record Observation(
    ImageBatch batch,
    List<Job> jobs,
    List<Pod> pods,
    Optional<ConfigMap> specConfigMap,
    Set<String> presentClaims,
    Optional<ConfigMap> urlsConfigMap,
    Optional<ImageRunner> imageRunner,
    Optional<String> failedCreate,
    Map<String, PodsCannotRun.Admission> admissions,
    Instant now) {

  /** What Kueue has for {@code job}, when it was read. */
  public Optional<PodsCannotRun.Admission> admission(Job job) {
    return Optional.ofNullable(admissions.get(job.getMetadata().getName()));
  }
}
