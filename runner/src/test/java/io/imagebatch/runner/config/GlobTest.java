package io.imagebatch.runner.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GlobTest {
  @Test
  void doubleStarMatchesAnyDepthIncludingNone() {
    Glob glob = Glob.compile("**/*.jpg");
    assertThat(glob.matches("a.jpg")).isTrue();
    assertThat(glob.matches("x/y/a.jpg")).isTrue();
    assertThat(glob.matches("a.JPG")).isTrue();
    assertThat(glob.matches("a.jpgx")).isFalse();
    assertThat(glob.matches("a.png")).isFalse();
  }

  @Test
  void singleStarStaysInOneSegment() {
    Glob glob = Glob.compile("raw/*.png");
    assertThat(glob.matches("raw/a.png")).isTrue();
    assertThat(glob.matches("raw/x/a.png")).isFalse();
  }

  @Test
  void classesAndQuestionMarks() {
    assertThat(Glob.compile("**/*.tif*").matches("scan.tiff")).isTrue();
    assertThat(Glob.compile("img?.[jp]*").matches("img1.png")).isTrue();
    assertThat(Glob.compile("img?.[!j]*").matches("img1.jpg")).isFalse();
  }

  @Test
  void excludeWinsOverInclude() {
    Glob.Filter filter = Glob.Filter.of(List.of("**/*.jpg"), List.of("drafts/**"));
    assertThat(filter.accepts("a/b.jpg")).isTrue();
    assertThat(filter.accepts("drafts/b.jpg")).isFalse();
  }
}
