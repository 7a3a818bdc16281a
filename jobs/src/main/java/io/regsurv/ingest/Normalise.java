package io.regsurv.ingest;

import io.regsurv.core.Text;
import io.regsurv.core.Uscc;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.when;

import io.regsurv.config.Dialect;
import io.regsurv.io.SnapshotReader;
import java.time.LocalDate;
import java.util.regex.Pattern;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Snapshot rows as {@link #shaper} leaves them in the reading task (canonical fields as cleaned
 * text: half-width, trimmed, whitespace folded; the raw line without the legal representative)
 * to the typed columns of bronze.registry_snapshot: null tokens to NULL, USCC upper-cased and
 * checked, dates parsed, capital split into amount and currency, the legal representative
 * replaced by a salted hash, the AI flag.
 */
public final class Normalise {
  private Normalise() {}

  /** What the normalisation needs besides the rows: all of it small and known on the driver. */
  public record Context(Dialect dialect, LocalDate snapshotDate, String salt, List<String> aiKeywords, String runId) {}

  /** Adds the canonical columns; keeps source_file, source_line, raw_text and parse_error. */
  public static Dataset<Row> registryColumns(Dataset<Row> raw, Context ctx) {
    return registryColumns(raw, ctx, lit(java.sql.Date.valueOf(ctx.snapshotDate())), lit(ctx.runId()));
  }

  /**
   * As {@link #registryColumns(Dataset, Context)} for rows of several snapshots at once: each row's
   * snapshot date and ingest run are given as columns (e.g. looked up by source_file), and the
   * context's own date and run id are not used.
   */
  public static Dataset<Row> registryColumns(Dataset<Row> raw, Context ctx, Column snapshotDate, Column runId) {
    Dialect d = ctx.dialect();
    List<Column> out = new ArrayList<>();
    out.add(snapshotDate.alias("snapshot_date"));
    Column uscc = field("uscc"); // the identifier key already (the shaper's)
    out.add(uscc.alias("uscc"));
    out.add(Uscc.isValid(uscc).alias("uscc_valid"));
    Column name = text("name", d);
    out.add(name.alias("name"));
    out.add(text("status_raw", d).alias("status_raw"));
    for (String dateColumn : Dialect.DATE_COLUMNS) {
      out.add(date(dateColumn, d).alias(dateColumn));
    }
    Column[] statusDates = new Column[d.statusDateFrom().size() + 1];
    for (int i = 0; i < d.statusDateFrom().size(); i++) {
      statusDates[i] = date(d.statusDateFrom().get(i), d);
    }
    statusDates[statusDates.length - 1] = lit(null).cast("date");
    out.add(coalesce(statusDates).alias("status_date"));
    for (String plain : List.of("province", "city", "entity_type")) {
      out.add(text(plain, d).alias(plain));
    }
    Column capital = text("registered_capital_raw", d);
    out.add(capital.alias("registered_capital_raw"));
    out.add(Capital.amount(capital).alias("registered_capital_amount"));
    out.add(Capital.currency(capital).alias("registered_capital_currency"));
    Column scope = text("business_scope", d);
    out.add(scope.alias("business_scope"));
    Column rep = text("legal_representative", d);
    out.add(when(rep.isNotNull(), sha2(concat(lit(ctx.salt()), rep), 256)).alias("legal_representative_hash"));
    out.add(aiRelated(name, scope, ctx.aiKeywords()).alias("is_ai_related"));
    out.add(col("source_file"));
    out.add(col("source_line"));
    out.add(col("raw_text"));
    out.add(col("parse_error"));
    out.add(runId.alias("ingest_run_id"));
    return raw.select(out.toArray(Column[]::new));
  }

  /** True when name or scope contains a keyword; never NULL (a firm without either is not AI-related). */
  public static Column aiRelated(Column name, Column scope, List<String> keywords) {
    Column any = lit(false);
    for (String k : keywords) {
      String key = Text.key(k);
      any = any.or(coalesce(name.contains(key), lit(false))).or(coalesce(scope.contains(key), lit(false)));
    }
    return any;
  }

  /** NULL for the dialect's null tokens (N/A, -, 无 …); the value is already cleaned. */
  public static Column nullIfToken(Column cleaned, Dialect d) {
    return when(cleaned.isin(d.nullTokens().toArray()), lit(null).cast("string")).otherwise(cleaned);
  }

  /** A date column, which the shaper left as its {@link Dates#dateText}. */
  private static Column date(String canonical, Dialect d) {
    return Dates.parse(text(canonical, d), d.dateFormats());
  }

  /** A field (as the shaper left it), NULL for a null token. */
  private static Column text(String canonical, Dialect d) {
    return nullIfToken(field(canonical), d);
  }

  /** What stands in raw_text where a personal name was. */
  public static final String REDACTED = "‹legal_representative›";

  /**
   * A field that looks like a Chinese personal name: 2–4 Han characters (or a transliterated
   * minority name with a middle dot) standing alone between delimiters or quotes.
   */
  static final String NAME_LIKE = "(?<=^|[,\"\t|])(\\p{IsHan}{2,4}|\\p{IsHan}{1,8}[·•]\\p{IsHan}{1,12})(?=[,\"\t|]|$)";

  /**
   * The reading task's work on each record ({@code io.SnapshotReader.RecordShaper}): the raw text
   * loses the legal representative, then every field is cleaned ({@link Text#clean(String)}), the
   * code becomes its identifier key ({@link Text#identifierKey(String, java.util.Set)}: NULL for
   * a null token) and a date its {@link Dates#dateText}. All of it runs on the parser's Java
   * strings: as Spark expressions (a UDF per field, {@code replace} and {@code regexp_replace} on
   * the line) each value was converted from UTF-8 and back, about a quarter of ingest's first
   * stage; the code's and the dates' UDFs, the last of them, 9 % of it (JFR, 2026-12-07).
   *
   * <p>raw_text is kept for diagnosing quarantined rows, without the legal representative, a
   * natural person: the parsed field's value is replaced wherever it occurs. Where the columns may
   * not be where the header says (the row could not be split, its representative field is blank,
   * or its code column holds no identifier: a shifted row), every name-like field is replaced too
   * (status words such as 存续 go as well: the price of not knowing which field is the person).
   */
  public static SnapshotReader.RecordShaper shaper(Dialect dialect) {
    return new Shaper(new java.util.HashSet<>(dialect.nullTokens()));
  }

  private static final class Shaper implements SnapshotReader.RecordShaper {
    private static final long serialVersionUID = 1L;
    private static final int REP = Dialect.CANONICAL.indexOf("legal_representative");
    private static final int USCC = Dialect.CANONICAL.indexOf("uscc");
    private static final boolean[] IS_DATE = new boolean[Dialect.CANONICAL.size()];
    private static final Pattern NAME = Pattern.compile(NAME_LIKE);

    static {
      Dialect.DATE_COLUMNS.forEach(c -> IS_DATE[Dialect.CANONICAL.indexOf(c)] = true);
    }

    private final java.util.HashSet<String> nullTokens;

    Shaper(java.util.HashSet<String> nullTokens) {
      this.nullTokens = nullTokens;
    }

    @Override
    public String shape(String rawText, String[] fields) {
      String rep = fields == null ? null : fields[REP];
      // Spark's trim, the definition this replaced, strips ASCII spaces only.
      boolean hasRep = rep != null && !rep.chars().allMatch(c -> c == ' ');
      String text = hasRep ? rawText.replace(rep, REDACTED) : rawText;
      if (fields == null || !hasRep || !Uscc.hasIdentifierShape(Text.identifierKey(fields[USCC], java.util.Set.of()))) {
        text = NAME.matcher(text).replaceAll(REDACTED);
      }
      if (fields != null) {
        for (int i = 0; i < fields.length; i++) {
          fields[i] = i == USCC ? Text.identifierKey(fields[i], nullTokens) : IS_DATE[i] ? Dates.dateText(fields[i]) : Text.clean(fields[i]);
        }
      }
      return text;
    }
  }

  private static Column field(String canonical) {
    return col("fields").getItem(Dialect.CANONICAL.indexOf(canonical));
  }
}
