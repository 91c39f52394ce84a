package io.imagebatch.e2e.k3s;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;

/** Installs helm/imagebatch with helm-java, pointing the chart at images loaded into the node. */
final class OperatorChart {

  static final String RELEASE = "imagebatch";
  static final String NAMESPACE = "imagebatch-system";

  private OperatorChart() {}

  /**
   * The operator image is named as the Jib build names it (the chart's default repository and
   * appVersion), never pulled; runner pods get small requests so that a CI machine's node fits the
   * verification batch and a test batch at once.
   */
  static Release install(Repository repo, String kubeconfig, String runnerImage) {
    return new Helm(repo.chart())
        .install()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .createNamespace()
        .withKubeConfigContents(kubeconfig)
        .set("image.pullPolicy", "Never")
        .set("runner.image", runnerImage)
        .set("runner.defaultResources.requests.cpu", "100m")
        .set("runner.defaultResources.requests.memory", "256Mi")
        .set("runner.defaultResources.limits.memory", "1Gi")
        .waitReady()
        .withTimeout(300)
        .call();
  }
}
