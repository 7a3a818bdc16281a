package io.regsurv.config;

import io.regsurv.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regsurv.core.BadInputException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Builds a {@link RunConfig}: bundled defaults, then the user's JSON file, then {@code key=value}
 * overrides from the command line (dotted keys, comma-separated lists), bound strictly.
 */
public final class ConfigLoader {
  static final String DEFAULTS = "regsurv/default-config.json";

  private ConfigLoader() {}

  public static RunConfig load(Path userFile, Map<String, String> overrides) {
    ObjectNode tree = (ObjectNode) Json.readResource(DEFAULTS);
    String source = "configuration";
    if (userFile != null) {
      JsonNode user = Json.readFile(userFile);
      if (!user.isObject()) {
        throw new BadInputException("config " + userFile + ": expected a JSON object at the top level");
      }
      merge(tree, (ObjectNode) user);
      source = "config " + userFile;
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      override(tree, e.getKey(), e.getValue());
    }
    return Json.bind(tree, RunConfig.class, source);
  }

  /** Deep merge: objects merge key by key, anything else replaces. */
  static void merge(ObjectNode into, ObjectNode from) {
    for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode existing = into.get(e.getKey());
      if (existing instanceof ObjectNode o && e.getValue() instanceof ObjectNode n) {
        merge(o, n);
      } else {
        into.set(e.getKey(), e.getValue());
      }
    }
  }

  private static void override(ObjectNode tree, String dottedKey, String value) {
    String[] parts = dottedKey.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (!(child instanceof ObjectNode o)) {
        throw new BadInputException("--set " + dottedKey + ": unknown key '" + parts[i] + "'");
      }
      node = o;
    }
    String leaf = parts[parts.length - 1];
    if (!node.has(leaf)) {
      throw new BadInputException("--set " + dottedKey + ": unknown key '" + leaf + "'");
    }
    if (node.get(leaf).isArray()) {
      ArrayNode list = JsonNodeFactory.instance.arrayNode();
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          list.add(item.trim());
        }
      }
      node.set(leaf, list);
    } else if (value.isEmpty() || value.equals("null")) {
      node.putNull(leaf);
    } else {
      // Strings coerce to numbers and booleans when the record asks for them.
      node.put(leaf, value);
    }
  }
}
