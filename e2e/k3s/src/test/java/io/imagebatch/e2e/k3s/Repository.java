package io.imagebatch.e2e.k3s;

import java.nio.file.Path;

/** Where the suite finds the repository's parts; failsafe passes the paths (see the pom). */
record Repository(Path root, Path operatorImageTar) {

  static Repository fromSystemProperties() {
    Path root = Path.of(System.getProperty("imagebatch.repo.root", "../..")).toAbsolutePath();
    Path tar =
        Path.of(
            System.getProperty(
                "imagebatch.operator.image.tar",
                root.resolve("operator/target/imagebatch-operator-image.tar").toString()));
    return new Repository(root.normalize(), tar.toAbsolutePath().normalize());
  }

  Path chart() {
    return root.resolve("helm/imagebatch");
  }

  Path runnerDockerfile() {
    return root.resolve("Dockerfile.runner");
  }

  Path exampleImages() {
    return root.resolve("examples/local/images");
  }
}
