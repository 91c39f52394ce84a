package io.imagebatch.operator.rollout;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.api.v1alpha1.ImageRunnerStatus;
import io.imagebatch.operator.event.Events;
import io.imagebatch.operator.metrics.BatchMetrics;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Carries out the {@link RolloutDecider}'s decisions for an ImageRunner: creates, suspends and
 * deletes verification ImageBatches, records events, and writes status. It never writes spec: Git
 * owns spec, and a status patch is the only write this controller makes to an ImageRunner.
 */
@ControllerConfiguration(name = ImageRunnerReconciler.NAME)
public class ImageRunnerReconciler implements Reconciler<ImageRunner> {
  public static final String NAME = "imagerunner";
  private static final System.Logger LOG = System.getLogger(ImageRunnerReconciler.class.getName());

  private final BatchMetrics metrics;

  public ImageRunnerReconciler(BatchMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, ImageRunner>> prepareEventSources(
      EventSourceContext<ImageRunner> context) {
    metrics.watchRunners(() -> context.getPrimaryCache().list().toList());
    SecondaryToPrimaryMapper<ImageBatch> byRunnerLabel =
        batch ->
            Optional.ofNullable(batch.getMetadata().getLabels())
                .map(l -> l.get(VerificationBatches.VERIFICATION_OF))
                .map(r -> Set.of(new ResourceID(r, batch.getMetadata().getNamespace())))
                .orElse(Set.of());
    return List.of(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ImageBatch.class, ImageRunner.class)
                .withName("verification-batches")
                .withLabelSelector(VerificationBatches.VERIFICATION_OF)
                .withSecondaryToPrimaryMapper(byRunnerLabel)
                .build(),
            context));
  }

  /**
   * A reconciliation that threw: counted (imagebatch_reconciliation_errors_total); JOSDK retries.
   */
  @Override
  public ErrorStatusUpdateControl<ImageRunner> updateErrorStatus(
      ImageRunner runner, Context<ImageRunner> context, Exception e) {
    metrics.reconciliationFailed("ImageRunner");
    return ErrorStatusUpdateControl.defaultErrorProcessing();
  }

  @Override
  public UpdateControl<ImageRunner> reconcile(ImageRunner runner, Context<ImageRunner> context) {
    KubernetesClient client = context.getClient();
    Map<String, ImageBatch> verifications =
        context.getSecondaryResources(ImageBatch.class).stream()
            .filter(b -> VerificationBatches.candidateImage(b, runner).isPresent())
            .collect(Collectors.toMap(b -> b.getMetadata().getName(), Function.identity()));
    RolloutDecider.Decision decision =
        RolloutDecider.decide(
            runner,
            name -> Optional.ofNullable(verifications.get(name)).map(BatchState::of),
            Instant.now());

    decision.create().ifPresent(v -> create(client, runner, v));
    decision.stop().ifPresent(name -> suspend(client, runner, name));
    verifications.keySet().stream()
        .filter(name -> !decision.keep().contains(name))
        .forEach(name -> delete(client, runner, name));
    for (RolloutDecider.Event event : decision.events()) {
      LOG.log(System.Logger.Level.INFO, runner.getMetadata().getName() + ": " + event.message());
      Events.record(client, runner, event.type(), event.reason(), event.message());
    }

    UpdateControl<ImageRunner> control =
        Objects.equals(runner.getStatus(), decision.status())
            ? UpdateControl.noUpdate()
            : UpdateControl.patchStatus(statusOnly(runner, decision.status()));
    return decision.recheck() == null ? control : control.rescheduleAfter(decision.recheck());
  }

  /** A patch body with status alone, so the status patch can never own a field of spec. */
  private static ImageRunner statusOnly(ImageRunner runner, ImageRunnerStatus status) {
    ImageRunner fresh = new ImageRunner();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(runner.getMetadata().getName())
            .withNamespace(runner.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    return fresh;
  }

  private static void create(KubernetesClient client, ImageRunner runner, RolloutDecider.Verify v) {
    try {
      client.resource(VerificationBatches.desired(runner, v.color(), v.image())).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) { // 409: created by the last pass; the cache had not seen it yet
        throw e;
      }
    }
  }

  /** Stops a verification that ran out of time; the batch stays for a look at what happened. */
  private static void suspend(KubernetesClient client, ImageRunner runner, String name) {
    try {
      client
          .resources(ImageBatch.class)
          .inNamespace(runner.getMetadata().getNamespace())
          .withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":true}}");
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  private static void delete(KubernetesClient client, ImageRunner runner, String name) {
    client
        .resources(ImageBatch.class)
        .inNamespace(runner.getMetadata().getNamespace())
        .withName(name)
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();
  }
}
