package io.imagebatch.operator.status;

import java.util.BitSet;

/** A set of Job indexes in the Job controller's compact form, such as "0-3,5,7-8". */
public final class IndexSet {
  private IndexSet() {}

  public static int count(String indexes) {
    return parse(indexes).cardinality();
  }

  public static BitSet parse(String indexes) {
    BitSet set = new BitSet();
    if (indexes == null || indexes.isBlank()) {
      return set;
    }
    for (String part : indexes.split(",")) {
      String range = part.strip();
      int dash = range.indexOf('-');
      if (dash < 0) {
        set.set(Integer.parseInt(range));
      } else {
        set.set(
            Integer.parseInt(range.substring(0, dash)),
            Integer.parseInt(range.substring(dash + 1)) + 1);
      }
    }
    return set;
  }

  /** The compact form; null for an empty set, so status leaves the field out. */
  public static String format(BitSet set) {
    if (set.isEmpty()) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    for (int from = set.nextSetBit(0); from >= 0; from = set.nextSetBit(from)) {
      int to = set.nextClearBit(from) - 1;
      if (!text.isEmpty()) {
        text.append(',');
      }
      text.append(from);
      if (to > from) {
        text.append('-').append(to);
      }
      from = to + 1;
    }
    return text.toString();
  }
}
