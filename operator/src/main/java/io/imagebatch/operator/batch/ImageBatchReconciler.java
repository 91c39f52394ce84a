package io.imagebatch.operator.batch;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageBatchStatus.Phase;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.operator.config.RunnerSettings;
import io.imagebatch.operator.event.BatchEvents;
import io.imagebatch.operator.metrics.BatchMetrics;
import io.imagebatch.operator.precondition.PersistentVolumeClaimsExist;
import io.imagebatch.operator.rollout.RunnerResolver;
import io.imagebatch.operator.workload.Labels;
import io.imagebatch.operator.workload.RunnerPodTemplate;
import io.imagebatch.operator.workload.SpecConfigMap;
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
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The ImageBatch controller, in the ImageRunner controller's shape: observe (the informers' caches)
 * → decide ({@link BatchDecider}, pure) → act ({@link Actions}) → status (patched only when it
 * changed; events and metrics from the transition). An API failure reaches status through {@link
 * #updateErrorStatus}.
 *
 * <p>The operator never reads Secrets: storage credentials reach runner pods as secretKeyRef. Its
 * RBAC is the chart's (helm/imagebatch/templates/_helpers.tpl), the one place it is written.
 */
@ControllerConfiguration(name = ImageBatchReconciler.NAME)
public class ImageBatchReconciler implements Reconciler<ImageBatch> {
  public static final String NAME = "imagebatch";

  private final BatchMetrics metrics;
  private final RunnerSettings settings;
  private InformerEventSource<PersistentVolumeClaim, ImageBatch> claims;
  private InformerEventSource<ImageRunner, ImageBatch> runners;

  public ImageBatchReconciler(RunnerSettings settings, BatchMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, ImageBatch>> prepareEventSources(
      EventSourceContext<ImageBatch> context) {
    metrics.watch(() -> context.getPrimaryCache().list().toList());
    claims =
        informer(
            context,
            PersistentVolumeClaim.class,
            null,
            naming(
                context,
                (batch, claim) -> PersistentVolumeClaimsExist.claims(batch).containsKey(claim)));
    runners =
        informer(
            context,
            ImageRunner.class,
            null,
            naming(context, (batch, runner) -> RunnerResolver.runnerName(batch).equals(runner)));
    return List.of(
        informer(context, Job.class, Labels.MANAGED_SELECTOR, byBatchLabel()),
        informer(context, Pod.class, Labels.MANAGED_SELECTOR, byBatchLabel()),
        informer(context, ConfigMap.class, Labels.MANAGED_SELECTOR, byBatchLabel()),
        claims,
        runners);
  }

  @Override
  public UpdateControl<ImageBatch> reconcile(ImageBatch batch, Context<ImageBatch> context) {
    metrics.reconciled();
    KubernetesClient client = context.getClient();
    Decision decision =
        new BatchDecider(settings, client.getKubernetesSerialization())
            .decide(observe(batch, context));
    Actions actions = new Actions(client);
    decision.actions().forEach(actions::run);
    UpdateControl<ImageBatch> control = finish(client, batch, decision.status());
    return decision.recheck() == null ? control : control.rescheduleAfter(decision.recheck());
  }

  /** An API request failed: status says so (the phase and counts stay), and JOSDK retries. */
  @Override
  public ErrorStatusUpdateControl<ImageBatch> updateErrorStatus(
      ImageBatch batch, Context<ImageBatch> context, Exception e) {
    ImageBatchStatus next =
        ApiFailure.status(
            batch.getStatus(),
            Labels.generation(batch),
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
            e);
    BatchEvents.recordStall(context.getClient(), batch, batch.getStatus(), next);
    return Objects.equals(batch.getStatus(), next)
        ? ErrorStatusUpdateControl.noStatusUpdate()
        : ErrorStatusUpdateControl.patchStatus(statusOnly(batch, next));
  }

  private Observation observe(ImageBatch batch, Context<ImageBatch> context) {
    String namespace = batch.getMetadata().getNamespace();
    Set<String> presentClaims =
        PersistentVolumeClaimsExist.claims(batch).keySet().stream()
            .filter(name -> claims.get(new ResourceID(name, namespace)).isPresent())
            .collect(Collectors.toSet());
    // Users' ConfigMaps are not watched (that would cache every ConfigMap): one GET, only while the
    // run has not started.
    Optional<ConfigMap> urls =
        RunnerPodTemplate.urlsFrom(batch)
            .filter(ref -> context.getSecondaryResources(Job.class).isEmpty())
            .flatMap(
                ref ->
                    Optional.ofNullable(
                        context
                            .getClient()
                            .configMaps()
                            .inNamespace(namespace)
                            .withName(ref.name())
                            .get()));
    return new Observation(
        batch,
        List.copyOf(context.getSecondaryResources(Job.class)),
        List.copyOf(context.getSecondaryResources(Pod.class)),
        context.getSecondaryResources(ConfigMap.class).stream()
            .filter(c -> SpecConfigMap.name(batch).equals(c.getMetadata().getName()))
            .findFirst(),
        presentClaims,
        urls,
        runners.get(new ResourceID(RunnerResolver.runnerName(batch), namespace)),
        Instant.now());
  }

  /**
   * The one place where a batch's previous and next status are both known: records the events of
   * the transition, counts a finished run's images ({@link BatchMetrics}), and patches status when
   * it changed.
   */
  private UpdateControl<ImageBatch> finish(
      KubernetesClient client, ImageBatch batch, ImageBatchStatus next) {
    ImageBatchStatus previous = batch.getStatus();
    Phase before = previous == null ? null : previous.phase();
    boolean newRun = previous == null || !Objects.equals(previous.startTime(), next.startTime());
    if (next.phase() != before || (newRun && next.startTime() != null)) {
      BatchEvents.record(client, batch, next);
      if (BatchDecider.terminal(next.phase())) {
        metrics.finished(next);
      }
    }
    BatchEvents.recordStall(client, batch, previous, next);
    return Objects.equals(previous, next)
        ? UpdateControl.noUpdate()
        : UpdateControl.patchStatus(statusOnly(batch, next));
  }

  /** A patch body with status alone, so the status patch can never own a field of spec. */
  private static ImageBatch statusOnly(ImageBatch batch, ImageBatchStatus status) {
    ImageBatch fresh = new ImageBatch();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(batch.getMetadata().getName())
            .withNamespace(batch.getMetadata().getNamespace())
            .build());
    fresh.setStatus(status);
    return fresh;
  }

  /** What the operator created, mapped to its batch by the imagebatch.io/batch label. */
  private static <R extends HasMetadata> SecondaryToPrimaryMapper<R> byBatchLabel() {
    return resource ->
        Labels.label(resource, Labels.BATCH)
            .map(b -> Set.of(new ResourceID(b, resource.getMetadata().getNamespace())))
            .orElse(Set.of());
  }

  /**
   * A user's object (a claim, an ImageRunner), mapped to the batches in its namespace naming it.
   */
  private static <R extends HasMetadata> SecondaryToPrimaryMapper<R> naming(
      EventSourceContext<ImageBatch> context,
      java.util.function.BiPredicate<ImageBatch, String> names) {
    return resource -> {
      String name = resource.getMetadata().getName();
      Predicate<ImageBatch> naming = batch -> names.test(batch, name);
      return context
          .getPrimaryCache()
          .list(resource.getMetadata().getNamespace(), naming)
          .map(ResourceID::fromResource)
          .collect(Collectors.toSet());
    };
  }

  private static <R extends HasMetadata> InformerEventSource<R, ImageBatch> informer(
      EventSourceContext<ImageBatch> context,
      Class<R> type,
      String labelSelector,
      SecondaryToPrimaryMapper<R> mapper) {
    var configuration =
        InformerEventSourceConfiguration.from(type, ImageBatch.class)
            .withName(type.getSimpleName().toLowerCase(Locale.ROOT))
            .withSecondaryToPrimaryMapper(mapper);
    if (labelSelector != null) {
      configuration.withLabelSelector(labelSelector);
    }
    return new InformerEventSource<>(configuration.build(), context);
  }
}
