package io.imagebatch.operator.precondition;

import static org.assertj.core.api.Assertions.assertThat;

import io.imagebatch.operator.precondition.KubeletSecretMessage.MissingSecret;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KubeletSecretMessageTest {

  @Test
  void aMissingSecretAsTheKubeletSaysIt() {
    assertThat(KubeletSecretMessage.parse("secret \"s3-creds\" not found"))
        .contains(new MissingSecret("s3-creds", Optional.empty(), Optional.empty()));
  }

  @Test
  void aMissingSecretAsTheApiServerSaysIt() {
    assertThat(KubeletSecretMessage.parse("secrets \"s3-creds\" not found"))
        .contains(new MissingSecret("s3-creds", Optional.empty(), Optional.empty()));
  }

  @Test
  void aMissingKeyNamesTheKeyAndTheNamespace() {
    assertThat(
            KubeletSecretMessage.parse(
                "couldn't find key AWS_ACCESS_KEY_ID in Secret media/s3-creds"))
        .contains(
            new MissingSecret("s3-creds", Optional.of("media"), Optional.of("AWS_ACCESS_KEY_ID")));
  }

  @Test
  void aMissingKeyWithoutANamespace() {
    assertThat(KubeletSecretMessage.parse("couldn't find key accessKeyId in Secret s3-creds"))
        .contains(new MissingSecret("s3-creds", Optional.empty(), Optional.of("accessKeyId")));
  }

  @Test
  void otherMessagesAreNotAboutSecrets() {
    assertThat(KubeletSecretMessage.parse("configmap \"settings\" not found")).isEmpty();
    assertThat(KubeletSecretMessage.parse("couldn't find key level in ConfigMap media/settings"))
        .isEmpty();
    assertThat(
            KubeletSecretMessage.parse(
                "container has runAsNonRoot and image will run as root (pod: \"x\")"))
        .isEmpty();
    assertThat(KubeletSecretMessage.parse("")).isEmpty();
    assertThat(KubeletSecretMessage.parse(null)).isEmpty();
  }
}
