package io.regsurv.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.regsurv.SharedSpark;
import io.regsurv.cli.Cli;
import io.regsurv.io.Warehouse;
import io.regsurv.io.Tables;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end: hand-written generator-format files through `regsurv ingest` into real Delta tables. */
class IngestJobTest {
  private final SparkSession spark = SharedSpark.spark();

  static final String HEADER = "统一社会信用代码,企业名称,登记状态,成立日期,核准日期,注销日期,吊销日期,注册资本,企业类型,所属省份,所属城市,经营范围,法定代表人";
  static final String LONG_SCOPE = "批发".repeat(5000);

  /** Line numbers are those of the file (header = 1); comments say what each row must become. */
  static final List<String> LINES =
      List.of(
          HEADER, // 1
          "92110108L00228139A,北京甲人工智能科技有限公司,存续,2015-03-02,2020-01-01,,,100(万元人民币),有限责任公司,北京,海淀,\"技术开发,人工智能\",张三", // 2 accepted (AI)
          "91110108L15418672N,乙公司,注销,2010/5/6,,2020-06-30,,50万元,有限责任公司,北京,朝阳,贸易,李四", // 3 accepted, status_date = cancellation
          "91330503735242721D,丙公司,\"吊销，未注销\",20050101,N/A,-,2019年3月4日,168(万美元),有限责任公司,浙江,湖州,制造,王五", // 4 accepted, status_date = revocation
          "９２１１０１０８Ｌ００２２８１３９Ｂ,丁　公司,在业,2016-01-01,,,,１００（万元）,个人独资企业,北京,海淀,咨询,赵六", // 5 accepted, uscc_valid=false
          "92110108L00228139A,北京甲人工智能科技有限公司,存续,2015-03-02,,,,100(万元人民币),有限责任公司,北京,海淀,,张三", // 6 duplicate (less complete than 2)
          "a,b,c", // 7 wrong_column_count
          "92330281MA2ENBUA1R,戊公司,存续,2023-02-30,,,,10(万元),有限责任公司,浙江,宁波,x,y", // 8 bad_established_date (impossible)
          "92330411MA2EUTG328,己公司,存续,2025-01-01,,,,10(万元),有限责任公司,浙江,温州,x,y", // 9 bad_established_date (after snapshot)
          "91110000000000000X,庚公司,存续,1800-01-01,,,,10(万元),有限责任公司,北京,北京,x,y", // 10 bad_established_date (1800)
          ",,存续,2015-01-01,,,,,,北京,北京,,", // 11 missing_uscc + missing_name
          "91330281MA2ENBUA1R,\"辛公司\",存续,2012-12-12,,,,(万香港元),外商投资企业,浙江,宁波,\"第一行", // 12 accepted, quoted scope spans two lines
          "第二行\",钱七", // 13 (continuation of 12)
          "92330281MA2ENBUA1R,壬\u0000公司,存续,2011-11-11,,,,20(万港元),有限责任公司,浙江,宁波," + LONG_SCOPE + ",孙八", // 14 accepted (NUL, 10,000 chars)
          "92330411MA2EUTG32X,\"癸公司,存续,2011-11-11,,,,N/A,有限责任公司,浙江,温州,x,y", // 15 malformed_csv (unterminated quote)
          "92330411MA2EUTG328,子公司,存续,2011-11-11,,,,N/A,有限责任公司,浙江,温州,x,y"); // 16 accepted

  static byte[] csv(List<String> lines, Charset charset) {
    return (String.join("\n", lines) + "\n").getBytes(charset);
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }

  static Path write(Path dir, String name, byte[] data) throws IOException {
    Files.createDirectories(dir);
    return Files.write(dir.resolve(name), data);
  }

  private Warehouse warehouse(Path dir) {
    return new Warehouse(spark, dir.resolve("wh").toString());
  }

  private Cli ingest(Path dir, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "ingest";
    all[1] = "--warehouse";
    all[2] = dir.resolve("wh").toString();
    System.arraycopy(args, 0, all, 3, args.length);
    return Cli.run(all);
  }

  private Map<Long, String> quarantineReasons(Warehouse wh, String date) {
    Map<Long, String> out = new TreeMap<>();
    for (Row r : wh.read(Tables.QUARANTINE).filter("snapshot_date = DATE'" + date + "'").collectAsList()) {
      out.put(r.getLong(r.fieldIndex("source_line")), String.join("+", r.<String>getList(r.fieldIndex("reasons"))));
    }
    return out;
  }

  @Test
  void aSnapshotIsWrittenAsFilesOfAtMostTheTargetRowsAndAtLeastOnePerCoreWhenLargeEnough() {
    // Small: one file, however many cores (a demo snapshot).
    assertThat(IngestJob.filesFor(50_000, 2_000_000, 2)).isEqualTo(1);
    assertThat(IngestJob.filesFor(IngestJob.MIN_ROWS_PER_CORE_FILE * 2 - 1, 2_000_000, 2)).isEqualTo(1);
    // Large enough for a file per core: one per core, not one for the writer's single task.
    assertThat(IngestJob.filesFor(1_489_982, 2_000_000, 2)).isEqualTo(2);
    assertThat(IngestJob.filesFor(1_489_982, 2_000_000, 200)).isEqualTo(5);
    // The target bounds each file; more files than cores are rounded up to a multiple of them.
    assertThat(IngestJob.filesFor(2_279_458, 2_000_000, 2)).isEqualTo(2);
    assertThat(IngestJob.filesFor(5_000_000, 2_000_000, 2)).isEqualTo(4);
    assertThat(IngestJob.filesFor(4_000, 1_000, 2)).isEqualTo(4);
    assertThat(IngestJob.filesFor(4_500, 1_000, 2)).isEqualTo(6);
    assertThat(IngestJob.filesFor(0, 2_000_000, 2)).isEqualTo(1);
  }

  @Test
  void generatorCsvIsNormalisedQuarantinedAndReconciled(@TempDir Path dir) throws IOException {
    write(dir.resolve("in/dt=2024-07-31"), "part-00000.csv", csv(LINES, StandardCharsets.UTF_8));
    Cli cli = ingest(dir, "--snapshot-date", "2024-07-31", dir.resolve("in").toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("read 14 = accepted 7 + quarantined 7").contains("registered capital parsed: 5 of 6 (83.33%)");

    Warehouse wh = warehouse(dir);
    assertThat(quarantineReasons(wh, "2024-07-31"))
        .containsExactlyEntriesOf(
            new TreeMap<>(
                Map.of(
                    6L, "duplicate",
                    7L, "wrong_column_count",
                    8L, "bad_established_date",
                    9L, "bad_established_date",
                    10L, "bad_established_date",
                    11L, "missing_uscc+missing_name",
                    15L, "malformed_csv")));
    Row q = wh.read(Tables.QUARANTINE).filter("source_line = 7").head();
    assertThat(q.getString(q.fieldIndex("raw_text"))).isEqualTo("a,b,c");
    assertThat(q.getString(q.fieldIndex("source_file"))).endsWith("dt=2024-07-31/part-00000.csv");

    Map<Long, Row> rows = new TreeMap<>();
    for (Row r : wh.read(Tables.REGISTRY_SNAPSHOT).collectAsList()) {
      rows.put(r.getLong(r.fieldIndex("source_line")), r);
    }
    assertThat(rows.keySet()).containsExactly(2L, 3L, 4L, 5L, 12L, 14L, 16L);
    Row first = rows.get(2L);
    assertThat(first.<Boolean>getAs("is_ai_related")).isTrue();
    assertThat(first.<Boolean>getAs("uscc_valid")).isTrue();
    assertThat(first.getAs("approval_date").toString()).isEqualTo("2020-01-01");
    assertThat(first.<String>getAs("legal_representative_hash")).hasSize(64).doesNotContain("张三");
    assertThat(rows.get(3L).getAs("status_date").toString()).isEqualTo("2020-06-30");
    assertThat(rows.get(3L).getAs("established_date").toString()).isEqualTo("2010-05-06");
    Row revoked = rows.get(4L);
    assertThat(revoked.<String>getAs("status_raw")).isEqualTo("吊销,未注销");
    assertThat(revoked.getAs("status_date").toString()).isEqualTo("2019-03-04");
    assertThat(revoked.<String>getAs("registered_capital_currency")).isEqualTo("USD");
    assertThat(revoked.<Boolean>getAs("is_ai_related")).isFalse();
    Row fullWidth = rows.get(5L);
    assertThat(fullWidth.<String>getAs("uscc")).isEqualTo("92110108L00228139B");
    assertThat(fullWidth.<Boolean>getAs("uscc_valid")).isFalse();
    assertThat(fullWidth.<String>getAs("name")).isEqualTo("丁 公司");
    assertThat(fullWidth.getAs("registered_capital_amount").toString()).isEqualTo("100.0000");
    assertThat(rows.get(12L).<String>getAs("business_scope")).isEqualTo("第一行 第二行");
    assertThat(rows.get(12L).<String>getAs("registered_capital_currency")).isEqualTo("HKD");
    assertThat(rows.get(12L).<Object>getAs("registered_capital_amount")).isNull();
    assertThat(rows.get(14L).<String>getAs("business_scope")).hasSize(10000);
    assertThat(rows.get(14L).<String>getAs("name")).isEqualTo("壬\u0000公司");
    assertThat(rows.get(16L).<Object>getAs("registered_capital_raw")).isNull();

    Row run = wh.read(Tables.JOB_RUN).head();
    assertThat(run.<String>getAs("status")).isEqualTo("succeeded");
    assertThat(run.<Long>getAs("rows_read")).isEqualTo(14L);
    assertThat(run.<Long>getAs("rows_written")).isEqualTo(7L);
    assertThat(run.<Long>getAs("rows_quarantined")).isEqualTo(7L);
    assertThat(run.getList(run.fieldIndex("input_files"))).hasSize(1);
    assertThat(run.getJavaMap(run.fieldIndex("versions_written"))).containsKeys(Tables.REGISTRY_SNAPSHOT, Tables.QUARANTINE);
  }

  @Test
  void reingestReplacesThePartitionAndLeavesOtherSnapshotsAlone(@TempDir Path dir) throws IOException {
    Path july = write(dir.resolve("in/dt=2024-07-31"), "part-00000.csv.gz", gzip(csv(LINES, StandardCharsets.UTF_8)));
    Path june = write(dir.resolve("in/dt=2024-06-30"), "part-00000.csv", csv(LINES.subList(0, 4), StandardCharsets.UTF_8));
    assertThat(ingest(dir, "--snapshot-date", "2024-06-30", june.toString()).exitCode()).isZero();
    assertThat(ingest(dir, "--snapshot-date", "2024-07-31", july.toString()).exitCode()).isZero();
    Warehouse wh = warehouse(dir);
    long version = wh.version(Tables.REGISTRY_SNAPSHOT);
    // The same files again would be skipped (IngestBadInputTest covers that): --force re-ingests.
    Cli again = ingest(dir, "--snapshot-date", "2024-07-31", "--force", july.toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(wh.version(Tables.REGISTRY_SNAPSHOT)).isEqualTo(version + 1);
    assertThat(wh.read(Tables.REGISTRY_SNAPSHOT).filter("snapshot_date = DATE'2024-07-31'").count()).isEqualTo(7);
    assertThat(wh.read(Tables.REGISTRY_SNAPSHOT).filter("snapshot_date = DATE'2024-06-30'").count()).isEqualTo(3);
    assertThat(wh.read(Tables.QUARANTINE).filter("snapshot_date = DATE'2024-07-31'").count()).isEqualTo(7);
    assertThat(wh.read(Tables.JOB_RUN).filter("status = 'succeeded'").count()).isEqualTo(3);
  }

  @Test
  void gb18030GzipWithEncodingOverrideReadsTheSameRows(@TempDir Path dir) throws IOException {
    Path file = write(dir.resolve("in"), "part-00000.csv.gz", gzip(csv(LINES, Charset.forName("GB18030"))));
    Cli cli = ingest(dir, "--snapshot-date", "2024-07-31", "--encoding", "GB18030", file.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("read 14 = accepted 7 + quarantined 7");
    assertThat(warehouse(dir).read(Tables.REGISTRY_SNAPSHOT).filter("source_line = 4").head().<String>getAs("name")).isEqualTo("丙公司");
  }

  @Test
  void badFilesExitTwoAndWriteNothing(@TempDir Path dir) throws IOException {
    Path good = write(dir.resolve("good"), "part-00000.csv", csv(LINES, StandardCharsets.UTF_8));
    assertThat(ingest(dir, "--snapshot-date", "2024-07-31", good.toString()).exitCode()).isZero();
    Warehouse wh = warehouse(dir);
    long snapshotVersion = wh.version(Tables.REGISTRY_SNAPSHOT);
    long quarantineVersion = wh.version(Tables.QUARANTINE);

    byte[] gz = gzip(csv(LINES, StandardCharsets.UTF_8));
    Path truncated = write(dir.resolve("trunc"), "part-00000.csv.gz", Arrays.copyOf(gz, gz.length / 2));
    Cli cli = ingest(dir, "--snapshot-date", "2024-07-31", good.toString(), truncated.toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.lastErrLine()).startsWith("regsurv ingest: error: Cannot ingest snapshot 2024-07-31: file part-00000.csv.gz is truncated or corrupt");

    // GB18030 bytes of Chinese text are not valid UTF-8: found in the data, after a header that decodes.
    List<String> asciiHeader = new java.util.ArrayList<>(LINES);
    Path gbk = write(dir.resolve("gbk"), "part-00000.csv", csv(LINES, Charset.forName("GB18030")));
    cli = ingest(dir, "--snapshot-date", "2024-07-31", gbk.toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.lastErrLine()).contains("file part-00000.csv is not valid UTF-8").contains("--encoding");

    Path missing = write(dir.resolve("missing"), "part-00000.csv", csv(List.of("统一社会信用代码,企业名称,登记状态", "92110108L00228139A,甲,存续"), StandardCharsets.UTF_8));
    cli = ingest(dir, "--snapshot-date", "2024-07-31", missing.toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.lastErrLine()).contains("file part-00000.csv lacks required column(s) 成立日期");

    cli = ingest(dir, "--snapshot-date", "2024-07-31", dir.resolve("nowhere").toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.lastErrLine()).contains("does not exist");

    cli = ingest(dir, "--snapshot-date", "2999-01-01", good.toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.lastErrLine()).contains("the snapshot date is in the future");

    assertThat(wh.version(Tables.REGISTRY_SNAPSHOT)).isEqualTo(snapshotVersion);
    assertThat(wh.version(Tables.QUARANTINE)).isEqualTo(quarantineVersion);
    assertThat(wh.read(Tables.REGISTRY_SNAPSHOT).count()).isEqualTo(7);
    assertThat(wh.read(Tables.JOB_RUN).filter("status = 'failed'").count()).isEqualTo(5);
    assertThat(asciiHeader).isNotEmpty();
  }

  /** Several snapshots in one pass are all or nothing: one bad file fails them all, and nothing is written. */
  @Test
  void oneBadFileInABackfillFailsEverySnapshotAndWritesNothing(@TempDir Path dir) throws IOException {
    write(dir.resolve("in/dt=2024-06-30"), "part-00000.csv", csv(LINES, StandardCharsets.UTF_8));
    byte[] gz = gzip(csv(LINES, StandardCharsets.UTF_8));
    write(dir.resolve("in/dt=2024-07-31"), "part-00000.csv.gz", Arrays.copyOf(gz, gz.length / 2));
    Cli cli = ingest(dir, dir.resolve("in").toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.lastErrLine()).startsWith("regsurv ingest: error: Cannot ingest snapshot 2024-07-31: file part-00000.csv.gz is truncated or corrupt");
    Warehouse wh = warehouse(dir);
    for (String table : java.util.List.of(Tables.REGISTRY_SNAPSHOT, Tables.QUARANTINE)) {
      assertThat(wh.exists(table) ? io.delta.tables.DeltaTable.forPath(spark, wh.location(table)).history().filter("operation IN ('WRITE', 'CREATE TABLE AS SELECT')").count() : 0)
          .as(table).isZero();
    }
    assertThat(wh.read(Tables.JOB_RUN).filter("status = 'failed'").select("snapshot_date").orderBy("snapshot_date").collectAsList())
        .extracting(r -> r.get(0).toString()).containsExactly("2024-06-30", "2024-07-31");
  }

  @Test
  void jsonLinesUseEnglishKeysAndQuarantineMalformedLines(@TempDir Path dir) throws IOException {
    List<String> lines =
        List.of(
            "{\"uscc\":\"92110108L00228139A\",\"name\":\"甲公司\",\"status\":\"注销\",\"established_date\":\"2015-03-02\",\"approved_date\":null,"
                + "\"cancelled_date\":\"2021-01-05\",\"revoked_date\":null,\"registered_capital\":\"5,000(万元人民币)\",\"entity_type\":\"有限责任公司\","
                + "\"province\":\"北京\",\"city\":\"海淀\",\"business_scope\":\"人工智能软件\",\"legal_representative\":\"张三\"}",
            "{\"uscc\":\"91110108L15418672N\",\"name\":",
            "",
            "[1,2]",
            "{\"uscc\":\"91110108L15418672N\",\"name\":\"乙公司\",\"status\":\"存续\",\"established_date\":\"2014年2月3日\"}");
    Path file = write(dir.resolve("in"), "part-00000.jsonl.gz", gzip(csv(lines, StandardCharsets.UTF_8)));
    Cli cli = ingest(dir, "--snapshot-date", "2024-07-31", "--dialect", "generator-jsonl", dir.resolve("in").toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("read 4 = accepted 2 + quarantined 2").contains("malformed_json");
    Warehouse wh = warehouse(dir);
    assertThat(quarantineReasons(wh, "2024-07-31")).containsExactlyEntriesOf(new TreeMap<>(Map.of(2L, "malformed_json", 4L, "malformed_json")));
    Row first = wh.read(Tables.REGISTRY_SNAPSHOT).filter("source_line = 1").head();
    assertThat(first.getAs("status_date").toString()).isEqualTo("2021-01-05");
    assertThat(first.getAs("registered_capital_amount").toString()).isEqualTo("5000.0000");
    assertThat(first.<Boolean>getAs("is_ai_related")).isTrue();
    assertThat(wh.read(Tables.REGISTRY_SNAPSHOT).filter("source_line = 5").head().getAs("established_date").toString()).isEqualTo("2014-02-03");
  }

  /**
   * The generator logs each dirty line it writes; ingest must quarantine exactly the kinds that
   * lose the firm's information (shifted columns included: a firm name in the code column is no
   * code) and accept the rest (flagged check digits, unknown statuses, full-width text).
   */
  @Test
  void generatorDirtIsQuarantinedExactlyWhereTheGeneratorPutIt(@TempDir Path dir) throws IOException {
    Path data = dir.resolve("registry");
    Cli gen = Cli.run("generate", "--out", data.toString(), "--firms", "1500", "--snapshots", "2024-06-30", "--dirt-rate", "0.3");
    assertThat(gen.exitCode()).as(gen.err()).isZero();
    List<String> file = Files.readAllLines(data.resolve("dt=2024-06-30/part-00000.csv"));
    Map<Long, String> quarantinedKinds = new TreeMap<>();
    Map<String, Integer> kinds = new TreeMap<>();
    List<String> dirt = Files.readAllLines(data.resolve("truth/dirt.csv"));
    for (String line : dirt.subList(1, dirt.size())) {
      String[] f = line.split(",");
      long n = Long.parseLong(f[2]);
      // A stray quote inside an unquoted field leaves all 13 fields readable: kept, quote and all.
      String kind = f[3].equals("MALFORMED") && file.get((int) n - 1).split(",", -1).length == 13 ? "STRAY_QUOTE" : f[3];
      kinds.merge(kind, 1, Integer::sum);
      if (List.of("MALFORMED", "SHIFTED_COLUMNS", "IMPOSSIBLE_DATE", "DUPLICATE").contains(kind)) {
        quarantinedKinds.put(n, kind);
      }
    }
    assertThat(kinds).containsKeys("SHIFTED_COLUMNS", "MALFORMED", "STRAY_QUOTE", "IMPOSSIBLE_DATE", "DUPLICATE", "INVALID_CHECK_DIGIT", "FULL_WIDTH");

    Cli cli = ingest(dir, "--snapshot-date", "2024-06-30", data.resolve("dt=2024-06-30").toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    Map<Long, String> reasons = quarantineReasons(warehouse(dir), "2024-06-30");
    assertThat(reasons.keySet()).isEqualTo(quarantinedKinds.keySet());
    Map<Long, String> rawText = new TreeMap<>();
    for (Row r : warehouse(dir).read(Tables.QUARANTINE).collectAsList()) {
      rawText.put(r.getLong(r.fieldIndex("source_line")), r.getString(r.fieldIndex("raw_text")));
    }
    quarantinedKinds.forEach((line, kind) -> {
      if (kind.equals("SHIFTED_COLUMNS")) {
        assertThat(reasons.get(line)).as("line %d", line).contains("bad_uscc");
        // Shifted left, the person stands in the business-scope column: redacted all the same.
        String[] fields = file.get((int) (long) line - 1).split(",", -1);
        String person = fields[fields.length - 2];
        assertThat(rawText.get(line)).as("line %d", line).doesNotContain(person).contains(io.regsurv.ingest.Normalise.REDACTED);
      }
    });
    assertThat(warehouse(dir).read(Tables.REGISTRY_SNAPSHOT).filter("NOT uscc RLIKE '^[0-9A-Z]{18}$'").count()).isZero();
  }

  /**
   * One snapshot's bronze files keep the duplicate window's order: each cached partition is a run
   * sorted by code, and a file concatenates some, which classify's sort of every sighting then
   * finds as runs (its whole-scale cost). A writer that sorts the rows by the date (a constant) kept
   * that order only while its sort fitted in memory: spilled, its merge interleaved the runs. The
   * spill is forced here (Spark's test-only threshold, read by each sorter as it starts).
   */
  @Test
  void aSnapshotsFilesKeepTheCodeOrderOfTheDuplicateWindowEvenWhenASortWouldSpill(@TempDir Path dir) {
    Path data = dir.resolve("registry");
    Cli gen = Cli.run("generate", "--out", data.toString(), "--firms", "3000", "--snapshots", "2024-06-30");
    assertThat(gen.exitCode()).as(gen.err()).isZero();
    org.apache.spark.SparkConf conf = org.apache.spark.SparkEnv.get().conf();
    String forceSpill = "spark.shuffle.spill.numElementsForceSpillThreshold";
    scala.Option<String> before = conf.getOption(forceSpill);
    conf.set(forceSpill, "100");
    Cli cli;
    try {
      cli = ingest(dir, "--snapshot-date", "2024-06-30", data.resolve("dt=2024-06-30").toString());
    } finally {
      if (before.isDefined()) {
        conf.set(forceSpill, before.get());
      } else {
        conf.remove(forceSpill);
      }
    }
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    Warehouse wh = warehouse(dir);
    List<String> files = Arrays.asList(wh.read(Tables.REGISTRY_SNAPSHOT).inputFiles());
    assertThat(files).isNotEmpty();
    int runsPerFile = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
    long rows = 0;
    for (String file : files) {
      // A file this small is one task's read, in the file's order.
      List<String> codes = spark.read().parquet(file).select("uscc").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
      long descents = 0;
      for (int i = 1; i < codes.size(); i++) {
        descents += codes.get(i).compareTo(codes.get(i - 1)) < 0 ? 1 : 0;
      }
      assertThat(descents).as("%s: %d codes in at most %d sorted runs", file, codes.size(), runsPerFile).isLessThan(runsPerFile);
      rows += codes.size();
    }
    assertThat(rows).isGreaterThan(2_000);
  }

  @Test
  void withNoSaltConfiguredEachWarehouseHashesNamesWithItsOwnSaltAndKeepsIt(@TempDir Path dir) throws IOException {
    List<String> lines = List.of(HEADER, LINES.get(1));
    write(dir.resolve("in/dt=2024-07-31"), "part-00000.csv", csv(lines, StandardCharsets.UTF_8));
    write(dir.resolve("in/dt=2024-08-31"), "part-00000.csv", csv(lines, StandardCharsets.UTF_8));
    String input = dir.resolve("in").toString();
    for (String wh : List.of("a", "b")) {
      assertThat(Cli.run("ingest", "--warehouse", dir.resolve(wh).toString(), "--snapshot-date", "2024-07-31", input + "/dt=2024-07-31").exitCode()).isZero();
    }
    assertThat(Cli.run("ingest", "--warehouse", dir.resolve("a").toString(), "--snapshot-date", "2024-08-31", input + "/dt=2024-08-31").exitCode()).isZero();
    java.util.function.BiFunction<String, String, String> hash = (wh, date) -> new Warehouse(spark, dir.resolve(wh).toString())
        .read(Tables.REGISTRY_SNAPSHOT).filter("snapshot_date = DATE'" + date + "'").head().getAs("legal_representative_hash");
    assertThat(hash.apply("a", "2024-07-31")).isNotEqualTo(hash.apply("b", "2024-07-31")); // a salt per warehouse
    assertThat(hash.apply("a", "2024-08-31")).isEqualTo(hash.apply("a", "2024-07-31")); // kept from then on
    String salt = Files.readString(dir.resolve("a/_regsurv/salt")).strip();
    assertThat(salt).matches("[0-9a-f]{64}");
    // Never in ops.job_run.
    assertThat(new Warehouse(spark, dir.resolve("a").toString()).read(Tables.JOB_RUN).toJSON().collectAsList()).noneMatch(r -> r.contains(salt));
    // An explicitly configured salt wins.
    Cli explicit = Cli.run("ingest", "--warehouse", dir.resolve("a").toString(), "--set", "privacy.salt=my-own-salt", "--force",
        "--snapshot-date", "2024-07-31", input + "/dt=2024-07-31");
    assertThat(explicit.exitCode()).as(explicit.err()).isZero();
    assertThat(hash.apply("a", "2024-07-31")).isNotEqualTo(hash.apply("a", "2024-08-31"));
  }
}
