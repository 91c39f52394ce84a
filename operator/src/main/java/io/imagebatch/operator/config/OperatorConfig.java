package io.imagebatch.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** {@code imagebatch.*} in application.properties (or IMAGEBATCH_* environment variables). */
@ConfigMapping(prefix = "imagebatch")
public interface OperatorConfig {

  Runner runner();

  /** How soon a batch stalled on a missing PersistentVolumeClaim or ImageRunner checks again. */
  @WithDefault("15s")
  Duration stalledRecheck();

  interface Runner {
    /** The runner image used when the batch's ImageRunner does not exist. */
    @WithDefault(RunnerSettings.DEFAULT_IMAGE)
    String image();

    /** Resources of runner pods when neither the batch nor its ImageRunner sets them. */
    DefaultResources defaultResources();

    /**
     * Hosts, addresses and networks runner pods may fetch HTTP sources from despite the SSRF guard,
     * comma-separated (IMAGEBATCH_HTTP_ALLOW_HOSTS in the pods). A cluster operator's setting: no
     * field of an ImageBatch can set it.
     */
    Optional<String> httpAllowHosts();
  }

  interface DefaultResources {
    Map<String, String> requests();

    Map<String, String> limits();
  }
}
