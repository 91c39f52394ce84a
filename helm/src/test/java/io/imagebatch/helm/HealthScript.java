package io.imagebatch.helm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseBaseLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * One Argo CD health script ({@code gitops/argocd/<group>_<kind>/health.lua}) run as Argo CD runs
 * it: the object as the global {@code obj}, the result a table {@code {status=..., message=...}}.
 * Only the libraries Argo CD opens are loaded (base, package, string, table, math; no os, no io),
 * so a script that would fail in Argo CD fails here.
 */
final class HealthScript {

  /** What a health script returns. */
  record Health(String status, String message) {}

  private final Path file;
  private final String source;

  private HealthScript(Path file, String source) {
    this.file = file;
    this.source = source;
  }

  /** The Argo CD customizations directory; tests run in the module directory ({@code helm/}). */
  static Path argoCdDir() {
    Path dir = Path.of("..", "gitops", "argocd").toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("no " + dir + ": run the tests from helm/");
    }
    return dir;
  }

  /** The script of {@code group_Kind}, e.g. {@code imagebatch.io_ImageBatch}. */
  static HealthScript of(String groupKind) throws IOException {
    Path file = argoCdDir().resolve(groupKind).resolve("health.lua");
    return new HealthScript(file, Files.readString(file));
  }

  Path file() {
    return file;
  }

  String source() {
    return source;
  }

  /** Runs the script on one object; a Lua error (a nil index, say) throws LuaError. */
  Health assess(JsonNode object) {
    Globals globals = sandbox();
    globals.set("obj", LuaObjects.of(object));
    LuaValue result = globals.load(source, file.getFileName().toString()).call();
    if (!result.istable()) {
      throw new IllegalStateException(file + " returned " + result.typename() + ", not a table");
    }
    return new Health(text(result.get("status")), text(result.get("message")));
  }

  private static String text(LuaValue value) {
    return value.isnil() ? null : value.tojstring();
  }

  private static Globals sandbox() {
    Globals globals = new Globals();
    globals.load(new JseBaseLib());
    globals.load(new PackageLib());
    globals.load(new StringLib());
    globals.load(new TableLib());
    globals.load(new JseMathLib());
    LoadState.install(globals);
    LuaC.install(globals);
    return globals;
  }
}
