package io.imagebatch.operator.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;

class PrunedStoreTest {
  private static final String IMAGE = "registry.example/imagebatch-runner:1";

  @Test
  void aCachedJobKeepsWhatTheDeciderReadsAndNothingElse() {
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName("b-g1")
            .withNamespace("shop")
            .addToLabels("imagebatch.io/batch", "b")
            .addToAnnotations("imagebatch.io/runner-color", "blue")
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kcm").build())
            .endMetadata()
            .withNewSpec()
            .withSuspend(true)
            .withCompletions(40)
            .withParallelism(4)
            .withCompletionMode("Indexed")
            .withBackoffLimitPerIndex(2)
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("imagebatch.io/batch", "b")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("runner")
            .withImage(IMAGE)
            .addNewEnv()
            .withName("AWS_REGION")
            .withValue("eu")
            .endEnv()
            .endContainer()
            .addNewVolume()
            .withName("spec")
            .endVolume()
            .endSpec()
            .endTemplate()
            .endSpec()
            .withNewStatus()
            .withCompletedIndexes("0-9")
            .withActive(4)
            .endStatus()
            .build();

    Job cached = stored(job);

    assertThat(cached.getMetadata().getLabels()).isEqualTo(job.getMetadata().getLabels());
    assertThat(cached.getMetadata().getAnnotations()).isEqualTo(job.getMetadata().getAnnotations());
    assertThat(cached.getMetadata().getManagedFields()).isEmpty();
    assertThat(cached.getSpec().getSuspend()).isTrue();
    assertThat(cached.getSpec().getCompletions()).isEqualTo(40);
    assertThat(cached.getSpec().getParallelism()).isEqualTo(4);
    assertThat(cached.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(cached.getSpec().getBackoffLimitPerIndex()).isNull();
    assertThat(cached.getSpec().getTemplate().getSpec().getContainers())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getImage()).isEqualTo(IMAGE);
              assertThat(c.getEnv()).isEmpty();
            });
    assertThat(cached.getSpec().getTemplate().getSpec().getVolumes()).isEmpty();
    assertThat(cached.getStatus()).isEqualTo(job.getStatus());
    assertThat(job.getMetadata().getManagedFields()).as("the informer's object").hasSize(1);
  }

  @Test
  void aCachedPodKeepsItsMetadataStatusAndContainerImages() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("b-g1-3-x")
            .addToFinalizers("imagebatch.io/shard-result")
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubelet").build())
            .endMetadata()
            .withNewSpec()
            .withNodeName("node")
            .addNewContainer()
            .withName("runner")
            .withImage(IMAGE)
            .withArgs("shard")
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .endStatus()
            .build();

    Pod cached = PrunedStore.pruned(pod);

    assertThat(cached.getMetadata().getFinalizers()).containsExactly("imagebatch.io/shard-result");
    assertThat(cached.getMetadata().getManagedFields()).isEmpty();
    assertThat(cached.getSpec().getNodeName()).isNull();
    assertThat(cached.getSpec().getContainers().getFirst().getImage()).isEqualTo(IMAGE);
    assertThat(cached.getSpec().getContainers().getFirst().getArgs()).isEmpty();
    assertThat(cached.getStatus().getPhase()).isEqualTo("Running");
  }

  private static Job stored(Job job) {
    PrunedStore<Job> store = PrunedStore.jobs();
    store.put("shop/b-g1", job);
    return store.get("shop/b-g1");
  }
}
