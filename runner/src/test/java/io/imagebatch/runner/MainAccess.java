package io.imagebatch.runner;

import io.imagebatch.api.contract.ExitCode;
import java.io.PrintStream;

/** Runs the CLI in-process for tests in other packages. */
public final class MainAccess {
  private MainAccess() {}

  public static ExitCode run(String[] args, PrintStream out, PrintStream err) {
    return Main.run(args, out, err, System.getenv());
  }

  public static ExitCode run(
      String[] args, PrintStream out, PrintStream err, java.util.Map<String, String> env) {
    return Main.run(args, out, err, env);
  }
}
