package io.imagebatch.helm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Converts a Kubernetes object (a YAML/JSON tree) into the Lua value Argo CD hands a health script
 * as {@code obj}: objects become tables with string keys, arrays 1-based tables, and every number a
 * Lua number (Argo CD's gopher-lua has only float64, so {@code generation} is {@code 4.0} there
 * too). Nulls are left out, as a Lua table cannot hold nil.
 */
final class LuaObjects {

  private LuaObjects() {}

  static LuaValue of(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return LuaValue.NIL;
    }
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        LuaValue value = of(field.getValue());
        if (!value.isnil()) {
          table.set(field.getKey(), value);
        }
      }
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      int index = 1;
      for (JsonNode element : node) {
        table.set(index++, of(element));
      }
      return table;
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.doubleValue());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.booleanValue());
    }
    return LuaValue.valueOf(node.asText());
  }
}
