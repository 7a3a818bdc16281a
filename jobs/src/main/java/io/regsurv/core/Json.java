package io.regsurv.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * The one strict JSON reader of the project: configuration, dialects, the status dictionary and
 * table definitions all go through it, so every bad key or type fails with the same kind of line.
 */
public final class Json {
  /** Strict: unknown keys, nulls for primitives and numbers for enums are errors. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  private Json() {}

  /** Reads a bundled file: {@code schemas/...} from the class path (the jar), e.g. "schemas/status-dictionary.json". */
  public static JsonNode readResource(String resource) {
    try (InputStream in = Json.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new BadInputException("Cannot read " + resource + ": not found in the regsurv jar");
      }
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new BadInputException("Cannot read " + resource + ": " + firstLine(e), e);
    }
  }

  /** Reads a JSON file from the local file system. */
  public static JsonNode readFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new BadInputException("Cannot read " + file + ": no such file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new BadInputException("Cannot read " + file + ": " + firstLine(e), e);
    }
  }

  /**
   * Reads a file path if one exists there, otherwise the bundled resource {@code schemas/<dir>/<name>.json}:
   * users name either their own file or a shipped definition.
   */
  public static JsonNode readFileOrBundled(String fileOrName, String bundledDir) {
    Path file = Path.of(fileOrName);
    if (Files.isRegularFile(file)) {
      return readFile(file);
    }
    String resource = "schemas/" + bundledDir + "/" + fileOrName + (fileOrName.endsWith(".json") ? "" : ".json");
    if (Json.class.getClassLoader().getResource(resource) == null) {
      throw new BadInputException(
          "Cannot read " + fileOrName + ": neither a file nor a bundled definition in schemas/" + bundledDir + "/");
    }
    return readResource(resource);
  }

  /** Binds a tree to a type; a mismatch becomes one line naming the source, the key and the problem. */
  public static <T> T bind(JsonNode tree, Class<T> type, String source) {
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (JsonProcessingException e) {
      throw new BadInputException(source + ": " + describe(e), e);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(source + ": " + e.getMessage(), e);
    }
  }

  /** "key 'survival.confLevel': ..." from a Jackson error, without Jackson's source excerpts. */
  static String describe(JsonProcessingException e) {
    String path = "";
    if (e instanceof JsonMappingException m) {
      path =
          m.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."))
              .replace(".[", "[");
    }
    if (e instanceof UnrecognizedPropertyException u) {
      return "unknown key '" + path + "' (known keys here: "
          + u.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "))
          + ")";
    }
    String why = e.getOriginalMessage();
    Throwable root = e.getCause();
    if (root instanceof IllegalArgumentException && root.getMessage() != null) {
      why = root.getMessage();
    }
    return (path.isEmpty() ? "" : "key '" + path + "': ") + firstLine(why);
  }

  private static String firstLine(Throwable e) {
    return firstLine(e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage());
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
