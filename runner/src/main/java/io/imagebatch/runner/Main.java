package io.imagebatch.runner;

import io.imagebatch.runner.config.BatchFile;
import io.imagebatch.runner.config.InvalidSpecException;
import io.imagebatch.runner.config.LoadedBatch;
import io.imagebatch.runner.config.SpecValidator;
import io.imagebatch.runner.local.LocalRun;
import io.imagebatch.runner.log.Log;
import io.imagebatch.runner.output.StorageException;
import io.imagebatch.runner.progress.Progress;
import io.imagebatch.vips.Vips;
import io.imagebatch.vips.VipsException;
import io.imagebatch.vips.VipsOptions;
import java.io.PrintStream;
import java.nio.file.Path;

/** The runner's command line. Every outcome maps to an {@link ExitCode}. */
public final class Main {
  static final String USAGE =
      """
      usage: imagebatch-runner run BATCH.yaml [--concurrency N] [--vips-threads N]
             imagebatch-runner version

        run           process an ImageBatch on this machine; source.volume.path and
                      output.volume.path are directories relative to the YAML file
        --concurrency images processed at once (default: the number of CPUs)
        --vips-threads libvips worker threads per image (default: CPUs / concurrency)

      exit codes: 0 done, 1 more images failed than maxFailedImages allows, 2 usage,
                  3 invalid ImageBatch, 4 storage unreachable
      """;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err).code());
  }

  static ExitCode run(String[] args, PrintStream out, PrintStream err) {
    Arguments arguments;
    try {
      arguments = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("imagebatch-runner: " + e.getMessage());
      err.print(USAGE);
      return ExitCode.USAGE;
    }
    try {
      return switch (arguments.command()) {
        case "run" -> runLocal(arguments, out);
        case "version" -> {
          out.println(
              "libvips " + vips(arguments).version() + " (" + Vips.get().libraryName() + ")");
          yield ExitCode.OK;
        }
        default -> {
          out.print(USAGE);
          yield ExitCode.OK;
        }
      };
    } catch (InvalidSpecException e) {
      err.println(e.getMessage());
      Log.error("invalid ImageBatch", "errors", e.errors().stream().map(Object::toString).toList());
      return ExitCode.INVALID_CONFIGURATION;
    } catch (StorageException e) {
      Log.error("storage unreachable", "error", e.getMessage());
      err.println("storage unreachable: " + e.getMessage());
      return ExitCode.STORAGE_UNREACHABLE;
    } catch (VipsException e) {
      Log.error("libvips unavailable", "error", e.getMessage());
      err.println(e.getMessage());
      return ExitCode.INVALID_CONFIGURATION;
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      Log.error("storage unreachable", "error", e.toString());
      err.println("storage unreachable: " + e);
      return ExitCode.STORAGE_UNREACHABLE;
    }
  }

  private static ExitCode runLocal(Arguments arguments, PrintStream out)
      throws java.io.IOException {
    LoadedBatch batch = BatchFile.load(Path.of(arguments.file()), SpecValidator.Mode.LOCAL);
    vips(arguments);
    LocalRun.Summary summary =
        new LocalRun(batch, arguments.concurrency(), Progress.onTerminal(), out).run();
    return LocalRun.exitCode(summary);
  }

  private static Vips vips(Arguments arguments) {
    return Vips.init(VipsOptions.defaults().withConcurrency(arguments.vipsThreads()));
  }

  /** The parsed command line. */
  record Arguments(String command, String file, int concurrency, int vipsThreads) {
    static Arguments parse(String[] args) {
      if (args.length == 0) {
        return new Arguments("help", null, 1, 1);
      }
      String command = args[0];
      String file = null;
      int cpus = Runtime.getRuntime().availableProcessors();
      Integer concurrency = null;
      Integer vipsThreads = null;
      for (int i = 1; i < args.length; i++) {
        switch (args[i]) {
          case "--concurrency" -> concurrency = positive(args, ++i, "--concurrency");
          case "--vips-threads" -> vipsThreads = positive(args, ++i, "--vips-threads");
          default -> {
            if (args[i].startsWith("-") || file != null) {
              throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            file = args[i];
          }
        }
      }
      if (!java.util.List.of("run", "version", "help", "--help", "-h").contains(command)) {
        throw new IllegalArgumentException("unknown command " + command);
      }
      if (command.equals("run") && file == null) {
        throw new IllegalArgumentException("run needs the ImageBatch YAML file");
      }
      int images = concurrency != null ? concurrency : cpus;
      int threads = vipsThreads != null ? vipsThreads : Math.max(1, cpus / images);
      return new Arguments(command, file, images, threads);
    }

    private static int positive(String[] args, int index, String flag) {
      if (index >= args.length) {
        throw new IllegalArgumentException(flag + " needs a number");
      }
      try {
        int value = Integer.parseInt(args[index]);
        if (value < 1) {
          throw new NumberFormatException();
        }
        return value;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            flag + " must be a positive integer, not " + args[index]);
      }
    }
  }
}
