package io.regsurv.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regsurv.cli.Cli;
import io.regsurv.core.Uscc;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {

  private static Cli generate(Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("generate", "--out", out.toString()));
    args.addAll(List.of(extra));
    Cli r = Cli.run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return r;
  }

  /** RFC 4180 for one physical line (the generator never writes newlines inside fields). */
  static List<String> csvFields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          b.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          b.append(c);
        }
      } else if (c == '"' && b.length() == 0) {
        quoted = true;
      } else if (c == ',') {
        out.add(b.toString());
        b.setLength(0);
      } else {
        b.append(c);
      }
    }
    out.add(b.toString());
    return out;
  }

  private static List<String> lines(Path p) throws IOException {
    return Files.readAllLines(p, StandardCharsets.UTF_8);
  }

  private static long firmsEstablishedBy(Path truth, String date) throws IOException {
    return lines(truth.resolve("firms.csv")).stream().skip(1).filter(l -> l.split(",")[2].compareTo(date) <= 0).count();
  }

  private static Map<Path, byte[]> allFiles(Path root) throws IOException {
    Map<Path, byte[]> m = new HashMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        m.put(root.relativize(p), Files.readAllBytes(p));
      }
    }
    return m;
  }

  @Test
  void cleanCsvRowsParseBackWithValidCodesAndConsistentRegions(@TempDir Path dir) throws IOException {
    generate(dir, "--firms", "3000", "--snapshots", "2023-06-30,2024-08-07", "--dirt-rate", "0");
    for (String date : List.of("2023-06-30", "2024-08-07")) {
      List<String> file = lines(dir.resolve("dt=" + date + "/part-00000.csv"));
      assertThat(csvFields(file.get(0))).containsExactlyElementsOf(SnapshotFormat.CSV_HEADER);
      assertThat(file).hasSize(1 + (int) firmsEstablishedBy(dir.resolve("truth"), date));
      for (String line : file.subList(1, file.size())) {
        List<String> f = csvFields(line);
        assertThat(f).as(line).hasSize(13);
        assertThat(Uscc.isValid(f.get(0))).as(line).isTrue();
        assertThat(f.get(3)).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(f.get(3).compareTo(date)).isLessThanOrEqualTo(0);
      }
    }
    // Region code (characters 3–8) agrees with the province in the truth unless the firm moved.
    for (String line : lines(dir.resolve("truth/firms.csv")).subList(1, 3001)) {
      String[] t = line.split(",");
      String province = t[4];
      Places.Province p = java.util.Arrays.stream(Places.PROVINCES).filter(x -> x.name().equals(province)).findFirst().orElseThrow();
      assertThat(t[1].substring(2, 4)).as(line).isEqualTo(p.code());
    }
  }

  @Test
  void cancelledRowsCarryTheirDateUnlessMarkedMissing(@TempDir Path dir) throws IOException {
    generate(dir, "--firms", "5000", "--snapshots", "2024-08-07", "--dirt-rate", "0");
    int cancelled = 0;
    for (String line : lines(dir.resolve("dt=2024-08-07/part-00000.csv"))) {
      List<String> f = csvFields(line);
      if (f.get(2).equals("注销")) {
        cancelled++;
        assertThat(f.get(5)).matches("\\d{4}-\\d{2}-\\d{2}|N/A|-|无|");
        assertThat(f.get(6)).isEmpty();
      }
    }
    assertThat(cancelled).isGreaterThan(50);
  }

  @Test
  void sameSeedGivesIdenticalBytesAndAnotherSeedDoesNot(@TempDir Path dir) throws IOException {
    String[] opts = {"--firms", "2000", "--snapshots", "2024-03-31,2024-08-07", "--parts", "2", "--gzip", "--dirt-rate", "0.02"};
    generate(dir.resolve("a"), opts);
    generate(dir.resolve("b"), opts);
    List<String> seven = new ArrayList<>(List.of(opts));
    seven.addAll(List.of("--seed", "7"));
    generate(dir.resolve("c"), seven.toArray(String[]::new));
    Map<Path, byte[]> a = allFiles(dir.resolve("a"));
    Map<Path, byte[]> b = allFiles(dir.resolve("b"));
    Map<Path, byte[]> c = allFiles(dir.resolve("c"));
    assertThat(a.keySet()).contains(Path.of("dt=2024-08-07/part-00001.csv.gz"), Path.of("truth/firms.csv"), Path.of("truth/dirt.csv"));
    assertThat(b.keySet()).isEqualTo(a.keySet());
    assertThat(a.keySet()).noneMatch(p -> p.getFileName().toString().endsWith(".crc") || p.toString().contains("_dirt_parts"));
    for (Path p : a.keySet()) {
      assertThat(b.get(p)).as(p.toString()).isEqualTo(a.get(p));
    }
    assertThat(c.get(Path.of("dt=2024-08-07/part-00000.csv.gz"))).isNotEqualTo(a.get(Path.of("dt=2024-08-07/part-00000.csv.gz")));
    assertThat(c.get(Path.of("truth/firms.csv"))).isNotEqualTo(a.get(Path.of("truth/firms.csv")));
  }

  @Test
  void dirtRateIsMetAndEveryLoggedLineIsTheDirtyOne(@TempDir Path dir) throws IOException {
    generate(dir, "--firms", "20000", "--snapshots", "2024-08-07", "--dirt-rate", "0.05");
    List<String> file = lines(dir.resolve("dt=2024-08-07/part-00000.csv"));
    List<String> dirt = lines(dir.resolve("truth/dirt.csv"));
    assertThat(dirt.get(0)).isEqualTo("snapshot_date,file,line,kind,uscc,recoverable");
    int rows = file.size() - 1;
    int dirty = dirt.size() - 1;
    // Binomial: sd = sqrt(n p (1-p)) ≈ 30 on ~19,000 rows; 5 sd of slack.
    assertThat((double) dirty / rows).isBetween(0.05 - 5 * Math.sqrt(0.05 * 0.95 / rows), 0.05 + 5 * Math.sqrt(0.05 * 0.95 / rows));
    Map<Integer, String> kindByLine = new HashMap<>();
    Map<String, Integer> kinds = new HashMap<>();
    for (String d : dirt.subList(1, dirt.size())) {
      String[] t = d.split(",");
      assertThat(t[1]).isEqualTo("dt=2024-08-07/part-00000.csv");
      kindByLine.put(Integer.parseInt(t[2]), t[3]);
      kinds.merge(t[3], 1, Integer::sum);
    }
    assertThat(kinds.keySet()).containsExactlyInAnyOrder(
        "MALFORMED", "SHIFTED_COLUMNS", "INVALID_CHECK_DIGIT", "IMPOSSIBLE_DATE", "DUPLICATE", "UNKNOWN_STATUS", "FULL_WIDTH");
    for (int n = 2; n <= file.size(); n++) {
      String line = file.get(n - 1);
      List<String> f = csvFields(line);
      String kind = kindByLine.get(n);
      if (kind == null) {
        assertThat(f).as("line %d", n).hasSize(13);
        assertThat(Uscc.isValid(f.get(0))).as("line %d", n).isTrue();
        continue;
      }
      switch (kind) {
        case "INVALID_CHECK_DIGIT" -> assertThat(Uscc.isValid(f.get(0))).as(line).isFalse();
        case "SHIFTED_COLUMNS" -> assertThat(Uscc.isValid(f.get(0))).as(line).isFalse();
        case "MALFORMED" -> assertThat(f.size() != 13 || line.contains("\"")).as(line).isTrue();
        case "DUPLICATE" -> assertThat(line).isEqualTo(file.get(n - 2));
        case "UNKNOWN_STATUS" -> assertThat(f.get(2)).isIn("待核实", "其他", "异常", "正常（待迁移）");
        case "IMPOSSIBLE_DATE" -> assertThat(f.get(3).startsWith("1800") || f.get(3).equals("2023-02-30") || f.get(3).compareTo("2024-08-07") > 0).as(line).isTrue();
        case "FULL_WIDTH" -> assertThat(io.regsurv.core.Text.halfWidth(f.get(0).strip())).matches("[0-9A-Z]{18}").isNotEqualTo(f.get(0));
        default -> throw new AssertionError(kind);
      }
    }
  }

  @Test
  void jsonLinesParseWithJacksonAndGb18030AndGzipDecode(@TempDir Path dir) throws IOException {
    generate(dir.resolve("j"), "--firms", "1500", "--snapshots", "2024-08-07", "--format", "jsonl", "--dirt-rate", "0");
    ObjectMapper mapper = new ObjectMapper();
    List<String> json = lines(dir.resolve("j/dt=2024-08-07/part-00000.jsonl"));
    assertThat(json).hasSize((int) firmsEstablishedBy(dir.resolve("j/truth"), "2024-08-07"));
    for (String line : json) {
      JsonNode n = mapper.readTree(line);
      List<String> keys = new ArrayList<>();
      n.fieldNames().forEachRemaining(keys::add);
      assertThat(keys).containsExactlyElementsOf(SnapshotFormat.JSON_KEYS);
      assertThat(Uscc.isValid(n.get("uscc").asText())).isTrue();
      assertThat(n.get("name").isTextual()).isTrue();
    }

    generate(dir.resolve("g"), "--firms", "1500", "--snapshots", "2024-08-07", "--encoding", "gb18030", "--gzip");
    generate(dir.resolve("u"), "--firms", "1500", "--snapshots", "2024-08-07");
    byte[] gz;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("g/dt=2024-08-07/part-00000.csv.gz")))) {
      gz = in.readAllBytes();
    }
    String decoded = Charset.forName("GB18030").newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(gz)).toString();
    assertThat(decoded).startsWith("统一社会信用代码,企业名称,登记状态");
    assertThat(decoded).isEqualTo(Files.readString(dir.resolve("u/dt=2024-08-07/part-00000.csv")));
    boolean utf8Fails;
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(gz));
      utf8Fails = false;
    } catch (CharacterCodingException e) {
      utf8Fails = true;
    }
    assertThat(utf8Fails).as("GB18030 bytes are not UTF-8").isTrue();
  }

  @Test
  void truthCountsExitsPerSnapshotAndWritesCalibration(@TempDir Path dir) throws IOException {
    generate(dir, "--firms", "4000", "--snapshots", "2023-12-31,2024-06-30,2024-08-07", "--dirt-rate", "0");
    List<String> firms = lines(dir.resolve("truth/firms.csv"));
    long exitsByLast = firms.stream().skip(1).map(l -> l.split(",", -1))
        .filter(t -> !t[7].isEmpty() && t[7].compareTo("2024-08-07") <= 0).count();
    long exitsIn2024H1 = firms.stream().skip(1).map(l -> l.split(",", -1))
        .filter(t -> !t[7].isEmpty() && t[7].compareTo("2023-12-31") > 0 && t[7].compareTo("2024-06-30") <= 0).count();
    List<String> exits = lines(dir.resolve("truth/exits_by_snapshot.csv"));
    assertThat(exits.get(0)).isEqualTo("snapshot_date,cause,firms,ai_related_firms");
    long total = exits.stream().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[2])).sum();
    long h1 = exits.stream().skip(1).filter(l -> l.startsWith("2024-06-30")).mapToLong(l -> Long.parseLong(l.split(",")[2])).sum();
    assertThat(total).isEqualTo(exitsByLast).isGreaterThan(100);
    assertThat(h1).isEqualTo(exitsIn2024H1).isGreaterThan(10);
    JsonNode cal = new ObjectMapper().readTree(dir.resolve("truth/calibration.json").toFile());
    assertThat(cal.get("existing_snapshot_date").asText()).isEqualTo("2024-08-07");
    assertThat(cal.get("figures")).hasSize(6);
    assertThat(cal.get("figures").get(0).get("published").asLong()).isEqualTo(1_804_300L);
  }
}
