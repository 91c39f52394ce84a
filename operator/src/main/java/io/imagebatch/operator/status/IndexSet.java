package io.imagebatch.operator.status;

/** Counts a Job's index set, such as completedIndexes "0-3,5,7-8". */
public final class IndexSet {
  private IndexSet() {}

  public static int count(String indexes) {
    if (indexes == null || indexes.isBlank()) {
      return 0;
    }
    int count = 0;
    for (String part : indexes.split(",")) {
      String range = part.strip();
      int dash = range.indexOf('-');
      if (dash < 0) {
        count++;
      } else {
        count +=
            Integer.parseInt(range.substring(dash + 1))
                - Integer.parseInt(range.substring(0, dash))
                + 1;
      }
    }
    return count;
  }
}
