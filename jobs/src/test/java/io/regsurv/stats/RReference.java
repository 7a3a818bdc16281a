package io.regsurv.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The R survival reference files in test resources ({@code r-survival/}, copied from
 * shared/reference/r-survival: R 4.2.2, survival 3.5-3, public datasets of the survival package)
 * and the 1e-9 comparison rule.
 */
public final class RReference {
  public static final List<String> FOLDERS = List.of("aml", "lung_sex", "lung_ecog", "mgus2_competing", "mgus2_age_entry");

  private RReference() {}

  public static Stream<String> folders() {
    return FOLDERS.stream();
  }

  public static boolean has(String folder, String file) {
    return RReference.class.getResource("/r-survival/" + folder + "/" + file) != null;
  }

  /** A local path of a reference file (tests run from the build's class folder). */
  public static Path path(String folder, String file) {
    try {
      return Path.of(RReference.class.getResource("/r-survival/" + folder + "/" + file).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rows of a reference CSV (no quoting in these files) as column → text. */
  public static List<Map<String, String>> read(String folder, String file) {
    try (InputStream in = RReference.class.getResourceAsStream("/r-survival/" + folder + "/" + file)) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Map<String, String>> parse(String csv) {
    List<String> lines = csv.strip().lines().filter(l -> !l.isBlank()).toList();
    String[] header = lines.get(0).split(",", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], f[i]);
      }
      rows.add(row);
    }
    return rows;
  }

  /** R's empty field (NA) and Inf both mean "undefined": regsurv writes NULL (empty). */
  public static void assertClose(String what, String expected, Object actual, double tolerance) {
    if (expected.isEmpty() || expected.equals("Inf") || expected.equals("NA")) {
      if (actual != null && !(actual instanceof String s && s.isEmpty())) {
        fail(what + ": expected undefined (R: '" + expected + "'), was " + actual);
      }
      return;
    }
    double e = Double.parseDouble(expected);
    if (actual == null || (actual instanceof String s && s.isEmpty())) {
      fail(what + ": expected " + expected + ", was undefined");
    }
    double a = actual instanceof Number n ? n.doubleValue() : Double.parseDouble(actual.toString());
    double allowed = tolerance * Math.max(1.0, Math.abs(e));
    if (!(Math.abs(a - e) <= allowed)) {
      fail(what + ": expected " + expected + ", was " + a + " (difference " + Math.abs(a - e) + ")");
    }
    assertThat(Math.abs(a - e)).isLessThanOrEqualTo(allowed);
  }
}
