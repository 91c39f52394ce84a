package io.imagebatch.vips;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library override: a clear error for every way the named file can be wrong. */
class VipsLibraryTest {
  private static final String ZLIB = "/lib/x86_64-linux-gnu/libz.so.1";

  @TempDir Path dir;

  @AfterEach
  void clearOverride() {
    System.clearProperty(VipsLibrary.PROPERTY);
  }

  @Test
  void aMissingFileIsNamedWithTheSettingThatAskedForIt() {
    Path missing = dir.resolve("libvips.so.42");
    System.setProperty(VipsLibrary.PROPERTY, missing.toString());

    assertThatThrownBy(VipsLibrary::load)
        .isInstanceOf(VipsException.class)
        .hasMessage(
            "load: libvips library "
                + missing
                + " (from imagebatch.vips.library / IMAGEBATCH_VIPS_LIBRARY) does not exist or"
                + " is not readable");
  }

  @Test
  void aFileThatIsNotASharedLibraryIsRefusedNotCrashedOn() throws Exception {
    Path text = Files.writeString(dir.resolve("libvips.so.42"), "not a library");
    System.setProperty(VipsLibrary.PROPERTY, text.toString());

    assertThatThrownBy(VipsLibrary::load)
        .isInstanceOf(VipsException.class)
        .hasMessageStartingWith(
            "load: libvips library "
                + text
                + " (from imagebatch.vips.library / IMAGEBATCH_VIPS_LIBRARY) is not a loadable"
                + " shared library: ");
  }

  @Test
  void aLibraryWithoutTheCApiIsRefusedByName() {
    System.setProperty(VipsLibrary.PROPERTY, ZLIB);

    VipsLibrary.Loaded zlib = VipsLibrary.load();

    assertThat(zlib.name()).isEqualTo(ZLIB);
    assertThatThrownBy(() -> new Native(zlib.lookup()))
        .isInstanceOf(VipsException.class)
        .hasMessage(
            "load: the libvips library does not export vips_init; it is too old or not a libvips"
                + " C API build");
  }

  @Test
  void anExplicitLibvipsFileIsTheOneLoaded() {
    String debian = "/usr/lib/x86_64-linux-gnu/libvips.so.42";
    System.setProperty(VipsLibrary.PROPERTY, debian);

    VipsLibrary.Loaded loaded = VipsLibrary.load();

    assertThat(loaded.name()).isEqualTo(debian);
    assertThat(loaded.lookup().find("vips_thumbnail")).isPresent();
  }

  @Test
  void theSystemPropertyWinsOverTheEnvironment() {
    System.setProperty(VipsLibrary.PROPERTY, "/from/property");

    assertThat(VipsLibrary.override()).contains("/from/property");
  }
}
