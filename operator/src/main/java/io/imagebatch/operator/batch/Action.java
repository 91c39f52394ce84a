package io.imagebatch.operator.batch;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/** A write {@link BatchDecider} asks for; {@link Actions} carries it out. */
public sealed interface Action {
  /** Creates or updates the ConfigMap holding the batch's spec for the runner. */
  record ApplySpecConfigMap(ConfigMap desired, boolean exists) implements Action {}

  /** Creates a Job (one already there, from a racing pass, is fine). */
  record CreateJob(Job job) implements Action {}

  /** Deletes a Job of an older run, and its pods. */
  record DeleteJob(Job job) implements Action {}

  /** Pauses (its pods are deleted) or resumes a Job. */
  record SuspendJob(Job job, boolean suspend) implements Action {}

  /**
   * Pauses ({@code active} false) or resumes a Job Kueue admits, through its Kueue Workloads: Kueue
   * owns such a Job's suspend field.
   */
  record SetWorkloadsActive(Job job, boolean active) implements Action {}
}
