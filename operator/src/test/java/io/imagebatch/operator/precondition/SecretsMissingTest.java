package io.imagebatch.operator.precondition;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.imagebatch.api.v1alpha1.ImageBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsMissingTest {

  private static ImageBatch batch(String sourceSecret, String outputSecret) {
    String yaml =
        """
        apiVersion: imagebatch.io/v1alpha1
        kind: ImageBatch
        metadata: { name: catalog, namespace: media }
        spec:
          source:
            s3: { bucket: raw, credentialsSecret: %s }
          variants:
            - { name: thumb, width: 400, formats: [webp] }
          output:
            s3: { bucket: derived, credentialsSecret: %s }
        """
            .formatted(sourceSecret, outputSecret);
    return new KubernetesSerialization().unmarshal(yaml, ImageBatch.class);
  }

  private static Pod waiting(String name, String reason, String message) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .withPhase("Pending")
        .addNewContainerStatus()
        .withName("runner")
        .withNewState()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  private static Pod running(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .addNewContainerStatus()
        .withName("runner")
        .withNewState()
        .withNewRunning()
        .endRunning()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  @Test
  void aMissingSecretNamesItsFieldAndNamespace() {
    var unmet =
        SecretsMissing.check(
                batch("src-creds", "out-creds"),
                List.of(
                    running("a"),
                    waiting("b", "CreateContainerConfigError", "secret \"out-creds\" not found")))
            .orElseThrow();
    assertThat(unmet.reason()).isEqualTo("SecretNotFound");
    assertThat(unmet.message())
        .startsWith(
            "Secret \"out-creds\" (spec.output.s3.credentialsSecret) not found in namespace"
                + " \"media\": create it")
        .contains("AWS_ACCESS_KEY_ID");
  }

  @Test
  void oneSecretForBothSidesNamesBothFields() {
    var unmet =
        SecretsMissing.check(
                batch("creds", "creds"),
                List.of(waiting("a", "CreateContainerConfigError", "secret \"creds\" not found")))
            .orElseThrow();
    assertThat(unmet.message())
        .contains(
            "Secret \"creds\" (spec.source.s3.credentialsSecret and"
                + " spec.output.s3.credentialsSecret)");
  }

  @Test
  void aMissingKeyNamesTheKey() {
    var unmet =
        SecretsMissing.check(
                batch("creds", "creds"),
                List.of(
                    waiting(
                        "a",
                        "CreateContainerConfigError",
                        "couldn't find key AWS_SECRET_ACCESS_KEY in Secret media/creds")))
            .orElseThrow();
    assertThat(unmet.reason()).isEqualTo("SecretKeyNotFound");
    assertThat(unmet.message())
        .contains("in namespace \"media\" has no key \"AWS_SECRET_ACCESS_KEY\"");
  }

  @Test
  void otherWaitingPodsAreNotAMissingSecret() {
    assertThat(
            SecretsMissing.check(
                batch("creds", "creds"),
                List.of(
                    running("a"),
                    waiting("b", "ContainerCreating", ""),
                    waiting("c", "ImagePullBackOff", "Back-off pulling image"),
                    waiting(
                        "d", "CreateContainerConfigError", "configmap \"settings\" not found"))))
        .isEmpty();
  }
}
