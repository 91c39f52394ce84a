package io.imagebatch.operator.batch;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.imagebatch.api.v1alpha1.ImageBatch;
import io.imagebatch.api.v1alpha1.ImageBatchStatus;
import io.imagebatch.api.v1alpha1.ImageRunner;
import io.imagebatch.operator.config.RunnerSettings;
import io.imagebatch.operator.event.BatchEvents;
import io.imagebatch.operator.metrics.BatchMetrics;
import io.imagebatch.operator.precondition.PersistentVolumeClaimsExist;
import io.imagebatch.operator.rollout.RunnerResolver;
import io.imagebatch.operator.workload.Labels;
import io.imagebatch.operator.workload.ShardResultFinalizer;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
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
@ControllerConfiguration(
    name = ImageBatchReconciler.NAME,
    informer =
        @Informer(
            itemStore = CachedImageBatches.class,
            informerListLimit = ImageBatchReconciler.LIST_PAGE))
public class ImageBatchReconciler implements Reconciler<ImageBatch>, Cleaner<ImageBatch> {
  public static final String NAME = "imagebatch";

  static final long LIST_PAGE = 500;

  /** How soon a deleted batch looks again for Jobs and pods still on their way out. */
  private static final Duration CLEANUP_RECHECK = Duration.ofSeconds(2);

  private final BatchMetrics metrics;
  private final RunnerSettings settings;
  private volatile StatusWriteHook afterStatusWrite = StatusWriteHook.NONE;
  private BatchObserver observer;

  public ImageBatchReconciler(RunnerSettings settings, BatchMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
  }

  @Override
  public List<EventSource<?, ImageBatch>> prepareEventSources(
      EventSourceContext<ImageBatch> context) {
    metrics.watch(() -> context.getPrimaryCache().list().toList());
    InformerEventSource<PersistentVolumeClaim, ImageBatch> claims =
        informer(
            context,
            PersistentVolumeClaim.class,
            null,
            naming(
                context,
                (batch, claim) -> PersistentVolumeClaimsExist.claims(batch).containsKey(claim)));
    InformerEventSource<ImageRunner, ImageBatch> runners =
        informer(
            context,
            ImageRunner.class,
            null,
            naming(context, (batch, runner) -> RunnerResolver.runnerName(batch).equals(runner)));
    observer = new BatchObserver(claims, runners, metrics);
    return List.of(
        new InformerEventSource<>(
            configuration(context, Job.class, Labels.MANAGED_SELECTOR, byBatchLabel())
                .withItemStore(PrunedStore.jobs())
                .build(),
            context),
        new InformerEventSource<>(
            configuration(context, Pod.class, Labels.MANAGED_SELECTOR, byBatchLabel())
                .withItemStore(PrunedStore.pods())
                .build(),
            context),
        new InformerEventSource<>(
            configuration(context, ConfigMap.class, Labels.MANAGED_SELECTOR, byBatchLabel())
                .withItemStore(PrunedStore.configMaps())
                .build(),
            context),
        claims,
        runners);
  }

  @Override
  public UpdateControl<ImageBatch> reconcile(ImageBatch batch, Context<ImageBatch> context) {
    metrics.reconciled();
    KubernetesClient client = context.getClient();
    Decision decision =
        new BatchDecider(settings, client.getKubernetesSerialization())
            .decide(observer.observe(batch, context));
    Actions actions = new Actions(client);
    decision.actions().forEach(actions::run);
    finish(context, batch, decision.status());
    // Only now, with the summaries they carried written, may the folded pods go.
    afterStatusWrite.run(batch, decision.status());
    decision.release().forEach(actions::release);
    return decision.recheck() == null
        ? UpdateControl.noUpdate()
        : UpdateControl.<ImageBatch>noUpdate().rescheduleAfter(decision.recheck());
  }

  /**
   * A deleted batch: its Jobs go (so no new pod is created) and the operator's finalizer leaves
   * every pod; the batch goes once none is left.
   */
  @Override
  public DeleteControl cleanup(ImageBatch batch, Context<ImageBatch> context) {
    Actions actions = new Actions(context.getClient());
    List<Job> jobs = List.copyOf(context.getSecondaryResources(Job.class));
    jobs.forEach(job -> actions.run(new Action.DeleteJob(job)));
    List<Pod> held =
        context.getSecondaryResources(Pod.class).stream()
            .filter(ShardResultFinalizer::held)
            .toList();
    held.forEach(actions::release);
    return jobs.isEmpty() && held.isEmpty()
        ? DeleteControl.defaultDelete()
        : DeleteControl.noFinalizerRemoval().rescheduleAfter(CLEANUP_RECHECK);
  }

  /** For tests: runs between a status write and the finalizer removals it allows. */
  public void afterStatusWrite(StatusWriteHook hook) {
    this.afterStatusWrite = hook;
  }

  /** Something to run between a status write and the finalizer removals (a crash, in tests). */
  @FunctionalInterface
  public interface StatusWriteHook {
    StatusWriteHook NONE = (batch, written) -> {};

    void run(ImageBatch batch, ImageBatchStatus written);
  }

  /**
   * An API request failed: status says so (the phase and counts stay), the failure is counted
   * (imagebatch_reconciliation_errors_total, for the reconcile-errors alert), and JOSDK retries. A
   * conflict is neither: it is a pass that read a stale batch (expected while shards finish
   * quickly), and the retry reads the news.
   */
  @Override
  public ErrorStatusUpdateControl<ImageBatch> updateErrorStatus(
      ImageBatch batch, Context<ImageBatch> context, Exception e) {
    if (e instanceof KubernetesClientException k
        && k.getCode() == HttpURLConnection.HTTP_CONFLICT) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    metrics.reconciliationFailed("ImageBatch");
    ImageBatchStatus next =
        ApiFailure.status(
            batch.getStatus(),
            Labels.generation(batch),
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
            e);
    BatchEvents.record(context.getClient(), batch, batch.getStatus(), next);
    // Counts nothing (phase and counts stay), but shows the gauges the new reason.
    metrics.transition(batch.getMetadata().getNamespace(), batch.getStatus(), next);
    return Objects.equals(batch.getStatus(), next)
        ? ErrorStatusUpdateControl.noStatusUpdate()
        : ErrorStatusUpdateControl.patchStatus(statusOnly(batch, next, true));
  }

  /**
   * The one place where a batch's previous and next status are both known: writes status when it
   * changed (an update with the read resourceVersion, so a pass that read a stale batch fails and
   * retries instead of folding a shard twice; the written batch is cached for the next pass), then
   * records the events of the transition and its metrics ({@link BatchMetrics#transition}: what it
   * added to the counts, a finished run), only once the status that says so is written.
   */
  private void finish(Context<ImageBatch> context, ImageBatch batch, ImageBatchStatus next) {
    ImageBatchStatus previous = batch.getStatus();
    if (!Objects.equals(previous, next)) {
      PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
          batch,
          context,
          read -> {
            ImageBatch written = context.getClient().getKubernetesSerialization().clone(read);
            written.setStatus(next);
            return written;
          });
    }
    BatchEvents.record(context.getClient(), batch, previous, next);
    metrics.transition(batch.getMetadata().getNamespace(), previous, next);
  }

  /**
   * A patch body with status alone, so the status patch can never own a field of spec; with the
   * read resourceVersion, so it cannot overwrite a newer status (its folded sums).
   */
  private static ImageBatch statusOnly(
      ImageBatch batch, ImageBatchStatus status, boolean ifUnchanged) {
    ImageBatch fresh = new ImageBatch();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(batch.getMetadata().getName())
            .withNamespace(batch.getMetadata().getNamespace())
            .withResourceVersion(ifUnchanged ? batch.getMetadata().getResourceVersion() : null)
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
    return new InformerEventSource<>(
        configuration(context, type, labelSelector, mapper).build(), context);
  }

  /**
   * Lists in pages of {@value #LIST_PAGE}: a restart of an operator watching a batch of thousands
   * of shards would otherwise read every pod in one response (a 256 MiB heap could not hold it).
   */
  private static <R extends HasMetadata> InformerEventSourceConfiguration.Builder<R> configuration(
      EventSourceContext<ImageBatch> context,
      Class<R> type,
      String labelSelector,
      SecondaryToPrimaryMapper<R> mapper) {
    var configuration =
        InformerEventSourceConfiguration.from(type, ImageBatch.class)
            .withName(type.getSimpleName().toLowerCase(Locale.ROOT))
            .withSecondaryToPrimaryMapper(mapper)
            .withInformerListLimit(LIST_PAGE);
    if (labelSelector != null) {
      configuration.withLabelSelector(labelSelector);
    }
    return configuration;
  }
}
