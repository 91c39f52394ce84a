package io.imagebatch.vips;

/** One downcall; MethodHandle.invokeExact throws Throwable, this keeps that in one place. */
@FunctionalInterface
interface NativeCall<T> {
  T call() throws Throwable;

  static <T> T invoke(NativeCall<T> call) {
    try {
      return call.call();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("native call failed", t);
    }
  }

  static void run(NativeRun run) {
    invoke(
        () -> {
          run.run();
          return null;
        });
  }

  @FunctionalInterface
  interface NativeRun {
    void run() throws Throwable;
  }
}
