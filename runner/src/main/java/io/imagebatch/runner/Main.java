package io.imagebatch.runner;

import io.imagebatch.api.contract.ExitCode;
import io.imagebatch.api.contract.RunnerEnvironment;
import io.imagebatch.runner.cluster.PlanCommand;
import io.imagebatch.runner.cluster.ProcessCommand;
import io.imagebatch.runner.config.BatchFile;
import io.imagebatch.runner.config.FieldError;
import io.imagebatch.runner.config.InvalidSpecException;
import io.imagebatch.runner.config.LoadedBatch;
import io.imagebatch.runner.config.SpecValidator;
import io.imagebatch.runner.isolation.Journal;
import io.imagebatch.runner.isolation.Supervisor;
import io.imagebatch.runner.local.LocalRun;
import io.imagebatch.runner.log.Causes;
import io.imagebatch.runner.log.Log;
import io.imagebatch.runner.output.StorageException;
import io.imagebatch.runner.progress.Progress;
import io.imagebatch.runner.run.StartupClock;
import io.imagebatch.runner.run.TempDirectory;
import io.imagebatch.vips.Vips;
import io.imagebatch.vips.VipsException;
import io.imagebatch.vips.VipsOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** The runner's command line. Every outcome maps to an {@link ExitCode}. */
public final class Main {
  static final String USAGE =
      """
      usage: imagebatch-runner run BATCH.yaml [--concurrency N] [--vips-threads N]
                                              [--allow-untrusted-loaders]
             imagebatch-runner plan --spec BATCH.yaml
             imagebatch-runner process --spec BATCH.yaml [--shard N] [--concurrency N]
             imagebatch-runner version

        run            process an ImageBatch on this machine; source.volume.path and
                       output.volume.path are directories relative to the YAML file
        plan           (planning Job) list the source and write the shard plan
        process        (Indexed Job) process shard N; N defaults to JOB_COMPLETION_INDEX
        --concurrency  images processed at once (default: the number of CPUs)
        --vips-threads libvips worker threads per image (default: CPUs / concurrency)
        --allow-untrusted-loaders
                       let loaders libvips marks untrusted (ImageMagick, PDF, SVG, JPEG XL,
                       PPM, ...) read sources; blocked by default (also
                       IMAGEBATCH_ALLOW_UNTRUSTED_LOADERS=true)

      exit codes: 0 done, 1 more images failed than maxFailedImages allows (run), 2 usage,
                  3 invalid configuration, 4 storage unreachable
      """;

  private Main() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    StartupClock.mark("main");
    Map<String, String> env = System.getenv();
    if (Journal.fromEnvironment(env).isPresent()) {
      Supervisor.exitWithSupervisor();
    } else if (args.length > 0) {
      String tmp = env.getOrDefault(RunnerEnvironment.TMPDIR, System.getProperty("java.io.tmpdir"));
      Optional<Supervisor> supervisor =
          Supervisor.forThisProcess(args[0], env, Files.createDirectories(Path.of(tmp)));
      if (supervisor.isPresent()) {
        System.exit(supervisor.get().run());
      }
    }
    System.exit(run(args, System.out, System.err, env).code());
  }

  static ExitCode run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
    Log.set(Log.fromEnvironment(env));
    Arguments arguments;
    try {
      arguments = Arguments.parse(args, env);
    } catch (IllegalArgumentException e) {
      err.println("imagebatch-runner: " + e.getMessage());
      err.print(USAGE);
      return ExitCode.USAGE;
    }
    try {
      return switch (arguments.command()) {
        case "run" -> runLocal(arguments, out, env);
        case "plan" -> plan(arguments, env);
        case "process" -> process(arguments, env);
        case "version" -> {
          out.println(
              "libvips " + vips(arguments, env).version() + " (" + Vips.get().libraryName() + ")");
          yield ExitCode.OK;
        }
        default -> {
          out.print(USAGE);
          yield ExitCode.OK;
        }
      };
    } catch (InvalidSpecException e) {
      err.println(e.getMessage());
      Log.error(
          "invalid configuration", "errors", e.errors().stream().map(Object::toString).toList());
      return ExitCode.INVALID_CONFIGURATION;
    } catch (StorageException e) {
      Log.error("storage unreachable", "error", e.getMessage(), "causes", Causes.under(e));
      err.println("storage unreachable: " + e.getMessage());
      return ExitCode.STORAGE_UNREACHABLE;
    } catch (VipsException e) {
      Log.error("libvips unavailable", "error", e.getMessage());
      err.println(e.getMessage());
      return ExitCode.INVALID_CONFIGURATION;
    } catch (IOException | UncheckedIOException e) {
      Log.error("storage unreachable", "error", e.toString(), "causes", Causes.under(e));
      err.println("storage unreachable: " + e);
      return ExitCode.STORAGE_UNREACHABLE;
    }
  }

  private static ExitCode runLocal(Arguments arguments, PrintStream out, Map<String, String> env)
      throws IOException {
    LoadedBatch batch = BatchFile.load(Path.of(arguments.file()), SpecValidator.Mode.LOCAL);
    StartupClock.mark("batchLoaded");
    requireSavers(batch, vips(arguments, env));
    LocalRun.Summary summary =
        new LocalRun(batch, arguments.concurrency(), Progress.onTerminal(), out).run();
    return LocalRun.exitCode(summary);
  }

  private static ExitCode plan(Arguments arguments, Map<String, String> env) throws IOException {
    LoadedBatch batch = BatchFile.load(Path.of(arguments.file()), SpecValidator.Mode.CLUSTER);
    try (TempDirectory temp = TempDirectory.create(env.get(RunnerEnvironment.TMPDIR))) {
      new PlanCommand(batch, env, temp.path()).run(terminationMessagePath(env));
    }
    return ExitCode.OK;
  }

  private static ExitCode process(Arguments arguments, Map<String, String> env) throws IOException {
    LoadedBatch batch = BatchFile.load(Path.of(arguments.file()), SpecValidator.Mode.CLUSTER);
    StartupClock.mark("batchLoaded");
    requireSavers(batch, vips(arguments, env));
    try (TempDirectory temp = TempDirectory.create(env.get(RunnerEnvironment.TMPDIR))) {
      new ProcessCommand(batch, env, temp.path(), arguments.concurrency())
          .run(arguments.shard(), terminationMessagePath(env));
    }
    return ExitCode.OK;
  }

  private static void requireSavers(LoadedBatch batch, Vips vips) {
    SpecValidator.requireSavers(
        batch, vips.savers().stream().map(Enum::name).collect(java.util.stream.Collectors.toSet()));
  }

  private static Vips vips(Arguments arguments, Map<String, String> env) {
    Vips vips =
        Vips.init(
            VipsOptions.defaults()
                .withConcurrency(arguments.vipsThreads())
                .withUntrustedLoaders(
                    arguments.allowUntrustedLoaders() || allowUntrustedLoaders(env)));
    StartupClock.mark("libvipsReady");
    return vips;
  }

  private static boolean allowUntrustedLoaders(Map<String, String> env) {
    String value = env.getOrDefault(Arguments.ALLOW_UNTRUSTED_LOADERS, "").strip();
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "", "false" -> false;
      case "true" -> true;
      default ->
          throw new InvalidSpecException(
              "environment",
              new FieldError(
                  Arguments.ALLOW_UNTRUSTED_LOADERS, "must be true or false, not " + value));
    };
  }

  private static Path terminationMessagePath(Map<String, String> env) {
    return Path.of(
        env.getOrDefault(RunnerEnvironment.TERMINATION_MESSAGE_PATH, "/dev/termination-log"));
  }

  /** The parsed command line. */
  record Arguments(
      String command,
      String file,
      int shard,
      int concurrency,
      int vipsThreads,
      boolean allowUntrustedLoaders) {
    /** The cluster operator's setting on the runner pods; never the batch author's. */
    static final String ALLOW_UNTRUSTED_LOADERS = RunnerEnvironment.ALLOW_UNTRUSTED_LOADERS;

    private static final java.util.List<String> COMMANDS =
        java.util.List.of("run", "plan", "process", "version", "help", "--help", "-h");

    static Arguments parse(String[] args, Map<String, String> env) {
      if (args.length == 0) {
        return new Arguments("help", null, 0, 1, 1, false);
      }
      String command = args[0];
      if (!COMMANDS.contains(command)) {
        throw new IllegalArgumentException("unknown command " + command);
      }
      String file = null;
      Integer shard = null;
      Integer concurrency = null;
      Integer vipsThreads = null;
      boolean allowUntrusted = false;
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "--concurrency" -> concurrency = number(args, ++i, "--concurrency", 1);
          case "--vips-threads" -> vipsThreads = number(args, ++i, "--vips-threads", 1);
          case "--shard" -> shard = number(args, ++i, "--shard", 0);
          case "--spec" -> file = value(args, ++i, "--spec");
          case "--allow-untrusted-loaders" -> {
            if (!command.equals("run")) {
              throw new IllegalArgumentException(
                  "--allow-untrusted-loaders is for local runs; in a cluster the operator sets "
                      + ALLOW_UNTRUSTED_LOADERS);
            }
            allowUntrusted = true;
          }
          default -> {
            if (args[i].startsWith("-") || file != null) {
              throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            file = args[i];
          }
        }
      }
      if (java.util.List.of("run", "plan", "process").contains(command) && file == null) {
        throw new IllegalArgumentException(command + " needs the ImageBatch YAML file");
      }
      if (command.equals("process") && shard == null) {
        String index = env.get("JOB_COMPLETION_INDEX");
        if (index == null) {
          throw new IllegalArgumentException("process needs --shard N or JOB_COMPLETION_INDEX");
        }
        shard = number(new String[] {index}, 0, "JOB_COMPLETION_INDEX", 0);
      }
      int cpus = Runtime.getRuntime().availableProcessors();
      int images = concurrency != null ? concurrency : cpus;
      int threads = vipsThreads != null ? vipsThreads : Math.max(1, cpus / images);
      return new Arguments(
          command, file, shard == null ? 0 : shard, images, threads, allowUntrusted);
    }

    private static String value(String[] args, int index, String flag) {
      if (index >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      return args[index];
    }

    private static int number(String[] args, int index, String flag, int min) {
      String text = value(args, index, flag);
      try {
        int value = Integer.parseInt(text);
        if (value < min) {
          throw new NumberFormatException();
        }
        return value;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            flag + " must be an integer of at least " + min + ", not " + text);
      }
    }
  }
}
