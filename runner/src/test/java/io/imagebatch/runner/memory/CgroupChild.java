package io.imagebatch.runner.memory;

import io.imagebatch.runner.MainAccess;

/**
 * The runner's CLI, run by {@link MemoryCgroupIT} in a child JVM inside a memory cgroup; it first
 * prints what memory limit and budget it detects there.
 */
public final class CgroupChild {
  private CgroupChild() {}

  public static void main(String[] args) {
    MemoryLimit limit = MemoryLimit.detect();
    long budget = MemoryBudget.budgetBytes(limit.bytes(), Runtime.getRuntime().maxMemory());
    System.out.println("memory limit: " + limit.describe() + "; budget: " + budget + " bytes");
    System.out.flush();
    System.exit(MainAccess.run(args, System.out, System.err).code());
  }
}
