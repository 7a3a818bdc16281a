package io.regsurv.config;

import io.regsurv.core.CanonicalStatus;
import io.regsurv.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import io.regsurv.core.BadInputException;
import io.regsurv.core.Text;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The raw-status dictionary ({@code schemas/status-dictionary.json}): normalised lookup key of
 * every known raw status string to its canonical status.
 */
public record StatusDictionary(Map<String, CanonicalStatus> byKey, String source) {

  /** The file form: canonical status name to the raw variants. */
  record FileForm(String comment, Map<CanonicalStatus, List<String>> statuses) {}

  public StatusDictionary {
    byKey = Collections.unmodifiableMap(new TreeMap<>(byKey));
  }

  /** Loads a JSON file path, or the bundled {@code schemas/<name>.json}. */
  public static StatusDictionary load(String fileOrName) {
    Path file = Path.of(fileOrName);
    JsonNode tree;
    String source;
    if (Files.isRegularFile(file)) {
      tree = Json.readFile(file);
      source = file.toString();
    } else {
      source = "schemas/" + (fileOrName.endsWith(".json") ? fileOrName : fileOrName + ".json");
      tree = Json.readResource(source);
    }
    FileForm form = Json.bind(tree, FileForm.class, "status dictionary " + source);
    if (form.statuses() == null || form.statuses().isEmpty()) {
      throw new BadInputException("status dictionary " + source + ": 'statuses' is missing or empty");
    }
    Map<String, CanonicalStatus> byKey = new TreeMap<>();
    for (Map.Entry<CanonicalStatus, List<String>> e : form.statuses().entrySet()) {
      if (e.getKey() == CanonicalStatus.UNKNOWN) {
        throw new BadInputException("status dictionary " + source + ": UNKNOWN is what unlisted strings become; do not list variants for it");
      }
      for (String variant : e.getValue()) {
        String key = Text.key(variant);
        if (key == null) {
          throw new BadInputException("status dictionary " + source + ": empty variant under " + e.getKey());
        }
        CanonicalStatus before = byKey.put(key, e.getKey());
        if (before != null && before != e.getKey()) {
          throw new BadInputException(
              "status dictionary " + source + ": '" + variant + "' is listed under both " + before + " and " + e.getKey());
        }
      }
    }
    return new StatusDictionary(byKey, source);
  }

  /** Java twin of the Spark lookup: the canonical status of a raw string, UNKNOWN when unlisted or absent. */
  public CanonicalStatus classify(String raw) {
    String key = Text.key(raw);
    return key == null ? CanonicalStatus.UNKNOWN : byKey.getOrDefault(key, CanonicalStatus.UNKNOWN);
  }

  /** A stable digest of the mapping: a different dictionary means silver must be recomputed. */
  public String fingerprint() {
    List<String> lines = new ArrayList<>();
    byKey.forEach((k, v) -> lines.add(k + "=" + v));
    return sha256(String.join("\n", lines));
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
