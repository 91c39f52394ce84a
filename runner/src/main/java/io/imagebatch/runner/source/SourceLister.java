package io.imagebatch.runner.source;

import java.util.function.Consumer;

/** Lists a source one entry at a time, already filtered by include/exclude; never all at once. */
public interface SourceLister {
  void forEach(Consumer<SourceRef> consumer);
}
