package io.imagebatch.operator.batch;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.imagebatch.operator.workload.KueueWorkloads;
import io.imagebatch.operator.workload.ShardResultFinalizer;
import java.net.HttpURLConnection;

/**
 * Carries out {@link BatchDecider}'s writes, in order. Each tolerates what a racing or repeated
 * pass leaves (a Job already created, already deleted); any other API error propagates, and {@link
 * ImageBatchReconciler#updateErrorStatus} records it in status.
 */
final class Actions {
  private final KubernetesClient client;

  Actions(KubernetesClient client) {
    this.client = client;
  }

  void run(Action action) {
    switch (action) {
      case Action.ApplySpecConfigMap(var desired, var exists) -> {
        if (!exists && created(() -> client.resource(desired).create())) {
          return;
        }
        client
            .configMaps()
            .inNamespace(desired.getMetadata().getNamespace())
            .withName(desired.getMetadata().getName())
            .edit(
                current -> {
                  current.setData(desired.getData());
                  current.getMetadata().setLabels(desired.getMetadata().getLabels());
                  return current;
                });
      }
      case Action.CreateJob(var job) -> created(() -> client.resource(job).create());
      case Action.DeleteJob(var job) ->
          jobs(job).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      case Action.SuspendJob(var job, var suspend) ->
          jobs(job)
              .edit(
                  j -> {
                    j.getSpec().setSuspend(suspend);
                    return j;
                  });
      case Action.SetWorkloadsActive(var job, var active) ->
          KueueWorkloads.setActive(client, job, active);
    }
  }

  /**
   * Removes the operator's finalizer from a pod: one JSON patch that first tests the finalizer is
   * where the cached pod had it; when the pod changed meanwhile, a read-modify-write instead. A pod
   * already gone is fine.
   */
  void release(Pod pod) {
    var resource =
        client
            .pods()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getName());
    int at = pod.getMetadata().getFinalizers().indexOf(ShardResultFinalizer.NAME);
    String path = "/metadata/finalizers/" + at;
    try {
      resource.patch(
          PatchContext.of(PatchType.JSON),
          "[{\"op\":\"test\",\"path\":\""
              + path
              + "\",\"value\":\""
              + ShardResultFinalizer.NAME
              + "\"},{\"op\":\"remove\",\"path\":\""
              + path
              + "\"}]");
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return;
      }
      if (e.getCode() != 422) {
        throw e;
      }
      try {
        resource.edit(
            current -> {
              current.getMetadata().getFinalizers().remove(ShardResultFinalizer.NAME);
              return current;
            });
      } catch (KubernetesClientException gone) {
        if (gone.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
          throw gone;
        }
      }
    }
  }

  private io.fabric8.kubernetes.client.dsl.ScalableResource<Job> jobs(Job job) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName());
  }

  /** Runs a create; false when the object already existed (created by a racing pass). */
  private static boolean created(Runnable create) {
    try {
      create.run();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      return false;
    }
  }
}
