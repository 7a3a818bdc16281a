package io.regsurv.generate;

import io.regsurv.core.Uscc;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The synthetic registry: each firm's life is a pure function of (seed, number of firms, firm index),
 * so snapshots can be written in any order, in parallel, on any machine, holding nothing per firm.
 *
 * <p>The decisions that the calibration figures count (establishment date, AI relatedness, exit time,
 * exit cause) come from low-discrepancy points instead of independent draws: the establishment date
 * is stratified on a permuted rank and the other three use a Kronecker (R3, Roberts 2018) sequence on
 * that rank, shifted by the seed. Counts then land within a few firms of their expectation even on a
 * 1/20-scale run, where plain sampling noise (±1.6% on ~4,000 events) would swamp a 1% tolerance.
 * Cosmetic attributes (names, places, capital, moves) come from a {@link SplittableRandom} per firm.
 */
public final class FirmModel {

  /** Keeps index × multiplier inside a long. */
  public static final long MAX_FIRMS = 1_000_000_000L;

  /** Registrations end here: the last day the published figures describe. */
  public static final int REGISTRY_END = day(2024, 8, 7);

  /** Exits are simulated up to this day; later ones are "no exit". */
  static final int HORIZON = day(2030, 12, 31);

  static final double NON_AI_SHARE = 0.05;

  // Establishment density: piecewise uniform by day, weights = firms in the segment (full scale).
  // A slow rise before 2015, growth to 2022 and the boom after ChatGPT's release (2022-11-30).
  private static final int[] SEG_START = {
    day(1995, 1, 1), day(2010, 1, 1), day(2015, 1, 1), day(2016, 1, 1), day(2017, 1, 1), day(2018, 1, 1),
    day(2019, 1, 1), day(2020, 1, 1), day(2021, 1, 1), day(2022, 1, 1), day(2022, 11, 30), day(2024, 1, 1)
  };
  private static final double[] SEG_WEIGHT = {
    12_000, 30_000, 42_000, 62_000, 92_000, 132_000, 172_000, 228_000, 286_000, 294_000, 620_600, 316_500
  };
  private static final double[] SEG_CUM;

  // Piecewise-constant hazard by age (per year): high in years 1–3, lower afterwards.
  static final double H_YEAR1 = 0.1196;
  static final double H_YEARS2TO3 = 0.0505;
  static final double H_LATER = 0.0123;

  // Cause mix by exit date: since the 2021 simplified-deregistration reform, cancellation dominates.
  private static final double[] CAUSE_SHARE_BEFORE_2021 = {0.45, 0.15, 0.03, 0.16, 0.11, 0.06, 0.04};
  private static final double[] CAUSE_SHARE = {0.692, 0.19, 0.04, 0.043, 0.025, 0.007, 0.003};
  private static final int REFORM_DAY = day(2021, 8, 8);

  // R4 generalised golden ratio: the real root of x^5 = x + 1.
  private static final double PHI4 = 1.1673039782614187;
  private static final double A1 = 1 / PHI4;
  private static final double A2 = A1 / PHI4;
  private static final double A3 = A2 / PHI4;
  private static final double A4 = A3 / PHI4;

  /** Firms ever registered at full scale (the segment weights' sum): about 2.3 M, calibrated to the published figures. */
  public static final long FULL_SCALE_FIRMS;

  static {
    SEG_CUM = new double[SEG_WEIGHT.length + 1];
    for (int i = 0; i < SEG_WEIGHT.length; i++) {
      SEG_CUM[i + 1] = SEG_CUM[i] + SEG_WEIGHT[i];
    }
    FULL_SCALE_FIRMS = Math.round(SEG_CUM[SEG_WEIGHT.length]);
  }

  private final long seed;
  private final long firms;
  private final long multiplier;
  private final long shift;
  private final double o1;
  private final double o2;
  private final double o3;
  private final double o4;

  public FirmModel(long seed, long firms) {
    if (firms < 1 || firms > MAX_FIRMS) {
      throw new IllegalArgumentException("firms must be between 1 and " + MAX_FIRMS + ", got " + firms);
    }
    this.seed = seed;
    this.firms = firms;
    SplittableRandom s = new SplittableRandom(seed);
    this.multiplier = coprimeNear(firms, (long) (firms * 0.6180339887) + 1);
    this.shift = Math.floorMod(s.nextLong(), firms);
    this.o1 = s.nextDouble();
    this.o2 = s.nextDouble();
    this.o3 = s.nextDouble();
    this.o4 = s.nextDouble();
  }

  public long firms() {
    return firms;
  }

  /** Firm {@code index} (0 ≤ index < firms): always the same for the same seed and number of firms. */
  public Firm firm(long index) {
    // A bijection of the indices, so file order is not establishment order.
    long rank = Math.floorMod(index * multiplier + shift, firms);
    SplittableRandom rng = new SplittableRandom(mix(seed, index));
    int established = establishedDay((rank + rng.nextDouble()) / firms);
    boolean ai = frac(rank * A1 + o1) >= NON_AI_SHARE;
    double uExit = frac(rank * A2 + o2);
    double uCause = frac(rank * A3 + o3);
    // Type, capital band and province (the hazard factors) share one low-discrepancy coordinate,
    // split by nested inverse CDFs; drawn independently they would make exit counts binomial again.
    double[] uCov = {frac(rank * A4 + o4)};
    EntityType type = EntityType.pick(uCov);
    Capital capital = Capital.pick(rng, type, uCov);
    Places.Province province = Places.province(uCov[0]);
    Places.City city = province.cities()[rng.nextInt(province.cities().length)];
    String uscc = uscc(rng, type, city);
    String name = Names.firmName(rng, type, city, ai);
    String scope = Names.scope(rng, ai);
    String rep = Names.person(rng);

    double hazard = province.hazard() * type.hazard() * capital.hazard();
    int exitDay = exitDay(established, -Math.log1p(-uExit) / hazard);
    ExitCause cause = exitDay == Firm.NO_EXIT ? null : cause(uCause, exitDay);

    List<Firm.Event> events = new ArrayList<>(6);
    String active = province.activeStatus();
    events.add(new Firm.Event(established, active, Firm.Event.NONE, Firm.Event.NONE, province, city));
    Places.Province place = province;
    Places.City placeCity = city;
    boolean moved = false;
    // About 2% of firms move to another province (迁出 then, a few weeks later, 迁入 there).
    if (rng.nextDouble() < 0.02) {
      int out = established + 180 + rng.nextInt(2000);
      int in = out + 1 + rng.nextInt(60);
      if (in < Math.min(exitDay, HORIZON)) {
        Places.Province to = Places.province(rng.nextDouble());
        if (to != province) {
          Places.City toCity = to.cities()[rng.nextInt(to.cities().length)];
          events.add(new Firm.Event(out, "迁出", Firm.Event.NONE, Firm.Event.NONE, province, city));
          events.add(new Firm.Event(in, "迁入", Firm.Event.NONE, Firm.Event.NONE, to, toCity));
          place = to;
          placeCity = toCity;
          moved = true;
        }
      }
    }
    // Dormancy (歇业) exists since the 2022-03-01 Regulations on Market Entity Registration.
    if (!moved && rng.nextDouble() < 0.015) {
      int start = Math.max(established + 90, day(2022, 3, 1)) + rng.nextInt(900);
      int end = start + 90 + rng.nextInt(1000);
      if (start < Math.min(exitDay, HORIZON)) {
        events.add(new Firm.Event(start, "歇业", Firm.Event.NONE, Firm.Event.NONE, place, placeCity));
        if (end < exitDay) {
          events.add(new Firm.Event(end, active, Firm.Event.NONE, Firm.Event.NONE, place, placeCity));
        }
      }
    }
    boolean reinstated = false;
    if (cause != null) {
      int none = Firm.Event.NONE;
      switch (cause) {
        case CANCELLED -> events.add(new Firm.Event(exitDay, cause.status(), exitDay, none, place, placeCity));
        case REVOKED_CANCELLED -> events.add(new Firm.Event(exitDay, cause.status(), exitDay, exitDay, place, placeCity));
        case REVOKED -> {
          // Real dumps write both 吊销，未注销 and a bare 吊销 for the same state.
          String revoked = rng.nextDouble() < 0.3 ? "吊销" : cause.status();
          events.add(new Firm.Event(exitDay, revoked, none, exitDay, place, placeCity));
          double fate = rng.nextDouble();
          if (fate < 0.03) {
            // A revocation withdrawn on review: the firm is back in business.
            events.add(new Firm.Event(exitDay + 60 + rng.nextInt(340), active, none, none, place, placeCity));
            reinstated = true;
          } else if (fate < 0.33) {
            int c = exitDay + 90 + rng.nextInt(800);
            events.add(new Firm.Event(c, "吊销，已注销", c, exitDay, place, placeCity));
          }
        }
        case LIQUIDATING -> {
          events.add(new Firm.Event(exitDay, cause.status(), none, none, place, placeCity));
          if (rng.nextDouble() < 0.8) {
            int c = exitDay + 60 + rng.nextInt(340);
            events.add(new Firm.Event(c, "注销", c, none, place, placeCity));
          }
        }
        default -> events.add(new Firm.Event(exitDay, cause.status(), none, none, place, placeCity));
      }
    }
    events.sort((a, b) -> Integer.compare(a.day(), b.day()));
    boolean datesMissing = rng.nextDouble() < 0.05;
    return new Firm(index, uscc, name, type.label(), capital.text(), scope, rep, ai, established, datesMissing,
        List.copyOf(events), exitDay, cause, reinstated, moved);
  }

  static int establishedDay(double u) {
    double x = u * SEG_CUM[SEG_CUM.length - 1];
    int s = 0;
    while (s < SEG_WEIGHT.length - 1 && x >= SEG_CUM[s + 1]) {
      s++;
    }
    int start = SEG_START[s];
    int end = s + 1 < SEG_START.length ? SEG_START[s + 1] : REGISTRY_END + 1;
    double within = (x - SEG_CUM[s]) / SEG_WEIGHT[s];
    return Math.min(end - 1, start + (int) Math.floor(within * (end - start)));
  }

  /** Inverts the piecewise cumulative hazard: the age (days) at which it reaches {@code target}. */
  static int exitDay(int established, double target) {
    double years;
    if (target <= H_YEAR1) {
      years = target / H_YEAR1;
    } else if (target <= H_YEAR1 + 2 * H_YEARS2TO3) {
      years = 1 + (target - H_YEAR1) / H_YEARS2TO3;
    } else {
      years = 3 + (target - H_YEAR1 - 2 * H_YEARS2TO3) / H_LATER;
    }
    double day = established + 1 + years * 365.25;
    return day >= HORIZON ? Firm.NO_EXIT : (int) day;
  }

  static ExitCause cause(double u, int exitDay) {
    double[] share = exitDay < REFORM_DAY ? CAUSE_SHARE_BEFORE_2021 : CAUSE_SHARE;
    double x = u;
    ExitCause[] all = ExitCause.values();
    for (int i = 0; i < all.length; i++) {
      x -= share[i];
      if (x < 0) {
        return all[i];
      }
    }
    return ExitCause.CANCELLED;
  }

  /** GB 32100-2015: registering authority, entity kind, 6-digit region, 9-character organisation code, check. */
  static String uscc(SplittableRandom rng, EntityType type, Places.City city) {
    StringBuilder b = new StringBuilder(18);
    int district = 2 + rng.nextInt(20);
    b.append('9').append(type.usccKind()).append(city.code()).append((char) ('0' + district / 10)).append((char) ('0' + district % 10));
    // The organisation code (GB 11714) carries its own check character; real codes satisfy it too.
    String charset = Uscc.CHARSET;
    int sum = 0;
    int[] w = {3, 7, 9, 10, 5, 8, 4, 2};
    for (int i = 0; i < 8; i++) {
      char ch = charset.charAt(rng.nextInt(5) == 0 ? 10 + rng.nextInt(21) : rng.nextInt(10));
      int v = Character.isDigit(ch) ? ch - '0' : ch - 'A' + 10;
      sum += v * w[i];
      b.append(ch);
    }
    int c = 11 - sum % 11;
    b.append(c == 10 ? 'X' : c == 11 ? '0' : (char) ('0' + c));
    b.append(Uscc.checkCharacter(b.toString()));
    return b.toString();
  }

  public static int day(int y, int m, int d) {
    return (int) LocalDate.of(y, m, d).toEpochDay();
  }

  private static double frac(double x) {
    return x - Math.floor(x);
  }

  private static long coprimeNear(long n, long start) {
    long a = Math.max(1, start);
    while (gcd(a, n) != 1) {
      a++;
    }
    return a;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** SplitMix64-style mixing so neighbouring indices get unrelated streams. */
  static long mix(long seed, long index) {
    long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
