package io.imagebatch.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The runner image's jlinked JRE has every JDK module the runner and its libraries use. A missing
 * one fails only when its class is first loaded: the image once lacked jdk.net, and every HTTP
 * source ended in NoClassDefFoundError: jdk/net/Sockets (seen on the real node, never locally,
 * where the full JDK runs the runner).
 */
class RunnerImageModulesIT {
  private static final Pattern ADD_MODULES = Pattern.compile("jlink --add-modules (\\S+)");

  @Test
  void theImagesJreHoldsEveryModuleJdepsFindsInTheRunnerAndItsLibraries() throws Exception {
    Path dockerfile = Path.of("../Dockerfile.runner");
    Matcher jlink = ADD_MODULES.matcher(Files.readString(dockerfile));
    assertThat(jlink.find()).as("a jlink --add-modules line in " + dockerfile).isTrue();
    Set<String> image = closure(jlink.group(1).split(","));

    // Every library whole, not only what the runner's classes reach: jdeps cannot follow
    // reflection, and the HTTP client reaches jdk.net from a class the runner never names.
    List<String> args =
        new ArrayList<>(
            List.of("--ignore-missing-deps", "--multi-release", "25", "--print-module-deps"));
    args.add("target/imagebatch-runner.jar");
    try (Stream<Path> jars = Files.list(Path.of("target/lib"))) {
      jars.map(Path::toString).sorted().forEach(args::add);
    }
    StringWriter out = new StringWriter();
    int exit =
        ToolProvider.findFirst("jdeps")
            .orElseThrow()
            .run(new PrintWriter(out), new PrintWriter(out), args.toArray(String[]::new));
    assertThat(exit).as(out.toString()).isZero();
    String[] lines = out.toString().strip().split("\n");
    Set<String> needed = new TreeSet<>(Arrays.asList(lines[lines.length - 1].strip().split(",")));

    assertThat(image).as("modules of the image's JRE (" + jlink.group(1) + ")").containsAll(needed);
  }

  /** The modules jlink puts in the image: the named ones and everything they require. */
  private static Set<String> closure(String... roots) {
    Set<String> modules = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>(Arrays.asList(roots));
    ModuleFinder system = ModuleFinder.ofSystem();
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (modules.add(name)) {
        ModuleDescriptor descriptor = system.find(name).orElseThrow().descriptor();
        descriptor.requires().forEach(r -> todo.push(r.name()));
      }
    }
    return modules;
  }
}
