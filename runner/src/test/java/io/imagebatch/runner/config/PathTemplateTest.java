package io.imagebatch.runner.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.imagebatch.api.v1alpha1.Format;
import org.junit.jupiter.api.Test;

class PathTemplateTest {
  private final PathTemplate template = PathTemplate.parse("{dir}/{stem}-{variant}.{format}");

  @Test
  void rendersNestedAndRootSources() {
    assertThat(template.render("catalog/2026/x.jpg", "thumb", Format.WEBP))
        .isEqualTo("catalog/2026/x-thumb.webp");
    assertThat(template.render("x.jpg", "thumb", Format.JPEG)).isEqualTo("x-thumb.jpeg");
    assertThat(
            PathTemplate.parse("{dir}/{name}/{variant}.{ext}").render("a/x.jpg", "v", Format.JPEG))
        .isEqualTo("a/x.jpg/v.jpg");
  }

  @Test
  void keepsDotsInsideStems() {
    assertThat(template.render("a/my.photo.png", "v", Format.AVIF)).isEqualTo("a/my.photo-v.avif");
  }

  @Test
  void refusesTemplatesThatCollideOrEscape() {
    assertThatThrownBy(() -> PathTemplate.parse("{stem}.{format}"))
        .hasMessageContaining("must contain {variant}");
    assertThatThrownBy(() -> PathTemplate.parse("/abs/{stem}-{variant}.{format}"))
        .hasMessageContaining("must be relative to the output root");
  }
}
