package io.imagebatch.e2e.controlplane.node;

import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a container into a local command line for process mode, e.g. mapping the runner image to
 * {@code java -cp ... io.imagebatch.runner.Main}. The command and args it receives already have
 * {@code $(VAR)} references expanded and mount paths rewritten to their local directories.
 */
@FunctionalInterface
public interface CommandMapper {

  List<String> commandLine(Container container, List<String> command, List<String> args);

  /** Runs {@code command + args} as they are; needs a command, since there is no image. */
  static CommandMapper asIs() {
    return (container, command, args) -> {
      if (command.isEmpty()) {
        throw new IllegalArgumentException(
            "container "
                + container.getName()
                + " has no command; process mode cannot run image "
                + container.getImage()
                + "'s entrypoint: pass a CommandMapper");
      }
      List<String> line = new ArrayList<>(command);
      line.addAll(args);
      return line;
    };
  }
}
