package io.regsurv.config;

import io.regsurv.core.CanonicalStatus;
import io.regsurv.core.Json;
import io.regsurv.core.KpiKind;
import java.time.LocalDate;
import java.util.List;

/** Published headline figures ({@code schemas/published-figures.json}) and how each is defined. */
public record PublishedFigures(String source, List<Figure> figures) {

  public PublishedFigures {
    figures = List.copyOf(figures);
  }

  /**
   * One figure: {@code kind} is existing (status ACTIVE on {@code on}), registered (established
   * in [from, to]), abnormal / abnormal_share (of those, cancelled, revoked or suspended on
   * {@code on}), or exits (first exit in [from, to], optionally of the given canonical causes).
   */
  public record Figure(
      String kpi,
      String label,
      KpiKind kind,
      LocalDate on,
      LocalDate from,
      LocalDate to,
      List<CanonicalStatus> causes,
      double published,
      Boolean publishedIsLowerBound) {

    public Figure {
      causes = causes == null ? List.of() : List.copyOf(causes);
      publishedIsLowerBound = Boolean.TRUE.equals(publishedIsLowerBound);
      if (kind == null) {
        throw new IllegalArgumentException(kpi + " needs 'kind' (one of " + String.join(", ", KpiKind.ids()) + ")");
      }
      if (kind.needsStatusOn() && on == null) {
        throw new IllegalArgumentException(kpi + " needs 'on'");
      }
      if (kind != KpiKind.EXISTING && (from == null || to == null)) {
        throw new IllegalArgumentException(kpi + " needs 'from' and 'to'");
      }
    }
  }

  /** The bundled figures. */
  public static PublishedFigures load() {
    String resource = "schemas/published-figures.json";
    return Json.bind(Json.readResource(resource), PublishedFigures.class, resource);
  }
}
