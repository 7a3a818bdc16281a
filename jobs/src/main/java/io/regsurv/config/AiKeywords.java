package io.regsurv.config;

import io.regsurv.core.Json;
import java.util.List;

/** The keywords that make a firm AI-related (schemas/ai-keywords.json). */
public record AiKeywords(String description, List<String> keywords) {
  public AiKeywords {
    if (keywords == null || keywords.isEmpty() || keywords.stream().anyMatch(k -> k == null || k.isBlank())) {
      throw new IllegalArgumentException("keywords must list at least one non-blank keyword");
    }
    keywords = List.copyOf(keywords);
  }

  /** The bundled list, or a file of the same shape. */
  public static AiKeywords load(String nameOrPath) {
    java.nio.file.Path file = java.nio.file.Path.of(nameOrPath);
    var tree = java.nio.file.Files.isRegularFile(file) ? Json.readFile(file) : Json.readResource("schemas/" + nameOrPath + ".json");
    return Json.bind(tree, AiKeywords.class, "keywords " + nameOrPath);
  }
}
